"""Turns a KPI's declared parts into SQL over a `periods` table, in the long output format.

Every KPI part yields rows (period, municipality_code, breakdown, value, numerator, denominator):
one per municipality and one for the region (`REGIO`, computed from the rows, never by adding up
municipal values), the total with an empty breakdown, and one row per breakdown value. Totals are
written for every participating municipality, also where nothing happened (a count of 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from config.settings import Settings
from warehouse.registry import QUARTER, period_kinds

OUTPUT = ("period", "municipality_code", "breakdown", "value", "numerator", "denominator")


@dataclass(frozen=True)
class Population:
    """Inhabitants of an age range on the population date of the period."""

    min_age: int | str  # an int, or the name of a setting
    max_age: int | str


@dataclass(frozen=True)
class Part:
    """One aggregate over `units` (SQL with columns period, municipality_code, unit, and breakdown columns).

    how: "count" (distinct units), "share" (100 x distinct units with `hit` / distinct units),
         "ratio" (`scale` x distinct units with `hit` / distinct units with `den`),
         "median" (of `measure`, denominator = how many), "sum" (of `measure`).
    Rows whose breakdown column is NULL are left out of that breakdown (they still count in the total).
    per: with "count", divide by a population and multiply by `scale` (a rate).
    breakdowns: tuples of column names, each a breakdown written `col=value` (joined with `;`).
    prefix: a fixed `key=value` put in front of the breakdown (e.g. `maat=personen`).
    totals: False when the part writes no total rows (only its prefixed breakdown rows).
    """

    units: str
    how: str = "count"
    breakdowns: tuple[tuple[str, ...], ...] = ()
    per: Population | None = None
    scale: float = 1000
    prefix: str = ""
    region_breakdowns: bool = True
    totals: bool = True  # False: only breakdown rows (for a second view of units counted elsewhere)


@dataclass(frozen=True)
class Custom:
    """A part written as full SQL that already returns the output columns."""

    sql: str


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
    if kind == "schooljaar":
        y = int(period[:4])
        return date(y, 8, 1), date(y + 1, 7, 31), date(y + 1, 1, 1)
    if kind == "teljaar":
        y = int(period[:4])
        return date(y, 10, 1), date(y + 1, 9, 30), date(y + 1, 1, 1)
    if kind == "begrotingsjaar":
        y = int(period)
        return date(y, 1, 1), date(y, 12, 31), date(y - 1, 1, 1)
    if kind == "peildatum":
        d = date.fromisoformat(period)
        return d, d, d
    raise ValueError(f"unknown period kind {kind!r}")


def periods_sql(kind: str, periods: list[str]) -> str:
    rows = []
    for p in periods:
        start, end, pop = period_bounds(kind, p)
        rows.append(f"('{p}', DATE '{start}', DATE '{end}', DATE '{pop}')")
    values = ", ".join(rows) or "(NULL, NULL::DATE, NULL::DATE, NULL::DATE)"
    return f"SELECT * FROM (VALUES {values}) AS t(period, start_date, end_date, pop_date) WHERE period IS NOT NULL"


def population_sql(pop: Population, kind: str, settings: Settings) -> str:
    """Inhabitants per period and municipality, plus REGIO. A reference date takes the latest
    1 January on or before it; school, count and budget years take their own 1 January."""
    lo, hi = settings.age(pop.min_age), settings.age(pop.max_age)
    date_match = ("ip.peildatum = (SELECT max(peildatum) FROM int_population WHERE peildatum <= p.pop_date)"
                  if kind == "peildatum" else "ip.peildatum = p.pop_date")
    return f"""SELECT p.period, coalesce(ip.municipality_code, 'REGIO') AS municipality_code,
                      sum(ip.inhabitants) AS inhabitants
               FROM periods p JOIN int_population ip ON {date_match}
               WHERE ip.age BETWEEN {lo} AND {hi}
                 AND ip.municipality_code IN (SELECT gemeente_code FROM int_municipalities)
               GROUP BY GROUPING SETS ((p.period, ip.municipality_code), (p.period))"""


def _breakdown_expr(part: Part) -> str:
    """`key=value` pairs joined by `;`, sorted by key (the prefix, e.g. `maat=personen`, included)."""
    cols = sorted({c for combo in part.breakdowns for c in combo})
    pieces = [f"'{part.prefix}'"] if part.prefix else []
    pieces += [f"CASE WHEN grouping({c}) = 0 THEN '{c}=' || CAST({c} AS VARCHAR) END" for c in cols]
    if not pieces:
        return "''"
    return f"array_to_string(list_sort(list_filter([{', '.join(pieces)}], lambda x: x IS NOT NULL)), ';')"


def _null_breakdowns(part: Part) -> str:
    cols = sorted({c for combo in part.breakdowns for c in combo})
    checks = [f"CASE WHEN grouping({c}) = 0 AND {c} IS NULL THEN 1 ELSE 0 END" for c in cols]
    return " + ".join(checks) if checks else "0"


def _grouping_sets(part: Part) -> str:
    sets = ["(period, municipality_code)", "(period)"] if part.totals else []
    for combo in part.breakdowns:
        sets.append(f"(period, municipality_code, {', '.join(combo)})")
        if part.region_breakdowns:
            sets.append(f"(period, {', '.join(combo)})")
    return ", ".join(sets)


def _measures(part: Part) -> str:
    if part.how == "count":
        return "count(DISTINCT unit) AS n, NULL::DOUBLE AS k, NULL::DOUBLE AS m"
    if part.how == "share":
        return "count(DISTINCT unit) AS n, count(DISTINCT unit) FILTER (WHERE hit) AS k, NULL::DOUBLE AS m"
    if part.how == "ratio":
        return ("count(DISTINCT unit) FILTER (WHERE den) AS n, count(DISTINCT unit) FILTER (WHERE hit) AS k, "
                "NULL::DOUBLE AS m")
    if part.how == "median":
        return "count(measure) AS n, NULL::DOUBLE AS k, median(measure) AS m"
    if part.how == "sum":
        return "count(*) AS n, NULL::DOUBLE AS k, sum(measure) AS m"
    raise ValueError(f"unknown aggregation {part.how!r}")


def _outputs(part: Part) -> str:
    """value, numerator, denominator from n (units), k (hits), m (median or sum) and pop."""
    if part.how == "count" and part.per is not None:
        return (f"CASE WHEN pop.inhabitants > 0 THEN {part.scale} * coalesce(a.n, 0) / pop.inhabitants END, "
                "coalesce(a.n, 0), pop.inhabitants")
    if part.how == "count":
        return "coalesce(a.n, 0), coalesce(a.n, 0), NULL"
    if part.how == "share":
        return "CASE WHEN a.n > 0 THEN 100.0 * a.k / a.n END, coalesce(a.k, 0), coalesce(a.n, 0)"
    if part.how == "ratio":
        return f"CASE WHEN a.n > 0 THEN {part.scale} * a.k / a.n END, coalesce(a.k, 0), coalesce(a.n, 0)"
    if part.how == "median":
        return "a.m, NULL, coalesce(a.n, 0)"
    return "coalesce(a.m, 0), coalesce(a.m, 0), NULL"  # sum


def part_sql(part: Part, kind: str, settings: Settings) -> str:
    """The SQL of one generic part (to be wrapped in a WITH that defines `periods`)."""
    pop = f", pop AS ({population_sql(part.per, kind, settings)})" if part.per else ""
    pop_join = "LEFT JOIN pop ON pop.period = b.period AND pop.municipality_code = b.municipality_code" \
        if part.per else ""
    units = settings.render(part.units)
    prefix = f"'{part.prefix}'" if part.prefix else "''"
    zero_fill = f"""SELECT p.period, g.code AS municipality_code, {prefix} AS breakdown
            FROM periods p, (SELECT gemeente_code AS code FROM int_municipalities UNION ALL SELECT 'REGIO') g
            UNION""" if part.totals else ""
    return f"""
        WITH u AS ({units}){pop},
        grouped AS (
            SELECT period,
                   CASE WHEN grouping(municipality_code) = 1 THEN 'REGIO' ELSE municipality_code END
                       AS municipality_code,
                   {_breakdown_expr(part)} AS breakdown, {_measures(part)},
                   {_null_breakdowns(part)} AS null_breakdowns
            FROM u GROUP BY GROUPING SETS ({_grouping_sets(part)})
        ),
        agg AS (SELECT * FROM grouped WHERE null_breakdowns = 0),
        base AS (
            {zero_fill}
            SELECT period, municipality_code, breakdown FROM agg WHERE municipality_code IS NOT NULL
        )
        SELECT b.period, b.municipality_code, b.breakdown, {_outputs(part)}
        FROM base b
        LEFT JOIN agg a ON a.period = b.period AND a.municipality_code = b.municipality_code
                       AND a.breakdown = b.breakdown
        {pop_join}
    """


LEERPLICHT = Population("leerplicht_min", "leerplicht_max")


def kpi_sql(parts: tuple, kind: str, periods: list[str], settings: Settings) -> str:
    """One query for all parts of a KPI over the given periods. Custom SQL may use the CTEs
    `periods` and `pop_leerplicht` (inhabitants 5-17 per period and municipality, and REGIO)."""
    bodies = []
    for part in parts:
        body = settings.render(part.sql) if isinstance(part, Custom) else part_sql(part, kind, settings)
        bodies.append(f"SELECT * FROM ({body}) AS x({', '.join(OUTPUT)})")
    return (f"WITH periods AS ({periods_sql(kind, periods)}), "
            f"pop_leerplicht AS ({population_sql(LEERPLICHT, kind, settings)}) "
            + " UNION ALL ".join(bodies))


def rows_sql(kpi, kind: str, periods: list[str], settings: Settings) -> str:
    """One KPI over the given periods as SQL with the output columns, `kpi_id` first."""
    if kind not in period_kinds(kpi):
        raise ValueError(f"{kpi.id} is a {kpi.period_kind} figure, not {kind}")
    sql = kpi_sql(kpi.compute, kind, periods, settings)
    # rounded to 9 decimals: parallel float sums differ in the last bit from run to run, figures must not
    return (f"SELECT '{kpi.id}' AS kpi_id, period, municipality_code, breakdown, round(value, 9) AS value, "
            f"round(numerator, 9) AS numerator, round(denominator, 9) AS denominator FROM ({sql})")


def compute(con, kpis: list, kind: str, periods: list[str], settings: Settings) -> list[tuple]:
    """Rows (kpi_id, period, municipality_code, breakdown, value, numerator, denominator)."""
    rows: list[tuple] = []
    for kpi in kpis:
        rows.extend(con.execute(f"SELECT * FROM ({rows_sql(kpi, kind, periods, settings)}) "
                                "ORDER BY period, municipality_code, breakdown").fetchall())
    return rows


def units(con, kpi, kind: str, period: str, settings: Settings) -> list[tuple]:
    """What the first part of a KPI counts for one period, unaggregated: (municipality_code, unit) rows.
    The detail lists behind a figure (which reports, which schools) come from here, so a list and its
    count can never disagree."""
    part = kpi.compute[0]
    if isinstance(part, Custom):
        raise ValueError(f"{kpi.id} is written as custom SQL: it has no units to list")
    sql = (f"WITH periods AS ({periods_sql(kind, [period])}), "
           f"pop_leerplicht AS ({population_sql(LEERPLICHT, kind, settings)}) "
           f"SELECT DISTINCT municipality_code, unit FROM ({settings.render(part.units)}) ORDER BY 1, 2")
    return con.execute(sql).fetchall()
