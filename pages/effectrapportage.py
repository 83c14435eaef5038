"""Effectrapportage: the Doorstroompunt effect report for DUO of one past school year, for the region or one
municipality: young people in view by origin and age band, first contact within the term, trajectory results
and the share positive, 18+ absence; the deadline (a setting) and the XLSX of reports.effectrapportage.
Filters in the URL: `/effectrapportage?schooljaar=2023-2024&gemeente=GM0758` (pages._filters).
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
from dash import Input, Output, State, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _chart_frame, _filters, _tile
from pages._components import empty_state, source_text
from pages._data import kpis, warehouse
from pages._page import page_layout, page_top, url_callback
from presentation import formats as fmt
from presentation.style import plotly_template
from reports import effectrapportage as report
from warehouse import queries
from warehouse.connection import Warehouse

IDS = _filters.FilterIds("effectrapportage", report.KIND)
DOWNLOAD_ID, XLSX_ID = "effectrapportage-download", "effectrapportage-download-xlsx"
TABLE_ID, MUNICIPALITIES_ID = "effectrapportage-tabel", "effectrapportage-gemeenten"
DEADLINE_ID = "effectrapportage-termijn"


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS), html.Button(id=XLSX_ID), dcc.Download(id=DOWNLOAD_ID)])


dash.register_page(__name__, path="/effectrapportage", name="Effectrapportage",
                   title="Effectrapportage - RBL Monitor", order=60, access=FIGURES, skeleton=skeleton)


choose = url_callback(IDS, lambda wh: _years(wh), FIGURES)


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Input(XLSX_ID, "n_clicks"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def download(_xlsx: int | None, search: str | None) -> object:
    """The report's workbook, recomputed here from the URL for this viewer (suppressed for portfolio holders)."""
    viewer, wh = current_viewer(), warehouse()
    sel, names = _selection(wh, viewer, _filters.query(search, IDS.period_kind))
    if sel.period is None or sel.municipality is None:
        return no_update
    built = _build(wh, viewer, sel, names)
    return dcc.send_bytes(report.workbook(built, queries.data_date(wh)), report.filename(built))


def _years(wh: Warehouse) -> list[str]:
    """The school years the report can be about: those that had ended by the date of the data."""
    return report.completed_years(queries.periods(wh, report.KIND), queries.data_date(wh))


def _selection(wh: Warehouse, viewer: Viewer, query: dict) -> tuple[_filters.Selection, dict[str, str]]:
    return _filters.select_from(wh, viewer, IDS.period_kind, _years(wh), query)


def _build(wh: Warehouse, viewer: Viewer, sel: _filters.Selection, names: dict[str, str]) -> report.EffectReport:
    # staff: only their own municipalities, and not the region (access.roles)
    visible = None if viewer.may_see_region else list(names)
    return report.build(wh, sel.period, sel.municipality, viewer.public, visible, viewer.may_see_region)


