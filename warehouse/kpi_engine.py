"""Turns a KPI's declared parts into SQL over a `periods` table, in the long output format.

Every KPI part yields rows (period, municipality_code, breakdown, value, numerator, denominator):
one per municipality and one for the region (`REGIO`, computed from the rows, never by adding up
municipal values), the total with an empty breakdown, and one row per breakdown value. Totals are
written for every participating municipality, also where nothing happened (a count of 0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from string import Template

from config.settings import Settings
from warehouse import fragments
from warehouse.periods import period_bounds
from warehouse.registry import period_kinds

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


def periods_sql(kind: str, periods: list[str], ends: Mapping[str, date] | None = None) -> str:
    """The `periods` relation: (period, start_date, end_date, pop_date). `ends` cuts a period short: its figures
    count only up to that day (a partial period and its like-for-like, warehouse.periods)."""
    rows = []
    for p in periods:
        start, end, pop = period_bounds(kind, p)
        end = min(end, (ends or {}).get(p, end))
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


def _grouped(col: str, flags: bool) -> str:
    """SQL that is 1 where `col` is not one of the grouping set's columns: `grouping(col)`, or its flag column
    `g_<col>` written by the first step of a distinct count (`_distinct_grouped`)."""
    return f"g_{col}" if flags else f"grouping({col})"


def _breakdown_expr(part: Part, flags: bool = False) -> str:
    """`key=value` pairs joined by `;`, sorted by key (the prefix, e.g. `maat=personen`, included)."""
    cols = sorted({c for combo in part.breakdowns for c in combo})
    pieces = [f"'{part.prefix}'"] if part.prefix else []
    pieces += [f"CASE WHEN {_grouped(c, flags)} = 0 THEN '{c}=' || CAST({c} AS VARCHAR) END" for c in cols]
    if not pieces:
        return "''"
    return f"array_to_string(list_sort(list_filter([{', '.join(pieces)}], lambda x: x IS NOT NULL)), ';')"


# breakdowns that name a unit of their own (a school, a staff member) rather than a category: a school or staff
# member belongs to some municipalities only, so their cells are not filled with zeros elsewhere
IDENTITY_BREAKDOWNS = ("school", "behandelaar")


def _category_breakdowns(part: Part) -> str:
    """SQL condition on `breakdown` for the rows of category breakdowns (soort=zaak, reden=3, ...), '' if none."""
    combos = [c for c in part.breakdowns if not set(c) & set(IDENTITY_BREAKDOWNS)]
    if not combos:
        return ""
    cols = sorted({c for combo in part.breakdowns for c in combo})
    identity = [f"breakdown NOT LIKE '%{c}=%'" for c in cols if c in IDENTITY_BREAKDOWNS]
    return " AND ".join(["breakdown <> ''", *identity]) if identity else "breakdown <> ''"


def _null_breakdowns(part: Part, flags: bool = False) -> str:
    cols = sorted({c for combo in part.breakdowns for c in combo})
    checks = [f"CASE WHEN {_grouped(c, flags)} = 0 AND {c} IS NULL THEN 1 ELSE 0 END" for c in cols]
    return " + ".join(checks) if checks else "0"


def _grouping_sets(part: Part) -> str:
    return ", ".join(f"({', '.join(['period', *cols])})" for cols in _sets(part))


# Distinct counts (count, share, ratio) are computed per grouping set in two plain steps, one row per unit and
# then a count of those rows, instead of count(DISTINCT unit) over GROUPING SETS: the same numbers, but plain
# aggregates, one grouping set at a time, spill to disk under DuckDB's memory cap (a load's RBL_LOAD_MEMORY)
# where DISTINCT aggregates over grouping sets do not, and they take less time (docs/performance.md).
DISTINCT_HOWS = ("count", "share", "ratio")


def _sets(part: Part) -> list[tuple[str, ...]]:
    """The grouping sets of a part without `period` (which every set has): totals and breakdowns, per
    municipality and for the region."""
    sets: list[tuple[str, ...]] = [("municipality_code",), ()] if part.totals else []
    for combo in part.breakdowns:
        sets.append(("municipality_code", *combo))
        if part.region_breakdowns:
            sets.append(combo)
    return sets


def _distinct_grouped(part: Part) -> str:
    """`grouped` of a distinct count. Per grouping set: one row per unit (whether any of its rows is a hit, or
    in the denominator), then the units counted; the columns outside the set are NULL with flag `g_<col>` = 1,
    as grouping() would say. count(unit), as count(DISTINCT unit), skips a NULL unit."""
    cols = ["municipality_code", *sorted({c for combo in part.breakdowns for c in combo})]
    hit = "bool_or(hit)" if part.how in ("share", "ratio") else "NULL::BOOLEAN"
    den = "bool_or(den)" if part.how == "ratio" else "NULL::BOOLEAN"
    n = "count(unit) FILTER (WHERE den)" if part.how == "ratio" else "count(unit)"
    k = "count(unit) FILTER (WHERE hit)" if part.how in ("share", "ratio") else "NULL::BIGINT"
    selects = []
    for grouping_set in _sets(part):
        keys = ", ".join(["period", *grouping_set])
        out = ", ".join(c if c in grouping_set else f"NULL AS {c}" for c in cols)
        flags = ", ".join(f"{0 if c in grouping_set else 1} AS g_{c}" for c in cols)
        selects.append(f"""SELECT period, {out}, {flags}, {n} AS n, {k} AS k FROM (
                SELECT {keys}, unit, {hit} AS hit, {den} AS den FROM u GROUP BY {keys}, unit) GROUP BY {keys}""")
    union = "\n            UNION ALL ".join(selects)
    return f"""counted AS (
            {union}
        ),
        grouped AS (
            SELECT period, CASE WHEN g_municipality_code = 1 THEN 'REGIO' ELSE municipality_code END
                       AS municipality_code,
                   {_breakdown_expr(part, flags=True)} AS breakdown, n, k, NULL::DOUBLE AS m,
                   {_null_breakdowns(part, flags=True)} AS null_breakdowns
            FROM counted
        )"""


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
    units = render(part.units, settings)
    prefix = f"'{part.prefix}'" if part.prefix else "''"
    areas = "(SELECT gemeente_code AS code FROM int_municipalities UNION ALL SELECT 'REGIO') g"
    zero_fill = f"""SELECT p.period, g.code AS municipality_code, {prefix} AS breakdown FROM periods p, {areas}
            UNION""" if part.totals else ""
    if _category_breakdowns(part):  # an empty cell is a 0: a category seen anywhere in the period, everywhere
        zero_fill += f"""
            SELECT c.period, g.code AS municipality_code, c.breakdown FROM (SELECT DISTINCT period, breakdown FROM agg
                                                       WHERE {_category_breakdowns(part)}) c, {areas}
            UNION"""
    grouped = _distinct_grouped(part) if part.how in DISTINCT_HOWS else f"""grouped AS (
            SELECT period,
                   CASE WHEN grouping(municipality_code) = 1 THEN 'REGIO' ELSE municipality_code END
                       AS municipality_code,
                   {_breakdown_expr(part)} AS breakdown, {_measures(part)},
                   {_null_breakdowns(part)} AS null_breakdowns
            FROM u GROUP BY GROUPING SETS ({_grouping_sets(part)})
        )"""
    # a plain units query is computed again for each grouping set (a join is cheap; DuckDB would otherwise keep
    # all its rows in memory, which does not spill); one that materialises steps of its own is computed once
    materialize = "" if "MATERIALIZED" in units else "NOT MATERIALIZED "
    return f"""
        WITH u AS {materialize}({units}){pop},
        {grouped},
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


