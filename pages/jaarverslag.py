"""Jaarverslag: the statistical annual report (art. 25 Lpw) of one school year for a municipality or the region,
with a column per type of education and the previous school year beside it, and the whole report as XLSX
(every area the viewer may see) or CSV (long format). Filters in the URL: `/jaarverslag?schooljaar=2023-2024
&gemeente=GM0758` (pages._filters). The coordinator chooses the publication version (small numbers
suppressed) or the internal one; every other role only gets the publication version, decided on the server.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.roles import COORDINATOR, FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _chart_frame, _filters
from pages._components import source_text
from pages._data import kpis, warehouse
from pages._page import page_layout, page_top, url_callback
from presentation import formats as fmt
from reports import jaarverslag as report
from reports import webjaarverslag
from warehouse import jaarverslag as jv
from warehouse import notes, queries
from warehouse.connection import Warehouse

IDS = _filters.FilterIds("jaarverslag", report.KIND)
DOWNLOAD_ID, CSV_ID, XLSX_ID = "jaarverslag-download", "jaarverslag-download-csv", "jaarverslag-download-xlsx"
VERSION_ID, TABLE_ID = "jaarverslag-versie", "jaarverslag-tabel"
WEB_ID, WEB_DOWNLOAD_ID = "jaarverslag-download-web", "jaarverslag-download-webzip"  # the coordinator's ZIP
PUBLICATION, INTERNAL = "publicatie", "intern"


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS), dbc.RadioItems(id=VERSION_ID), html.Button(id=CSV_ID),
                     html.Button(id=XLSX_ID), dcc.Download(id=DOWNLOAD_ID), html.Button(id=WEB_ID),
                     dcc.Download(id=WEB_DOWNLOAD_ID)])


dash.register_page(__name__, path="/jaarverslag", name="Jaarverslag", title="Jaarverslag - RBL Monitor", order=50,
                   access=FIGURES, skeleton=skeleton)


def cell_id(row_id: str, field: str) -> str:
    """The HTML id of a cell of the table: stable, so tests can find a figure by its row and column."""
    return f"jv-{row_id}-{field}"


choose = url_callback(IDS, lambda wh: queries.periods(wh, report.KIND), FIGURES)


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Input(CSV_ID, "n_clicks"), Input(XLSX_ID, "n_clicks"),
    State(IDS.url, "search"), State(VERSION_ID, "value"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def download(_csv: int | None, _xlsx: int | None, search: str | None, version: str | None) -> object:
    """The whole report of the school year in the URL, for every area this viewer may see. Only the
    coordinator can have the internal version: the browser's choice counts for nobody else."""
    viewer, wh = current_viewer(), warehouse()
    years = queries.periods(wh, report.KIND)
    year = _filters.query(search, report.KIND).get(report.KIND)
    year = year if year in years else (years[-1] if years else None)
    if year is None:
        return no_update
    scope = viewer_scope(wh, viewer, internal=version == INTERNAL)
    if not scope.municipalities and not scope.region:
        return no_update
    if ctx.triggered_id == CSV_ID:
        return dcc.send_bytes(report.csv_bytes(wh, year, scope), report.filename(year, scope, "csv"))
    return dcc.send_bytes(report.workbook(wh, year, scope), report.filename(year, scope, "xlsx"))


