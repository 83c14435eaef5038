"""The cost split of entered amounts (kpis.md `kostenverdeling`), by the KPI's own SQL.

The definition is `warehouse.kpis.cost.split_sql`; `entered_split` runs that very SQL over amounts typed on the
page or on the command line (bound as parameters), so a split of entered amounts and the KPI over the
`begroting` source can never disagree.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from config.settings import load_settings
from warehouse.connection import Warehouse
from warehouse.kpi_engine import Custom, rows_sql
from warehouse.kpis import KPIS
from warehouse.kpis.cost import split_sql

KIND = "begrotingsjaar"
TOTAL = "totaal"  # the level of a budget line without a service level: one total, split over everybody
LEVELS = ("1", "2", "2A")  # the service levels a budget line can be given for (domain.md)
COLUMNS = ["kpi_id", "period", "municipality_code", "breakdown", "value", "numerator", "denominator"]


class SplitError(ValueError):
    """The amounts cannot be split; the message (Dutch) says why."""


def entered_split(wh: Warehouse, budget_year: int, amounts: dict[str, int]) -> pd.DataFrame:
    """The cost split of `amounts` (level -> whole cents; level `totaal` for one total, or some of 1, 2, 2A)
    for `budget_year`, in the KPI's long rows (columns COLUMNS), computed by the KPI's own SQL."""
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
