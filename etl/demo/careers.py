"""School careers: enrolment spells per person at real schools, vectorised over all persons.

A person starts primary school on the 4th birthday, moves to VO in the August after group 8, and a
share continues to MBO. Dropouts end a spell early; that is what DUO's VSV lists and the absence
cases are later derived from, so every figure follows from the same enrolments.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import dates as D
from .people import People
from .reference import BIG_TOWNS, Municipalities, Schools

KINDS = ("PO", "SBO", "SO", "VSO", "VO", "PRO", "MBO", "VAVO")
K = {k: i for i, k in enumerate(KINDS)}
VO_LEVELS = ("vmbo-b", "vmbo-k", "vmbo-gt", "havo", "vwo")
SECONDARY = (K["VSO"], K["VO"], K["PRO"], K["MBO"], K["VAVO"])  # the kinds DUO's VSV count covers

# VO stream after primary school: PRO, vmbo-b, vmbo-k, vmbo-gt, havo, vwo
STREAM_P = np.array([0.02, 0.08, 0.12, 0.24, 0.27, 0.27])
STREAM_P_SBO = np.array([0.35, 0.40, 0.18, 0.07, 0.0, 0.0])
STREAM_YEARS = np.array([5, 4, 4, 4, 5, 6])
STREAM_DROPOUT = np.array([0.03, 0.03, 0.018, 0.012, 0.006, 0.004])  # over the whole VO career
# MBO: level by vmbo stream (b, k, gt), yearly dropout hazard and BBL share per level 1..4
MBO_LEVEL_P = {1: [0.15, 0.80, 0.05, 0.0], 2: [0.0, 0.45, 0.50, 0.05], 3: [0.0, 0.05, 0.30, 0.65]}
MBO_HAZARD = np.array([0.0, 0.09, 0.075, 0.04, 0.03])
MBO_BBL = np.array([0.0, 0.05, 0.25, 0.25, 0.10])
# Pupils who go to a school outside the region (nearest town across the border)
OUTSIDE_VO = {"GM1959": ("98GA", 0.15), "GM0744": ("98TA", 0.25), "GM1723": ("98TA", 0.30)}
OUTSIDE_MBO = {"GM1959": ("98GM", 0.50), "GM0744": ("98TM", 0.30), "GM1723": ("98TM", 0.30)}


@dataclass
class Spells:
    """One row per enrolment spell. `end` is the planned end; after the load date it is open."""

    pid: np.ndarray
    kind: np.ndarray
    level: np.ndarray  # VO: index into VO_LEVELS; MBO: 1-4; else -1
    leerjaar: np.ndarray
    bbl: np.ndarray
    school: np.ndarray
    start: np.ndarray
    end: np.ndarray
    completed: np.ndarray  # ended at its regular end (not a dropout, a cut or an absence)

    def take(self, idx: np.ndarray) -> Spells:
        return Spells(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def __len__(self) -> int:
        return len(self.pid)

    @staticmethod
    def concat(parts: list[Spells]) -> Spells:
        return Spells(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Spells)})


@dataclass
class Careers:
    spells: Spells
    sk: np.ndarray  # date of the startkwalificatie per person, or NONE
    leavers_pid: np.ndarray  # dropouts from VO or MBO (left without diploma)
    leavers_date: np.ndarray


class SchoolPicker:
    """Chooses schools for groups of pupils of one municipality, weighted by pupil numbers."""

    def __init__(self, rng: np.random.Generator, schools: Schools, munis: Municipalities) -> None:
        self.rng, self.s, self.m = rng, schools, munis
        lon, lat = munis.lon, munis.lat
        self.dist = np.hypot((lon[:, None] - lon[None, :]) * 0.62, lat[:, None] - lat[None, :])
        keys = zip(schools.brin, schools.vestiging, strict=True)
        self.brin_index = {key: i for i, key in enumerate(keys)}

    def _local(self, m: int, eligible: np.ndarray, towns: tuple[int, ...] | None = None) -> np.ndarray:
        """Probabilities over the eligible schools of the nearest municipality that has any."""
        candidates = np.argsort(self.dist[m], kind="stable") if towns is None else \
            sorted(towns, key=lambda t: self.dist[m, t])
        for t in candidates:
            w = np.where(eligible & (self.s.muni == t), self.s.pupils, 0.0)
            if w.sum() > 0:
                return w / w.sum()
        raise ValueError("no eligible school in the region")

    def probs(self, m: int, eligible: np.ndarray, mode: str) -> np.ndarray:
        code = self.m.codes[m]
        if mode == "local":
            return self._local(m, eligible)
        if mode == "belgian":
            w = np.where(eligible & self.s.belgian, 1.0, 0.0)
            d = np.hypot((self.s.lon - self.m.lon[m]) * 0.62, self.s.lat - self.m.lat[m])
            return (w * (d == d[w > 0].min())) / (w * (d == d[w > 0].min())).sum()
        big = tuple(self.m.index(c) for c in BIG_TOWNS if self.m.index(c) != m)
        if mode == "vo":
            own = eligible & (self.s.muni == m)
            p = 0.75 * self._local(m, eligible) if own.any() else 0.75 * self._local(m, eligible, big)
            p = p + 0.25 * self._local(m, eligible, big)
            outside = OUTSIDE_VO.get(code)
        else:  # mbo: the nearest location, and the big Breda locations
            p = 0.6 * self._local(m, eligible, tuple(range(self.m.n)))
            p = p + 0.4 * self._local(m, eligible, (self.m.index("GM0758"),))
            outside = OUTSIDE_MBO.get(code)
        if outside:
            p = p * (1 - outside[1])
            p[self.brin_index[(outside[0], "00")]] += outside[1]
        return p / p.sum()

    def pick(self, muni: np.ndarray, eligible: np.ndarray, mode: str) -> np.ndarray:
        out = np.full(len(muni), -1, dtype=np.int64)
        for m in np.unique(muni):
            sel = np.flatnonzero(muni == m)
            out[sel] = self.rng.choice(len(self.s), size=sel.size, p=self.probs(int(m), eligible, mode))
        return out


class _Collector:
    def __init__(self) -> None:
        self.parts: list[Spells] = []

    def add(self, mask: np.ndarray, kind: int | np.ndarray, school: np.ndarray, start: np.ndarray,
            end: np.ndarray, level: np.ndarray | int = -1, leerjaar: np.ndarray | int = 1,
            bbl: np.ndarray | bool = False, completed: np.ndarray | bool = True) -> None:
        idx = np.flatnonzero(mask)

        def col(v: np.ndarray | int | bool, dtype: type) -> np.ndarray:
            return np.asarray(v)[idx].astype(dtype) if np.ndim(v) else np.full(idx.size, v, dtype=dtype)

        self.parts.append(Spells(
            pid=idx.astype(np.int64), kind=col(kind, np.int64), level=col(level, np.int64),
            leerjaar=col(leerjaar, np.int64), bbl=col(bbl, bool), school=col(school, np.int64),
            start=col(start, np.int64), end=col(end, np.int64), completed=col(completed, bool)))


def _eligible(schools: Schools, sector: str, otype_any: tuple[str, ...] = ()) -> np.ndarray:
    mask = schools.sector == sector
    if otype_any:
        mask &= np.array([any(t in o.split("/") for t in otype_any) for o in schools.otype])
    return mask


def build_careers(rng: np.random.Generator, people: People, schools: Schools,
                  munis: Municipalities) -> Careers:
    n = len(people)
    pick = SchoolPicker(rng, schools, munis)
    out = _Collector()
    birth, muni = people.birth, people.muni
    byear, bmd = D.year_of(birth), D.md_of(birth)
    y3 = byear + 6 + (bmd >= 1001)  # group 3 in the school year the child turns 6 (born before 1 Oct)
    po_start = D.weekday_forward(D.add_years(birth, 4))
    vo_year = y3 + 6 + (rng.random(n) < 0.08)
    po_end = D.jul31(vo_year)
    enrolled = ~people.homeschool
    belg = people.belgian & enrolled
    u = rng.random(n)
    so = (u < 0.015) & enrolled & ~belg
    sbo = (u >= 0.015) & (u < 0.045) & enrolled & ~belg
    sk = np.full(n, D.NONE, dtype=np.int64)

    # primary: BO (Belgian school for 5 onder c), SBO after group 4, SO
    po_school = np.where(belg, pick.pick(muni, schools.sector == "PO", "belgian"),
                         pick.pick(muni, (schools.sector == "PO") & ~schools.belgian, "local"))
    out.add(enrolled & ~so, K["PO"], po_school, po_start, np.where(sbo, D.jul31(y3 + 2), po_end),
            completed=True)
    out.add(sbo, K["SBO"], pick.pick(muni, schools.sector == "SBO", "local"), D.aug1(y3 + 2), po_end,
            leerjaar=5)
    so_schools = (schools.sector == "SO") | (schools.otype == "(V)SO")
    vso_schools = (schools.sector == "VSO") & (schools.otype != "SO")
    out.add(so, K["SO"], pick.pick(muni, so_schools, "local"), po_start, po_end)

    # secondary: stream, VSO for SO pupils, dropouts, a final year at VAVO for a few
    stream = np.where(sbo, _draw(rng, STREAM_P_SBO, n), _draw(rng, STREAM_P, n))
    regular_vo = enrolled & ~so
    years = STREAM_YEARS[stream] + (rng.random(n) < 0.15)
    years = np.where(so, 6, np.where(belg, 6, years))
    vo_start = D.aug1(vo_year)
    final_year = vo_year + years  # calendar year of the last 31 July in VO
    vo_end = D.jul31(final_year)
    dropout_p = np.where(so, 0.03, STREAM_DROPOUT[stream])
    lo = np.maximum(vo_start + 365, D.add_years(birth, 16) - 180)
    hi = vo_end - 30
    drop = enrolled & ~belg & (rng.random(n) < dropout_p) & (hi > lo)
    drop_date = (lo + rng.random(n) * np.maximum(hi - lo, 0)).astype(np.int64)
    vavo = regular_vo & ~belg & ~drop & (stream >= 4) & (rng.random(n) < 0.02)
    vo_end = np.where(drop, drop_date, np.where(vavo, D.jul31(final_year - 1), vo_end))
    kind_vo = np.where(stream == 0, K["PRO"], K["VO"])
    level_vo = np.where(stream == 0, -1, stream - 1)
    vo_school = np.full(n, -1, dtype=np.int64)
    for s, otypes in enumerate((("PRO",), ("VBO",), ("VBO",), ("VBO", "MAVO"), ("HAVO",), ("VWO",))):
        sel = regular_vo & ~belg & (stream == s)
        elig = _eligible(schools, "VO", otypes) & ~schools.belgian
        vo_school[sel] = pick.pick(muni[sel], elig, "vo")
    vo_school[belg] = pick.pick(muni[belg], schools.sector == "VO", "belgian")
    vo_school[so] = pick.pick(muni[so], vso_schools, "local")
    out.add(regular_vo, kind_vo, vo_school, vo_start, vo_end, level=level_vo, completed=~drop)
    out.add(so, K["VSO"], vo_school, vo_start, vo_end, completed=~drop)
    vavo_school = np.flatnonzero(schools.sector == "VAVO")[0]
    vavo_end = D.jul31(final_year)
    out.add(vavo, K["VAVO"], np.full(n, vavo_school), vo_end + 1, vavo_end)
    havo_vwo_done = regular_vo & ~belg & ~drop & ~vavo & (stream >= 4)
    sk[havo_vwo_done] = (vo_end - 21)[havo_vwo_done]
    vavo_done = vavo & (rng.random(n) < 0.85)
    sk[vavo_done] = (vavo_end - 21)[vavo_done]

    # MBO after VO: most vmbo pupils, some havo, PRO and VSO leavers, and dropouts who come back
    vmbo_done = regular_vo & ~belg & ~drop & (stream >= 1) & (stream <= 3)
    go = rng.random(n)
    level = np.zeros(n, dtype=np.int64)
    for s in (1, 2, 3):
        sel = vmbo_done & (stream == s) & (go < 0.97)
        level[sel] = 1 + _draw(rng, np.array(MBO_LEVEL_P[s]), int(sel.sum()))
    level[regular_vo & ~belg & ~drop & (stream == 4) & (go < 0.12)] = 4
    level[regular_vo & ~belg & ~drop & (stream == 0) & (go < 0.35)] = 1
    level[so & ~drop & (go < 0.20)] = np.where(go[so & ~drop & (go < 0.20)] < 0.12, 1, 2)
    returns = drop & (go < 0.35)
    level[returns] = np.where(rng.random(int(returns.sum())) < 0.5, 1, 2)
    mbo_start = np.where(returns, D.aug1(D.year_of(vo_end) + 1 + (rng.random(n) < 0.4)), vo_end + 1)
    in_mbo = level > 0
    mbo_school = np.full(n, -1, dtype=np.int64)
    mbo_school[in_mbo] = pick.pick(muni[in_mbo], schools.sector == "MBO", "mbo")
    spell_end, done = _mbo_spell(rng, out, in_mbo, level, mbo_start, mbo_school)
    got_sk = done & (level >= 2)
    sk[got_sk] = np.where(sk[got_sk] == D.NONE, (spell_end - 21)[got_sk], sk[got_sk])
    # most entree (level 1) graduates go on to level 2
    on = done & (level == 1) & (rng.random(n) < 0.88)
    end2, done2 = _mbo_spell(rng, out, on, np.where(on, 2, 0), spell_end + 1, mbo_school)
    sk[done2] = (end2 - 21)[done2]

    leavers = drop | (in_mbo & ~done) | (on & ~done2)
    leave_date = np.where(drop, vo_end, np.where(on & ~done2, end2, spell_end))
    spells = Spells.concat(out.parts)
    keep = (spells.end >= D.WINDOW_START) & (spells.start <= D.LOAD_DATE)
    return Careers(spells=spells.take(np.flatnonzero(keep)), sk=sk, leavers_pid=np.flatnonzero(leavers),
                   leavers_date=leave_date[leavers])


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def _mbo_spell(rng: np.random.Generator, out: _Collector, mask: np.ndarray, level: np.ndarray,
               start: np.ndarray, school: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add one MBO spell per selected person; returns its end date and whether it was completed."""
    n = len(mask)
    years = np.select([level == 1, level == 2, level == 3], [1, 2, 3], 3 + (rng.random(n) < 0.5))
    years = years + (rng.random(n) < 0.10)
    start_year = D.year_of(np.where(mask, start, D.day(2000, 1, 1)))
    planned_end = D.jul31(start_year + years)
    hazard = MBO_HAZARD[np.clip(level, 0, 4)]
    first_drop_year = np.minimum(rng.geometric(np.clip(hazard, 1e-9, 1), n), years + 1)
    dropped = mask & (first_drop_year <= years)
    drop_date = D.aug1(start_year + first_drop_year - 1) + 45 + (rng.random(n) * 290).astype(np.int64)
    end = np.where(dropped, drop_date, planned_end)
    bbl = rng.random(n) < MBO_BBL[np.clip(level, 0, 4)]
    out.add(mask, K["MBO"], school, start, end, level=level, bbl=bbl, completed=~dropped)
    return end, mask & ~dropped


