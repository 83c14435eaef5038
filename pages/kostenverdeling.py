"""Kostenverdeling: the cost split of one budget year over the participating municipalities, pro rata their
inhabitants aged 5 to 23 on 1 January of the year before (art. 9), with the four quarterly advances (art. 10):
from the `begroting` source, or for an amount typed here (one total or per service level). The state is in the
URL, so a calculation can be bookmarked: `/kostenverdeling?begrotingsjaar=2026&bedrag=1.000.000,01` (or `niveau_1=`,
`niveau_2=`, `niveau_2A=`). The split itself is the KPI's (warehouse.cost_split); the table is
reports.kostenverdeling's, as is the XLSX.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.roles import FIGURES, Viewer
from access.web import current_viewer, secured_callback
from pages import _chart_frame, _filters
from pages._components import empty_state, page_header, source_text
from pages._data import kpis, warehouse
from pages._page import page_layout
from presentation import formats as fmt
from reports import kostenverdeling as report
from warehouse import cost_split, queries
from warehouse.connection import Warehouse

PAGE = "kostenverdeling"
URL_ID, YEAR_ID, MESSAGE_ID = f"{PAGE}-url", f"{PAGE}-jaar", f"{PAGE}-melding"
TOTAL_ID, CALC_ID, RESET_ID = f"{PAGE}-bedrag", f"{PAGE}-bereken", f"{PAGE}-begroting"
LEVEL_IDS = {level: f"{PAGE}-niveau-{level}" for level in cost_split.LEVELS}
DOWNLOAD_ID, XLSX_ID = f"{PAGE}-download", f"{PAGE}-download-xlsx"
TABLE_ID, LINES_ID, CHECK_ID, MODE_ID = f"{PAGE}-tabel", f"{PAGE}-regels", f"{PAGE}-controle", f"{PAGE}-bron"
YEAR_KEY = cost_split.KIND  # URL parameter of the budget year (an old link's `jaar` is read as it: pages._filters)
TOTAL_KEY = "bedrag"  # URL parameters of the entered amounts
LEVEL_KEYS = {level: f"niveau_{level}" for level in cost_split.LEVELS}


def skeleton() -> html.Div:
    return html.Div([dcc.Location(id=URL_ID), dcc.Dropdown(id=YEAR_ID), html.Div(id=MESSAGE_ID),
                     dcc.Input(id=TOTAL_ID), *[dcc.Input(id=i) for i in LEVEL_IDS.values()],
                     html.Button(id=CALC_ID), html.Button(id=RESET_ID), html.Button(id=XLSX_ID),
                     dcc.Download(id=DOWNLOAD_ID)])


dash.register_page(__name__, path="/kostenverdeling", name="Kostenverdeling", title="Kostenverdeling - RBL Monitor",
                   order=70, access=FIGURES, skeleton=skeleton)


SUBMITS = [Input(CALC_ID, "n_clicks"), Input(TOTAL_ID, "n_submit"), *[Input(i, "n_submit") for i in LEVEL_IDS.values()]]
AMOUNTS = [State(TOTAL_ID, "value"), *[State(i, "value") for i in LEVEL_IDS.values()]]


@secured_callback(
    Output(URL_ID, "search"),
    Input(YEAR_ID, "value"), Input(RESET_ID, "n_clicks"), *SUBMITS, *AMOUNTS, State(URL_ID, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def choose(year: str | None, *args: object) -> object:
    """The chosen year and the typed amounts into the URL; the page router then redraws the page. A wrong
    amount leaves the URL alone (`explain` says what is wrong)."""
    total, *levels, current = args[-(len(AMOUNTS) + 1):]
    query = _filters.query(current, YEAR_KEY)
    if ctx.triggered_id == RESET_ID:
        amounts: dict[str, str] = {}
    elif ctx.triggered_id == YEAR_ID:
        amounts = {k: v for k, v in query.items() if k != YEAR_KEY}
    else:
        entered, problem = _typed(total, levels)
        if problem:
            return no_update
        amounts = _amount_params(entered)
    years, default = _years(warehouse())
    chosen = year if year in years else query.get(YEAR_KEY)
    wanted = _search(None if chosen == default else chosen, amounts)
    return no_update if _filters.parse(wanted) == query else wanted


@secured_callback(
    Output(MESSAGE_ID, "children"),
    *SUBMITS, *AMOUNTS,
    prevent_initial_call=True,
    roles=FIGURES,
)
def explain(*args: object) -> str:
    """What is wrong with a typed amount, in Dutch, beside the fields; empty when it is right."""
    total, *levels = args[-len(AMOUNTS):]
    return _typed(total, levels)[1]


def _typed(total: object, levels: list) -> tuple[dict[str, int], str]:
    """The typed amounts in cents, or a message that says how to write them."""
    try:
        entered = report.entered_amounts(total or None, dict(zip(cost_split.LEVELS, levels, strict=True)))
    except report.AmountError as exc:
        return {}, str(exc)
    if entered is None:
        return {}, "Vul een totaalbedrag in, of een bedrag per uitvoeringsniveau."
    return entered, ""


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    Input(XLSX_ID, "n_clicks"),
    State(URL_ID, "search"),
    prevent_initial_call=True,
    roles=FIGURES,
)
def download(_xlsx: int | None, search: str | None) -> object:
    """The split as on screen, recomputed here from the URL for this viewer."""
    viewer, wh = current_viewer(), warehouse()
    state = _state(wh, _filters.query(search, YEAR_KEY))
    if state.year is None or (state.entered is None and not state.in_source):
        return no_update
    split = _build(wh, viewer, state)
    return dcc.send_bytes(report.workbook(split, queries.data_date(wh), viewer.public), report.filename(split))


class _State(NamedTuple):  # not a dataclass: Dash loads pages outside sys.modules
    """What the URL asks for, checked: the budget year, the entered amounts (None: the source) and notices."""

    year: int | None
    entered: dict[str, int] | None
    in_source: bool  # the begroting source has lines for the year
    years: list[int]
    notices: list[str]


def _years(wh: Warehouse) -> tuple[list[str], str | None]:
    """The years a split can be shown for (with a budget in the source, or inhabitants for an entered amount),
    and the default: the latest budget year of the source."""
    source = [int(p) for p in queries.periods(wh, cost_split.KIND)]
    years = sorted(set(source) | set(cost_split.population_years(wh)))
    default = max(source) if source else (max(years) if years else None)
    return [str(y) for y in years], (str(default) if default is not None else None)


def _state(wh: Warehouse, query: dict) -> _State:
    years, default = _years(wh)
    notices = []
    year = query.get(YEAR_KEY) or default
    if year not in years:
        notices.append(f"Onbekend begrotingsjaar '{query.get(YEAR_KEY)}'; hieronder {default}.")
        year = default
    entered = None
    try:
        entered = report.entered_amounts(query.get(TOTAL_KEY), {lv: query.get(k) for lv, k in LEVEL_KEYS.items()})
    except report.AmountError as exc:
        notices.append(f"Het bedrag in de adresbalk klopt niet: {exc} Hieronder de begroting.")
    source = {int(p) for p in queries.periods(wh, cost_split.KIND)}
    return _State(int(year) if year else None, entered, year is not None and int(year) in source,
                  [int(y) for y in years], notices)


def _build(wh: Warehouse, viewer: Viewer, state: _State) -> report.CostSplit:
    # staff see the rows of their own municipalities (access.roles); the budget lines are the same for all
    names = _filters.visible_municipalities(queries.municipalities(wh), viewer)
    visible = None if viewer.may_see_region else set(names)
    return report.build(wh, state.year, state.entered, visible, viewer.may_see_region)


def _amount_params(entered: dict[str, int]) -> dict[str, str]:
    if cost_split.TOTAL in entered:
        return {TOTAL_KEY: report.amount_text(entered[cost_split.TOTAL])}
    return {LEVEL_KEYS[level]: report.amount_text(cents) for level, cents in entered.items()}


def _search(year: str | None, amounts: dict[str, str]) -> str:
    params = ({YEAR_KEY: year} if year else {}) | {k: v for k, v in amounts.items() if v}
    return f"?{urlencode(params)}" if params else ""


@page_layout("Kostenverdeling", period_kind=YEAR_KEY)
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    state = _state(wh, query)
    bar = html.Div([
        html.Label("Begrotingsjaar", htmlFor=YEAR_ID, className="form-label mb-1"),
        dcc.Dropdown(id=YEAR_ID, options=[{"label": str(y), "value": str(y)} for y in reversed(state.years)],
                     value=str(state.year) if state.year else None, clearable=False, searchable=True),
        dcc.Location(id=URL_ID, refresh="callback-nav"),
    ], className="rbl-selector")
    header = page_header("Kostenverdeling", queries.data_date(wh), extra=bar)
    notices = [empty_state(n) for n in state.notices]
    if state.year is None:
        return html.Div([header, *notices, empty_state("Nog geen begroting en geen inwonertallen geladen.")])
    form = _form(state)
    if state.entered is None and not state.in_source:
        return html.Div([header, *notices, empty_state(
            f"De begroting heeft geen regels voor {state.year}. Vul hieronder een bedrag in om de verdeling over "
            f"de gemeenten te zien."), form])
    split = _build(wh, viewer, state)
    return html.Div([
        header, *notices,
        html.P(_mode_text(split), id=MODE_ID),
        form,
        *[empty_state(n) for n in split.notices],
        _check(split),
        html.H2(f"Bijdrage per gemeente, {split.period_text}", className="h4 mt-4"),
        _table(TABLE_ID, split.table, split.columns, "gemeente_code") if len(split.table) else
        empty_state("Geen gemeenten in deze verdeling."),
        html.P(source_text(kpis()[report.KPI_ID]) if split.entered is None else "Bron: ingevoerd bedrag; CBS",
               className="rbl-source small text-muted"),
        html.H2("Begrotingsregels", className="h4 mt-4"),
        _table(LINES_ID, split.lines.assign(sleutel=range(len(split.lines))), split.line_columns, "sleutel"),
        html.Div([html.Button("Download Excel", id=XLSX_ID, className="btn btn-outline-primary btn-sm"),
                  dcc.Download(id=DOWNLOAD_ID)], className="rbl-download d-flex gap-2 my-3"),
    ])


def _mode_text(split: report.CostSplit) -> str:
    if split.entered is None:
        return (f"De begroting {split.year} uit de bron, verdeeld naar inwoners van 5 tot en met 23 jaar op "
                f"{fmt.date_nl(f'{split.year - 1}-01-01')}.")
    amounts = "; ".join(f"{report.line_label(level)} {fmt.euro(cents / 100)}" for level, cents in
                        sorted(split.entered.items()))
    return (f"Een ingevoerd bedrag ({amounts}), verdeeld naar inwoners van 5 tot en met 23 jaar op "
            f"{fmt.date_nl(f'{split.year - 1}-01-01')}. Dit is niet de begroting uit de bron.")


def _form(state: _State) -> dbc.Card:
    """Typing an amount: one total, or per service level. Enter or the button computes; the URL keeps it."""
    entered = state.entered or {}

    def field(component_id: str, label: str, cents: int | None) -> dbc.Col:
        return dbc.Col([
            dbc.Label(label, html_for=component_id, className="mb-1"),
            dcc.Input(id=component_id, type="text", inputMode="decimal", placeholder="bijv. 1.000.000,01",
                      value=report.amount_text(cents) if cents else "", className="form-control"),
        ], xs=12, md=3)

    return dbc.Card(dbc.CardBody([
        html.H2("Een bedrag doorrekenen", className="h5"),
        html.P("Vul één totaalbedrag in, óf een bedrag per uitvoeringsniveau. Schrijf bedragen zoals in "
               "Nederland: 1.000.000,01 (punten tussen de duizendtallen, een komma voor de centen).",
               className="text-muted small"),
        dbc.Row([field(TOTAL_ID, "Totaal (€)", entered.get(cost_split.TOTAL))], className="g-2 mb-2"),
        dbc.Row([field(i, f"Niveau {level} (€)", entered.get(level)) for level, i in LEVEL_IDS.items()],
                className="g-2 mb-2"),
        html.Div(id=MESSAGE_ID, className="text-danger mb-2", role="alert"),
        html.Div([html.Button("Bereken", id=CALC_ID, className="btn btn-primary btn-sm"),
                  html.Button("Terug naar de begroting", id=RESET_ID, className="btn btn-outline-secondary btn-sm")],
                 className="d-flex gap-2"),
    ]), className="mb-3")


def _check(split: report.CostSplit) -> html.P:
    if not split.defined:
        return html.P("", id=CHECK_ID)
    if split.adds_up:
        text = ("Controle: elke begrotingsregel is tot op de cent verdeeld, en de vier voorschotten van elke "
                "gemeente tellen op tot haar jaarbijdrage (het restant in het vierde kwartaal).")
        return html.P(text, id=CHECK_ID, className="text-success")
    return html.P("Let op: de bijdragen tellen niet op tot de begroting. Meld dit bij de beheerder.", id=CHECK_ID,
                  className="text-danger")


def _table(table_id: str, frame: pd.DataFrame, columns: list, key: str) -> html.Div:
    """A plain table (16 rows, printable): numbers the Dutch way; every row has the id `<table_id>-<key>` and
    every cell the class `col-<field>`, so a contribution can be found by municipality and column."""
    head = html.Thead(html.Tr([html.Th(h, className=f"col-{f}" + (" text-end" if d is not None else ""))
                               for f, h, d in columns]))
    body = []
    for record in frame.to_dict("records"):
        region = record.get("gemeente_code") == queries.REGION_CODE
        # the region's row is named in full; its internal code "REGIO" means nothing to a reader (the XLSX keeps it)
        cells = [html.Td("" if region and f == "gemeente_code" else _text(record.get(f), d),
                         className=f"col-{f}" + (" text-end" if d is not None else "")) for f, _, d in columns]
        body.append(html.Tr(cells, id=f"{table_id}-{record[key]}", className="fw-semibold" if region else None))
    return _chart_frame.scroll_region(dbc.Table([head, html.Tbody(body)], id=table_id, striped=True, hover=True,
                                                size="sm", className="small"), "Kostenverdeling per gemeente")


def _text(value: object, decimals: int | None) -> str:
    if isinstance(value, str):
        return value
    if fmt.is_missing(value):
        return "" if decimals is None else fmt.MISSING  # the region has no service level of its own
    return str(value) if decimals is None else fmt.number(value, decimals)
