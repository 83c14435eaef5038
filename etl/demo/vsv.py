"""Early school leaving: DUO's start population and new early leavers per count year, and the
Doorstroompunt trajectories that follow from them, all derived from the enrolment spells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates as D
from .absence import Reports, _choice
from .careers import SECONDARY, K, Spells
from .people import People
from .reference import Schools
from .staff import StaffPicker
from .text import numbered

COUNT_YEARS = tuple(range(2015, 2025))  # first calendar year: 2015-2016 .. 2024-2025
RESULTS = (("onderwijs", "werk", "onderwijs_en_werk", "zorg_dagbesteding", "uitkering_of_elders", "verhuisd",
            "niet_bereikbaar", "geen_begeleiding_gewenst"), (32, 22, 8, 7, 6, 5, 12, 8))


@dataclass
class CountYear:
    t0: int  # 1 October of this year starts the count year
    pid: np.ndarray  # the start population
    spell: np.ndarray  # index of the spell each person was in on 1 October
    leaver: np.ndarray  # a new early leaver in this count year


def count_years(spells: Spells, sk: np.ndarray, people: People, schools: Schools) -> list[CountYear]:
    secondary = np.isin(spells.kind, SECONDARY) & ~schools.belgian[spells.school]
    out = []
    for t0 in COUNT_YEARS:
        d0, d1 = D.day(t0, 10, 1), D.day(t0 + 1, 10, 1)
        on_d0 = np.flatnonzero(secondary & (spells.start <= d0) & (spells.end >= d0))
        pid = spells.pid[on_d0]
        a = D.age(people.birth[pid], np.full(pid.size, d0))
        ok = (a >= 12) & (a <= 22) & ((sk[pid] == D.NONE) | (sk[pid] > d0))
        on_d0, pid = on_d0[ok], pid[ok]
        pid, first = np.unique(pid, return_index=True)
        on_d0 = on_d0[first]
        enrolled_d1 = np.zeros(len(people), dtype=bool)
        enrolled_d1[spells.pid[(spells.start <= d1) & (spells.end >= d1)]] = True
        regular_finish = spells.completed[on_d0] & np.isin(spells.kind[on_d0], (K["PRO"], K["VSO"]))
        alive = (people.died[pid] == D.NONE) | (people.died[pid] > d1)
        leaver = ~enrolled_d1[pid] & ((sk[pid] == D.NONE) | (sk[pid] > d1)) & ~regular_finish & alive
        out.append(CountYear(t0=t0, pid=pid, spell=on_d0, leaver=leaver))
    return out


@dataclass
class Trajectories:
    traject_id: np.ndarray
    pid: np.ndarray
    start: np.ndarray
    origin: np.ndarray
    contact: np.ndarray
    end: np.ndarray
    result: np.ndarray
    handler: np.ndarray

    def __len__(self) -> int:
        return len(self.pid)


def build_trajectories(rng: np.random.Generator, years: list[CountYear], spells: Spells, reports: Reports,
                       people: People, staff: StaffPicker) -> Trajectories:
    pids, starts, origins = [], [], []
    for cy in years:
        lp = cy.pid[cy.leaver]
        left = spells.end[cy.spell[cy.leaver]]
        new = rng.random(lp.size) < 0.75
        pids.append(lp[new])
        starts.append(left[new] + rng.integers(14, 75, int(new.sum())))
        origins.append(np.full(int(new.sum()), "nieuw_vsv", dtype=object))
        old = ~new & (rng.random(lp.size) < 0.35)
        lo = left[old] + 400
        hi = np.minimum(D.add_years(people.birth[lp[old]], 23) - 1, D.LOAD_DATE)
        ok = hi > lo
        pids.append(lp[old][ok])
        starts.append((lo + rng.random(lo.size) * np.maximum(hi - lo, 0)).astype(np.int64)[ok])
        origins.append(np.full(int(ok.sum()), "oud_vsv", dtype=object))
    adult = np.flatnonzero(np.isin(reports.kind, ("V4", "RMC")) & (rng.random(len(reports)) < 0.5))
    pids.append(reports.pid[adult])
    starts.append(reports.date[adult] + rng.integers(3, 20, adult.size))
    origins.append(np.full(adult.size, "verzuim_18plus", dtype=object))
    risk = np.flatnonzero((spells.kind == K["MBO"]) & (spells.level <= 2) & (rng.random(len(spells)) < 0.08))
    lo = np.maximum(spells.start[risk], D.WINDOW_START)
    hi = np.minimum(spells.end[risk], D.LOAD_DATE)
    ok = hi > lo
    pids.append(spells.pid[risk][ok])
    starts.append((lo + rng.random(lo.size) * np.maximum(hi - lo, 0)).astype(np.int64)[ok])
    origins.append(np.full(int(ok.sum()), "preventief", dtype=object))

    pid, origin = np.concatenate(pids), np.concatenate(origins)
    start = D.weekday_forward(np.concatenate(starts))
    a = D.age(people.birth[pid], start)
    keep = (start >= D.WINDOW_START) & (start <= D.LOAD_DATE) & (a >= 16) & (a <= 22) & people.has_bsn[pid]
    pid, start, origin = pid[keep], start[keep], origin[keep]
    order = np.lexsort((pid, start))
    pid, start, origin = pid[order], start[order], origin[order]
    n = pid.size
    end = start + np.maximum(7, rng.lognormal(np.log(110), 0.7, n)).astype(np.int64)
    end = np.where(end > D.LOAD_DATE, D.NONE, end)
    contact = start + rng.lognormal(np.log(6), 1.0, n).astype(np.int64)
    no_contact = (rng.random(n) < 0.06) | (contact > D.LOAD_DATE) | ((end != D.NONE) & (contact > end))
    contact = np.where(no_contact, D.NONE, contact)
    result = np.where(end == D.NONE, "", np.where(no_contact, "niet_bereikbaar", _choice(rng, RESULTS, n)))
    year = D.year_of(start)
    seq = np.zeros(n, dtype=np.int64)
    for y in np.unique(year):
        sel = year == y
        seq[sel] = np.arange(1, sel.sum() + 1)
    traject_id = numbered(np.array([f"DP{y}" for y in year], dtype=object), seq, 5)
    return Trajectories(traject_id=traject_id, pid=pid, start=start, origin=origin,
                        contact=contact, end=end, result=result.astype(object),
                        handler=staff.pick("doorstroomcoach", people.muni[pid], start))
