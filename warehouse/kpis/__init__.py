"""The KPI registry: every figure of RBL Monitor, defined once (kpis.md; documented in docs/kpis.md).

One module per section (absence, vsv, capacity, effect, cost, data_quality, annual_report), each a tuple
`SPECS` of definitions: what the figure means (Dutch label, definition, numerator, denominator, legal basis),
which event sources it counts, which shared SQL fragments it uses (warehouse.fragments) and how it is computed
(`compute`: parts for warehouse.kpi_engine, SQL over the int_ models and a `periods` table; long SQL in
`sql/*.sql` beside the modules). Pages, exports and `python -m warehouse kpis` all read `KPIS` from here.
A duplicate id, an undeclared event source list or an undeclared fragment fails at import.
"""

from __future__ import annotations

from warehouse.kpi_engine import check_fragments
from warehouse.kpis import absence, annual_report, capacity, cost, data_quality, effect, vsv
from warehouse.registry import Registry

KPIS = Registry()
# the order of registration is the order of docs/kpis.md within each section
for _section in (absence, vsv, capacity, effect, cost, data_quality, annual_report):
    for _kpi in _section.SPECS:
        check_fragments(KPIS.add(_kpi))

# --- Per calendar quarter (the joint body's meetings; reports/kwartaal.py) --------------------------
# These school-year figures count events or what was open in a period, so the same SQL over a calendar
# quarter (period kind kwartaal, written 2025-K3) is the same figure for that quarter. Left out: lrv (its
# phases hang on 1 September and 31 July), verzuim_per_school (pupils on 1 October), recidive (a year of
# follow-up). Stock figures (werkvoorraad, fte, ...) are reference-date figures, read on the quarter's last day.
KPIS.also_per_quarter(
    "relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000", "verzuim_meldingen",
    "luxe_verzuim", "vrijstellingen", "reactietijd", "doorlooptijd", "interventies", "sluitredenen",
    "nieuwe_zaken_per_fte", "vsv_in_beeld", "contact_binnen_termijn", "trajecten_resultaat", "positief_resultaat",
    "verzuim_18plus")
