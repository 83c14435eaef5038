"""What the section modules of the registry share: legal bases, the population of compulsory-education age,
and the reader of the `.sql` files beside them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from warehouse.kpi_engine import Part, Population
from warehouse.registry import Kpi

SQL_DIR = Path(__file__).resolve().parent / "sql"
LEERPLICHTIG = Population("leerplicht_min", "leerplicht_max")
LPW = "Leerplichtwet 1969"
RMC = "RMC-wetgeving (WVO art. 118h e.v., WEB art. 8.3.2); convenant VSV"


@cache
def sql(name: str) -> str:
    """The SQL of `sql/<name>.sql`. Placeholders: `$name` a shared fragment (warehouse.fragments, declared in
    the KPI's `fragments`), `{{name}}` a setting, `{name}` text the section module fills in with str.format."""
    return (SQL_DIR / f"{name}.sql").read_text()


def collector() -> tuple[list[Kpi], Callable[..., Kpi]]:
    """A section's definitions in the order written, and the function that adds one: `_add(id=..., ...)`."""
    specs: list[Kpi] = []

    def add(**fields) -> Kpi:
        specs.append(Kpi(**fields))
        return specs[-1]

    return specs, add


def reports_and_persons(units: str, breakdowns: tuple[tuple[str, ...], ...]) -> tuple[Part, ...]:
    """A count of reports and, as `maat=personen`, of the persons they are about: `units` selects `{unit}`."""
    return tuple(Part(units.format(unit=unit), breakdowns=breakdowns, prefix=prefix)
                 for unit, prefix in (("r.meldingsnummer", ""), ("r.person_id", "maat=personen")))
