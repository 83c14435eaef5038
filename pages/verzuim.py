"""Verzuim: the absence figures of one school year for the region or one municipality, absence per school
location, and the trend of relative absence. Filters in the URL: `/verzuim?jaar=2024-2025&gemeente=GM0758
&soort=VO` (pages._filters).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _download, _filters, _tables
from pages import _format as fmt
from pages._components import data_grid, empty_state, kpi_card, page_header, source_text
from pages._data import kpis, warehouse
from pages._style import plotly_template
from warehouse import queries
from warehouse.connection import Warehouse, WarehouseMissing

IDS = _filters.FilterIds("verzuim")
DOWNLOAD_ID, CSV_ID, XLSX_ID = "verzuim-download", "verzuim-download-csv", "verzuim-download-xlsx"
GRID_ID = "verzuim-scholen"
CARD_KPIS = ["relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000",
             "verzuim_meldingen", "lrv", "luxe_verzuim", "vrijstellingen", "reactietijd", "recidive"]
SCHOOL_KPI, TREND_KPI = _tables.SCHOOL_KPI, "relatief_verzuim_per_1000"
KINDS = _tables.KINDS
CHART_SCHOOLS = 20  # the ranked chart shows the schools with the highest rate; the table has them all


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS, kinds=True), html.Button(id=CSV_ID), html.Button(id=XLSX_ID),
                     dcc.Download(id=DOWNLOAD_ID)])


dash.register_page(__name__, path="/verzuim", name="Verzuim", title="Verzuim - RBL Monitor", order=10,
                   access=FIGURES, skeleton=skeleton)


def layout(jaar: str | None = None, gemeente: str | None = None, soort: str | None = None, **_: object):
    viewer = current_viewer()
    try:
        wh = warehouse()
        return _page(wh, viewer, jaar, gemeente, soort)
    except WarehouseMissing:
        return html.Div([page_header("Verzuim"), empty_state("Nog geen gegevens: er is nog geen warehouse "
                                                             "gepubliceerd.")])


@secured_callback(
    Output(IDS.url, "search"),
    Input(IDS.period, "value"), Input(IDS.municipality, "value"), Input(IDS.kind, "value"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def choose(period: str | None, municipality: str | None, kind: str | None, current: str | None) -> object:
    """The filter bar's values into the URL; the page router then redraws the page."""
    years = queries.periods(warehouse(), "schooljaar") if period is not None else []
    wanted = _filters.next_search(years, period, municipality, current, kind)
    return no_update if wanted is None else wanted


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Input(CSV_ID, "n_clicks"), Input(XLSX_ID, "n_clicks"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def download(_csv: int | None, _xlsx: int | None, search: str | None) -> object:
    """The school table as on screen, recomputed here from the URL for this viewer (suppressed when public)."""
    viewer, wh = current_viewer(), warehouse()
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    query = _filters.parse(search)
    sel = _filters.select(viewer, names, queries.periods(wh, "schooljaar"), KINDS, query.get("jaar"),
                          query.get("gemeente"), query.get("soort"))
    if sel.period is None or sel.municipality is None:
        return no_update
    table, columns = _tables.school_table(wh, sel.period, sel.municipality, sel.kind, viewer.public,
                                           viewer.may_see_region)
    return _download.send_selection(table, columns, "verzuim-per-school", sel.period, sel.municipality,
                                    csv=ctx.triggered_id == CSV_ID)


def _page(wh: Warehouse, viewer: Viewer, jaar, gemeente, soort) -> html.Div:
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    years = queries.periods(wh, "schooljaar")
    sel = _filters.select(viewer, names, years, KINDS, jaar, gemeente, soort)
    if sel.municipality is None:
        return empty_state("Uw account is aan geen gemeente toegewezen. Vraag de beheerder om dat te doen.")
    bar = _filters.filter_bar(IDS, sel, years, names, region=viewer.may_see_region, kinds=KINDS)
    header = page_header(f"Verzuim {sel.municipality_name}", queries.data_date(wh), extra=bar)
    notices = [empty_state(n) for n in sel.notices]
    if sel.period is None:
        return html.Div([header, *notices, empty_state("Nog geen schooljaar met verzuimcijfers.")])
    registry = kpis()
    table, columns = _tables.school_table(wh, sel.period, sel.municipality, sel.kind, viewer.public,
                                           viewer.may_see_region)
    return html.Div([
        header, *notices,
        dbc.Row([dbc.Col(c, xs=12, md=6, xl=4, className="mb-4")
                 for c in _cards(wh, years, sel.period, sel.municipality, viewer.public)]),
        html.H2("Verzuim per school", className="h4 mt-2"),
        html.P(f"Leerlingen met minstens één melding per 100 leerlingen, {fmt.period_label('schooljaar', sel.period)}"
               f"{'' if not sel.kind else ', ' + sel.kind}.", className="text-muted"),
        _school_chart(table),
        html.P(source_text(registry[SCHOOL_KPI]), className="rbl-source small text-muted"),
        _school_grid(table, columns),
        _download.buttons(DOWNLOAD_ID, CSV_ID, XLSX_ID) if not table.empty else None,
        html.H2("Relatief verzuim door de jaren", className="h4 mt-4"),
        _trend_chart(wh, years, sel.municipality, sel.municipality_name, viewer.public, viewer.may_see_region),
        html.P(source_text(registry[TREND_KPI]), className="rbl-source small text-muted"),
    ])


def _cards(wh: Warehouse, years: list[str], year: str, code: str, public: bool) -> list:
    registry = kpis()
    previous = years[years.index(year) - 1] if years.index(year) > 0 else None
    wanted = [year] + ([previous] if previous else [])
    frame = queries.kpi_values(wh, CARD_KPIS, wanted, municipality_code=code, public=public)
    values = {(r.kpi_id, r.period): r.value for r in frame.itertuples(index=False) if not fmt.is_missing(r.value)}
    return [kpi_card(registry[k], values.get((k, year)), values.get((k, previous)),
                     fmt.period_label("schooljaar", year)) for k in CARD_KPIS]


def _school_grid(table: pd.DataFrame, columns: list[_download.Column]):
    if table.empty:
        return empty_state("Geen scholen met verzuimcijfers in deze selectie.")
    shown = _download.dutch_frame(table, columns).set_axis([f for f, _, _ in columns], axis=1)
    return data_grid(GRID_ID, [(f, h) for f, h, _ in columns], shown)


def _school_chart(table: pd.DataFrame):
    numeric = table.assign(v=pd.to_numeric(table["per_100"], errors="coerce")).dropna(subset=["v"])
    if numeric.empty:
        return empty_state("Geen verzuimcijfers per school in deze selectie.")
    top = numeric.head(CHART_SCHOOLS).iloc[::-1]
    # two locations can share a name: the label carries the location code, or plotly would stack them
    top = top.assign(label=top["naam"] + " (" + top["school_id"] + ")")
    fig = px.bar(top, x="v", y="label", orientation="h", labels={"v": "Per 100 leerlingen", "label": ""},
                 template=plotly_template())  # px colours traces from its template: give it ours
    fig.update_layout(height=120 + 22 * len(top), showlegend=False)
    fig.update_yaxes(automargin=True)  # long school names: the template's narrow margin would clip them
    return dcc.Graph(id="verzuim-per-school-grafiek", figure=fig, config={"displaylogo": False})


def _trend_chart(wh: Warehouse, years: list[str], code: str, name: str, public: bool, region: bool):
    # staff do not see the region's figures: their own municipality only
    codes = ([queries.REGION_CODE] if region else []) + ([code] if code != queries.REGION_CODE else [])
    frames = [queries.kpi_values(wh, [TREND_KPI], years, municipality_code=c, public=public) for c in codes]
    frame = pd.concat(frames)
    frame = frame.assign(v=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["v"])
    if frame.empty:
        return empty_state("Nog geen verzuimcijfers door de jaren.")
    frame["Gebied"] = frame["municipality_code"].map(lambda c: _filters.REGION_LABEL if c == queries.REGION_CODE
                                                      else name)
    fig = px.line(frame, x="period", y="v", color="Gebied", markers=True, template=plotly_template(),
                  labels={"period": "Schooljaar", "v": "Per 1.000 leerplichtigen"})
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return dcc.Graph(id="verzuim-trend-grafiek", figure=fig, config={"displaylogo": False})
