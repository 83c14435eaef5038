"""The four roles of security.md and what each may see."""

from __future__ import annotations

from dataclasses import dataclass, field

COORDINATOR = "coordinator"
PORTFOLIO_HOLDER = "portefeuillehouder"
STAFF = "medewerker"
ADMINISTRATOR = "beheerder"
ROLES = (COORDINATOR, PORTFOLIO_HOLDER, STAFF, ADMINISTRATOR)
LABELS = {COORDINATOR: "Coördinator", PORTFOLIO_HOLDER: "Portefeuillehouder", STAFF: "Medewerker",
          ADMINISTRATOR: "Beheerder"}
# who may open which kind of page (pages declare one of these in register_page(..., access=...))
FIGURES = (COORDINATOR, PORTFOLIO_HOLDER, STAFF)  # aggregated figures
DATA_QUALITY = (COORDINATOR, ADMINISTRATOR)  # load history and rejected rows
ADMINISTRATION = (ADMINISTRATOR,)  # accounts and the audit log
PERSON_LEVEL = (COORDINATOR,)  # cases, pseudonyms, work per staff member


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what the pages and exports need to know to show the right figures."""

    username: str
    role: str
    municipalities: tuple[str, ...] = field(default=())  # staff: the municipalities they are assigned to

    @property
    def public(self) -> bool:
        """Portfolio holders see aggregates with small numbers suppressed (kpis.md "Small numbers")."""
        return self.role == PORTFOLIO_HOLDER

    def may_see_municipality(self, code: str) -> bool:
        if self.role == STAFF:
            return code in self.municipalities
        return self.role in (COORDINATOR, PORTFOLIO_HOLDER)

    @property
    def may_see_region(self) -> bool:
        return self.role in (COORDINATOR, PORTFOLIO_HOLDER)
