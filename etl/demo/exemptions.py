"""Exemption decisions (vrijstellingen) and the enrolments they end.

5 onder c: a school in Belgium, renewed every school year (border municipalities, Baarle-Nassau
most). 5 onder b and 5a (travelling families) are renewed yearly too. 5 onder a (unfit) ends the
enrolment and lasts until the end of leerplicht; article 15 ends it during kwalificatieplicht.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import dates as D
from .careers import K, Spells
from .people import People
from .text import at_least

P_5A = {"SO": 0.05, "SBO": 0.012, "other": 0.0018}  # chance of a 5 onder a exemption per person
P_15, P_3A, P_3B = 0.0008, 0.0004, 0.0004
REFUSED_SHARE = 0.08


@dataclass
class Exemptions:
    pid: np.ndarray
    article: np.ndarray  # canonical code: 3a, 3b, 5 onder a, 5 onder b, 5 onder c, 5a, 15
    granted: np.ndarray
    begin: np.ndarray
    end: np.ndarray  # NONE = no end date
    requested: np.ndarray

    def __len__(self) -> int:
        return len(self.pid)


def _make(pid: np.ndarray, article: str, granted: np.ndarray | bool, begin: np.ndarray, end: np.ndarray,
          requested: np.ndarray) -> Exemptions:
    return Exemptions(pid=pid, article=np.full(pid.size, article, dtype=object),
                      granted=np.broadcast_to(granted, pid.shape).copy(), begin=begin, end=end,
                      requested=requested)


def leerplicht(birth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First day of leerplicht (month after the 5th birthday) and its last day (end of the school
    year in which the child turns 16)."""
    start = D.first_of_next_month(D.add_years(birth, 5))
    return start, D.jul31(D.school_year_of(D.add_years(birth, 16)) + 1)


def _yearly(rng: np.random.Generator, pids: np.ndarray, birth: np.ndarray, article: str) -> Exemptions:
    """One decision per school year of leerplicht (2015-2016 .. 2025-2026)."""
    lp_start, lp_end = leerplicht(birth[pids])
    years = np.arange(2015, 2026)
    pid = np.repeat(pids, years.size)
    y0 = np.tile(years, pids.size)
    begin = np.maximum(D.aug1(y0), np.repeat(lp_start, years.size))
    end = np.minimum(D.jul31(y0 + 1), np.repeat(lp_end, years.size))
    ok = (begin <= end) & (begin <= D.LOAD_DATE)
    requested = begin[ok] - rng.integers(14, 75, ok.sum())
    return _make(pid[ok], article, True, begin[ok], end[ok], requested)


def _once(rng: np.random.Generator, pids: np.ndarray, lo: np.ndarray, hi: np.ndarray, end: np.ndarray,
          article: str) -> Exemptions:
    begin = D.weekday_forward(lo + (rng.random(pids.size) * np.maximum(hi - lo, 0)).astype(np.int64))
    granted = rng.random(pids.size) >= REFUSED_SHARE
    return _make(pids, article, granted, begin, np.where(granted, np.maximum(end, begin), D.NONE),
                 begin - rng.integers(10, 60, pids.size))


def build_exemptions(rng: np.random.Generator, people: People,
                     spells: Spells) -> tuple[Exemptions, np.ndarray]:
    """All decisions, and per person the date their enrolment ends because of one (or NONE)."""
    n = len(people)
    birth = people.birth
    lp_start, lp_end = leerplicht(birth)
    in_scope = people.has_bsn & (lp_end >= D.day(2010, 8, 1)) & (lp_start <= D.LOAD_DATE)
    parts = [_yearly(rng, np.flatnonzero(people.belgian & people.has_bsn), birth, "5 onder c"),
             _yearly(rng, np.flatnonzero(people.homeschool & people.has_bsn), birth, "5 onder b"),
             _yearly(rng, np.flatnonzero(people.travelling), birth, "5a")]
    had = np.zeros(n, dtype=bool)
    had[spells.pid[np.isin(spells.kind, (K["SO"], K["VSO"]))]] = True
    had_sbo = np.zeros(n, dtype=bool)
    had_sbo[spells.pid[spells.kind == K["SBO"]]] = True
    p5a = np.where(had, P_5A["SO"], np.where(had_sbo, P_5A["SBO"], P_5A["other"]))
    free = in_scope & ~people.belgian & ~people.homeschool & ~people.travelling
    draw = rng.random(n)
    five_a = np.flatnonzero(free & (draw < p5a))
    lo = np.maximum(lp_start, D.day(2010, 8, 1))
    hi = np.minimum(lp_end, D.LOAD_DATE - 20)
    five_a = five_a[hi[five_a] > lo[five_a]]
    recent = np.flatnonzero(free & (hi > D.day(2020, 9, 1)) & (lp_start <= D.day(2020, 8, 1)))
    extra = np.setdiff1d(at_least(rng, np.intersect1d(five_a, recent), recent, 2), five_a)
    lo[extra] = D.day(2020, 8, 1)  # at least two recent ones, so the newer file has this article too
    five_a = np.union1d(five_a, extra)
    long_term = rng.random(five_a.size) < 0.7
    begin_5a = _once(rng, five_a, lo[five_a], hi[five_a], lp_end[five_a], "5 onder a")
    begin_5a.end = np.where(long_term | ~begin_5a.granted, begin_5a.end, begin_5a.begin + 364)
    parts.append(begin_5a)

    kp_end = D.add_years(birth, 18) - 1
    fifteen = np.flatnonzero(free & (draw >= p5a) & (draw < p5a + P_15))
    fifteen = fifteen[np.minimum(kp_end[fifteen], D.LOAD_DATE - 20) > lp_end[fifteen] + 1]
    fifteen = fifteen[lp_end[fifteen] + 1 >= D.WINDOW_START]
    room = np.minimum(kp_end, D.LOAD_DATE - 20) > lp_end + 1
    fits = np.flatnonzero(free & (lp_end + 1 >= D.WINDOW_START) & room)
    fifteen = at_least(rng, fifteen, fits, 1)
    parts.append(_once(rng, fifteen, lp_end[fifteen] + 1, np.minimum(kp_end[fifteen], D.LOAD_DATE - 20),
                       kp_end[fifteen], "15"))
    for article, p, offset in (("3a", P_3A, 14), ("3b", P_3B, 15)):
        y_all = D.school_year_of(D.add_years(birth, offset))
        fits = free & (y_all >= 2015) & (y_all <= 2024)
        pids = at_least(rng, np.flatnonzero(fits & (rng.random(n) < p)), np.flatnonzero(fits), 1)
        y0 = y_all[pids]
        parts.append(_make(pids, article, True, D.aug1(y0), D.jul31(y0 + 1), D.aug1(y0) - 40))

    ex = Exemptions(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Exemptions)))
    cut = np.full(n, D.NONE, dtype=np.int64)
    ends_school = ex.granted & np.isin(ex.article, ("5 onder a", "15"))
    cut[ex.pid[ends_school]] = ex.begin[ends_school]
    died = people.died != D.NONE
    cut[died] = np.where(cut[died] == D.NONE, people.died[died], np.minimum(cut[died], people.died[died]))
    return ex, cut
