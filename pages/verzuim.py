"""Verzuim: the absence figures of one school year for the region or one municipality, a map of the
municipalities coloured by a chosen KPI (a click on a municipality selects it), absence per school location
(a click on a school opens its detail), and relative absence per municipality over the years. Filters in the
URL: `/verzuim?schooljaar=2024-2025&gemeente=GM0758&soort=VO&kaart=lrv` (pages._filters, pages._map).
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _chart_frame, _charts, _download, _filters, _funnel, _map, _sections, _tables, _tile
from pages._components import empty_state, figures_grid, source_text
from pages._data import kpis, warehouse
from pages._page import map_url_callback, page_layout, page_top, table_download
from presentation import formats as fmt
from presentation.partial import mark_partial, marked
from presentation.style import figure_template
from warehouse import notes, queries
from warehouse.connection import Warehouse

KIND = "schooljaar"
IDS = _filters.FilterIds("verzuim", KIND)
DOWNLOAD_ID, CSV_ID, XLSX_ID = "verzuim-download", "verzuim-download-csv", "verzuim-download-xlsx"
GRID_ID = "verzuim-scholen"
CARD_KPIS = ["relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000",
             "verzuim_meldingen", "lrv", "luxe_verzuim", "vrijstellingen", "reactietijd", "recidive"]
SCHOOL_KPI, TREND_KPI = _tables.SCHOOL_KPI, "relatief_verzuim_per_1000"
KINDS = _tables.KINDS
CHART_SCHOOLS = 20  # the ranked chart shows the schools with the highest rate; the table has them all
MAP_ID, MAP_KPI_ID = "verzuim-kaart", "verzuim-kaart-kpi"
MAP_KPIS = CARD_KPIS  # every card's KPI has a figure per municipality; the headline KPI is the default
CHART_ID, DETAIL_ID = "verzuim-per-school-grafiek", "verzuim-school-detail"


def skeleton() -> html.Div:
    return html.Div([*_filters.skeleton(IDS, kinds=True), html.Button(id=CSV_ID), html.Button(id=XLSX_ID),
                     dcc.Download(id=DOWNLOAD_ID), dcc.Graph(id=MAP_ID), dcc.Dropdown(id=MAP_KPI_ID),
                     dcc.Graph(id=CHART_ID), dag.AgGrid(id=GRID_ID), html.Div(id=DETAIL_ID)])


dash.register_page(__name__, path="/verzuim", name="Verzuim", title="Verzuim - RBL Monitor", order=10,
                   access=FIGURES, skeleton=skeleton)


choose = map_url_callback(IDS, MAP_ID, MAP_KPI_ID, TREND_KPI, FIGURES, kinds=True)


download = table_download(
    IDS, DOWNLOAD_ID, CSV_ID, XLSX_ID, FIGURES, title="Verzuim per school", kpi_ids=[SCHOOL_KPI, "verzuim_meldingen"],
    filename="verzuim-per-school", kinds=KINDS,
    table=lambda wh, viewer, sel: _tables.school_table(wh, sel.period, sel.municipality, sel.kind, viewer.public,
                                                       viewer.may_see_region))


@secured_callback(
    Output(DETAIL_ID, "children"),
    # the chart is missing when no school has a rate to show (e.g. all suppressed), the table when none has data
    Input(CHART_ID, "clickData", allow_optional=True), Input(GRID_ID, "cellClicked", allow_optional=True),
    State(IDS.url, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def school_detail(chart_click: dict | None, cell: dict | None, search: str | None) -> object:
    """The detail of the school clicked in the chart or the table: only a school of the table this viewer sees
    for the URL's selection (recomputed here, never taken from the browser), suppressed when public."""
    viewer, wh = current_viewer(), warehouse()
    sel = _filters.url_selection(wh, viewer, KIND, search, KINDS)
    if sel.period is None or sel.municipality is None:
        return no_update
    table, _ = _tables.school_table(wh, sel.period, sel.municipality, sel.kind, viewer.public, viewer.may_see_region)
    row = _clicked_school(table, chart_click if ctx.triggered_id == CHART_ID else None,
                          cell if ctx.triggered_id == GRID_ID else None)
    if row is None:
        return no_update
    detail = _tables.school_detail(wh, row["school_id"], sel.period, queries.periods(wh, KIND), viewer.public)
    return _school_modal(row, detail, sel.period)


