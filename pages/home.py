"""Overzicht: the headline figure of every section, for the region or one municipality.

The municipality lives in the URL (`/?gemeente=GM0758`), so a view can be bookmarked for a meeting:
the selector writes the query string, and Dash Pages rebuilds `layout(gemeente=...)` from it.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from access.roles import COORDINATOR, FIGURES, Viewer
from access.web import secured_callback
from pages._components import LOCATION_ID, empty_state, kpi_card, page_header
from pages._data import kpis
from pages._page import NO_WAREHOUSE, page_layout
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from warehouse import queries, views
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
    return no_update if wanted == (search or "") else wanted


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
    # data quality is the coordinator's (and the administrator's) business, not a meeting figure
    sections = [(s, label) for s, label in SECTIONS if s != "data" or viewer.role == COORDINATOR]
    headlines = {section: registry.headline(section) for section, _ in sections}
    latest_two = {kind: _latest_two(wh, kind) for kind in {k.period_kind for k in headlines.values() if k}}
    values = _values(wh, [k for k in headlines.values() if k], latest_two, code, viewer.public)
    cards = []
    for section, section_label in sections:
        kpi = headlines[section]
        if kpi is None:
            cards.append(_missing_card(section_label, f"Nog geen gegevens voor {section_label.lower()}."))
            continue
        periods = latest_two[kpi.period_kind]
        if not periods:
            cards.append(_missing_card(section_label, f"Nog geen gegevens voor {kpi.label} in {where}."))
            continue
        previous = values.get((kpi.id, periods[0])) if len(periods) == 2 else None
        cards.append(
            kpi_card(
                kpi,
                values.get((kpi.id, periods[-1])),
                previous,
                fmt.period_label(kpi.period_kind, periods[-1]) + _list_status(wh, kpi, periods[-1]),
                previous_label=fmt.previous_period_word(kpi.period_kind),
                title=section_label,
                period=periods[-1],
                municipality_code=code,
            )
        )
    return cards


def _latest_two(wh: Warehouse, kind: str) -> list[str]:
    """The latest period with figures, after the one it is compared with (warehouse.views) where there is one."""
    available = queries.periods(wh, kind)
    previous = views.previous_period(wh, kind, available[-1]) if available else None
    return ([previous] if previous else []) + available[-1:]


def _values(
    wh: Warehouse, headlines: list[Kpi], periods: dict[str, list[str]], code: str, public: bool
) -> dict[tuple[str, str], float | str]:
    """The totals (no breakdown) of the headline KPIs, by (kpi id, period); suppressed when public."""
    wanted = sorted({p for ps in periods.values() for p in ps})
    if not headlines or not wanted:
        return {}
    df = queries.kpi_values(wh, [k.id for k in headlines], wanted, municipality_code=code, public=public)
    return {(r.kpi_id, r.period): r.value for r in df.itertuples(index=False) if not fmt.is_missing(r.value)}


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
