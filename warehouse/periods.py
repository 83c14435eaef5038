"""Period kinds and their arithmetic: bounds, the previous period, the same period a year earlier, and
like-for-like (the same period cut at the same day and month). Plain dates, no database; the KPI engine
turns bounds into SQL, pages and reports ask `warehouse.views` (which asks here) for previous periods.

Bounds (kpis.md "Conventions"): a school year runs 1 August - 31 July (written 2023-2024), a count year
1 October - 30 September (2022-2023), a budget year is a calendar year (2025), a calendar quarter is written
2025-K3, a reference date (peildatum) is one day (2025-10-01). The population date of a period is the
1 January whose CBS counts its rates use.
"""

from __future__ import annotations

import re
from calendar import isleap
from datetime import date, timedelta

SCHOOL_YEAR = "schooljaar"
COUNT_YEAR = "teljaar"
REFERENCE_DATE = "peildatum"
BUDGET_YEAR = "begrotingsjaar"
QUARTER = "kwartaal"

PERIOD_KINDS = {
    SCHOOL_YEAR: "schooljaar (1 augustus - 31 juli), geschreven 2023-2024",
    COUNT_YEAR: "teljaar (1 oktober - 30 september), geschreven 2022-2023",
    REFERENCE_DATE: "peildatum, geschreven 2025-10-01",
    BUDGET_YEAR: "begrotingsjaar, geschreven 2025",
    # the joint body's quarterly meetings: a school-year figure marked `quarterly` over a calendar quarter
    QUARTER: "kalenderkwartaal, geschreven 2025-K3 (K1 januari-maart ... K4 oktober-december)",
}
# the month a year-long period starts in (school year: August, count year: October, budget year: January)
_YEAR_START = {SCHOOL_YEAR: 8, COUNT_YEAR: 10, BUDGET_YEAR: 1}

QUARTER_FORM = re.compile(r"(\d{4})-K([1-4])")


def quarter_bounds(period: str) -> tuple[date, date]:
    """First and last day of a calendar quarter written `2025-K3`."""
    m = QUARTER_FORM.fullmatch(period)
    if not m:
        raise ValueError(f"{period!r} is geen kwartaal (schrijf bijvoorbeeld 2025-K3)")
    y, q = int(m[1]), int(m[2])
    start = date(y, 3 * q - 2, 1)
    return start, (date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)) - timedelta(days=1)


def quarter_of(d: date) -> str:
    return f"{d.year}-K{(d.month - 1) // 3 + 1}"


def shift_quarter(period: str, quarters: int) -> str:
    """The quarter `quarters` later (negative: earlier): ("2025-K1", -1) -> "2024-K4"; -4 is a year before."""
    start, _ = quarter_bounds(period)
    n = start.year * 4 + (start.month - 1) // 3 + quarters
    return f"{n // 4}-K{n % 4 + 1}"


def period_bounds(kind: str, period: str) -> tuple[date, date, date]:
    """(start, end, population date) of a period; see kpis.md "Conventions". A quarter's population is that
    of 1 January of its year, as a school year takes the 1 January inside it."""
    if kind == QUARTER:
        start, end = quarter_bounds(period)
        return start, end, date(start.year, 1, 1)
    if kind in (SCHOOL_YEAR, COUNT_YEAR):
        y = int(period[:4])
        start = date(y, _YEAR_START[kind], 1)
        return start, date(y + 1, _YEAR_START[kind], 1) - timedelta(days=1), date(y + 1, 1, 1)
    if kind == BUDGET_YEAR:
        y = int(period)
        return date(y, 1, 1), date(y, 12, 31), date(y - 1, 1, 1)
    if kind == REFERENCE_DATE:
        d = date.fromisoformat(period)
        return d, d, d
    raise ValueError(f"unknown period kind {kind!r}")


def bounds(kind: str, period: str) -> tuple[date, date]:
    """First and last day of a period."""
    start, end, _ = period_bounds(kind, period)
    return start, end


def period_of(kind: str, d: date) -> str:
    """The period of a kind that contains the date `d` (a reference date: the date itself)."""
    if kind == QUARTER:
        return quarter_of(d)
    if kind == REFERENCE_DATE:
        return d.isoformat()
    if kind == BUDGET_YEAR:
        return str(d.year)
    if kind in _YEAR_START:
        y = d.year - (1 if d.month < _YEAR_START[kind] else 0)
        return f"{y}-{y + 1}"
    raise ValueError(f"unknown period kind {kind!r}")


def _years_later(d: date, years: int) -> date:
    """The same day and month `years` later (negative: earlier); 29 February becomes 28 February where the
    year has none."""
    y = d.year + years
    return date(y, 2, 28) if (d.month, d.day) == (2, 29) and not isleap(y) else d.replace(year=y)


def shift(kind: str, period: str, steps: int) -> str:
    """The period `steps` periods of the same kind later (negative: earlier). A reference date has no
    next or previous period of its own; it moves by whole years (steps = years)."""
    if kind == QUARTER:
        return shift_quarter(period, steps)
    if kind == REFERENCE_DATE:
        return _years_later(date.fromisoformat(period), steps).isoformat()
    period_bounds(kind, period)  # refuses an unknown kind
    if kind == BUDGET_YEAR:
        return str(int(period) + steps)
    y = int(period[:4]) + steps
    return f"{y}-{y + 1}"


def previous(kind: str, period: str) -> str | None:
    """The period just before: 2024-2025 -> 2023-2024, 2025-K1 -> 2024-K4, 2026 -> 2025. A reference date
    has no previous period of its own (None): which earlier date to compare with is the caller's choice
    (warehouse.views takes the precomputed reference date before it)."""
    return None if kind == REFERENCE_DATE else shift(kind, period, -1)


def year_earlier(kind: str, period: str) -> str:
    """The same period a year earlier: 2024-2025 -> 2023-2024, 2025-K3 -> 2024-K3, 2025-10-01 -> 2024-10-01."""
    return shift(kind, period, -4 if kind == QUARTER else -1)


def cut(kind: str, period: str, on: date) -> tuple[date, date]:
    """The part of a period that lies up to and including `on` (all of it when it ended before `on`)."""
    start, end = bounds(kind, period)
    if on < start:
        raise ValueError(f"{on} ligt voor het begin van {period}")
    return start, min(end, on)


def like_for_like(kind: str, period: str, on: date) -> tuple[date, date]:
    """The same period a year earlier cut at the same day and month as `on`: what a partial period (data up
    to `on`) is compared with. 2025-2026 cut at 2025-11-15 -> (2024-08-01, 2024-11-15)."""
    start, end = cut(kind, period, on)
    earlier_start, earlier_end = bounds(kind, year_earlier(kind, period))
    if end == bounds(kind, period)[1]:  # the whole period: the whole period a year earlier
        return earlier_start, earlier_end
    return earlier_start, min(earlier_end, _years_later(end, -1))