def _clicked_school(table: pd.DataFrame, chart_click: dict | None, cell: dict | None) -> pd.Series | None:
    """The table row of the clicked school: the chart's bar carries the school id, a table cell its row id
    (AG Grid numbers the rows of `rowData` from 0, in the table's order)."""
    school = None
    if chart_click:
        points = chart_click.get("points") or [{}]
        school = ((points[0] or {}).get("customdata") or [None])[0]
    elif cell and str(cell.get("rowId", "")).isdigit() and int(cell["rowId"]) < len(table):
        school = table.iloc[int(cell["rowId"])]["school_id"]
    match = table[table["school_id"] == school] if isinstance(school, str) else table.iloc[0:0]
    return None if match.empty else match.iloc[0]


@page_layout("Verzuim", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    years = queries.periods(wh, KIND)
    top = page_top(wh, viewer, IDS, years, query, "Verzuim", "Nog geen schooljaar met verzuimcijfers.", kinds=KINDS)
    sel, names = top.selection, top.names
    registry = kpis()
    map_kpi, map_notice = _map.chosen_kpi(query.get(_map.PARAM), MAP_KPIS, TREND_KPI)
    notices = [empty_state(map_notice)] if map_notice else []
    table, columns = _tables.school_table(wh, sel.period, sel.municipality, sel.kind, viewer.public,
                                           viewer.may_see_region)
    return html.Div([
        *top.head, *notices,
        _sections.suppressed_note("verzuim-onderdrukt") if viewer.public else None,
        _tile.tile_row(wh, [(k, KIND, sel.period) for k in CARD_KPIS], sel.municipality, viewer, names),
        _sections.map_and_trend(
            _sections.map_section(wh, MAP_ID, MAP_KPI_ID, map_kpi, MAP_KPIS, KIND, sel, names, viewer.public),
            "Relatief verzuim door de jaren, per gemeente",
            _trend_chart(wh, years, sel.municipality, names, viewer.public, viewer.may_see_region), TREND_KPI),
        html.H2("Verzuim per school", className="h4 mt-2"),
        html.P(f"Leerlingen met minstens één melding per 100 leerlingen, {fmt.period_label(KIND, sel.period)}"
               f"{'' if not sel.kind else ', ' + sel.kind}. Klik op een school voor haar verloop, meldingen en "
               "sluitredenen.", className="text-muted"),
        _school_chart(table),
        html.P(source_text(registry[SCHOOL_KPI]), className="rbl-source small text-muted"),
        _school_grid(table, columns),
        _download.buttons(DOWNLOAD_ID, CSV_ID, XLSX_ID) if not table.empty else None,
        *_funnels(wh, sel, names, viewer),
        html.Div(_school_from_url(wh, table, query.get("school"), sel.period, viewer.public), id=DETAIL_ID),
    ])


def _school_from_url(wh: Warehouse, table: pd.DataFrame, school: str | None, year: str, public: bool):
    """`?school=<id>` (the last step of region -> municipality -> school, e.g. from a signal) opens that school's
    detail, if it is in the table this viewer sees."""
    match = table[table["school_id"] == school] if school else table.iloc[0:0]
    if match.empty:
        return None
    row = match.iloc[0]
    return _school_modal(row, _tables.school_detail(wh, row["school_id"], year, queries.periods(wh, "schooljaar"),
                                                    public), year)


def _funnels(wh: Warehouse, sel: _filters.Selection, names: dict[str, str], viewer: Viewer) -> list:
    """The funnel plots of warehouse.signals: schools (not for portfolio holders: they see municipal signals only)
    and municipalities for relatief verzuim."""
    from warehouse import signals

    if not viewer.may_see_region:  # the target is the region's value, which staff do not see
        return []
    found = signals.funnels(wh, sel.period, (SCHOOL_KPI, TREND_KPI))
    out = []
    label = fmt.period_label("schooljaar", sel.period)
    if not viewer.public:
        schools = dict(zip(*[queries.schools(wh)[c] for c in ("school_id", "naam")], strict=True))
        units = [u for u in found.get(SCHOOL_KPI, [])
                 if sel.municipality == queries.REGION_CODE or u.municipality_code == sel.municipality]
        out.append(_funnel.funnel_section("verzuim-trechter-scholen", units, schools, 100, " per 100 leerlingen",
                                          "Leerlingen op 1 oktober",
                                          f"Trechter: verzuim per school, {label}",
                                          source=source_text(kpis()[SCHOOL_KPI])))
    municipal = found.get(TREND_KPI, [])
    hidden = _funnel.suppressed_codes(wh, TREND_KPI, sel.period) if viewer.public else set()
    out.append(_funnel.funnel_section("verzuim-trechter-gemeenten", municipal, names, 1000, " per 1.000",
                                      "Inwoners 5 t/m 17 jaar", f"Trechter: relatief verzuim per gemeente, {label}",
                                      hidden, selected=sel.municipality, source=source_text(kpis()[TREND_KPI])))
    return out


def _school_grid(table: pd.DataFrame, columns: list[_download.Column]):
    if table.empty:
        return empty_state("Geen scholen met verzuimcijfers in deze selectie.")
    grid = figures_grid(GRID_ID, table, columns)
    # unwrapped, the narrow columns cut "Meldingen V3", "Meldingen V4", ... all to "Meldin…"
    grid.defaultColDef = {**grid.defaultColDef, "wrapHeaderText": True, "autoHeaderHeight": True}
    # Enter on a row opens the school's detail, as a click does (assets/dashAgGridFunctions.js)
    grid.eventListeners = {"cellKeyDown": ["rblEnterClicks(params, setGridProps)"]}
    # Tab leaves the table from a row (arrows move within it), as the ARIA grid pattern has it: not 20 x 15 tab stops
    grid.dashGridOptions = {**grid.dashGridOptions, "tabToNextCell": {"function": "false"}}
    grid.columnDefs = [{**c, "minWidth": 260 if c["field"] == "naam" else _tables.header_min_width(c["headerName"])}
                       for c in grid.columnDefs]  # the school's name is what a reader looks for: room for it
    return grid


def _school_chart(table: pd.DataFrame):
    # the ranking leaves out the schools under the minimum size (listed apart at the end of the table)
    ranked = table[table["vergelijking"] != _tables.TOO_SMALL] if "vergelijking" in table else table
    numeric = ranked.assign(v=pd.to_numeric(ranked["per_100"], errors="coerce")).dropna(subset=["v"])
    if numeric.empty:
        return empty_state("Geen verzuimcijfers per school in deze selectie.")
    top = numeric.head(CHART_SCHOOLS).iloc[::-1]
    # two locations can share a name: the label carries the location code, or plotly would stack them
    top = top.assign(label=top["naam"] + " (" + top["school_id"] + ")")
    fig = px.bar(top, x="v", y="label", orientation="h", labels={"v": "Per 100 leerlingen", "label": ""},
                 custom_data=["school_id"],  # a click on a bar names its school (school_detail)
                 template=figure_template())  # px colours traces from its template: give it ours
    fig.update_traces(hovertemplate="%{y}<br>%{x:,.1f} per 100 leerlingen<extra></extra>")
    # long school names: the template's narrow margin would clip them
    fig.update_layout(height=120 + 22 * len(top), showlegend=False, yaxis_automargin=True)
    first = top.iloc[-1]
    title = f"Hoogste verzuim: {first['naam']} met {fmt.number(first['v'], 1)} per 100 leerlingen"
    return _chart_frame.framed(_chart_frame.graph(CHART_ID, fig), title, filename="verzuim-per-school",
                               note="Met het toetsenbord: kies een school in de tabel hieronder en druk op Enter.")


def _trend_chart(wh: Warehouse, years: list[str], code: str, names: dict[str, str], public: bool, region: bool):
    """Relative absence over the school years of every municipality the viewer may see (grey), the region
    (black, not for staff) and the selected one (blue); periods with a time-series note are marked."""
    frame = _sections.trend_values(wh, TREND_KPI, years, names, public, region)
    if frame.empty:
        return empty_state("Nog geen verzuimcijfers door de jaren.")
    kpi = kpis()[TREND_KPI]
    fig = _charts.municipality_trend(frame, names, code, years, x_label="Schooljaar",
                                     y_label="Per 1.000 leerplichtigen", decimals=kpi.decimals,
                                     region_code=queries.REGION_CODE)
    return _sections.trend_graph("verzuim-trend-grafiek", fig, TREND_KPI, years, frame, code, names.get(code, ""),
                                 _sections.partial_periods(wh, TREND_KPI, KIND, years))


def _school_modal(row: pd.Series, detail: _tables.SchoolDetail, year: str) -> dbc.Modal:
    registry = kpis()
    label = fmt.period_label(KIND, year)
    reports = [(s, _count(v)) for s, v in zip(detail.reports["soort"], detail.reports["aantal"], strict=True)]
    reasons = [(r, _count(v)) for r, v in zip(detail.reasons["reden"], detail.reasons["aantal"], strict=True)]
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(f"{row['naam']} ({row['school_id']})", id="verzuim-school-titel"),
                        close_button=True),
        dbc.ModalBody([
            html.P(f"{row['soort']}, {row['gemeente']}", className="text-muted"),
            html.H3("Leerlingen met een melding per 100 leerlingen, door de jaren", className="h6"),
            _school_trend(detail.trend, detail.partial),
            html.P(source_text(registry[SCHOOL_KPI]), className="rbl-source small text-muted"),
            dbc.Row([
                dbc.Col([html.H3(f"Meldingen naar verzuimsoort, {label}", className="h6"),
                         _small_table("verzuim-school-meldingen", ("Verzuimsoort", "Meldingen"), reports,
                                      ("Totaal", _count(detail.reports_total)),
                                      "Geen meldingen op deze school in dit schooljaar.")], md=6),
                dbc.Col([html.H3(f"Sluitredenen, {label}", className="h6"),
                         _small_table("verzuim-school-sluitredenen", ("Reden", "Afgesloten meldingen"), reasons,
                                      None, "Geen afgesloten meldingen van deze school in dit schooljaar."),
                         html.P(source_text(registry[_tables.REASONS_KPI]), className="rbl-source small text-muted")],
                        md=6),
            ]),
        ]),
    ], id="verzuim-school-modal", is_open=True, size="lg", scrollable=True)


