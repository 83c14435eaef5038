"""Staff capacity (medewerkers), contact persons per school and the budget.

Staff are identified by codes (LPA07, DSC03), never names. Leerplichtambtenaren are spread over the
municipalities by the number of pupils; small neighbours share one person, so some staff codes have
two municipalities. Assignments change at a few dates over the ten years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates as D
from .reference import Municipalities, Schools

PERIODS = (D.day(2014, 1, 1), D.day(2017, 8, 1), D.day(2021, 1, 1), D.day(2023, 1, 1))
LPA_TOTAL = (16.0, 16.4, 17.0, 17.6)
DSC_TOTAL = (4.8, 5.0, 5.3, 5.5)
PLANNED_END = D.day(2026, 7, 31)  # temporary contracts in the current period end in the future
# Doorstroomcoaches work for clusters of neighbouring municipalities (one staff code per cluster).
DSC_CLUSTERS = (
    ("GM0758", "GM0744", "GM1723"), ("GM1674", "GM0840", "GM1655"),
    ("GM0748", "GM0873", "GM0851"), ("GM0826", "GM0779", "GM1719"), ("GM0777", "GM0879", "GM1709"),
    ("GM1959",),
)


@dataclass
class Assignments:
    code: list[str]
    role: list[str]
    muni: list[int]
    fte: list[float]
    begin: list[int]
    end: list[int]  # NONE = open

    def add(self, code: str, role: str, muni: int, fte: float, begin: int, end: int) -> None:
        for lst, v in ((self.code, code), (self.role, role), (self.muni, muni), (self.fte, round(fte, 2)),
                       (self.begin, begin), (self.end, end)):
            lst.append(v)

    def __len__(self) -> int:
        return len(self.code)


def _period_end(p: int) -> int:
    return PERIODS[p + 1] - 1 if p + 1 < len(PERIODS) else D.NONE


class _Codes:
    """Staff codes per slot; a slot keeps its person from period to period, with some turnover."""

    def __init__(self, rng: np.random.Generator, prefix: str) -> None:
        self.rng, self.prefix, self.count, self.slots = rng, prefix, 0, {}

    def get(self, slot: tuple) -> str:
        if slot not in self.slots or self.rng.random() < 0.15:
            self.count += 1
            self.slots[slot] = f"{self.prefix}{self.count:02d}"
        return self.slots[slot]


def build_assignments(rng: np.random.Generator, munis: Municipalities, weight: np.ndarray) -> Assignments:
    """Assignments per period; `weight` is each municipality's share of the region's 5-17 year olds."""
    out = Assignments([], [], [], [], [], [])
    lpa, dsc = _Codes(rng, "LPA"), _Codes(rng, "DSC")
    for p, begin in enumerate(PERIODS):
        end = _period_end(p)
        fte = np.round(LPA_TOTAL[p] * weight / 0.05) * 0.05
        small = [m for m in np.argsort(fte, kind="stable") if fte[m] < 0.9]
        while small:  # small municipalities share a person with their nearest small neighbour
            m = small.pop(0)
            partner = min(small, default=None,
                          key=lambda o: np.hypot(munis.lon[m] - munis.lon[o], munis.lat[m] - munis.lat[o]))
            members = (m,) if partner is None or fte[m] + fte[partner] > 1.3 else (m, partner)
            if partner in members:
                small.remove(partner)
            code = lpa.get(tuple(munis.codes[x] for x in members))
            for x in members:
                out.add(code, "leerplichtambtenaar", int(x), round(float(fte[x]), 2), begin, end)
        for m in np.flatnonzero(fte >= 0.9):
            k = int(np.ceil(fte[m] / 1.0))
            parts = np.full(k, np.round(fte[m] / k / 0.05) * 0.05)
            parts[-1] = round(fte[m] - parts[:-1].sum(), 2)
            for i, part in enumerate(parts):
                code = lpa.get((munis.codes[m], i))
                temp = p == len(PERIODS) - 1 and i == 0 and m % 4 == 0
                out.add(code, "leerplichtambtenaar", int(m), round(float(part), 2), begin,
                        PLANNED_END if temp else end)
        cluster_w = np.array([sum(weight[munis.index(c)] for c in cl) for cl in DSC_CLUSTERS])
        for cl, w in zip(DSC_CLUSTERS, cluster_w, strict=True):
            total = DSC_TOTAL[p] * w / cluster_w.sum()
            people = int(np.ceil(total - 0.2))  # a cluster of 1.6 FTE has two coaches
            for i in range(max(people, 1)):
                code = dsc.get((cl, i))
                for c in cl:
                    share = weight[munis.index(c)] / w / max(people, 1)
                    fte_c = max(0.05, round(total * share / 0.05) * 0.05)
                    out.add(code, "doorstroomcoach", munis.index(c), fte_c, begin, end)
    breda = munis.index("GM0758")
    out.add("COO01", "coordinator", breda, 1.0, PERIODS[0], PERIODS[2] - 1)
    out.add("COO02", "coordinator", breda, 1.0, PERIODS[2], D.NONE)
    out.add("ADM01", "administratief", breda, 0.8, PERIODS[0], D.NONE)
    out.add("ADM02", "administratief", breda, 0.6, PERIODS[0], D.day(2019, 6, 30))
    out.add("ADM03", "administratief", breda, 0.6, D.day(2019, 7, 1), D.NONE)
    out.add("ADM04", "administratief", breda, 0.6, PERIODS[1], D.NONE)
    return out


class StaffPicker:
    """The staff member handling an event: someone of the role assigned to that municipality then."""

    def __init__(self, rng: np.random.Generator, a: Assignments) -> None:
        self.rng = rng
        self.groups: dict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]] = {}
        for p, start in enumerate(PERIODS):
            for i in range(len(a)):
                if a.begin[i] <= start and (a.end[i] == D.NONE or a.end[i] >= start):
                    codes, w = self.groups.get((a.role[i], a.muni[i], p), ([], []))
                    self.groups[(a.role[i], a.muni[i], p)] = ([*codes, a.code[i]], [*w, a.fte[i]])

    def pick(self, role: str, muni: np.ndarray, days: np.ndarray) -> np.ndarray:
        period = np.searchsorted(np.array(PERIODS), days, side="right") - 1
        out = np.full(len(muni), "", dtype=object)
        for p in np.unique(period):
            for m in np.unique(muni[period == p]):
                sel = np.flatnonzero((period == p) & (muni == m))
                codes, w = self.groups[(role, int(m), int(p))]
                w = np.asarray(w, dtype=float)
                chosen = self.rng.choice(len(codes), sel.size, p=w / w.sum())
                out[sel] = np.asarray(codes, dtype=object)[chosen]
        return out


@dataclass
class Contacts:
    school: list[int]
    code: list[str]
    begin: list[int]
    end: list[int]


def build_contacts(rng: np.random.Generator, a: Assignments, schools: Schools, n_munis: int) -> Contacts:
    """One leerplichtambtenaar of the school's municipality per school location and period."""
    out = Contacts([], [], [], [])
    region = np.flatnonzero(schools.in_file)
    first_begin = D.day(2015, 8, 1)
    for s in region:
        m = int(schools.muni[s])
        previous: str | None = None
        for start in PERIODS:
            options = [a.code[i] for i in _lpas(a, m)
                       if a.begin[i] <= start and (a.end[i] == D.NONE or a.end[i] >= start)]
            code = previous if previous in options else options[rng.integers(len(options))]
            if code != previous:
                if out.code and previous is not None:
                    out.end[-1] = start - 1
                out.school.append(int(s))
                out.code.append(code)
                out.begin.append(max(start, first_begin))
                out.end.append(D.NONE)
            previous = code
    # today: a few locations have lost their contact person, a few have two
    current = [i for i in range(len(out.code)) if out.end[i] == D.NONE]
    picks = rng.choice(current, size=min(10, len(current)), replace=False)
    for i in picks[:5]:
        out.end[i] = D.day(2025, 6, 30)
    for i in picks[5:]:
        s = out.school[i]
        m = int(schools.muni[s])
        others = sorted({a.code[j] for j in _lpas(a, m) if a.end[j] in (D.NONE, PLANNED_END)} - {out.code[i]})
        code = others[rng.integers(len(others))] if others else "DSC01"
        out.school.append(s)
        out.code.append(code)
        out.begin.append(D.day(2025, 2, 1))
        out.end.append(D.NONE)
    return out


def _lpas(a: Assignments, m: int) -> list[int]:
    return [i for i in range(len(a)) if a.muni[i] == m and a.role[i] == "leerplichtambtenaar"]


def build_budget(rng: np.random.Generator) -> list[tuple[int, str, float]]:
    """Budget lines per service level 2016..2026, growing a few percent a year, with cents."""
    base = {"1": 1_200_000.0, "2": 1_600_000.0, "2A": 300_000.0}
    rows = []
    for level, amount in base.items():
        for year in range(2016, 2027):
            cents = round(amount * 100) + int(rng.integers(0, 100_000))
            rows.append((year, level, cents / 100))
            amount *= 1 + rng.uniform(0.015, 0.045)
    return sorted(rows)
