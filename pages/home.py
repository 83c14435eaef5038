"""Overzicht: the headline figure of every section, for the region or one municipality.

The municipality lives in the URL (`/?gemeente=GM0758`), so a view can be bookmarked for a meeting:
the selector writes the query string, and Dash Pages rebuilds `layout(gemeente=...)` from it.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from access.roles import COORDINATOR, FIGURES, PORTFOLIO_HOLDER, Viewer
from access.web import current_viewer, secured_callback
from pages import _tile
from pages._components import LOCATION_ID, empty_state, page_header
from pages._data import kpis, warehouse
from pages._page import NO_WAREHOUSE, page_layout
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from warehouse import coverage, queries, signals, tiles, views
from warehouse.connection import Warehouse
from warehouse.registry import SECTIONS, Kpi, Registry

SELECTOR_ID = "gemeente-keuze"


def skeleton() -> html.Div:
    """The component ids this page's callbacks use, without data (access.web.validation_layout)."""
    return html.Div(dcc.Dropdown(id=SELECTOR_ID))


dash.register_page(__name__, path="/", name="Overzicht", title="Overzicht - RBL Monitor", order=0,
                   access=FIGURES, skeleton=skeleton)

# The selector's value for the region; the URL then carries no `gemeente` at all.
REGION_OPTION = queries.REGION_CODE


@page_layout(lambda: page_header(f"Overzicht {REGION_NAME}", extra=_selector(None, REGION_OPTION)),
             missing=f"{NO_WAREHOUSE} Laad eerst de bronbestanden; daarna verschijnen hier de kerncijfers.")
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    return _overview(wh, kpis(), query.get("gemeente"), viewer)