@secured_callback(
    Output(WEB_DOWNLOAD_ID, "data"),
    Input(WEB_ID, "n_clicks"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=(COORDINATOR,),
)
def download_web(_clicks: int | None, search: str | None) -> object:
    """The web annual report of the school year in the URL as a ZIP (reports.webjaarverslag): every
    municipality's folder and the region's index, suppressed for publication. The coordinator's alone: the
    guard refuses everyone else, and the role is checked here again."""
    viewer, wh = current_viewer(), warehouse()
    if viewer is None or viewer.role != COORDINATOR:
        return no_update
    years = queries.periods(wh, report.KIND)
    year = _filters.parse(search).get("jaar")
    year = year if year in years else (years[-1] if years else None)
    if year is None:
        return no_update
    root = webjaarverslag.zip_name(year)
    return dcc.send_bytes(webjaarverslag.zip_bytes(webjaarverslag.build_site(wh, year), root), f"{root}.zip")


def viewer_scope(wh: Warehouse, viewer: Viewer, internal: bool = False) -> report.Scope:
    """What this viewer's export holds: their municipalities, the region when they may see it, and the
    internal (unsuppressed) version only for the coordinator who asked for it."""
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    return report.Scope(names, viewer.may_see_region, public=not (internal and viewer.role == COORDINATOR))


@page_layout("Jaarverslag", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    years = queries.periods(wh, report.KIND)
    top = page_top(wh, viewer, IDS, years, query, "Jaarverslag", "Nog geen schooljaar met cijfers.")
    sel = top.selection
    previous = report.previous_year(years, sel.period)
    scope = report.Scope({} if sel.municipality == queries.REGION_CODE else {sel.municipality: sel.municipality_name},
                         sel.municipality == queries.REGION_CODE, public=viewer.public)
    table = report.area_table(report.long_rows(wh, sel.period, scope), sel.municipality, sel.period, previous)
    return html.Div([
        *top.head,
        html.P(_intro(sel.period, previous, viewer.public), className="text-muted"),
        *_notes(sel.period, previous, sel.municipality),
        _table(table, report.table_columns(sel.period, previous)),
        html.P(source_text(kpis()[jv.KPI_ID]), className="rbl-source small text-muted"),
        _downloads(viewer),
    ])


def _intro(year: str, previous: str | None, public: bool) -> str:
    beside = f", met het totaal van {previous} ernaast." if previous else "; het vorige schooljaar is niet geladen."
    parts = [f"Statistisch jaarverslag leerplicht (art. 25 Leerplichtwet), schooljaar {year}{beside}",
             f"Aan de gemeenteraad vóór {fmt.date_nl(report.deadline(year))}.",
             "Per soort onderwijs: een leerling zonder onderwijs telt bij het laatst gevolgde onderwijs."]
    if public:
        parts.append("Kleine aantallen zijn onderdrukt (<5, ×).")
    return " ".join(parts)


def _notes(year: str, previous: str | None, code: str) -> list:
    """The time-series notes of both years and the coordinator's explanation of the report."""
    out: list = []
    series = notes.series_notes(jv.KPI_ID)
    for period in [year] + ([previous] if previous else []):
        if period in series:
            out.append(dbc.Alert(f"{period}: {series[period]}", color="warning", className="py-2 small"))
    text = notes.explanation(jv.KPI_ID, year, None if code == queries.REGION_CODE else code)
    if text:
        out.append(html.Div([html.P("Toelichting", className="kpi-explanation-title mb-1"),
                             dcc.Markdown(text, className="kpi-explanation small")],
                            className="kpi-explanation-box mb-3"))
    return out


def _text(value: object) -> str:
    """A count the Dutch way, a suppression mark as it is, and nothing where a figure is not defined (a CBS
    count has no type of education): "–" would look like a hidden figure."""
    if isinstance(value, str):
        return value
    return "" if fmt.is_missing(value) else fmt.number(value, 0)


def _table(table: pd.DataFrame, columns: list[tuple[str, str, int | None]]) -> html.Div:
    fields = [f for f, _, _ in columns[1:]]
    head = html.Thead(html.Tr([html.Th(columns[0][1], scope="col")]
                              + [html.Th(h, scope="col", className=_header_class(f)) for f, h, _ in columns[1:]]))
    body = []
    for row in table.to_dict("records"):
        if not row["row_id"]:
            body.append(html.Tr(html.Th(row["omschrijving"], colSpan=len(columns), scope="colgroup"),
                                className="table-light"))
            continue
        label = html.Th(row["omschrijving"], scope="row", className="fw-normal ps-4" if row["niveau"] else "")
        body.append(html.Tr([label] + [html.Td(_text(row[f]), id=cell_id(row["row_id"], f), className="text-end")
                                       for f in fields]))
    return _chart_frame.scroll_region(html.Table([head, html.Tbody(body)], id=TABLE_ID,
                                                 className="table table-sm table-hover"), "Jaarverslag")


def _header_class(field: str) -> str:
    # "Totaal 2024-2025" would break after the hyphen of the school year
    return "text-end text-nowrap" if field in ("totaal", "vorig_jaar") else "text-end"


def _downloads(viewer: Viewer) -> html.Div:
    if viewer.role == COORDINATOR:
        options = [{"label": " Voor publicatie (kleine aantallen onderdrukt)", "value": PUBLICATION},
                   {"label": " Intern (niet onderdrukt, niet publiceren)", "value": INTERNAL}]
    else:
        options = [{"label": " Voor publicatie (kleine aantallen onderdrukt)", "value": PUBLICATION}]
    return html.Div([
        html.H2("Download het hele jaarverslag", className="h5 mt-3"),
        html.P("Excel: een tabblad per gemeente" + (" en voor de regio" if viewer.may_see_region else "")
               + ", met de toelichting en de definities. CSV in machineformaat: dezelfde cijfers als lange lijst, één "
               "regel per cijfer, met Engelse kolomnamen en een punt als decimaalteken, voor eigen analyses en "
               "koppelingen (voor Excel: kies Download Excel).", className="small text-muted"),
        # Bootstrap's radio buttons: a named group of real radios (Dash 4's own nests them in role=option)
        html.Fieldset([html.Legend("Versie", className="visually-hidden"),
                       dbc.RadioItems(id=VERSION_ID, options=options, value=PUBLICATION, inline=True)],
                      className="mb-2"),
        html.Div([html.Button("Download Excel", id=XLSX_ID, className="btn btn-outline-primary btn-sm"),
                  html.Button("Download CSV (machineformaat)", id=CSV_ID, className="btn btn-outline-primary btn-sm"),
                  dcc.Download(id=DOWNLOAD_ID)], className="rbl-download d-flex gap-2 my-2"),
        *(_web_download() if viewer.role == COORDINATOR else []),
    ])


def _web_download() -> list:
    """The coordinator's download of the web annual report (the callback checks the role again)."""
    return [
        html.H2("Webjaarverslag", className="h5 mt-4"),
        html.P("Het jaarverslag als website om te publiceren: een overzicht van de regio en per gemeente een map "
               "met de kerncijfers, de ontwikkeling in grafieken met hun tabellen, de toelichting en de definities. "
               "Kleine aantallen zijn onderdrukt. Een gemeente zet haar eigen map zo op haar website.",
               className="small text-muted"),
        html.Div([html.Button("Download webjaarverslag (ZIP)", id=WEB_ID, className="btn btn-outline-primary btn-sm"),
                  dcc.Download(id=WEB_DOWNLOAD_ID)], className="rbl-download d-flex gap-2 my-2"),
    ]
