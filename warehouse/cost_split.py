"""The cost split (kpis.md `kostenverdeling`), defined once.

`split_sql(budget)` is the whole definition: the KPI in `warehouse.kpis` runs it over the `begroting`
source (`int_budget`), and `entered_split` runs the very same SQL over amounts typed on the page or on the
command line (bound as parameters), so the two can never disagree. The largest-remainder rounding, the
participants of each service level and the quarterly advances all live in that one statement.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from warehouse.connection import Warehouse

BUDGET_TABLE = "int_budget"
KIND = "begrotingsjaar"
TOTAL = "totaal"  # the level of a budget line without a service level: one total, split over everybody
LEVELS = ("1", "2", "2A")  # the service levels a budget line can be given for (domain.md)
COLUMNS = ["kpi_id", "period", "municipality_code", "breakdown", "value", "numerator", "denominator"]

# {budget} is a relation with budget_year, level, amount_cents; {{kosten_min}} and {{kosten_max}} are
# settings (config.settings.render). Output: the KPI engine's columns, in euros.
_TEMPLATE = """
        WITH lines AS (SELECT p.period, b.level, b.amount_cents, p.pop_date, p.start_date, p.end_date
                       FROM periods p JOIN {budget} b ON CAST(b.budget_year AS VARCHAR) = p.period),
        members AS (
            SELECT l.period, l.level, l.amount_cents, m.gemeente_code AS municipality_code,
                   coalesce((SELECT sum(inhabitants) FROM int_population ip
                             WHERE ip.municipality_code = m.gemeente_code AND ip.peildatum = l.pop_date
                               AND ip.age BETWEEN {{kosten_min}} AND {{kosten_max}}), 0) AS inhabitants
            FROM lines l JOIN int_municipalities m
              ON (l.level IN ('1', 'totaal') OR m.uitvoeringsniveau = l.level)
             AND (m.deelname_vanaf IS NULL OR m.deelname_vanaf <= l.end_date)
             AND (m.deelname_tot IS NULL OR m.deelname_tot >= l.start_date)),
        exact AS (
            SELECT *, sum(inhabitants) OVER (PARTITION BY period, level) AS total,
                   CAST(amount_cents AS HUGEINT) * inhabitants AS product FROM members),
        parts AS (
            SELECT *, CASE WHEN total > 0 THEN product // total ELSE 0 END AS floor_cents,
                   CASE WHEN total > 0 THEN product % total ELSE 0 END AS remainder FROM exact),
        ranked AS (
            SELECT *, amount_cents - sum(floor_cents) OVER (PARTITION BY period, level) AS left_over,
                   row_number() OVER (PARTITION BY period, level ORDER BY remainder DESC, municipality_code)
                       AS rank FROM parts),
        shares AS (  -- no inhabitants known for that date: the split is not defined (NULL), never 0
            SELECT period, level, municipality_code, inhabitants, total,
                   CAST(CASE WHEN total > 0 THEN floor_cents + CASE WHEN rank <= left_over THEN 1 ELSE 0 END END
                        AS BIGINT) AS cents
            FROM ranked),
        per_gm AS (SELECT period, municipality_code, sum(cents) AS cents, max(inhabitants) AS inhabitants,
                          max(total) AS total FROM shares GROUP BY ALL),
        quarters AS (SELECT g.*, q.q, CASE WHEN q.q < 4 THEN cents // 4 ELSE cents - 3 * (cents // 4) END AS qc
                     FROM per_gm g, (SELECT unnest([1, 2, 3, 4]) AS q) q)
        SELECT period, municipality_code, 'uitvoeringsniveau=' || level, cents / 100, inhabitants, total FROM shares
        UNION ALL
        SELECT period, 'REGIO', 'uitvoeringsniveau=' || level, sum(cents) / 100, max(total), max(total)
        FROM shares GROUP BY period, level
        UNION ALL
        SELECT period, municipality_code, '', cents / 100, inhabitants, total FROM per_gm
        UNION ALL
        SELECT period, 'REGIO', '', sum(cents) / 100, NULL, NULL FROM per_gm GROUP BY period
        UNION ALL
        SELECT period, municipality_code, 'kwartaal=' || q, qc / 100, NULL, NULL FROM quarters
        UNION ALL
        SELECT period, 'REGIO', 'kwartaal=' || q, sum(qc) / 100, NULL, NULL FROM quarters GROUP BY period, q"""


def split_sql(budget: str = BUDGET_TABLE) -> str:
    """The cost split over the budget lines in relation `budget` (a table name or a parenthesised query)."""
    return _TEMPLATE.replace("{budget}", budget)


KPI_SQL = split_sql()  # the KPI's own: over the `begroting` source


class SplitError(ValueError):
    """The amounts cannot be split; the message (Dutch) says why."""


def entered_split(wh: Warehouse, budget_year: int, amounts: dict[str, int]) -> pd.DataFrame:
    """The cost split of `amounts` (level -> whole cents; level `totaal` for one total, or some of 1, 2, 2A)
    for `budget_year`, in the KPI's long rows (columns COLUMNS), computed by the KPI's own SQL."""
    from config.settings import load_settings
    from warehouse.kpi_engine import Custom, rows_sql
    from warehouse.kpis import KPIS

    if not amounts:
        raise SplitError("Geen bedrag opgegeven.")
    if TOTAL in amounts and len(amounts) > 1:
        raise SplitError("Geef één totaal óf bedragen per uitvoeringsniveau, niet allebei.")
    unknown = [level for level in amounts if level not in (TOTAL, *LEVELS)]
    if unknown:
        raise SplitError(f"Onbekend uitvoeringsniveau: {', '.join(unknown)} (kies uit {', '.join(LEVELS)}).")
    lines = sorted(amounts.items())
    values = ", ".join("(CAST(? AS INTEGER), CAST(? AS VARCHAR), CAST(? AS BIGINT))" for _ in lines)
    relation = f"(SELECT * FROM (VALUES {values}) AS entered(budget_year, level, amount_cents))"
    kpi = dataclasses.replace(KPIS["kostenverdeling"], compute=(Custom(split_sql(relation)),))
    sql = rows_sql(kpi, KIND, [str(budget_year)], load_settings())
    params = [v for level, cents in lines for v in (int(budget_year), level, int(cents))]
    cur = wh.cursor()
    try:
        frame = cur.execute(f"SELECT * FROM ({sql}) ORDER BY municipality_code, breakdown", params).df()
    finally:
        cur.close()
    return frame[COLUMNS]


def budget_lines(wh: Warehouse, budget_year: int) -> dict[str, int]:
    """The `begroting` source's lines of one budget year: level (1, 2, 2A or totaal) -> whole cents."""
    rows = wh.rows("SELECT level, amount_cents FROM int_budget WHERE budget_year = ? ORDER BY level",
                   [int(budget_year)])
    return {level: int(cents) for level, cents in rows}


def population_years(wh: Warehouse) -> list[int]:
    """The budget years a split can be made for: those whose 1 January of the year before has CBS counts."""
    rows = wh.rows("""SELECT DISTINCT year(peildatum) + 1 FROM int_population
                      WHERE month(peildatum) = 1 AND day(peildatum) = 1 ORDER BY 1""")
    return [int(r[0]) for r in rows]