def cut_spells(spells: Spells, cut: np.ndarray) -> Spells:
    """End every spell of a person on the day before their cut date (exemption, death)."""
    c = cut[spells.pid]
    has = c != D.NONE
    keep = ~has | (spells.start < c)
    s = spells.take(np.flatnonzero(keep))
    c = c[keep]
    cut_now = (c != D.NONE) & (s.end >= c)
    s.end = np.where(cut_now, c - 1, s.end)
    s.completed = s.completed & ~cut_now
    return s


@dataclass
class AbsenceGaps:
    """Spells of absoluut verzuim: a pupil under 18 who is not enrolled anywhere for a while."""

    pid: np.ndarray
    start: np.ndarray
    end: np.ndarray  # NONE while still open on the load date
    back_same_school: np.ndarray
    back: np.ndarray  # re-enrolled


def split_for_absence(rng: np.random.Generator, spells: Spells, birth: np.ndarray, schools: Schools,
                      rate: float) -> tuple[Spells, AbsenceGaps]:
    """Take some pupils out of school for a while (school year by school year) and re-enrol most."""
    none = np.zeros(0, dtype=np.int64)
    gaps = [AbsenceGaps(none, none, none, none.astype(bool), none.astype(bool))]
    for y0 in D.SCHOOL_YEARS:
        lo, hi = D.aug1(y0) + 31, min(D.jul31(y0 + 1) - 30, D.LOAD_DATE - 7)
        o_start, o_end = np.maximum(spells.start, lo), np.minimum(spells.end, hi)
        length = o_end - o_start
        a = D.age(birth[spells.pid], np.clip(o_start, D.BASE, None))
        weight = np.select([a < 6, a < 12, a < 18], [0.0, 0.25, 1.0], 0.0)
        weight *= np.isin(spells.kind, (K["PO"], K["SBO"], K["SO"], K["VO"], K["PRO"], K["VSO"], K["MBO"]))
        weight *= ~schools.belgian[spells.school]
        chosen = np.flatnonzero((length > 20) & (rng.random(len(spells)) < rate * weight * length / 300))
        if chosen.size == 0:
            continue
        gap_start = D.weekday_forward(o_start[chosen] + (rng.random(chosen.size) * (length[chosen] - 10)))
        duration = np.maximum(3, rng.lognormal(np.log(30), 0.9, chosen.size)).astype(np.int64)
        gap_end = gap_start + duration
        back = (gap_end < spells.end[chosen]) & (gap_end <= D.LOAD_DATE) & (rng.random(chosen.size) < 0.85)
        still_open = gap_end > D.LOAD_DATE
        same = rng.random(chosen.size) < 0.6
        resumed = spells.take(chosen[back])
        resumed.start = gap_end[back] + 1
        years_on = D.year_of(resumed.start) - D.year_of(spells.start[chosen[back]])
        resumed.leerjaar = resumed.leerjaar + years_on
        other = ~same[back]
        same_sector = schools.sector[resumed.school[other]]
        resumed.school[other] = _other_school(rng, schools, resumed.school[other], same_sector)
        spells.end[chosen] = gap_start - 1
        spells.completed[chosen] = False
        spells = Spells.concat([spells, resumed])
        gaps.append(AbsenceGaps(pid=spells.pid[chosen], start=gap_start,
                                end=np.where(still_open, D.NONE, gap_end), back_same_school=same & back,
                                back=back))
    gap = AbsenceGaps(*(np.concatenate([getattr(g, f.name) for g in gaps]) for f in fields(AbsenceGaps)))
    return spells, gap


def _other_school(rng: np.random.Generator, schools: Schools, current: np.ndarray,
                  sector: np.ndarray) -> np.ndarray:
    """Another school of the same sector in the same municipality (the same one if there is none)."""
    out = current.copy()
    for i, (cur, sec) in enumerate(zip(current, sector, strict=True)):
        options = np.flatnonzero((schools.sector == sec) & (schools.muni == schools.muni[cur])
                                 & (np.arange(len(schools)) != cur))
        if options.size:
            out[i] = options[rng.integers(options.size)]
    return out
