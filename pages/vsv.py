"""VSV: early school leavers per count year for the region or one municipality: a map of the municipalities
coloured by a chosen KPI (a click on a municipality selects it), the VSV percentage of every municipality over
all count years (provisional years marked), VO and MBO per level against the national norm, and the
breakdowns by age band and sex. Filters in the URL: `/vsv?teljaar=2023-2024&gemeente=GM0758&kaart=vsv_aantal`
(pages._filters, pages._map).
"""

from __future__ import annotations

import dash
import pandas as pd
import plotly.express as px
from dash import dcc, html

from access.roles import FIGURES, Viewer
from pages import _chart_frame, _charts, _download, _filters, _funnel, _map, _sections, _tables, _tile
from pages._components import empty_state, figures_grid, source_text
from pages._data import kpis
from pages._page import map_url_callback, page_layout, page_top, table_download
from presentation import formats as fmt
from presentation.style import REFERENCE, figure_template
from warehouse import queries, signals
from warehouse.connection import Warehouse

KIND = "teljaar"
IDS = _filters.FilterIds("vsv", KIND)
DOWNLOAD_ID, CSV_ID, XLSX_ID = "vsv-download", "vsv-download-csv", "vsv-download-xlsx"
GRID_ID = "vsv-groepen"
HEADLINE = "vsv_percentage"
MAP_ID, MAP_KPI_ID = "vsv-kaart", "vsv-kaart-kpi"
MAP_KPIS = list(_tables.VSV_KPIS)  # the percentage (headline, the default) and the number of leavers
STATUS_SYMBOLS = {"definitief": "circle", "voorlopig": "circle-open"}


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS), html.Button(id=CSV_ID), html.Button(id=XLSX_ID),
                     dcc.Download(id=DOWNLOAD_ID), dcc.Graph(id=MAP_ID), dcc.Dropdown(id=MAP_KPI_ID)])


dash.register_page(__name__, path="/vsv", name="VSV", title="VSV - RBL Monitor", order=20, access=FIGURES,
                   skeleton=skeleton)


choose = map_url_callback(IDS, MAP_ID, MAP_KPI_ID, HEADLINE, FIGURES)


download = table_download(
    IDS, DOWNLOAD_ID, CSV_ID, XLSX_ID, FIGURES, title="Voortijdig schoolverlaters",
    kpi_ids=["vsv_percentage", "vsv_aantal"], filename="vsv",
    table=lambda wh, viewer, sel: _tables.vsv_table(wh, sel.period, sel.municipality, viewer.public,
                                                    queries.vsv_norms(), viewer.may_see_region))


