"""Kwartaal: the quarterly meeting view of the joint body. The main figures of one calendar quarter beside the
previous quarter and the same quarter a year before, the quarters in charts, one row per municipality, the
deadlines coming up, and the PDF meeting pack (reports.kwartaal; always suppressed). Filters in the URL:
`/kwartaal?kwartaal=2025-K3&gemeente=GM0758` (pages._filters). Printing the page gives an A4 handout
(assets/print.css). For the coordinator, who prepares the meeting, and the portfolio holders (suppressed).
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from access.roles import COORDINATOR, PORTFOLIO_HOLDER, Viewer
from access.web import current_viewer, secured_callback
from pages import _chart_frame, _filters
from pages._components import card_id, definition_popover, empty_state, source_text
from pages._data import warehouse
from pages._page import page_layout, page_top, url_callback
from presentation import formats as fmt
from reports import kwartaal as report
from warehouse import coverage, queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

ROLES = (COORDINATOR, PORTFOLIO_HOLDER)  # the joint body's meeting: staff have their own pages
IDS = _filters.FilterIds("kwartaal", report.KIND)
PDF_ID, DOWNLOAD_ID, PACK_STATUS_ID = "kwartaal-download-pdf", "kwartaal-download", "kwartaal-pack-status"
TABLE_ID, DEADLINES_ID = "kwartaal-gemeenten", "kwartaal-deadlines"


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS), html.Button(id=PDF_ID), dcc.Download(id=DOWNLOAD_ID),
                     html.Span(id=PACK_STATUS_ID)])


dash.register_page(__name__, path="/kwartaal", name="Kwartaal", title="Kwartaal - RBL Monitor", order=40,
                   access=ROLES, skeleton=skeleton)


choose = url_callback(IDS, lambda wh: queries.periods(wh, report.KIND), ROLES)


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Output(PACK_STATUS_ID, "children"),
    Input(PDF_ID, "n_clicks"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=ROLES,
)
def download(_clicks: int | None, search: str | None) -> object:
    """The meeting pack of the quarter and area in the URL, made here on the server; always suppressed, also for
    the coordinator: it is meant for the joint body."""
    wh, viewer = warehouse(), current_viewer()
    sel = _filters.url_selection(wh, viewer, report.KIND, search)
    if sel.period is None or sel.municipality is None:
        return no_update, no_update
    view = report.build(wh, sel.period, sel.municipality, public=True, profile=True)
    try:
        pdf = report.pdf_bytes(view)
    except report.PackUnavailable as exc:  # no Chromium on this server: say so beside the button
        return no_update, (f"Het vergaderstuk kan nu niet worden gemaakt: {exc}. Meld dit aan de beheerder; de "
                           "cijfers op deze pagina kunt u wel afdrukken (Ctrl+P).")
    return dcc.send_bytes(pdf, report.filename(sel.period, sel.municipality)), ""


@page_layout("Kwartaalrapportage", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    top = page_top(wh, viewer, IDS, queries.periods(wh, report.KIND), query, "Kwartaalrapportage",
                   "Nog geen afgesloten kwartaal met cijfers.", period_text=report.quarter_label,
                   class_name="rbl-kwartaal")
    sel = top.selection
    view = report.build(wh, sel.period, sel.municipality, public=viewer.public)
    return html.Div([
        *top.head,
        html.P([html.Strong(f"{report.quarter_label(view.quarter)}"), f" ({report.quarter_span(view.quarter)}), "
                f"naast het vorige kwartaal ({report.quarter_label(view.previous)}) en hetzelfde kwartaal een jaar "
                f"eerder ({report.quarter_label(view.year_before)}). Werkvoorraad en formatie op "
                f"{fmt.date_nl(view.last_day)}."], id="kwartaal-inleiding", className="rbl-lead"),
        _partial_notice(view),
        html.P(_suppression_text(viewer), className="small text-muted"),
        _pack_button(),
        dbc.Row([dbc.Col(_card(c, view, wh), xs=12, md=6, xl=4, className="mb-4 rbl-card-col") for c in view.cards]),
        html.H2("Door de kwartalen", className="h4 mt-2"),
        *[_chart(c) for c in report.charts(view)],
        html.H2(f"Per gemeente, {report.quarter_label(view.quarter)}", className="h4 mt-4"),
        html.P(f"Werkvoorraad en leerplichtigen per fte op {fmt.date_nl(view.last_day)}; de andere cijfers over "
               "het kwartaal. De regio is uit de rijen berekend, niet opgeteld.", className="text-muted"),
        _municipality_table(view),
        html.H2("Komende deadlines", className="h4 mt-4"),
        _deadlines(date.today()),
    ], className="rbl-kwartaal")


def _partial_notice(view: report.QuarterView) -> object:
    """A quarter still in progress says so, and how it is compared (warehouse.coverage), before any figure."""
    if view.through is None:
        return None
    return dbc.Alert([html.Strong(f"t/m {fmt.date_nl(view.through)}"),
                      f": {report.quarter_label(view.quarter)} is nog niet compleet; de gegevens lopen tot en met "
                      f"{fmt.date_nl(view.through)}. De kaarten vergelijken daarom met het vorige kwartaal en "
                      "hetzelfde kwartaal een jaar eerder over dezelfde dagen, niet met het hele kwartaal."],
                     id="kwartaal-deels", color="warning", className="rbl-partial")


def _suppression_text(viewer: Viewer) -> str:
    if viewer.public:
        return fmt.suppressed_text()
    return ("Op deze pagina staan alle aantallen (niet onderdrukt). Het vergaderstuk (PDF) is altijd onderdrukt, zoals "
            "de portefeuillehouders het zien.")


def _pack_button() -> html.Div:
    return html.Div([
        html.Button("Download vergaderstuk (PDF)", id=PDF_ID, className="btn btn-primary btn-sm"),
        dcc.Loading(dcc.Download(id=DOWNLOAD_ID), type="circle"),
        html.Span(id=PACK_STATUS_ID, role="status", className="small text-danger"),
        html.Span("Afdrukken (Ctrl+P) geeft een A4-handout van deze pagina.", className="small text-muted"),
    ], className="rbl-download d-flex align-items-center gap-3 my-3")


def _card(card: report.Card, view: report.QuarterView, wh: Warehouse) -> dbc.Card:
    """A KPI card with two comparisons (the other pages' tile, pages._tile, has one): the previous quarter and the
    same quarter a year before, each with the difference; the coordinator's explanation beside the figure. A missing
    figure says why (warehouse.coverage.missing_reason: e.g. no CBS population of 1 January yet)."""
    kpi = card.kpi
    toggle_id = f"{card_id(kpi.id)}-definitie"
    if fmt.is_missing(card.value):
        kind, period = ("peildatum", card.read_on.isoformat()) if card.read_on else (report.KIND, view.quarter)
        figure = html.P(coverage.missing_reason(wh, kpi, kind, period, view.municipality_code), className="kpi-empty")
    else:
        figure = html.P([html.Span(report.value_text(kpi, card.value), className="kpi-value"),
                         html.Span(fmt.unit_suffix(kpi.unit), className="kpi-unit")], className="kpi-figure")
    compare = [("kpi-vs-previous", "vorig kwartaal", view.previous, card.previous),
               ("kpi-vs-year", "zelfde kwartaal vorig jaar", view.year_before, card.year_before)]
    when = f"op {fmt.date_nl(card.read_on)}" if card.read_on else report.quarter_label(view.quarter)
    body = [
        html.H2(kpi.label, className="kpi-label"),
        figure,
        *[html.P([f"{word} ({report.quarter_label(q)}): {report.value_text(kpi, v)} ",
                  html.Span(f"({report.change_text(kpi, card.value, v)})", className="kpi-change")],
                 className=f"kpi-previous {cls}") for cls, word, q, v in compare],
        html.P(when, className="kpi-period"),
        html.P(card.series_note, className="kpi-series-note small") if card.series_note else None,
        html.Div([html.P("Toelichting", className="kpi-explanation-title mb-1"),
                  dcc.Markdown(card.explanation, className="kpi-explanation small")],
                 className="kpi-explanation-box") if card.explanation else None,
        dbc.Button("Definitie", id=toggle_id, color="link", size="sm", className="kpi-definition-toggle"),
        definition_popover(kpi, toggle_id),
    ]
    return dbc.Card([dbc.CardBody(body), dbc.CardFooter(source_text(kpi), className="kpi-source")],
                    id=card_id(kpi.id), className="kpi-card h-100")


def _chart(chart: report.Chart) -> html.Div:
    if chart.figure is None:
        return html.Div([html.H3(chart.title, className="h6"), empty_state(chart.message)], className="rbl-chart")
    return html.Div([
        _chart_frame.framed(_chart_frame.graph(chart.chart_id, chart.figure), chart.title, heading="h3",
                            filename=chart.chart_id, note=report.caption(chart), decimals=chart.decimals),
    ], className="rbl-chart mb-3")


def _municipality_table(view: report.QuarterView) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th("Gemeente")]
                              + [html.Th(h, className="text-end") for _, h in report.TABLE_KPIS]))
    rows = []
    for row in view.table.itertuples(index=False):
        cells = [html.Td(row.gemeente)] + [html.Td(report.value_text(KPIS[k], getattr(row, k)), className="text-end")
                                           for k, _ in report.TABLE_KPIS]
        chosen = "table-active" if row.code == view.municipality_code else ""
        region = "fw-semibold" if row.code == queries.REGION_CODE else ""
        rows.append(html.Tr(cells, id=f"{TABLE_ID}-{row.code}", className=f"{chosen} {region}".strip()))
    return dbc.Table([head, html.Tbody(rows)], id=TABLE_ID, size="sm", striped=True, className="rbl-quarter-table")


def _deadlines(today: date) -> html.Div:
    items = report.deadlines(today)
    if not items:
        return empty_state("Geen deadlines ingesteld. De beheerder kan ze instellen.")
    head = html.Thead(html.Tr([html.Th("Rapport"), html.Th("Aan"), html.Th("Over schooljaar"), html.Th("Vóór"),
                               html.Th("Nog")]))
    rows = [html.Tr([html.Td(d.report), html.Td(d.to), html.Td(d.school_year), html.Td(fmt.date_nl(d.due)),
                     html.Td(report.days_text(d.days))], id=f"{DEADLINES_ID}-{d.key}") for d in items]
    return html.Div([
        dbc.Table([head, html.Tbody(rows)], id=DEADLINES_ID, size="sm", className="w-auto"),
        html.P(f"Gerekend vanaf vandaag, {fmt.date_nl(today)}.", className="small text-muted"),
    ])