def part_sqls(parts: tuple) -> list[str]:
    """The SQL text each part is written in (a part's units, or its custom SQL)."""
    return [part.sql if isinstance(part, Custom) else part.units for part in parts]


def used_fragments(parts: tuple) -> set[str]:
    """The shared fragments (warehouse.fragments) the SQL of these parts uses: `$name` text fragments and
    the CTE fragments it reads."""
    used: set[str] = set()
    for sql in part_sqls(parts):
        used |= set(Template(sql).get_identifiers())
        used |= {name for name in fragments.CTES if re.search(rf"\b{name}\b", sql)}
    return used


def check_fragments(kpi) -> None:
    """A KPI declares exactly the fragments its SQL uses (`Kpi.fragments`), and only known ones."""
    used, declared = used_fragments(kpi.compute), set(kpi.fragments)
    unknown = (used | declared) - fragments.NAMES
    if unknown:
        raise ValueError(f"KPI {kpi.id!r}: unknown SQL fragment(s) {', '.join(sorted(unknown))}")
    if used != declared:
        raise ValueError(f"KPI {kpi.id!r}: its SQL uses the fragments {sorted(used)} but declares {sorted(declared)}")


def render(sql: str, settings: Settings) -> str:
    """SQL with its `$name` fragments and `{{setting}}` values put in."""
    return settings.render(Template(sql).substitute(fragments.TEXT))


