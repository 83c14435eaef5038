"""Capaciteit: staff capacity and work in progress on a reference date (peildatum) for the region or one
municipality: FTE per municipality and role, inhabitants 5-17 per FTE leerplichtambtenaar, the work in
progress by kind and age and per FTE, new cases per FTE in the last complete school year, and the contact
person coverage of the schools with the list of schools that have none or several. The coordinator also
sees the work in progress per staff member (person-level: audited). Filters in the URL:
`/capaciteit?peildatum=2024-10-01&gemeente=GM0758` (pages._filters).

Every figure comes from the KPI registry through `queries.kpi_values` (suppressed for the portfolio
holder); the tables are built from those rows in pages/_capacity.py, by functions the downloads share, so
a download recomputes on the server exactly what the screen shows.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from access import store
from access.roles import FIGURES, PERSON_LEVEL, Viewer
from access.web import audit_export, current_viewer, secured_callback
from pages import _capacity, _chart_frame, _download, _filters, _tables, _tile
from pages._components import empty_state, figures_grid, source_text
from pages._data import kpis, warehouse
from pages._page import page_layout, page_top, url_callback
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from presentation.style import PRIMARY, REFERENCE, plotly_template
from warehouse import coverage, queries
from warehouse.connection import Warehouse

PAGE = "capaciteit"
IDS = _filters.FilterIds(PAGE, _capacity.KIND)
KIND, YEAR_KIND, FLOW_KPI, STOCK_KPIS = _capacity.KIND, _capacity.YEAR_KIND, _capacity.FLOW_KPI, _capacity.STOCK_KPIS
CARD_KPIS = ["fte", "leerplichtigen_per_fte", "werkvoorraad", "werkvoorraad_per_fte", FLOW_KPI,
             "contactpersoon_dekking"]
STAFF_SECTION = f"/{PAGE}#werk-per-medewerker"  # the person-level view's name in the audit log
WIDE = {"gemeente": 180, "naam": 260, "medewerkers": 180, "medewerker": 180}  # grid columns that need room
SUPPRESSED_NOTE = "Onderdrukte waarden (<5, –, ×) staan niet in de grafiek; de tabel toont ze."


# --- downloads -----------------------------------------------------------------------------------------

def _staff_target(sel: _filters.Selection) -> str:
    """What the audit log names: the person-level view and its selection (never its content)."""
    return f"{STAFF_SECTION}{_filters.search(sel.period, sel.municipality, period_kind=KIND)}"


class Table(NamedTuple):
    """A table of the page with its own download (ids `capaciteit-<key>-csv|xlsx|download`); `roles`
    may download it."""

    key: str
    roles: tuple[str, ...]
    kpi_ids: tuple[str, ...]

    @property
    def grid(self) -> str:
        return f"{PAGE}-{self.key}"

    @property
    def download(self) -> str:
        return f"{PAGE}-{self.key}-download"

    @property
    def csv(self) -> str:
        return f"{PAGE}-{self.key}-csv"

    @property
    def xlsx(self) -> str:
        return f"{PAGE}-{self.key}-xlsx"


TABLES = {t.key: t for t in (
    Table("gemeenten", FIGURES, ("fte", "leerplichtigen_per_fte", "werkvoorraad", "werkvoorraad_per_fte", FLOW_KPI,
                                 "contactpersoon_dekking")),
    Table("ouderdom", FIGURES, ("werkvoorraad",)),
    Table("scholen", FIGURES, ("contactpersoon_dekking",)),
    Table("medewerkers", PERSON_LEVEL, ("werkvoorraad",)),
)}
TITLES = {"gemeenten": "Capaciteit per gemeente", "ouderdom": "Werkvoorraad naar soort en ouderdom",
          "scholen": "Scholen zonder of met meerdere contactpersonen", "medewerkers": "Werkvoorraad per medewerker"}


def build_table(key: str, wh: Warehouse, viewer: Viewer, view: _capacity.View, figures: _capacity.Figures
                ) -> tuple[pd.DataFrame, list[_download.Column]]:
    code = view.selection.municipality
    if key == "gemeenten":
        return _capacity.municipality_table(figures, view.codes, view.names)
    if key == "ouderdom":
        return _capacity.age_table(figures, code)
    if key == "scholen":
        staff = _capacity.sees_staff(viewer)
        return _capacity.school_table(wh, view.selection.period, code, view.names, with_staff=staff)
    if key == "medewerkers" and _capacity.sees_staff(viewer):
        return _capacity.staff_table(figures, code)
    raise PreventUpdate  # never a person-level table for anyone else, whatever the request says


def skeleton() -> html.Div:
    parts: list = _filters.skeleton(IDS)
    for t in TABLES.values():
        parts += [html.Button(id=t.csv), html.Button(id=t.xlsx), dcc.Download(id=t.download)]
    return html.Div(parts)


dash.register_page(__name__, path=f"/{PAGE}", name="Capaciteit", title="Capaciteit - RBL Monitor", order=30,
                   access=FIGURES, skeleton=skeleton)


choose = url_callback(IDS, lambda wh: queries.periods(wh, KIND), FIGURES)


def send(key: str, search: str | None, csv: bool) -> object:
    """One table as on screen, recomputed here from the URL for this viewer (suppressed when public)."""
    viewer, wh, table = current_viewer(), warehouse(), TABLES[key]
    if viewer is None or viewer.role not in table.roles:
        raise PreventUpdate
    view = _capacity.resolve(wh, viewer, _filters.query(search, KIND))
    sel = view.selection
    if sel.period is None or sel.municipality is None:
        return no_update
    figures = _capacity.load_figures(wh, view.dates, sel.period, viewer.public)
    frame, columns = build_table(key, wh, viewer, view, figures)
    stock = [k for k in table.kpi_ids if k != FLOW_KPI]  # new cases per FTE: a school year that has ended
    meta = _download.export_meta(TITLES[key], list(table.kpi_ids), KIND, sel.period, queries.data_date(wh),
                                 viewer.public, None if sel.municipality == queries.REGION_CODE else sel.municipality,
                                 coverage.figures_through(wh, stock, KIND, sel.period))
    if FLOW_KPI in table.kpi_ids:
        year = fmt.period_label(YEAR_KIND, figures.year)
        meta = dataclasses.replace(meta, period=f"{meta.period}; nieuwe zaken: {year}",
                                   periods=[sel.period, figures.year])
    if key == "medewerkers":
        audit_export(_staff_target(sel))
    return _download.send_selection(frame, columns, f"{PAGE}-{key}", sel.period, sel.municipality, csv=csv, meta=meta)


def _register_download(table: Table) -> None:
    @secured_callback(
        Output(table.download, "data"),
        Input(table.csv, "n_clicks"), Input(table.xlsx, "n_clicks"),
        State(IDS.url, "search"),
        prevent_initial_call=True,
        roles=table.roles,
    )
    def download(_csv: int | None, _xlsx: int | None, search: str | None) -> object:
        return send(table.key, search, csv=ctx.triggered_id == table.csv)


for _table in TABLES.values():
    _register_download(_table)


# --- the page ------------------------------------------------------------------------------------------

@page_layout("Capaciteit", period_kind=IDS.period_kind)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    dates = queries.periods(wh, KIND)
    top = page_top(wh, viewer, IDS, dates, query, "Capaciteit", "Nog geen peildatum met capaciteitscijfers.")
    view = _capacity.View(top.selection, top.names, dates, viewer.may_see_region)
    sel = view.selection
    figures = _capacity.load_figures(wh, view.dates, sel.period, viewer.public)
    registry, code = kpis(), sel.municipality
    on = fmt.period_label(KIND, sel.period)
    tables = {k: build_table(k, wh, viewer, view, figures) for k in TABLES if k != "medewerkers"}
    staff = _staff_section(wh, viewer, view, figures) if _capacity.sees_staff(viewer) else None
    return html.Div([
        *top.head,
        html.P(f"De stand op {on}. Nieuwe zaken per fte: over het laatste volledige "
               f"{fmt.period_label(YEAR_KIND, figures.year)}.", className="text-muted", id="capaciteit-toelichting"),
        _tile.tile_row(wh, _tile_figures(figures), code, viewer, view.names),
        html.H2("Formatie per gemeente en rol", className="h4 mt-2"),
        _fte_chart(tables["gemeenten"][0], viewer.public),
        html.P(source_text(registry["fte"]), className="rbl-source small text-muted"),
        html.H2("Leerplichtigen per fte leerplichtambtenaar", className="h4 mt-4"),
        _per_fte_chart(tables["gemeenten"][0], viewer.public),
        html.P(source_text(registry["leerplichtigen_per_fte"]), className="rbl-source small text-muted"),
        html.H2(f"Capaciteit per gemeente, {on}", className="h4 mt-4"),
        _grid(TABLES["gemeenten"], *tables["gemeenten"], "Geen gemeenten in deze selectie."),
        _tile.missing_note(wh, STOCK_KPIS, KIND, sel.period),
        html.P("Bron: CBS; DUO verzuimregister; RBL zaaksysteem, personeelsoverzicht en contactpersonen",
               className="rbl-source small text-muted"),
        html.H2(f"Werkvoorraad naar soort en ouderdom, {on}", className="h4 mt-4"),
        html.P("Wat op de peildatum open staat (meldingen van melddatum tot afsluitdatum, zonder ingetrokken en "
               "ter kennisgeving aangenomen meldingen; zaken en trajecten van start- tot einddatum), naar hoe lang het "
               "al open staat.", className="text-muted"),
        _age_chart(tables["ouderdom"][0], viewer.public),
        html.P(source_text(registry["werkvoorraad"]), className="rbl-source small text-muted"),
        _grid(TABLES["ouderdom"], *tables["ouderdom"], ""),
        html.H2(f"Contactpersonen van scholen, {on}", className="h4 mt-4"),
        html.P(_coverage_text(figures, code), className="text-muted", id="capaciteit-dekking-tekst"),
        _coverage_chart(figures, code),
        html.P(source_text(registry["contactpersoon_dekking"]), className="rbl-source small text-muted"),
        _grid(TABLES["scholen"], *tables["scholen"],
              "Alle scholen in deze selectie hebben op de peildatum precies één contactpersoon."),
        staff,
    ])


def _tile_figures(figures: _capacity.Figures) -> list[tuple[str, str, str]]:
    """The tiles' (KPI, period kind, period): the stock figures on the reference date, new cases per FTE over the
    last complete school year before it."""
    return [(k, YEAR_KIND, figures.year) if k == FLOW_KPI else (k, KIND, figures.date) for k in CARD_KPIS]


def _grid(table: Table, frame: pd.DataFrame, columns: list[_download.Column], empty: str) -> html.Div:
    if frame.empty:
        return empty_state(empty)
    grid = figures_grid(table.grid, frame, columns)
    # Long Dutch headers wrap; columns fill the width but never shrink below a readable one (the grid then
    # scrolls sideways) and names get more room; the grid is as high as its rows (a page of 20 at most).
    grid.defaultColDef = {**grid.defaultColDef, "wrapHeaderText": True, "autoHeaderHeight": True, "flex": 1,
                          "minWidth": 150}
    grid.columnDefs = [{**c, "minWidth": _width(c)}
                       for c in grid.columnDefs]
    grid.columnDefs[0]["pinned"] = "left"
    grid.columnSize = None
    grid.dashGridOptions = {**grid.dashGridOptions, "domLayout": "autoHeight"}
    grid.style = {}
    return html.Div([grid, _download.buttons(table.download, table.csv, table.xlsx)])


def _width(column: dict) -> int:
    return max(WIDE.get(column["field"], 0), _tables.header_min_width(column["headerName"], 150))


def _numeric(frame: pd.DataFrame, field: str) -> pd.Series:
    return pd.to_numeric(frame[field].map(lambda v: None if isinstance(v, str) else v), errors="coerce")


def _hidden(frame: pd.DataFrame, fields: list[str]) -> bool:
    return bool(frame[fields].map(lambda v: isinstance(v, str)).any().any())


def _graph(graph_id: str, data: list[dict], layout: dict, public_note: bool, legend: str = "") -> html.Div:
    """A chart as a plain figure dict in the product's template (colours, Dutch separators): plotly.js draws
    it as plotly express would, without plotly-python's validation, which cost 100-200 ms per chart here."""
    above = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {"text": legend},
             "traceorder": "normal"}  # stacked bars would list their series in reverse
    layout = {"template": plotly_template(), "margin": {"t": 56}, "hoverlabel": {"namelength": -1},
              "legend": above, **layout}
    note = html.P(SUPPRESSED_NOTE, className="small text-muted") if public_note else None
    chart = _chart_frame.graph(graph_id, {"data": data, "layout": layout})
    return html.Div([_chart_frame.framed(chart, filename=graph_id.removeprefix("capaciteit-")), note])


