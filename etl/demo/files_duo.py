"""DUO's VSV files (NRSP start population, NenR new early leavers) in DUO's own layout, and one
count year in the plain `startpopulatie` / `vsv` form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import dates as D
from .careers import VO_LEVELS, K
from .files_base import Ctx, bsn_text, muni_text, record_muni, sex_text
from .text import numbered
from .vsv import CountYear

PLAIN_YEARS = (2015,)  # count year 2015-2016 in the plain form
BOTH_YEARS = (2023,)  # count year 2023-2024: a provisional and a definitive list
PROVISIONAL_ONLY = (2024,)  # the last count year: provisional only


def duo_columns(ref: Path) -> dict[str, list[str]]:
    layouts = pd.read_csv(ref / "duo_vsv_bestandsformaten_kolommen.csv", dtype=str)
    out = {}
    for kind, example in (("NRSP", "NRSP2023DI27GZ.csv"), ("NenR", "NenR2023DI27GZ.csv")):
        rows = layouts[layouts["voorbeeld_bestandsnaam"] == example]
        out[kind] = list(rows.sort_values("kolom_positie", key=lambda s: s.astype(int))["kolomnaam"])
    return out


def _education(ctx: Ctx, spell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DUO's ONDERWIJSSOORT (VO, VAVO, BOL, BBL) and NIVEAU (VMBO-B .. VWO, PRO, VSO, or MBO 1-4)."""
    sp = ctx.spells
    kind, level = sp.kind[spell], sp.level[spell]
    vo_level = np.asarray([v.upper() for v in VO_LEVELS], dtype=object)[np.clip(level, 0, 4)]
    niveau = np.select([kind == K["MBO"], kind == K["PRO"], kind == K["VSO"], kind == K["VAVO"]],
                       [level.astype(str), "PRO", "VSO", "VAVO"], vo_level).astype(object)
    soort = np.select([kind == K["MBO"], kind == K["VAVO"]],
                      [np.where(sp.bbl[spell], "BBL", "BOL"), "VAVO"], "VO").astype(object)
    return soort, niveau


def _duo_frame(ctx: Ctx, cy: CountYear, rows: np.ndarray, columns: list[str], zero_bsn: str) -> dict:
    pid, spell = cy.pid[rows], cy.spell[rows]
    school = ctx.spells.school[spell]
    s, pe = ctx.schools, ctx.people
    d0 = np.full(pid.size, D.day(cy.t0, 10, 1))
    gem = record_muni(ctx, pid, d0)
    soort, niveau = _education(ctx, spell)
    mbo = ctx.spells.kind[spell] == K["MBO"]
    n = pid.size
    blank = np.full(n, "", dtype=object)
    values = {
        "BURGERSERVICENUMMER": np.where(pe.has_bsn[pid], bsn_text(ctx, pid), zero_bsn).astype(object),
        "ONDERWIJSNUMMER": np.where(pe.has_bsn[pid], "", numbered("", pe.onderwijsnummer[pid], 9)
                                    ).astype(object),
        "GEBOORTEDATUM": D.fmt(pe.birth[pid], "compact"), "GESLACHT": sex_text(pe.sex[pid]),
        "ACHTERNAAM": np.full(n, "Demo", dtype=object), "VOORVOEGSEL": blank,
        "VOORNAMEN": np.full(n, "Leerling", dtype=object),
        "POSTCODE_CIJFERS": np.array([p[:4] for p in pe.postcode[pid]], dtype=object),
        "RMC_REGIO": np.full(n, "27", dtype=object),
        "RMC_REGIO_NAAM": np.full(n, "West-Brabant", dtype=object),
        "GEMCODE": muni_text(ctx, gem, "num4"), "GEMEENTENAAM": muni_text(ctx, gem, "name"),
        "BRIN": s.brin[school], "BRIN_VOLGNR": s.vestiging[school], "BRIN_VEST_NAAM": s.name[school],
        "NIVEAU": niveau, "ONDERWIJSSOORT": soort,
        "CREBO": np.where(mbo, numbered("9", school * 37 % 9000 + 1000, 4), "").astype(object),
        "CREBO_OMSCHRIJVING": np.where(mbo, "Demo-opleiding niveau " + niveau, "").astype(object),
        "EXAMEN": np.full(n, "N", dtype=object), "IND_BEKOSTIGING": np.full(n, "J", dtype=object),
        "ONDERWIJSAANBIEDER_CODE": "OA" + s.brin[school],
        "ONDERWIJSAANBIEDER_NAAM": np.full(n, "Demo-onderwijsaanbieder", dtype=object),
        "ONDERWIJSLOCATIE_CODE": (s.brin[school] + s.vestiging[school]).astype(object),
        "ONDERWIJSLOCATIE_STRAATNAAM": np.full(n, "Demostraat", dtype=object),
        "ONDERWIJSLOCATIE_HUISNUMMER": np.full(n, "1", dtype=object),
        "ONDERWIJSLOCATIE_HUISNUMMER_TOEVOEGING": blank, "ONDERWIJSLOCATIE_POSTCODE": s.postcode[school],
        "ONDERWIJSLOCATIE_PLAATSNAAM": s.place[school],
    }
    return {c: values[c] for c in columns}


