"""Signals: which schools and municipalities differ from the region by more than chance explains (kpis.md
"Signals"; funnel-plot limits after Spiegelhalter 2005). One definition: the overview's signal list, the funnel
plots and `python -m warehouse signals` all call `signals()`.

- Schools, for `verzuim_per_school` in a school year: p = persons with a report at the school / its pupils on
  1 October, n = those pupils; target p0 = the sum of those persons over the region's schools with pupils
  divided by the sum of their pupils (a person reported at two schools counts at both, as each school's p
  counts them). The region's schools are the locations in a participating municipality; a location outside
  the region or unknown is left out of p0 and is never signalled.
- Municipalities, for `relatief_verzuim_per_1000`, `absoluut_verzuim_per_1000` (n = inhabitants 5-17) and
  `vsv_percentage` (n = start population): p = numerator / denominator of the KPI's row, p0 = the region's own
  row (computed from the rows, kpis.md), with the over-dispersion factor phi.
- Limits p0 +/- z * sqrt(phi * p0 (1 - p0) / n), clipped to [0, 1]; z = 3.09 (99.8 %) for a signal, 1.96
  (95 %) as the warning band only. A unit is a signal *above* the upper or *below* the lower 99.8 % limit:
  a value exactly on a limit is not a signal.
- phi (municipalities only): z_i = (p_i - p0) / sqrt(p0 (1 - p0) / n_i), winsorised at their 10th and 90th
  percentile (linear interpolation between the ordered values, numpy's default), phi = mean of the winsorised
  z_i squared; applied when phi > 1. Schools get no phi (kpis.md defines it for municipalities).
- Schools with fewer pupils than `[signalen] minimum_leerlingen` (default 20) are neither ranked nor
  signalled ("te klein om te vergelijken"); they still count in p0. A unit with n = 0 has no value and is left
  out. When p0 is 0 or 1 the limits collapse onto p0 and nothing is signalled (no spread to compare with).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from config.settings import load_settings
from warehouse import queries
from warehouse.cache import per_version
from warehouse.kpi_engine import compute
from warehouse.kpis import KPIS

Z_SIGNAL, Z_WARNING = 3.09, 1.96
SCHOOL_KPI = "verzuim_per_school"
MUNICIPAL_KPIS = ("relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "vsv_percentage")
REGION = "REGIO"


@dataclass(frozen=True)
class Unit:
    """One school or municipality in a funnel: value, target and limits as shares 0-1."""

    kpi_id: str
    period: str
    level: str  # "school" or "gemeente"
    code: str  # school_id (BRIN + vestiging) or GM code
    municipality_code: str  # the school's municipality; for a municipality its own code
    value: float
    target: float
    n: float
    numerator: float
    lower: float  # 99.8 %
    upper: float
    lower95: float
    upper95: float
    phi: float  # 1.0 when not widened
    too_small: bool  # a school under the minimum size: not ranked, not signalled

    @property
    def signal(self) -> str:
        """"hoger" above the upper 99.8 % limit, "lager" below the lower one, else ""."""
        if self.too_small:
            return ""
        if self.value > self.upper:
            return "hoger"
        if self.value < self.lower:
            return "lager"
        return ""

    @property
    def warning(self) -> bool:
        """Outside the 95 % band (drawn, never listed as a signal)."""
        return not self.too_small and (self.value > self.upper95 or self.value < self.lower95)


def limits(p0: float, n: float, z: float, phi: float = 1.0) -> tuple[float, float]:
    """(lower, upper) = p0 -/+ z sqrt(phi p0 (1 - p0) / n), clipped to [0, 1]."""
    half = z * math.sqrt(phi * p0 * (1 - p0) / n)
    return max(0.0, p0 - half), min(1.0, p0 + half)


def wilson(k: float, n: float, z: float = Z_WARNING) -> tuple[float, float] | None:
    """The 95 % (Wilson score) interval of a rate k / n as shares 0-1: the uncertainty shown beside every school's
    rate. Wilson rather than the normal approximation because it stays inside [0, 1] and is honest for 0 of 12."""
    if not n or n <= 0:
        return None
    p, z2 = k / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def overdispersion(shares: list[float], sizes: list[float], p0: float) -> float:
    """phi = the mean of the squared z-scores winsorised at their 10th and 90th percentile (numpy's linear
    interpolation); 1.0 when there is nothing to compute it from."""
    if not shares or not 0 < p0 < 1:
        return 1.0
    z = np.array([(p - p0) / math.sqrt(p0 * (1 - p0) / n) for p, n in zip(shares, sizes, strict=True)])
    lo, hi = np.percentile(z, [10, 90])
    return float(np.mean(np.clip(z, lo, hi) ** 2))


def _unit(kpi_id: str, period: str, level: str, code: str, gm: str, k: float, n: float, p0: float, phi: float,
          too_small: bool) -> Unit:
    widen = phi if phi > 1 else 1.0
    lower, upper = limits(p0, n, Z_SIGNAL, widen)
    lower95, upper95 = limits(p0, n, Z_WARNING, widen)
    return Unit(kpi_id, period, level, code, gm, k / n, p0, n, k, lower, upper, lower95, upper95, phi, too_small)


def school_funnel(rows: list[tuple], period: str, min_size: int) -> list[Unit]:
    """Funnel of `verzuim_per_school` from its rows (municipality_code, breakdown, numerator, denominator) with
    breakdown `school=<id>`: schools of the region with pupils, in school-code order."""
    schools = [(bd.removeprefix("school="), gm, float(k), float(n)) for gm, bd, k, n in rows
               if bd.startswith("school=") and gm != REGION and n is not None and not _nan(n) and n > 0]
    if not schools:
        return []
    p0 = sum(k for _, _, k, _ in schools) / sum(n for _, _, _, n in schools)
    return [_unit(SCHOOL_KPI, period, "school", code, gm, k, n, p0, 1.0, n < min_size)
            for code, gm, k, n in sorted(schools)]


def municipal_funnel(kpi_id: str, rows: list[tuple], period: str) -> list[Unit]:
    """Funnel of a municipal rate from its total rows (municipality_code, numerator, denominator), REGIO's row
    giving the target; with the over-dispersion factor phi."""
    region = [(float(k), float(n)) for gm, k, n in rows if gm == REGION and n and not _nan(n) and n > 0]
    units = sorted((gm, float(k), float(n)) for gm, k, n in rows
                   if gm != REGION and n is not None and not _nan(n) and n > 0)
    if not region or not units:
        return []
    p0 = region[0][0] / region[0][1]
    phi = overdispersion([k / n for _, k, n in units], [n for _, _, n in units], p0)
    return [_unit(kpi_id, period, "gemeente", gm, gm, k, n, p0, phi, False) for gm, k, n in units]


def _nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


# --- reading the figures ---------------------------------------------------------------------------------------
def _frame(wh, kpi_id: str, kind: str, period: str, breakdown: str | None):
    """The KPI's rows for one period: the mart's, or computed by the same SQL when the period is not in it."""
    frame = queries.kpi_values(wh, [kpi_id], [period], breakdown=breakdown)
    if frame.empty and period not in queries.periods(wh, kind):  # a precomputed period is read, never recomputed
        cur = wh.cursor()
        try:
            rows = compute(cur, [KPIS[kpi_id]], kind, [period], load_settings())
        finally:
            cur.close()
        frame = pd.DataFrame(rows, columns=queries.KPI_COLUMNS)
        if breakdown is not None:
            frame = frame[frame["breakdown"] == breakdown]
    return frame


def _kind(kind: str, period: str) -> str | None:
    """The KPI's own period kind when `period` is written in it: every funnel KPI is a school or count year
    figure, both written 2023-2024."""
    m = re.fullmatch(r"(\d{4})-(\d{4})", period)
    ok = m is not None and int(m[2]) == int(m[1]) + 1 and kind in ("schooljaar", "teljaar")
    return kind if ok else None


def min_school_size() -> int:
    return int(load_settings().get("signalen", "minimum_leerlingen"))


@per_version()
def funnels(wh, period: str, kpi_ids: tuple[str, ...] = (SCHOOL_KPI, *MUNICIPAL_KPIS)) -> dict[str, list[Unit]]:
    """Every funnel of `period` (a school year: the school and absence funnels; a count year: VSV; the same
    string is both, so `2023-2024` gives all four), per KPI id; KPIs without that period are left out."""
    out: dict[str, list[Unit]] = {}
    for kpi_id in kpi_ids:
        kind = _kind(KPIS[kpi_id].period_kind, period)
        if kind is None:
            continue
        if kpi_id == SCHOOL_KPI:
            frame = _frame(wh, kpi_id, kind, period, None)
            rows = list(frame[["municipality_code", "breakdown", "numerator", "denominator"]]
                        .itertuples(index=False, name=None))
            units = school_funnel(rows, period, min_school_size())
        else:
            frame = _frame(wh, kpi_id, kind, period, "")
            rows = list(frame[["municipality_code", "numerator", "denominator"]].itertuples(index=False, name=None))
            units = municipal_funnel(kpi_id, rows, period)
        out[kpi_id] = units
    return out


def signals(wh, period: str, kpi_ids: tuple[str, ...] = (SCHOOL_KPI, *MUNICIPAL_KPIS)) -> list[Unit]:
    """The signalled units of `period`: municipalities first, then schools; within each by KPI, then by how far
    outside the limit (furthest first)."""
    found = [u for units in funnels(wh, period, kpi_ids).values() for u in units if u.signal]

    def distance(u: Unit) -> float:
        return (u.value - u.upper) if u.signal == "hoger" else (u.lower - u.value)

    order = {k: i for i, k in enumerate((*MUNICIPAL_KPIS, SCHOOL_KPI))}
    return sorted(found, key=lambda u: (u.level == "school", order[u.kpi_id], -distance(u), u.code))


# --- python -m warehouse signals ----------------------------------------------------------------------------
HEADER = ["kpi_id", "period", "level", "code", "value", "target", "lower", "upper", "n", "signal"]


def share(x: float) -> str:
    """A share 0-1 for machines: decimal point, at most 9 decimals (a rate of 0,4 per 1.000 is 0.0004: six
    decimals would keep only its first digit or two)."""
    text = f"{x:.9f}".rstrip("0").rstrip(".")
    return text or "0"


def write_csv(units: list[Unit], out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for u in units:
        writer.writerow([u.kpi_id, u.period, u.level, u.code, share(u.value), share(u.target), share(u.lower),
                         share(u.upper), str(int(u.n)) if float(u.n).is_integer() else share(u.n), u.signal])
