"""The shape of a KPI definition, and the registry that refuses a duplicate id."""

from __future__ import annotations

from dataclasses import dataclass, field

PERIOD_KINDS = {
    "schooljaar": "schooljaar (1 augustus - 31 juli), geschreven 2023-2024",
    "teljaar": "teljaar (1 oktober - 30 september), geschreven 2022-2023",
    "peildatum": "peildatum, geschreven 2025-10-01",
    "begrotingsjaar": "begrotingsjaar, geschreven 2025",
}

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
    compute: object = field(default=None, compare=False, repr=False)  # warehouse.kpi_sql part(s)


class Registry(dict[str, Kpi]):
    def add(self, kpi: Kpi) -> Kpi:
        if kpi.id in self:
            raise ValueError(f"KPI id {kpi.id!r} is defined twice")
        if kpi.period_kind not in PERIOD_KINDS:
            raise ValueError(f"KPI {kpi.id!r}: unknown period kind {kpi.period_kind!r}")
        if kpi.section not in dict(SECTIONS):
            raise ValueError(f"KPI {kpi.id!r}: unknown section {kpi.section!r}")
        self[kpi.id] = kpi
        return kpi

    def in_section(self, section: str) -> list[Kpi]:
        return [k for k in self.values() if k.section == section]

    def headline(self, section: str) -> Kpi | None:
        return next((k for k in self.in_section(section) if k.headline), None)
