"""Over deze cijfers: every figure's definition, numerator, denominator, unit, period, source and legal basis,
generated from the KPI registry (warehouse.kpis.KPIS: one definition per figure), and the statutory deadlines
(config settings, the same the quarterly view counts down to). Open to every logged-in role, linked from the footer.
"""

from __future__ import annotations

import dash
from dash import html

from access.roles import ROLES
from config.settings import small_number_threshold
from pages._components import page_header
from presentation import formats as fmt
from reports.kwartaal.deadlines import configured_deadlines
from reports.workbook import plain_text
from warehouse.kpis import KPIS
from warehouse.periods import PERIOD_KINDS
from warehouse.registry import SECTIONS

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")

dash.register_page(__name__, path="/over-de-cijfers", name="Over deze cijfers",
                   title="Over deze cijfers - RBL Monitor", order=210, access=ROLES, in_menu=False)


def layout(**_: object) -> html.Div:
    threshold = small_number_threshold()
    titles = dict(SECTIONS)
    sections = []
    for key, title in titles.items():
        figures = [k for k in KPIS.values() if k.section == key]
        if figures:
            sections += [html.H2(title, className="h4 mt-4", id=f"cijfers-{key}"), *(_figure(k) for k in figures)]
    return html.Div([
        page_header("Over deze cijfers"),
        html.P("Elk cijfer in de RBL Monitor is één keer vastgelegd: hoe het wordt berekend, waar de gegevens "
               "vandaan komen en op welke wet het berust. Elke pagina en elke download gebruikt deze definities."),
        html.P(f"Kleine aantallen: voor portefeuillehouders en in publicaties staat een aantal van 1 tot en met "
               f"{threshold} als <{threshold + 1}, en een percentage of verhouding op zo'n klein aantal als "
               f"{fmt.MISSING}.", id="cijfers-kleine-aantallen"),
        html.H2("Deadlines", className="h4 mt-4"),
        _deadlines(),
        *sections,
    ])


def _figure(kpi) -> html.Section:
    rows = [("Definitie", kpi.definition), ("Teller", kpi.numerator), ("Noemer", kpi.denominator),
            ("Eenheid", kpi.unit), ("Periode", PERIOD_KINDS.get(kpi.period_kind, kpi.period_kind)),
            ("Bron", kpi.source.removeprefix("Bron: ")), ("Wettelijke basis", kpi.legal_basis)]
    items = []
    for term, text in rows:
        if text:
            items += [html.Dt(term), html.Dd(plain_text(text))]  # no Markdown signs for the reader
    return html.Section([html.H3(kpi.label, className="h6 mt-3"), html.Dl(items, className="rbl-definition")],
                        id=f"cijfer-{kpi.id}")


def _deadlines() -> html.Div:
    items = configured_deadlines()
    if not items:
        return html.P("Er zijn geen deadlines ingesteld.")
    head = html.Thead(html.Tr([html.Th("Rapport", scope="col"), html.Th("Aan", scope="col"),
                               html.Th("Uiterlijk", scope="col")]))
    body = [html.Tr([html.Td(report), html.Td(to), html.Td(f"{day} {MONTHS[month - 1]}")])
            for report, to, month, day in items]
    return html.Table([head, html.Tbody(body)], id="cijfers-deadlines", className="table table-sm w-auto")