def _with(kind: str, periods: list[str], settings: Settings, declared: tuple[str, ...],
          ends: Mapping[str, date] | None = None) -> str:
    """The WITH clause: `periods`, and the CTE fragments the KPI declares."""
    ctes = [f"periods AS ({periods_sql(kind, periods, ends)})"]
    ctes += [f"{name} AS ({population_sql(Population(*fragments.CTES[name]), kind, settings)})"
             for name in declared if name in fragments.CTES]
    return "WITH " + ", ".join(ctes) + " "


def kpi_sql(parts: tuple, kind: str, periods: list[str], settings: Settings, declared: tuple[str, ...] = (),
            ends: Mapping[str, date] | None = None) -> str:
    """One query for all parts of a KPI over the given periods. The SQL may use the CTE `periods` and the
    fragments in `declared` (warehouse.fragments)."""
    bodies = []
    for part in parts:
        body = render(part.sql, settings) if isinstance(part, Custom) else part_sql(part, kind, settings)
        bodies.append(f"SELECT * FROM ({body}) AS x({', '.join(OUTPUT)})")
    return _with(kind, periods, settings, declared, ends) + " UNION ALL ".join(bodies)


def rows_sql(kpi, kind: str, periods: list[str], settings: Settings, ends: Mapping[str, date] | None = None) -> str:
    """One KPI over the given periods as SQL with the output columns, `kpi_id` first."""
    if kind not in period_kinds(kpi):
        raise ValueError(f"{kpi.id} is a {kpi.period_kind} figure, not {kind}")
    sql = kpi_sql(kpi.compute, kind, periods, settings, kpi.fragments, ends)
    # rounded to 9 decimals: parallel float sums differ in the last bit from run to run, figures must not
    return (f"SELECT '{kpi.id}' AS kpi_id, period, municipality_code, breakdown, round(value, 9) AS value, "
            f"round(numerator, 9) AS numerator, round(denominator, 9) AS denominator FROM ({sql})")


def compute(con, kpis: list, kind: str, periods: list[str], settings: Settings,
            ends: Mapping[str, date] | None = None) -> list[tuple]:
    """Rows (kpi_id, period, municipality_code, breakdown, value, numerator, denominator)."""
    rows: list[tuple] = []
    for kpi in kpis:
        rows.extend(con.execute(f"SELECT * FROM ({rows_sql(kpi, kind, periods, settings, ends)}) "
                                "ORDER BY period, municipality_code, breakdown").fetchall())
    return rows


def units(con, kpi, kind: str, period: str, settings: Settings) -> list[tuple]:
    """What the first part of a KPI counts for one period, unaggregated: (municipality_code, unit) rows.
    The detail lists behind a figure (which reports, which schools) come from here, so a list and its
    count can never disagree."""
    part = kpi.compute[0]
    if isinstance(part, Custom):
        raise ValueError(f"{kpi.id} is written as custom SQL: it has no units to list")
    sql = (_with(kind, [period], settings, kpi.fragments)
           + f"SELECT DISTINCT municipality_code, unit FROM ({render(part.units, settings)}) ORDER BY 1, 2")
    return con.execute(sql).fetchall()
