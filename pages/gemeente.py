"""Gemeenteprofiel: one screen per municipality with its headline figures, their place among the 16, trends,
the regional and national references, its signals and explanations (issue #9). The municipality is in the URL
(`/gemeente?gemeente=GM0758`), so it can be bookmarked; printable on one or two A4 pages (assets' print
stylesheet). The content comes from reports.profiel, which the PDF pack can use too."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import secured_callback
from pages import _filters, _tile
from pages._components import empty_state, page_header
from pages._page import page_layout
from reports import profiel
from warehouse import queries, tiles
from warehouse.connection import Warehouse

SELECTOR_ID, URL_ID = "gemeenteprofiel-keuze", "gemeenteprofiel-url"


def skeleton() -> html.Div:
    return html.Div([dcc.Dropdown(id=SELECTOR_ID), dcc.Location(id=URL_ID)])


dash.register_page(__name__, path="/gemeente", name="Gemeenteprofiel", title="Gemeenteprofiel - RBL Monitor",
                   order=45, access=FIGURES, skeleton=skeleton)  # beside the quarterly meeting view


@page_layout("Gemeenteprofiel")
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    return _page(wh, viewer, query.get("gemeente"))


@secured_callback(
    Output(URL_ID, "search"),
    Input(SELECTOR_ID, "value"),
    State(URL_ID, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def choose(code: str | None, search: str | None) -> object:
    """The chosen municipality into the URL (the page router then redraws the profile)."""
    if not code:
        return no_update
    wanted = f"?gemeente={code}"
    return no_update if _filters.parse(wanted) == _filters.parse(search) else wanted


def _page(wh: Warehouse, viewer: Viewer, gemeente: str | None) -> html.Div:
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    selector = html.Div([
        html.Label("Gemeente", htmlFor=SELECTOR_ID, className="form-label mb-1"),
        dcc.Dropdown(id=SELECTOR_ID, options=[{"label": n, "value": c} for c, n in names.items()],
                     value=gemeente if gemeente in names else None, placeholder="Kies een gemeente",
                     clearable=False, searchable=True),
        dcc.Location(id=URL_ID, refresh="callback-nav"),  # the page's own URL state, as the filter bars have
    ], className="rbl-selector")
    notices = []
    if gemeente and gemeente not in names:
        notices.append(empty_state(f"Onbekende gemeente '{gemeente}'; hieronder de eerste gemeente die u mag zien."))
    if not gemeente or gemeente not in names:  # opens on the first municipality the viewer may see
        gemeente = next(iter(names), None)
    if gemeente is None:
        return html.Div([page_header("Gemeenteprofiel", queries.data_date(wh)),
                         empty_state("Uw account is aan geen gemeente toegewezen. Vraag de beheerder om dat te doen.")])
    selector.children[1].value = gemeente
    content = profiel.profile(wh, gemeente, viewer.public, viewer.may_see_region)
    cards = [_tile.reference_tile(t, content.labels[t.kpi.id], names, href=_link(t)) for t in content.tiles if t]
    return html.Div([
        page_header(f"Gemeenteprofiel {content.name}", content.data_date, extra=selector), *notices,
        html.P("Elk cijfer over de laatste volledige periode, vergeleken met dezelfde periode een jaar eerder, met de "
               "waarde van de regio, de plaats onder de gemeenten (bij rates) en de landelijke waarde waar die "
               "gepubliceerd is." + (" Kleine aantallen zijn onderdrukt." if viewer.public else ""),
               className="rbl-lead"),
        dbc.Row([dbc.Col(t, xs=12, md=6, xl=4, className="mb-4 rbl-card-col") for t in cards]),
        _signals(content, names),
    ], className="rbl-gemeenteprofiel")


def _link(t: tiles.TileData) -> str:
    page = {"vsv_percentage": "vsv", "positief_resultaat": "effectrapportage", "leerplichtigen_per_fte": "capaciteit",
            "werkvoorraad": "capaciteit"}.get(t.kpi.id, "verzuim")
    return f"/{page}?{t.kind}={t.period}&gemeente={t.code}"


def _signals(content: profiel.Profile, names: dict[str, str]) -> html.Section:
    labels = {"relatief_verzuim_per_1000": "Relatief verzuim", "absoluut_verzuim_per_1000": "Absoluut verzuim",
              "vsv_percentage": "VSV-percentage"}
    items = [html.Li(f"{labels[u.kpi_id]} {u.period}: {u.signal} dan verwacht (buiten de 99,8%-grens van de regio)")
             for u in content.signals]
    return html.Section([
        html.H2("Signalen", className="h4"),
        html.Ul(items, id="gemeenteprofiel-signalen") if items else html.P(
            "Geen signalen: de cijfers van deze gemeente liggen binnen wat toeval verklaart.",
            id="gemeenteprofiel-signalen"),
    ], className="mb-4")