def _axis(title: str, **more: object) -> dict:
    return {"title": {"text": title}, "automargin": True, **more}


def _numbers(values: pd.Series) -> list[float | None]:
    return [None if fmt.is_missing(v) else float(v) for v in values]


def _fte_chart(table: pd.DataFrame, public: bool):
    """FTE per municipality, stacked by role; the region's total is left out (it would dwarf the rest)."""
    areas = table[table["gemeente"] != REGION_NAME]
    fields = [f"fte_{r}" for r in _capacity.ROLES]
    if sum(v or 0 for f in fields for v in _numbers(_numeric(areas, f))) == 0:
        return empty_state("Geen formatie op deze peildatum in deze selectie.")
    names = list(areas["gemeente"])
    data = [{"type": "bar", "orientation": "h", "name": label, "x": _numbers(_numeric(areas, f"fte_{role}")),
             "y": names, "hovertemplate": "%{y}: %{x:,.2f} fte"} for role, label in _capacity.ROLES.items()]
    layout = {"barmode": "stack", "height": 160 + 26 * len(names),
              "xaxis": _axis("Fte"), "yaxis": _axis("", autorange="reversed", type="category")}
    return _graph("capaciteit-fte-grafiek", data, layout, public and _hidden(areas, fields), legend="Rol")


