"""VSV: early school leavers per count year for the region or one municipality: a map of the municipalities
coloured by a chosen KPI (a click on a municipality selects it), the VSV percentage of every municipality over
all count years (provisional years marked), VO and MBO per level against the national norm, and the
breakdowns by age band and sex. Filters in the URL: `/vsv?jaar=2023-2024&gemeente=GM0758&kaart=vsv_aantal`
(pages._filters, pages._map).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _charts, _download, _filters, _map, _tables
from pages import _format as fmt
from pages._components import empty_state, figures_grid, kpi_card, page_header, source_text
from pages._data import kpis, warehouse
from pages._style import REFERENCE, figure_template
from warehouse import notes, queries, views
from warehouse.connection import Warehouse, WarehouseMissing

IDS = _filters.FilterIds("vsv")
DOWNLOAD_ID, CSV_ID, XLSX_ID = "vsv-download", "vsv-download-csv", "vsv-download-xlsx"
GRID_ID = "vsv-groepen"
KIND = "teljaar"
HEADLINE = "vsv_percentage"
MAP_ID, MAP_KPI_ID = "vsv-kaart", "vsv-kaart-kpi"
MAP_KPIS = list(_tables.VSV_KPIS)  # the percentage (headline, the default) and the number of leavers
STATUS_SYMBOLS = {"definitief": "circle", "voorlopig": "circle-open"}


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS), html.Button(id=CSV_ID), html.Button(id=XLSX_ID),
                     dcc.Download(id=DOWNLOAD_ID), dcc.Graph(id=MAP_ID), dcc.Dropdown(id=MAP_KPI_ID)])


dash.register_page(__name__, path="/vsv", name="VSV", title="VSV - RBL Monitor", order=20, access=FIGURES,
                   skeleton=skeleton)


def layout(jaar: str | None = None, gemeente: str | None = None, kaart: str | None = None, **_: object):
    try:
        return _page(warehouse(), current_viewer(), jaar, gemeente, kaart)
    except WarehouseMissing:
        return html.Div([page_header("Voortijdig schoolverlaten"),
                         empty_state("Nog geen gegevens: er is nog geen warehouse gepubliceerd.")])


@secured_callback(
    Output(IDS.url, "search"),
    Input(IDS.period, "value"), Input(IDS.municipality, "value"),
    # the map and its chooser are only on the page when there is a count year with figures
    Input(MAP_KPI_ID, "value", allow_optional=True), Input(MAP_ID, "clickData", allow_optional=True),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def choose(period: str | None, municipality: str | None, map_kpi: str | None, click: dict | None,
           current: str | None) -> object:
    """The filter bar's values, the map's KPI and a click on a municipality in the map into the URL; the page
    router then redraws the page. A click selects only a municipality this viewer may see."""
    wanted = _map.chosen_search(warehouse(), current_viewer(), KIND, HEADLINE, clicked=ctx.triggered_id == MAP_ID,
                                period=period, municipality=municipality, kind=None, map_kpi=map_kpi, click=click,
                                current=current)
    return no_update if wanted is None else wanted


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Input(CSV_ID, "n_clicks"), Input(XLSX_ID, "n_clicks"),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def download(_csv: int | None, _xlsx: int | None, search: str | None) -> object:
    """The group table as on screen, recomputed here from the URL for this viewer (suppressed when public)."""
    viewer, wh = current_viewer(), warehouse()
    sel, _ = _selection(wh, viewer, _filters.parse(search))
    if sel.period is None or sel.municipality is None:
        return no_update
    table, columns = _tables.vsv_table(wh, sel.period, sel.municipality, viewer.public, queries.vsv_norms(),
                                        viewer.may_see_region)
    meta = _download.export_meta("Voortijdig schoolverlaters", ["vsv_percentage", "vsv_aantal"], KIND, sel.period,
                                 queries.data_date(wh), viewer.public, sel.municipality)
    return _download.send_selection(table, columns, "vsv", sel.period, sel.municipality,
                                    csv=ctx.triggered_id == CSV_ID, meta=meta)


def _selection(wh: Warehouse, viewer: Viewer, query: dict) -> tuple[_filters.Selection, dict[str, str]]:
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    sel = _filters.select(viewer, names, queries.periods(wh, KIND), [], query.get("jaar"), query.get("gemeente"),
                          None, period_word=KIND)
    return sel, names


def _page(wh: Warehouse, viewer: Viewer, jaar, gemeente, kaart=None) -> html.Div:
    sel, names = _selection(wh, viewer, {"jaar": jaar, "gemeente": gemeente})
    if sel.municipality is None:
        return empty_state("Uw account is aan geen gemeente toegewezen. Vraag de beheerder om dat te doen.")
    years = queries.periods(wh, KIND)
    bar = _filters.filter_bar(IDS, sel, years, names, region=viewer.may_see_region, period_kind=KIND)
    header = page_header(f"Voortijdig schoolverlaten {sel.municipality_name}", queries.data_date(wh), extra=bar)
    notices = [empty_state(n) for n in sel.notices]
    if sel.period is None:
        return html.Div([header, *notices, empty_state("Nog geen teljaar met VSV-cijfers.")])
    registry = kpis()
    map_kpi, map_notice = _map.chosen_kpi(kaart, MAP_KPIS, HEADLINE)
    notices += [empty_state(map_notice)] if map_notice else []
    status = _tables.vsv_status(wh, sel.municipality, viewer.public)
    table, columns = _tables.vsv_table(wh, sel.period, sel.municipality, viewer.public, queries.vsv_norms(),
                                        viewer.may_see_region)
    return html.Div([
        header, *notices,
        html.P(_status_text(sel.period, status.get(sel.period)), id="vsv-status", className="rbl-status"),
        html.P(f"{fmt.suppressed_text()} Onderdrukte cijfers staan niet in de grafieken; op de kaart blijft zo'n "
               "gemeente grijs.", id="vsv-onderdrukt", className="small text-muted") if viewer.public else None,
        dbc.Row([dbc.Col(c, xs=12, md=6, xl=4, className="mb-4")
                 for c in _cards(wh, years, sel.period, sel.municipality, viewer.public)]),
        dbc.Row([
            dbc.Col(_map_section(wh, map_kpi, sel, names, viewer.public), xs=12, lg=5, className="mb-4"),
            dbc.Col([
                html.H2("VSV-percentage door de jaren, per gemeente", className="h4 mt-2"),
                _trend_chart(wh, years, sel.municipality, names, viewer.public, viewer.may_see_region, status),
                html.P(source_text(registry["vsv_percentage"]), className="rbl-source small text-muted"),
            ], xs=12, lg=7, className="mb-4"),
        ]),
        html.H2(f"Naar onderwijssoort, niveau, leeftijd en geslacht, {fmt.period_label(KIND, sel.period)}",
                className="h4 mt-4"),
        _level_chart(table),
        _grid(table, columns),
        html.P([source_text(registry["vsv_percentage"]), "; landelijke norm: DUO/OCW"],
               className="rbl-source small text-muted"),
        _download.buttons(DOWNLOAD_ID, CSV_ID, XLSX_ID) if not table.empty else None,
    ])


def _map_section(wh: Warehouse, kpi_id: str, sel: _filters.Selection, names: dict[str, str], public: bool) -> list:
    kpi = kpis()[kpi_id]
    label = fmt.period_label(KIND, sel.period)
    figure = _map.map_figure(_map.map_values(wh, kpi_id, sel.period, names, public), kpi, label, sel.municipality)
    return [
        html.H2("Kaart van de gemeenten", className="h4 mt-2"),
        _map.kpi_chooser(MAP_KPI_ID, [kpis()[k] for k in MAP_KPIS], kpi_id),
        html.P(f"{kpi.label}, {label}. Klik op een gemeente om haar te kiezen.", className="text-muted small mb-1"),
        _map.map_graph(MAP_ID, figure),
        html.P(f"{source_text(kpi)}; kaart: CBS / PDOK, gemeentegrenzen 2022", className="rbl-source small text-muted"),
    ]


def _status_text(year: str, status: str | None) -> str:
    if status == "voorlopig":
        return f"De cijfers van teljaar {year} zijn voorlopig: DUO heeft de definitieve lijst nog niet geleverd."
    if status == "definitief":
        return f"De cijfers van teljaar {year} zijn definitief."
    return f"Van teljaar {year} is niet bekend of de cijfers voorlopig of definitief zijn."


def _cards(wh: Warehouse, years: list[str], year: str, code: str, public: bool) -> list:
    registry = kpis()
    previous = views.previous_period(wh, KIND, year)
    wanted = [year] + ([previous] if previous else [])
    frame = queries.kpi_values(wh, list(_tables.VSV_KPIS), wanted, municipality_code=code, public=public)
    values = {(r.kpi_id, r.period): r.value for r in frame.itertuples(index=False) if not fmt.is_missing(r.value)}
    return [kpi_card(registry[k], values.get((k, year)), values.get((k, previous)), fmt.period_label(KIND, year),
                     period=year, municipality_code=code) for k in _tables.VSV_KPIS]


def _grid(table: pd.DataFrame, columns: list[_download.Column]):
    if table.empty:
        return empty_state("Geen VSV-cijfers in deze selectie.")
    return figures_grid(GRID_ID, table, columns, height="22rem")


def _trend_chart(wh: Warehouse, years: list[str], code: str, names: dict[str, str], public: bool, region: bool,
                 status: dict[str, str]):
    """The VSV percentage over the count years of every municipality the viewer may see (grey), the region
    (black, not for staff) and the selected one (blue, open markers for provisional years); periods with a
    time-series note are marked."""
    frame = queries.kpi_values(wh, [HEADLINE], years, public=public)
    frame = frame.assign(v=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["v"])
    frame = frame[frame["municipality_code"].isin(set(names) | ({queries.REGION_CODE} if region else set()))]
    if frame.empty:
        return empty_state("Nog geen VSV-cijfers door de jaren.")
    symbols = {p: STATUS_SYMBOLS.get(s, "x") for p, s in status.items()}
    fig = _charts.municipality_trend(frame, names, code, years, x_label="Teljaar", y_label="VSV-percentage",
                                     decimals=kpis()[HEADLINE].decimals, region_code=queries.REGION_CODE,
                                     symbols={p: symbols.get(p, "x") for p in years})
    if "voorlopig" in status.values():  # the legend says what an open marker means
        fig.add_scatter(x=[None], y=[None], mode="markers", name="voorlopig (open rondje)",
                        marker={"symbol": "circle-open", "color": REFERENCE, "size": 8})
    _charts.add_series_notes(fig, notes.series_notes(HEADLINE), years)
    return dcc.Graph(id="vsv-trend-grafiek", figure=fig, config={"displaylogo": False})


def _level_chart(table: pd.DataFrame):
    levels = table[table["groep"].str.startswith("MBO niveau")]
    levels = levels.assign(v=pd.to_numeric(levels["pct"], errors="coerce"),
                           n=pd.to_numeric(levels["norm"], errors="coerce"))
    if levels["v"].isna().all():
        return None
    fig = px.bar(levels, x="groep", y="v", labels={"groep": "", "v": "VSV-percentage"}, template=figure_template())
    fig.add_scatter(x=levels["groep"], y=levels["n"], mode="markers", name="Landelijke norm",
                    marker={"symbol": "line-ew-open", "size": 36, "color": REFERENCE, "line": {"width": 3}})
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    # the section's heading names every group; the chart has the MBO levels only (the table has them all)
    return html.Div([html.H3("VSV-percentage per MBO-niveau, met de landelijke norm", className="h6"),
                     dcc.Graph(id="vsv-niveau-grafiek", figure=fig, config={"displaylogo": False})])
