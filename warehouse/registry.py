"""The shape of a KPI definition, and the registry that refuses a duplicate id."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from warehouse.periods import PERIOD_KINDS, QUARTER

# The sources that record events in time (a report, a case, an action, ...): a period is only complete when
# they are loaded up to its end. Snapshot sources (schools, staff, contact persons, population, budget, start
# population, enrolments, persons) describe a state and are not event sources. Used to flag partial periods.
EVENT_SOURCES = ("verzuimmeldingen", "zaken", "acties", "vrijstellingen", "trajecten", "vsv")

SECTIONS: tuple[tuple[str, str], ...] = (
    ("verzuim", "Verzuim"),
    ("vsv", "Voortijdig schoolverlaten"),
    ("capaciteit", "Capaciteit en werkvoorraad"),
    ("effectrapportage", "Effectrapportage Doorstroompunt"),
    ("kostenverdeling", "Kostenverdeling"),
    ("data", "Datakwaliteit"),
)


@dataclass(frozen=True)
class Kpi:
    id: str
    label: str  # Dutch, as shown on cards and in exports
    section: str
    definition: str  # Dutch, one or two sentences, as in docs/kpis.md
    numerator: str
    denominator: str
    period_kind: str
    unit: str  # "per 1.000", "%", "aantal", "werkdagen", "dagen", "fte", "euro", "per fte", "inwoners per fte"
    legal_basis: str
    source: str  # attribution shown under charts: "Bron: DUO", "Bron: CBS; DUO", ...
    breakdowns: tuple[str, ...] = ()  # breakdown keys besides municipality
    headline: bool = False  # the main figure of its section on the overview page
    decimals: int = 1
    # small-number suppression (warehouse.suppression): "count", "rate", "none" or "internal"; empty = from the
    # unit (aantal -> count; fte, euro, inwoners per fte -> none; anything else -> rate)
    suppression: str = ""
    # also computed per calendar quarter (period kind kwartaal) with this same definition: the quarter takes the
    # school year's place and the population is that of 1 January of the quarter's year (docs/kpis_intro.md)
    quarterly: bool = False
    compute: object = field(default=None, compare=False, repr=False)  # warehouse.kpi_engine part(s)
    # the event sources (EVENT_SOURCES) whose rows it counts; None = not declared, which the registry refuses
    event_sources: tuple[str, ...] | None = None
    fragments: tuple[str, ...] = ()  # the shared SQL fragments its SQL uses (warehouse.fragments)
    # how many days before a row's first day its figure can reach: a figure of a period that looks at rows after
    # the period's end (recidive: a new report up to 365 days after a closing). Incremental marts recompute the
    # periods a changed row can reach (warehouse.build.FIRST_DAY); 0 = only periods ending on or after that day
    reaches_back_days: int = 0


class Registry(dict[str, Kpi]):
    def add(self, kpi: Kpi) -> Kpi:
        if kpi.id in self:
            raise ValueError(f"KPI id {kpi.id!r} is defined twice")
        if kpi.period_kind not in PERIOD_KINDS:
            raise ValueError(f"KPI {kpi.id!r}: unknown period kind {kpi.period_kind!r}")
        if kpi.section not in dict(SECTIONS):
            raise ValueError(f"KPI {kpi.id!r}: unknown section {kpi.section!r}")
        if kpi.event_sources is None:
            raise ValueError(f"KPI {kpi.id!r}: declare its event_sources (() when it counts none)")
        unknown = set(kpi.event_sources) - set(EVENT_SOURCES)
        if unknown:
            raise ValueError(f"KPI {kpi.id!r}: {', '.join(sorted(unknown))} is not an event source")
        _check_quarterly(kpi)
        self[kpi.id] = kpi
        return kpi

    def also_per_quarter(self, *ids: str) -> None:
        """Mark figures as computed per calendar quarter too (`Kpi.quarterly`), with the same definition."""
        for kpi_id in ids:
            self[kpi_id] = _check_quarterly(replace(self[kpi_id], quarterly=True))

    def in_section(self, section: str) -> list[Kpi]:
        return [k for k in self.values() if k.section == section]

    def headline(self, section: str) -> Kpi | None:
        return next((k for k in self.in_section(section) if k.headline), None)

    def quarterly(self) -> list[Kpi]:
        return [k for k in self.values() if k.quarterly]


def period_kinds(kpi: Kpi) -> tuple[str, ...]:
    """The period kinds a KPI is computed for: its own, and kwartaal when it is quarterly."""
    return (kpi.period_kind, QUARTER) if kpi.quarterly else (kpi.period_kind,)


def _check_quarterly(kpi: Kpi) -> Kpi:
    # only a school-year flow figure has a quarter: the quarter's bounds take the school year's place in its SQL
    if kpi.quarterly and kpi.period_kind != "schooljaar":
        raise ValueError(f"KPI {kpi.id!r}: only a schooljaar figure can be quarterly, not a {kpi.period_kind}")
    return kpi