def write_duo(ctx: Ctx, ref: Path) -> None:
    layouts = duo_columns(ref)
    rng = ctx.rng
    for cy in ctx.count_years:
        year = cy.t0 + 1
        if cy.t0 in PLAIN_YEARS:
            _write_plain(ctx, cy)
            continue
        start = np.arange(cy.pid.size)
        leavers = np.flatnonzero(cy.leaver)
        lists = {"NRSP": start, "NenR": leavers}
        if cy.t0 in BOTH_YEARS or cy.t0 in PROVISIONAL_ONLY:
            # the provisional list misses late registrations and holds a few that later drop out of it
            late = _some(rng, start, 8)
            not_left = np.flatnonzero(~cy.leaver)
            prov = {"NRSP": np.setdiff1d(start, late),
                    "NenR": np.union1d(np.setdiff1d(leavers, _some(rng, leavers, 5)),
                                       _some(rng, not_left, 3))}
            for kind, rows in prov.items():
                name = f"{kind}{year}VI27GZ.csv"
                _write_duo_file(ctx, name, kind, cy, rows, layouts[kind], provisional=True)
            if cy.t0 in PROVISIONAL_ONLY:
                continue
            for kind in ("NRSP", "NenR"):
                common = np.intersect1d(lists[kind], prov[kind]).size
                ctx.folder.duplicate(f"{kind}{year}DI27GZ.csv", common, "definitive_replaces_provisional",
                                     f"persons also in {kind}{year}VI27GZ.csv: the definitive list "
                                     "replaces the provisional one of the same count year", counted=False)
        for kind, rows in lists.items():
            _write_duo_file(ctx, f"{kind}{year}DI27GZ.csv", kind, cy, rows, layouts[kind], provisional=False)


def _some(rng: np.random.Generator, values: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(values, size=min(k, values.size), replace=False) if values.size else values


def _write_duo_file(ctx: Ctx, name: str, kind: str, cy: CountYear, rows: np.ndarray, columns: list[str],
                    provisional: bool) -> None:
    zero_bsn = "0" if kind == "NRSP" else ""
    frame = _duo_frame(ctx, cy, rows, columns, zero_bsn)
    variants = ["sep_semicolon", "encoding_utf8", "header_hash", "date_compact", "muni_4digit",
                "extra_columns", "duo_provisional" if provisional else "duo_definitive"]
    if (frame["ONDERWIJSNUMMER"] != "").any():
        variants.append("onderwijsnummer_without_bsn")
    if cy.t0 <= 2018 and (np.isin(frame["GEMCODE"], ("0738", "0870", "0874"))).any():
        variants.append("muni_predecessor")
    what = "start population (VO and MBO participants 12-22 without startkwalificatie on 1 October)" \
        if kind == "NRSP" else "new early leavers"
    ctx.folder.csv(name, "startpopulatie" if kind == "NRSP" else "vsv", frame, hash_header=True,
                   date_format="compact", variants=tuple(variants),
                   note=f"DUO {what}, count year {cy.t0}-{cy.t0 + 1}, "
                        f"{'provisional' if provisional else 'definitive'}. Name columns are fake and "
                        f"must be dropped; BURGERSERVICENUMMER {zero_bsn or 'empty'} where only an "
                        "onderwijsnummer exists.")


def _write_plain(ctx: Ctx, cy: CountYear) -> None:
    for name, source, rows in ((f"startpopulatie_{cy.t0}-{cy.t0 + 1}.csv", "startpopulatie",
                                np.arange(cy.pid.size)),
                               (f"vsv_{cy.t0}-{cy.t0 + 1}.csv", "vsv", np.flatnonzero(cy.leaver))):
        rows = rows[ctx.people.has_bsn[cy.pid[rows]]]
        pid, spell = cy.pid[rows], cy.spell[rows]
        soort, niveau = _education(ctx, spell)
        soort = np.where(np.isin(niveau, ("PRO", "VSO")), niveau, soort).astype(object)
        niveau = np.where(np.isin(niveau, ("PRO", "VSO", "VAVO")), "", niveau).astype(object)
        school = ctx.spells.school[spell]
        gem = record_muni(ctx, pid, np.full(pid.size, D.day(cy.t0, 10, 1)))
        n = pid.size
        ctx.folder.csv(name, source, {
            "bsn": bsn_text(ctx, pid), "teljaar": np.full(n, f"{cy.t0}-{cy.t0 + 1}", dtype=object),
            "gemeente_code": muni_text(ctx, gem, "gm"), "onderwijssoort": soort, "niveau": niveau,
            "geboortedatum": D.fmt(ctx.people.birth[pid], "iso"), "geslacht": sex_text(ctx.people.sex[pid]),
            "brin": ctx.schools.brin[school], "vestiging": ctx.schools.vestiging[school],
            "status": np.full(n, "definitief", dtype=object),
        }, sep=",", date_format="iso", variants=("sep_comma", "encoding_utf8", "vsv_plain_form", "date_iso",
                                                 "muni_gm", "muni_predecessor", "code_alias"),
            note=f"Count year {cy.t0}-{cy.t0 + 1} in the plain form (instead of DUO's layout); "
                 "onderwijssoort as VO, PRO, VSO, VAVO, BOL, BBL.")