def _per_fte_chart(table: pd.DataFrame, public: bool):
    """Inhabitants 5-17 per FTE leerplichtambtenaar, highest first, with the region as a black bar."""
    areas = table.assign(v=_numeric(table, "leerplichtigen_per_fte")).dropna(subset=["v"])
    if (areas["gemeente"] != REGION_NAME).sum() == 0:
        return empty_state("Geen fte leerplichtambtenaar op deze peildatum in deze selectie.")
    areas = areas.sort_values("v", ascending=False)
    data = [{"type": "bar", "orientation": "h", "x": _numbers(areas["v"]), "y": list(areas["gemeente"]),
             "text": [fmt.number(v, 0) for v in areas["v"]], "textposition": "auto",
             "marker": {"color": [REFERENCE if g == REGION_NAME else PRIMARY for g in areas["gemeente"]]},
             "hovertemplate": "%{y}: %{x:,.0f} inwoners 5-17 jaar per fte<extra></extra>"}]
    layout = {"height": 160 + 26 * len(areas), "showlegend": False,
              "xaxis": _axis("Inwoners 5-17 jaar per fte leerplichtambtenaar"),
              "yaxis": _axis("", autorange="reversed", type="category")}
    return _graph("capaciteit-per-fte-grafiek", data, layout, public and _hidden(table, ["leerplichtigen_per_fte"]))


