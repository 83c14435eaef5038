"""The cost split (section kostenverdeling) of the KPI registry, defined once.

`split_sql(budget)` is the whole definition: the KPI runs it over the `begroting` source (`int_budget`), and
warehouse.cost_split runs the very same SQL over amounts typed on the page or on the command line, so the two
can never disagree. The largest-remainder rounding, the participants of each service level and the quarterly
advances all live in that one statement (sql/kostenverdeling.sql).
"""

from __future__ import annotations

from warehouse.kpi_engine import Custom
from warehouse.kpis._common import collector, sql

BUDGET_TABLE = "int_budget"


def split_sql(budget: str = BUDGET_TABLE) -> str:
    """The cost split over the budget lines in relation `budget` (a table name or a parenthesised query)."""
    return sql("kostenverdeling").replace("{budget}", budget)


SPECS, _add = collector()

_add(id="kostenverdeling", label="Kostenverdeling", section="kostenverdeling",
     definition="Per begrotingsregel (per uitvoeringsniveau, of één totaal) de bijdrage van elke deelnemende "
                "gemeente: begroting × inwoners 5-23 jaar op 1 januari van het jaar ervoor / de som over de "
                "gemeenten die aan dat niveau deelnemen (niveau 1 en totaal: alle). In hele centen; "
                "afrondingsverschillen naar de grootste restdelen (bij gelijke rest: laagste gemeentecode), zodat "
                "de som precies de begroting is. Voorschot per kwartaal (kwartaal=1..4): een kwart van de "
                "jaarbijdrage, het restant in het laatste kwartaal.",
     numerator="inwoners 5-23 jaar van de gemeente op 1 januari van B-1 (CBS)",
     denominator="inwoners 5-23 jaar van de deelnemende gemeenten op die datum",
     period_kind="begrotingsjaar", unit="euro", legal_basis="Gemeenschappelijke regeling art. 9 en 10",
     source="Bron: RBL begroting; CBS", breakdowns=("uitvoeringsniveau", "kwartaal"), headline=True, decimals=2,
     event_sources=(),
     compute=(Custom(split_sql()),)),  # one definition, also for entered amounts (warehouse.cost_split)
