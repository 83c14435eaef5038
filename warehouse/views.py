"""The small view API that pages and reports ask for figures: frames per KPI, period and area with the
breakdown keys as columns, the previous and the like-for-like period, and the status of a VSV count year.

Pages never parse `key=value;...` breakdown strings and never pick "the previous period" by position in a list:
they ask here. Built on warehouse.queries (the mart) and warehouse.periods (the arithmetic).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from config.settings import load_settings
from warehouse import periods, queries
from warehouse.connection import Warehouse
from warehouse.kpi_engine import compute
from warehouse.kpis import KPIS
from warehouse.suppression import parse_breakdown, suppress

REGION = queries.REGION_CODE
VSV_COUNT_KPI = "vsv_aantal"  # its `status=` rows say which DUO list a count year's figures come from


def parts(breakdown: str) -> dict[str, str]:
    """'maat=personen;school=00AA01' -> {'maat': 'personen', 'school': '00AA01'}; '' (the total) -> {}."""
    return dict(parse_breakdown(breakdown))


def figures(wh: Warehouse, kpi_ids: list[str], period_list: list[str], area: str | None = None,
            public: bool = False) -> pd.DataFrame:
    """Every row (total and breakdowns) of the KPIs in the periods, for one area (a municipality code or
    REGIO; None: all): the long columns of queries.kpi_values plus one column per breakdown key (None where
    a row does not have that key), suppressed when `public`."""
    return _keyed(queries.kpi_values(wh, kpi_ids, period_list, municipality_code=area, breakdown=None,
                                     public=public))


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The long frame with one column per breakdown key (None where a row does not have that key)."""
    keyed = [parts(b) for b in frame["breakdown"]]
    keys = sorted({k for p in keyed for k in p})
    for key in keys:
        frame[key] = [p.get(key) for p in keyed]
    return frame.reset_index(drop=True)


def previous_period(wh: Warehouse, kind: str, period: str) -> str | None:
    """The period a figure is compared with, if the warehouse has figures for it: the period just before
    (warehouse.periods.previous: 2023-2024 before 2024-2025, also when 2023-2024 is missing, so a gap is
    never bridged as "the year before"); for a reference date, the precomputed date before it."""
    available = queries.periods(wh, kind)
    if kind == periods.REFERENCE_DATE:
        earlier = [p for p in available if p < period]
        return earlier[-1] if earlier else None
    before = periods.previous(kind, period)
    return before if before in available else None


def like_for_like(kind: str, period: str, on: date) -> tuple[date, date]:
    """The same period a year earlier cut at the day and month of `on` (warehouse.periods.like_for_like)."""
    return periods.like_for_like(kind, period, on)


def cut_figures(wh: Warehouse, kpi_ids: list[str], kind: str, period: str, on: date, area: str | None = None,
                public: bool = False) -> pd.DataFrame:
    """A partial period against its like-for-like: the figures of `period` counted up to `on` and of the same
    period a year earlier counted up to the same day and month, computed on demand by the KPIs' own SQL (the
    marts hold whole periods only). Columns as `figures`, plus `start_date` and `end_date` of what was counted.
    Suppressed when `public` (whole tables first, then the area)."""
    earlier = periods.year_earlier(kind, period)
    ends = {period: periods.cut(kind, period, on)[1], earlier: periods.like_for_like(kind, period, on)[1]}
    cur = wh.cursor()
    try:
        rows = compute(cur, [KPIS[k] for k in kpi_ids], kind, [earlier, period], load_settings(), ends)
    finally:
        cur.close()
    if public:
        rows = suppress(rows)
    frame = pd.DataFrame(rows, columns=queries.KPI_COLUMNS, dtype=object)
    if area is not None:
        frame = frame[frame["municipality_code"] == area]
    frame["start_date"] = frame["period"].map(lambda p: periods.bounds(kind, p)[0])
    frame["end_date"] = frame["period"].map(ends)
    return _keyed(frame.reset_index(drop=True))


def vsv_status(wh: Warehouse) -> dict[str, str]:
    """Count year -> "voorlopig" or "definitief": the one rule for whether a count year's VSV figures are
    provisional. DUO delivers one list per count year for the whole region, and the warehouse takes the
    definitive list as soon as one is loaded (warehouse/models/26_int_vsv.sql): a count year is "definitief"
    when its figures come from the definitive list and "voorlopig" when they come from a provisional one. It is
    the same for the region and every municipality in it (a municipality without early school leavers that year
    has the region's status). Count years without any VSV figure have no status."""
    frame = queries.kpi_values(wh, [VSV_COUNT_KPI], None, municipality_code=REGION, breakdown=None)
    status: dict[str, str] = {}
    for period, breakdown in zip(frame["period"], frame["breakdown"], strict=True):
        value = parts(breakdown).get("status")
        if value and status.get(period) != "voorlopig":  # both in one year cannot happen; provisional wins
            status[period] = value
    return status