@secured_callback(
    Output(LOCATION_ID, "search"),
    Input(SELECTOR_ID, "value"),
    State(LOCATION_ID, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def choose_municipality(code: str | None, search: str | None) -> object:
    """Put the choice in the query string; the page router then redraws the overview.

    Dash 4's Dropdown reports its value once when it mounts: that echo (the URL already says it, or
    no valid choice was in the URL) must leave the URL alone, or the page would redraw for nothing.
    """
    if code is None:
        return no_update
    wanted = "" if code == REGION_OPTION else f"?gemeente={code}"
    if not search and code == _opens_on(current_viewer()):  # the mount echo of the page's own default
        return no_update
    return no_update if wanted == (search or "") else wanted


def _opens_on(viewer: Viewer) -> str | None:
    """What the overview shows without a `gemeente` in the URL: the region, or for staff their first municipality."""
    if viewer.may_see_region:
        return REGION_OPTION
    codes = [c for c in queries.municipalities(warehouse())["gemeente_code"] if viewer.may_see_municipality(c)]
    return codes[0] if codes else None


def _overview(wh: Warehouse, registry: Registry, gemeente: str | None, viewer: Viewer) -> html.Div:
    municipalities = queries.municipalities(wh)
    # staff see only the municipalities they are assigned to, and not the region
    municipalities = municipalities[[viewer.may_see_municipality(c) for c in municipalities["gemeente_code"]]]
    names = dict(zip(municipalities["gemeente_code"], municipalities["naam"], strict=True))
    fallback = REGION_OPTION if viewer.may_see_region else next(iter(names), None)
    notice, choice = None, gemeente or fallback
    if gemeente and gemeente not in names:
        notice = empty_state(f"Onbekende gemeente '{gemeente}'; hieronder de cijfers van "
                             f"{'de hele regio' if viewer.may_see_region else 'uw gemeente'}.")
        gemeente, choice = None, None if viewer.may_see_region else fallback
    code = gemeente or (queries.REGION_CODE if viewer.may_see_region else fallback)
    if code is None:
        return empty_state("Uw account is aan geen gemeente toegewezen. Vraag de beheerder om dat te doen.")
    where = names.get(code, REGION_NAME)
    cards = _cards(wh, registry, code, where, viewer)
    return html.Div(
        [
            page_header(f"Overzicht {where}", queries.data_date(wh),
                        extra=_selector(municipalities, choice, viewer.may_see_region)),
            notice,
            dbc.Row([dbc.Col(card, xs=12, md=6, xl=4, className="mb-4") for card in cards]),
            signal_list(wh, viewer),
        ]
    )


def _selector(municipalities: pd.DataFrame | None, choice: str | None, region: bool = True) -> html.Div:
    options = [{"label": REGION_NAME, "value": REGION_OPTION}] if region else []
    if municipalities is not None:
        options += [
            {"label": row.naam, "value": row.gemeente_code} for row in municipalities.itertuples(index=False)
        ]
    return html.Div(
        [
            html.Label("Gemeente", htmlFor=SELECTOR_ID, className="form-label mb-1"),
            dcc.Dropdown(
                id=SELECTOR_ID,
                options=options,
                value=choice,
                placeholder=REGION_NAME,
                clearable=False,
                searchable=True,
            ),
        ],
        className="rbl-selector",
    )


def _cards(wh: Warehouse, registry: Registry, code: str, where: str, viewer: Viewer) -> list:
    """One tile with reference points per section (pages._tile), each on its latest complete period
    (warehouse.coverage) and compared with the same period a year earlier."""
    # data quality is the coordinator's (and the administrator's) business, not a meeting figure
    sections = [(s, label) for s, label in SECTIONS if s != "data" or viewer.role == COORDINATOR]
    names = dict(zip(*[queries.municipalities(wh)[c] for c in ("gemeente_code", "naam")], strict=True))
    cover = coverage.coverage(wh)
    cards = []
    for section, section_label in sections:
        kpi = registry.headline(section)
        if kpi is None:
            cards.append(_missing_card(section_label, f"Nog geen gegevens voor {section_label.lower()}."))
            continue
        period = coverage.latest_complete([kpi], kpi.period_kind, queries.periods(wh, kpi.period_kind), cover)
        if period is None:
            cards.append(_missing_card(section_label, f"Nog geen gegevens voor {kpi.label} in {where}."))
            continue
        data = tiles.tile_data(wh, kpi, kpi.period_kind, period, code, viewer.public, viewer.may_see_region)
        label = fmt.period_label(kpi.period_kind, period) + _list_status(wh, kpi, period)
        cards.append(_tile.reference_tile(data, label, names, title=section_label, href=_page_link(section, code)))
    return cards


def _page_link(section: str, code: str) -> str | None:
    """The page that shows a section's figure, for this area (region -> municipality -> school: issue #9)."""
    if section not in ("verzuim", "vsv", "capaciteit", "effectrapportage", "kostenverdeling", "data"):
        return None
    return f"/{section}" + (f"?gemeente={code}" if code != queries.REGION_CODE else "")


def signal_list(wh: Warehouse, viewer: Viewer) -> html.Section | None:
    """The signals of the latest complete school and count year (warehouse.signals), each a link to the page and
    filters that show it. The coordinator sees every signal; a portfolio holder the municipal ones only (kpis.md)."""
    if viewer.role not in (COORDINATOR, PORTFOLIO_HOLDER):
        return None
    names = dict(zip(*[queries.municipalities(wh)[c] for c in ("gemeente_code", "naam")], strict=True))
    found = []
    for page in ("verzuim", "vsv"):
        period = coverage.default_period(wh, page)
        if period is not None:
            found += signals.signals(wh, period, _SIGNAL_PAGE_KPIS[page])
    if viewer.role != COORDINATOR:
        found = [u for u in found if u.level == "gemeente"]
    found = list({(u.kpi_id, u.period, u.code): u for u in found}.values())
    schools = (dict(zip(*[queries.schools(wh)[c] for c in ("school_id", "naam")], strict=True))
               if any(u.level == "school" for u in found) else {})
    items = [html.Li(html.A(_signal_line(u, names, schools), href=signal_href(u), className="rbl-signal-link"),
                     className=f"rbl-signal rbl-signal-{u.signal}") for u in found]
    body = html.Ul(items, className="rbl-signal-list") if items else html.P("Geen signalen: alle gemeenten en scholen "
                                                                          "liggen binnen wat toeval verklaart.")
    return html.Section([
        html.H2("Signalen", className="h4"),
        html.P("Gemeenten en scholen die meer van de regio afwijken dan toeval verklaart (buiten de 99,8%-grens van "
               "de trechter; scholen met minder dan het minimum aantal leerlingen tellen niet mee).",
               className="small text-muted"),
        body], id="overzicht-signalen", className="mb-4")


_SIGNAL_PAGE_KPIS = {"verzuim": ("verzuim_per_school", "relatief_verzuim_per_1000", "absoluut_verzuim_per_1000"),
                     "vsv": ("vsv_percentage",)}


def signal_href(u: signals.Unit) -> str:
    """The page and filters that show a signal: the school table of its municipality, the absence map with that
    figure, or the VSV page; the period always in the URL."""
    if u.kpi_id == "vsv_percentage":
        return f"/vsv?teljaar={u.period}&gemeente={u.code}"
    if u.level == "school":
        return f"/verzuim?schooljaar={u.period}&gemeente={u.municipality_code}&school={u.code}"
    return f"/verzuim?schooljaar={u.period}&gemeente={u.code}&kaart={u.kpi_id}"


def _signal_line(u: signals.Unit, names: dict[str, str], schools: dict[str, str]) -> str:
    what = {"verzuim_per_school": "verzuim per school", "relatief_verzuim_per_1000": "relatief verzuim",
            "absoluut_verzuim_per_1000": "absoluut verzuim", "vsv_percentage": "VSV-percentage"}[u.kpi_id]
    who = (f"{schools.get(u.code, u.code)} ({u.code}, {names.get(u.municipality_code, u.municipality_code)})"
           if u.level == "school" else names.get(u.code, u.code))
    scale = 100 if u.kpi_id in ("verzuim_per_school", "vsv_percentage") else 1000
    unit = "%" if scale == 100 else " per 1.000"
    return (f"{who}: {what} {u.signal} dan verwacht, {fmt.number(u.value * scale, 1)}{unit} tegen "
            f"{fmt.number(u.target * scale, 1)}{unit} in de regio ({u.period}, n = {fmt.number(u.n, 0)})")


def _list_status(wh: Warehouse, kpi: Kpi, period: str) -> str:
    """VSV figures are provisional until DUO's definitive list arrives: say which one a card shows."""
    if kpi.period_kind != "teljaar":
        return ""
    status = views.vsv_status(wh).get(period)
    return f" ({status})" if status else ""


def _missing_card(title: str, message: str) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(title, className="kpi-section"),
            dbc.CardBody(html.P(message, className="kpi-empty")),
        ],
        className="kpi-card h-100",
    )