def _age_chart(table: pd.DataFrame, public: bool):
    """Open work by age bucket, stacked by kind; a suppressed cell is left out (the note says so)."""
    fields = [f"age_{a}" for a in _capacity.AGES]
    kinds = table[table["soort"] != "Totaal"]
    if sum(v or 0 for f in fields for v in _numbers(_numeric(kinds, f))) == 0 and not _hidden(kinds, fields):
        return empty_state("Op deze peildatum staat in deze selectie niets open.")
    ages = list(_capacity.AGES.values())
    data = [{"type": "bar", "name": row["soort"], "x": ages,
             "y": _numbers(pd.Series([None if isinstance(row[f], str) else row[f] for f in fields])),
             "hovertemplate": "%{x}: %{y:,.0f}"} for _, row in kinds.iterrows()]
    layout = {"barmode": "stack",
              "xaxis": _axis("Ouderdom op de peildatum", type="category"), "yaxis": _axis("Open")}
    return _graph("capaciteit-ouderdom-grafiek", data, layout, public and _hidden(kinds, fields), legend="Soort")


def _coverage_text(figures: _capacity.Figures, code: str) -> str:
    share = figures.value("contactpersoon_dekking", code)
    if share is None:
        return "Geen schoolvestigingen in deze selectie."
    schools = figures.denominator("contactpersoon_dekking", code)
    counts = {k: _capacity.or_zero(figures.value("contactpersoon_dekking", code, f"dekking={k}"))
              for k in ("geen", "meerdere")}
    return (f"{fmt.by_unit(share, '%', 1)} van de {fmt.number(schools, 0)} schoolvestigingen heeft op de peildatum "
            f"precies één actieve contactpersoon; {fmt.number(counts['geen'], 0)} hebben er geen, "
            f"{fmt.number(counts['meerdere'], 0)} hebben er meerdere.")


