"""The figures of a tile with reference points (issue #9), for the page part `pages/_tile.py` and the profile
(`reports/profiel.py`): the value of one KPI for one period and area, the period it is compared with (like for like
when the figure is partial), the last five periods, the region's value, the place among the municipalities, the
national value and the signal. Only warehouse functions; no SQL and no words here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from config.settings import small_number_threshold
from warehouse import coverage, queries, signals, views
from warehouse import periods as periods_lib
from warehouse.cache import per_version
from warehouse.kpis import KPIS
from warehouse.registry import Kpi


def _missing(x: object) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):  # pd.isna of a list is not one truth value
        return False


# Which way is better, per KPI (absent: neither; the tile then says only higher or lower).
LOWER_IS_BETTER = {"relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "vsv_percentage", "vsv_aantal",
                   "thuiszitters_breed_per_1000", "verzuim_meldingen", "reactietijd", "doorlooptijd", "recidive",
                   "werkvoorraad", "werkvoorraad_per_fte", "leerplichtigen_per_fte", "open_zonder_status",
                   "afgekeurde_regels"}
HIGHER_IS_BETTER = {"positief_resultaat", "contact_binnen_termijn", "contactpersoon_dekking"}
SPARK_PERIODS = 5
UNRANKED_UNITS = ("aantal", "euro", "fte")


@dataclass(frozen=True)
class TileData:
    kpi: Kpi
    kind: str
    period: str
    code: str  # GM code or REGIO
    value: object  # a number, a suppression symbol, or None
    through: date | None  # partial: counted up to this day
    compared_period: str | None
    compared_through: date | None
    compared_value: object
    spark: list[tuple[str, object]]  # (period, value) oldest first, at most SPARK_PERIODS
    region_value: object
    rank: tuple[int, int] | None  # (place, of) among the municipalities with a value; 1 = the lowest value
    national: dict | None  # queries.national_value
    signal: str  # "hoger", "lager", "waarschuwing" (outside 95 % only), "" (within), None (no funnel)
    region: bool = True  # the viewer may see the region's figures
    # why a figure is missing (warehouse.coverage.missing_reason), None when it is there (or suppressed)
    reason: str | None = None
    compared_reason: str | None = None
    region_reason: str | None = None


def tile_data(wh, kpi: Kpi, kind: str, period: str, code: str, public: bool, region: bool = True) -> TileData:
    """Everything a tile shows, from the warehouse's own functions (no SQL here). Without `region` (staff, who see
    their own municipalities only) no region value, no place among the others and no signal (its target is the
    region's value). A missing figure carries the reason why (warehouse.coverage.missing_reason). Kept per
    published warehouse version and small-number threshold (as queries' suppressed rows are): it depends on
    nothing else, and a page draws several tiles on every visit."""
    return _tile_data(wh, small_number_threshold() if public else 0, kpi.id, kind, period, code, public, region)


@dataclass(frozen=True)
class _Shared:
    """What the tiles of one KPI and period have in common, whatever the area: read once for all 16 municipalities
    and the region."""

    upto: list[str]  # the sparkline's periods, oldest first
    values: dict[tuple[str, str], object]  # (period, area) -> value, for `upto` and the period
    numeric: dict[str, float]  # municipality -> its number in the period (suppressed and missing left out)
    through: date | None
    earlier: str | None  # the whole period compared with, when the figure is not partial
    earlier_values: dict[str, object]  # area -> value in `earlier`
    national: dict | None


@per_version()
def _shared(wh, threshold: int, kpi_id: str, kind: str, period: str, public: bool) -> _Shared:
    kpi = KPIS[kpi_id]
    periods = queries.periods(wh, kind)
    upto = [p for p in periods if p <= period][-SPARK_PERIODS:]
    frame = queries.kpi_values(wh, [kpi.id], sorted(set(upto) | {period}), public=public)
    values = {(r.period, r.municipality_code): r.value for r in frame.itertuples(index=False)}
    current = frame[(frame["period"] == period) & (frame["municipality_code"] != queries.REGION_CODE)]
    numeric = {r.municipality_code: float(r.value) for r in current.itertuples(index=False)
               if isinstance(r.value, int | float) and not _missing(r.value)}
    through = coverage.figure_through(kpi, kind, period, coverage.coverage(wh))
    earlier, earlier_values = None, {}
    if through is None or kind == REFERENCE_DATE:
        earlier = _earlier(wh, kind, period, periods)
        if earlier is not None:
            rows = queries.kpi_values(wh, [kpi.id], [earlier], public=public)
            earlier_values = dict(zip(rows["municipality_code"], rows["value"], strict=True))
    return _Shared(upto, values, numeric, through, earlier, earlier_values,
                   queries.national_value(wh, kpi.id, period))


@per_version()
def _tile_data(wh, threshold: int, kpi_id: str, kind: str, period: str, code: str, public: bool,
               region: bool) -> TileData:
    kpi = KPIS[kpi_id]
    shared = _shared(wh, threshold, kpi_id, kind, period, public)
    values, numeric, through = shared.values, shared.numeric, shared.through
    if through is not None and kind != REFERENCE_DATE:
        compared_period, compared_through, compared_value = _like_for_like(wh, kpi, kind, period, code, public)
    else:
        compared_period, compared_through, compared_value = shared.earlier, None, shared.earlier_values.get(code)
    rank = None
    if code in numeric and kpi.unit not in UNRANKED_UNITS:  # a count or an amount ranks size, not performance
        rank = (1 + sum(v < numeric[code] for v in numeric.values()), len(numeric))
    spark = [(p, values.get((p, code))) for p in shared.upto]
    value, region_value = values.get((period, code)), values.get((period, queries.REGION_CODE))
    national = shared.national

    def why(x: object, at: str | None, area: str) -> str | None:
        return coverage.missing_reason(wh, kpi, kind, at, area) if at and _missing(x) else None

    reasons = {"reason": why(value, period, code), "compared_reason": why(compared_value, compared_period, code)}
    if through is not None and through < periods_lib.bounds(kind, period)[0] and reasons["compared_reason"]:
        # its sources stop before the period begins: no like for like exists (warehouse.coverage)
        reasons["compared_reason"] = coverage.NO_COMPARISON
    if not region:
        return TileData(kpi, kind, period, code, value, through, compared_period, compared_through, compared_value,
                        spark, None, None, national, None, False, **reasons)
    return TileData(kpi, kind, period, code, value, through, compared_period, compared_through, compared_value,
                    spark, region_value, rank, national, _signal(wh, kpi, period, code), **reasons,
                    region_reason=why(region_value, period, queries.REGION_CODE))


def reference_date_year_before(dates: list[str], on: str) -> str | None:
    """The reference date a stock figure on `on` is compared with: the latest one at least a year before it
    (1-10-2023 for 1-10-2024; 30-09-2024 for 30-09-2025). Not simply the date before it in the list: the
    precomputed dates lie a day (30-09 and 1-10) or weeks apart, and a stock has no natural previous date."""
    back = coverage.shift_months(date.fromisoformat(on), -12).isoformat()
    earlier = [x for x in dates if x <= back]
    return earlier[-1] if earlier else None


def _earlier(wh, kind: str, period: str, periods: list[str]) -> str | None:
    """The whole period a figure is compared with: the one rule on every page, a year earlier
    (warehouse.views.previous_period for a school, count or budget year; for a reference date the latest one at
    least a year before it, `reference_date_year_before`; a quarter with the same quarter a year earlier)."""
    if kind == REFERENCE_DATE:
        return reference_date_year_before(periods, period)
    if kind == QUARTER:
        return coverage.year_earlier(kind, period)
    return views.previous_period(wh, kind, period)


def _like_for_like(wh, kpi: Kpi, kind: str, period: str, code: str, public: bool) -> tuple:
    """(period, through, value) a partial figure is compared with: the same period a year earlier cut at the same
    day and month (warehouse.coverage); a reference date is never cut (see `_earlier`)."""
    earlier = coverage.year_earlier(kind, period)
    compared = coverage.comparison_values(wh, kpi, kind, period, public)
    key = next((k for k in compared if k[1] == code and k[2] == "" and compared[k][0] == earlier), None)
    return compared[key] if key else (earlier, None, None)


QUARTER, REFERENCE_DATE = "kwartaal", "peildatum"


def _signal(wh, kpi: Kpi, period: str, code: str) -> str | None:
    if kpi.id not in signals.MUNICIPAL_KPIS or code == queries.REGION_CODE:
        return None
    try:
        units = signals.funnels(wh, period, (kpi.id,)).get(kpi.id, [])
    except ValueError:  # a period of another kind
        return None
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        return None
    return unit.signal or ("waarschuwing" if unit.warning else "")
