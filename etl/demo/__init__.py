"""Demo data for RBL Monitor: a folder of source files as the bureau receives them.

`python -m etl.demo OUT_DIR [--seed N] [--scale F]` writes every source of `etl/sources.py` for the
school years 2015-2016 to 2025-2026 (the running one up to the day it is exported, 2025-11-15), grounded in
the real reference data (municipalities, schools, CBS population), with the messy variants real exports
have, a few deliberately bad rows, and `demo_manifest.json` describing all of it. Same seed and scale give
byte-identical files. See docs/demo.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from . import dates as D
from .absence import build_actions, build_cases, build_reports, close_for_deaths
from .careers import build_careers, cut_spells, split_for_absence
from .exemptions import build_exemptions
from .files_base import (
    Ctx,
    write_begroting,
    write_bevolking,
    write_contactpersonen,
    write_gemeenten,
    write_inschrijvingen,
    write_landelijke_referenties,
    write_medewerkers,
    write_personen,
    write_scholen,
)
from .files_duo import write_duo
from .files_events import (
    write_acties,
    write_trajecten,
    write_verzuimmeldingen,
    write_vrijstellingen,
    write_zaken,
)
from .output import Folder
from .people import BELGIAN_SHARE, make_people
from .reference import load_population, load_schools, reference_dir
from .staff import StaffPicker, build_assignments, build_budget, build_contacts
from .vsv import build_trajectories, count_years

DEFAULT_SEED = 2026
DEFAULT_SCALE = 1.0
MIN_SCALE = 0.01
ABSENCE_GAP_RATE = 0.0035  # chance per pupil-year (12-17) of a spell out of school (absoluut verzuim)


def generate(out_dir: Path, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE) -> Path:
    """Write the demo folder; returns the manifest path."""
    if scale < MIN_SCALE:  # below this some files have no rows to base the deliberately bad rows on
        raise ValueError(f"scale must be at least {MIN_SCALE}")
    ref = reference_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    _, schools, munis = load_schools(ref)
    pop = load_population(ref, munis, scale)
    people = make_people(rng, munis, pop)
    careers = build_careers(rng, people, schools, munis)
    exemptions, cut = build_exemptions(rng, people, careers.spells)
    spells, gaps = split_for_absence(rng, cut_spells(careers.spells, cut), people.birth, schools,
                                     ABSENCE_GAP_RATE)
    assignments = build_assignments(rng, munis, pop.youth_share)
    staff = StaffPicker(rng, assignments)
    # municipalities differ; where many pupils go to school in Belgium, the others make up for it
    muni_factor = np.clip(rng.lognormal(0.0, 0.15, munis.n), 0.88, 1.3)
    muni_factor /= 1 - np.array([BELGIAN_SHARE.get(c, 0.0) for c in munis.codes[:munis.n]])
    reports = build_reports(rng, spells, people, schools, staff, muni_factor)
    exempt = np.zeros(len(people), dtype=bool)
    exempt[exemptions.pid] = True
    close_for_deaths(rng, reports, people, exempt)
    spells = cut_spells(spells, people.died)
    cases = build_cases(rng, reports, gaps, careers.leavers_pid, careers.leavers_date, exemptions, spells,
                        people, staff)
    actions = build_actions(rng, reports, cases, people)
    years = count_years(spells, careers.sk, people, schools)
    trajectories = build_trajectories(rng, years, spells, reports, people, staff)
    departed = np.full(len(people), D.NONE, dtype=np.int64)
    moved = (trajectories.result == "verhuisd") & (trajectories.end != D.NONE)
    departed[trajectories.pid[moved]] = trajectories.end[moved]

    ctx = Ctx(folder=Folder(out_dir, seed, scale), rng=rng, munis=munis, schools=schools, pop=pop,
              people=people, spells=spells, sk=careers.sk, departed=departed, reports=reports, cases=cases,
              actions=actions, exemptions=exemptions, trajectories=trajectories, count_years=years,
              assignments=assignments, contacts=build_contacts(rng, assignments, schools, munis.n),
              budget=build_budget(rng), spare=[int(b) for b in people.spare_bsn])
    for write in (write_gemeenten, write_bevolking, write_scholen, write_personen, write_inschrijvingen,
                  write_verzuimmeldingen, write_zaken, write_acties, write_vrijstellingen, write_trajecten,
                  write_medewerkers, write_contactpersonen, write_begroting, write_landelijke_referenties):
        write(ctx)
    write_duo(ctx, ref)
    return ctx.folder.write_manifest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the source files to (created if needed)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                        help="multiplies the population and everything person-level (default 1.0)")
    args = parser.parse_args(argv)
    if args.scale < MIN_SCALE:
        parser.error(f"--scale must be at least {MIN_SCALE} (got {args.scale})")
    started = time.perf_counter()
    manifest = generate(args.out_dir, args.seed, args.scale)
    print(f"demo data written to {args.out_dir} in {time.perf_counter() - started:.1f} s ({manifest.name})",
          file=sys.stderr)
    return 0