def _coverage_chart(figures: _capacity.Figures, code: str):
    sectors = {k: v for k, v in sorted(figures.breakdowns("contactpersoon_dekking", code, "sector").items())
               if not fmt.is_missing(v) and not isinstance(v, str)}
    if not sectors:
        return empty_state("Geen schoolvestigingen in deze selectie.")
    data = [{"type": "bar", "x": list(sectors), "y": [float(v) for v in sectors.values()],
             "text": [fmt.percentage(v, 1) for v in sectors.values()],
             # a bar too low for its label (0%: no bar at all) gets it above, or the sector looks empty
             "textposition": ["inside" if float(v) >= 10 else "outside" for v in sectors.values()],
             "hovertemplate": "%{x}: %{y:,.1f}%<extra></extra>"}]
    layout = {"showlegend": False, "xaxis": _axis("Sector", type="category"),
              "yaxis": _axis("Met precies één contactpersoon (%)", range=[0, 110])}
    return _graph("capaciteit-dekking-grafiek", data, layout, False)


def _staff_section(wh: Warehouse, viewer: Viewer, view: _capacity.View, figures: _capacity.Figures) -> html.Div:
    """Person-level, the coordinator only (checked by the caller and again in build_table); opening it is
    written to the audit log, never its content."""
    frame, columns = build_table("medewerkers", wh, viewer, view, figures)
    sel = view.selection
    store.audit(viewer.username, viewer.role, "opende", _staff_target(sel))
    return html.Div([
        html.H2(f"Werkvoorraad per medewerker, {fmt.period_label(KIND, sel.period)}", className="h4 mt-4"),
        html.P("Alleen voor de coördinator. Open meldingen, zaken en trajecten per behandelaar (medewerkerscode); "
               "het openen van dit overzicht staat in het auditlog.", className="text-muted"),
        _grid(TABLES["medewerkers"], frame, columns, "Op deze peildatum staat in deze selectie niets open."),
        html.P(source_text(kpis()["werkvoorraad"]), className="rbl-source small text-muted"),
    ], id="werk-per-medewerker")