def _count(value: object) -> str:
    """A count as the screen writes it, or its suppression mark."""
    return fmt.by_unit(value, "aantal", 0)


def _school_trend(trend: pd.DataFrame, partial: dict):
    shown = trend.assign(v=pd.to_numeric(trend["value"], errors="coerce"))
    hidden = [f"{p} ({v})" for p, v in zip(trend["period"], trend["value"], strict=True) if isinstance(v, str)]
    note = html.P(f"Niet getoond (kleine aantallen): {', '.join(hidden)}.", className="small text-muted") \
        if hidden else None
    if shown["v"].isna().all():
        return html.Div([empty_state("Geen cijfers door de jaren om te tonen."), note])
    periods = trend["period"].tolist()
    fig = px.line(shown, x="period", y="v", markers=True, template=figure_template(),
                  labels={"period": "Schooljaar", "v": "Per 100 leerlingen"})
    fig.update_traces(hovertemplate="%{x}: %{y:,.1f} per 100 leerlingen<extra></extra>", name="School")
    fig.update_layout(height=320, showlegend=False, xaxis_automargin=True)  # slanted labels clear the title
    _charts.add_series_notes(fig, notes.series_notes(SCHOOL_KPI), periods)
    mark_partial(fig, partial)  # a school year still running: open diamond, dotted, "t/m" (presentation.partial)
    if marked(fig):  # then the legend says what the open diamond means
        fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.35})
    return html.Div([_chart_frame.framed(_chart_frame.graph("verzuim-school-trend", fig), filename="verzuim-school"),
                     note])


def _small_table(table_id: str, headers: tuple[str, str], rows: list[tuple[str, str]], total: tuple[str, str] | None,
                 empty: str):
    if not rows:
        return html.P(empty, className="text-muted small", id=table_id)
    body = [html.Tr([html.Td(a), html.Td(b, className="text-end")]) for a, b in rows]
    if total is not None:
        body.append(html.Tr([html.Th(total[0]), html.Th(total[1], className="text-end")]))
    return dbc.Table([html.Thead(html.Tr([html.Th(headers[0]), html.Th(headers[1], className="text-end")])),
                      html.Tbody(body)], id=table_id, size="sm", striped=True, className="mb-2")