@page_layout("Voortijdig schoolverlaten", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    years = queries.periods(wh, KIND)
    top = page_top(wh, viewer, IDS, years, query, "Voortijdig schoolverlaten", "Nog geen teljaar met VSV-cijfers.")
    sel, names = top.selection, top.names
    registry = kpis()
    map_kpi, map_notice = _map.chosen_kpi(query.get(_map.PARAM), MAP_KPIS, HEADLINE)
    notices = [empty_state(map_notice)] if map_notice else []
    status = _tables.vsv_status(wh, sel.municipality, viewer.public)
    table, columns = _tables.vsv_table(wh, sel.period, sel.municipality, viewer.public, queries.vsv_norms(),
                                        viewer.may_see_region)
    return html.Div([
        *top.head, *notices,
        html.P(_status_text(sel.period, status.get(sel.period)), id="vsv-status", className="rbl-status"),
        _sections.suppressed_note("vsv-onderdrukt") if viewer.public else None,
        _tile.tile_row(wh, [(k, KIND, sel.period) for k in _tables.VSV_KPIS], sel.municipality, viewer, names),
        _sections.map_and_trend(
            _sections.map_section(wh, MAP_ID, MAP_KPI_ID, map_kpi, MAP_KPIS, KIND, sel, names, viewer.public),
            "VSV-percentage door de jaren, per gemeente",
            _trend_chart(wh, years, sel.municipality, names, viewer.public, viewer.may_see_region, status), HEADLINE),
        html.H2(f"Naar onderwijssoort, niveau, leeftijd en geslacht, {fmt.period_label(KIND, sel.period)}",
                className="h4 mt-4"),
        _level_chart(table),
        _grid(table, columns),
        html.P([source_text(registry["vsv_percentage"]), "; landelijke norm: DUO/OCW"],
               className="rbl-source small text-muted"),
        _download.buttons(DOWNLOAD_ID, CSV_ID, XLSX_ID) if not table.empty else None,
        _funnel_section(wh, sel, names, viewer),  # after the table's own source and downloads
    ])


def _status_text(year: str, status: str | None) -> str:
    if status == "voorlopig":
        return f"De cijfers van teljaar {year} zijn voorlopig: DUO heeft de definitieve lijst nog niet geleverd."
    if status == "definitief":
        return f"De cijfers van teljaar {year} zijn definitief."
    return f"Van teljaar {year} is niet bekend of de cijfers voorlopig of definitief zijn."


def _grid(table: pd.DataFrame, columns: list[_download.Column]):
    if table.empty:
        return empty_state("Geen VSV-cijfers in deze selectie.")
    return figures_grid(GRID_ID, table, columns, height="22rem")


def _trend_chart(wh: Warehouse, years: list[str], code: str, names: dict[str, str], public: bool, region: bool,
                 status: dict[str, str]):
    """The VSV percentage over the count years of every municipality the viewer may see (grey), the region
    (black, not for staff) and the selected one (blue, open markers for provisional years); periods with a
    time-series note are marked."""
    frame = _sections.trend_values(wh, HEADLINE, years, names, public, region)
    if frame.empty:
        return empty_state("Nog geen VSV-cijfers door de jaren.")
    symbols = {p: STATUS_SYMBOLS.get(s, "x") for p, s in status.items()}
    fig = _charts.municipality_trend(frame, names, code, years, x_label="Teljaar", y_label="VSV-percentage",
                                     decimals=kpis()[HEADLINE].decimals, region_code=queries.REGION_CODE,
                                     symbols={p: symbols.get(p, "x") for p in years})
    if "voorlopig" in status.values():  # the legend says what an open marker means
        fig.add_scatter(x=[None], y=[None], mode="markers", name="voorlopig (open rondje)",
                        marker={"symbol": "circle-open", "color": REFERENCE, "size": 8})
    return _sections.trend_graph("vsv-trend-grafiek", fig, HEADLINE, years, frame, code, names.get(code, ""),
                                 _sections.partial_periods(wh, HEADLINE, KIND, years))


def _funnel_section(wh: Warehouse, sel: _filters.Selection, names: dict[str, str], viewer: Viewer) -> html.Div | None:
    """The municipal funnel of the VSV percentage (warehouse.signals: the region's value as target, n = the start
    population, widened for over-dispersion): for the coordinator and portfolio holders, who see the region (staff
    do not: the target is the region's value). For a portfolio holder a suppressed municipality is left out."""
    if not viewer.may_see_region:
        return None
    units = signals.funnels(wh, sel.period, (HEADLINE,)).get(HEADLINE, [])
    hidden = _funnel.suppressed_codes(wh, HEADLINE, sel.period) if viewer.public else set()
    return _funnel.funnel_section("vsv-trechter-gemeenten", units, names, 100, "%", "Startpopulatie",
                                  f"Trechter: VSV-percentage per gemeente, {fmt.period_label(KIND, sel.period)}",
                                  hidden, kpis()[HEADLINE].decimals, "VSV-percentage", sel.municipality,
                                  source_text(kpis()[HEADLINE]))


def _level_chart(table: pd.DataFrame):
    levels = table[table["groep"].str.startswith("MBO niveau")]
    levels = levels.assign(v=pd.to_numeric(levels["pct"], errors="coerce"),
                           n=pd.to_numeric(levels["norm"], errors="coerce"))
    if levels["v"].isna().all():
        return None
    fig = px.bar(levels, x="groep", y="v", labels={"groep": "", "v": "VSV-percentage"}, template=figure_template())
    fig.add_scatter(x=levels["groep"], y=levels["n"], mode="markers", name="Landelijke norm",
                    marker={"symbol": "line-ew-open", "size": 36, "color": REFERENCE, "line": {"width": 3}})
    fig.update_layout(legend={"orientation": "h", "y": -0.2}, xaxis_automargin=True, yaxis_automargin=True)
    fig.data[0].name = "VSV-percentage"
    # the section's heading names every group; the chart has the MBO levels only (the table has them all)
    return html.Div([html.H3("VSV-percentage per MBO-niveau, met de landelijke norm", className="h6"),
                     _chart_frame.framed(_chart_frame.graph("vsv-niveau-grafiek", fig), filename="vsv-per-mbo-niveau")])