@page_layout("Effectrapportage Doorstroompunt", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    top = page_top(wh, viewer, IDS, _years(wh), query, "Effectrapportage Doorstroompunt",
                   "Nog geen afgesloten schooljaar met cijfers van het Doorstroompunt.")
    sel, names = top.selection, top.names
    built = _build(wh, viewer, sel, names)
    registry = kpis()
    period_label = fmt.period_label(report.KIND, sel.period)
    return html.Div([
        *top.head,
        dbc.Alert(_deadline(built.due), id=DEADLINE_ID, color="info", className="rbl-deadline"),
        html.P(fmt.suppressed_text(), className="text-muted") if viewer.public else None,
        _tile.tile_row(wh, [(k, report.KIND, sel.period) for k in report.KPI_IDS], sel.municipality, viewer, names),
        html.H2(f"Cijfers voor de effectrapportage, {period_label}", className="h4 mt-2"),
        _table(TABLE_ID, built.table, report.REPORT_COLUMNS, "sleutel", blank=True),
        html.P("Een jongere met trajecten van verschillende herkomst, of die in het schooljaar van leeftijdsgroep "
               "wisselde, telt in elk daarvan één keer: die regels tellen daarom soms op tot meer dan het totaal. "
               "Beëindigde trajecten zonder geregistreerd resultaat tellen wel in het totaal, niet bij een "
               "resultaat, en niet als positief.", className="small text-muted"),
        html.P("Bron: RBL trajectregistratie; DUO verzuimregister", className="rbl-source small text-muted"),
        dbc.Row([
            dbc.Col([_bar(built.table, "herkomst_", "Jongeren in beeld naar herkomst", "effectrapportage-herkomst"),
                     html.P(source_text(registry["vsv_in_beeld"]), className="rbl-source small text-muted")],
                    xs=12, lg=6),
            dbc.Col([_bar(built.table, "resultaat_", "Beëindigde trajecten naar resultaat",
                          "effectrapportage-resultaat"),
                     html.P(source_text(registry["trajecten_resultaat"]), className="rbl-source small text-muted")],
                    xs=12, lg=6),
        ], className="mt-3"),
        html.H2(f"Per gemeente, {period_label}", className="h4 mt-4"),
        _table(MUNICIPALITIES_ID, built.municipalities, report.MUNICIPALITY_COLUMNS, "gemeente_code"),
        html.P("Bron: RBL trajectregistratie; DUO verzuimregister", className="rbl-source small text-muted"),
        html.Div([html.Button("Download Excel", id=XLSX_ID, className="btn btn-outline-primary btn-sm"),
                  dcc.Download(id=DOWNLOAD_ID)], className="rbl-download d-flex gap-2 my-3"),
    ])


def _deadline(due: date) -> str:
    days = (due - date.today()).days
    when = (f"nog {days} dag{'en' if days != 1 else ''}" if days > 0 else "vandaag" if days == 0
            else "de datum is verstreken")
    # not report.deadline_text: its setting "12-01" (month-day) reads as 12 January here; the setting is the
    # administrator's business (docs), the date is what the user needs
    return (f"In te leveren bij DUO vóór {fmt.date_nl(due)} (de gemeenschappelijke regeling noemt 1 december; DUO "
            f"vroeg de laatste jaren om 1 april). Stand: {when}.")


def _table(table_id: str, frame: pd.DataFrame, columns: list, key: str, blank: bool = False) -> html.Div:
    """A plain table (short, printable): numbers the Dutch way, suppression marks as they are; every row has an
    id `<table_id>-<key>` and every cell the class `col-<field>`, so a figure can be found by its place."""
    head = html.Thead(html.Tr([html.Th(h, className=f"col-{f}" + (" text-end" if d is not None else ""))
                               for f, h, d in columns]))
    body = []
    for record in frame.to_dict("records"):
        cells = [html.Td(_text(record.get(f), d, blank), className=f"col-{f}" + (" text-end" if d is not None else ""))
                 for f, _, d in columns]
        body.append(html.Tr(cells, id=f"{table_id}-{record[key]}"))
    return _chart_frame.scroll_region(dbc.Table([head, html.Tbody(body)], id=table_id, striped=True, hover=True,
                                                size="sm"), "Tabel " + table_id.removeprefix("effectrapportage-"))


def _text(value: object, decimals: int | None, blank: bool) -> str:
    if isinstance(value, str):
        return value
    if fmt.is_missing(value):
        return "" if blank else fmt.MISSING
    return str(value) if decimals is None else fmt.number(value, decimals)


def _bar(table: pd.DataFrame, prefix: str, title: str, graph_id: str):
    rows = table[table["sleutel"].str.startswith(prefix)]
    rows = rows.assign(v=pd.to_numeric(rows["aantal"], errors="coerce"),
                       label=rows["omschrijving"].str.split(": ", n=1).str[-1]).dropna(subset=["v"])
    if rows.empty or rows["v"].sum() == 0:
        return empty_state(f"{title}: geen cijfers in deze selectie.")
    fig = px.bar(rows.iloc[::-1], x="v", y="label", orientation="h", labels={"v": "Aantal", "label": ""},
                 template=plotly_template())
    fig.update_layout(height=100 + 28 * len(rows), showlegend=False)
    fig.update_yaxes(automargin=True)
    return html.Div([html.H3(title, className="h6 mb-0"),
                     _chart_frame.framed(_chart_frame.graph(graph_id, fig), decimals=0, filename=graph_id)])
