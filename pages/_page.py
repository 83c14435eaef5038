"""The scaffolding every page shares, so a page module keeps only what is its own:
- `page_layout`: its `layout` from a function that builds it (the URL's values, the warehouse, the viewer; the
  page's title and a notice when no warehouse is published);
- `page_top`: the header with the filter bar and the notices, or the whole page when there is nothing to show;
- `url_callback` / `map_url_callback`: the callback that writes the filter bar (and map) to the URL;
- `table_download`: the callback of a table's CSV and XLSX buttons.

The `*_callback` / `table_download` functions register a callback for the page module that calls them, when it
is imported; Dash
Pages imports the page modules afresh for every app (app.create_app), so each app gets its own. Nothing here
registers a callback when this module itself is imported (see pages/_components.py for why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dash import Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component

from access.roles import Viewer
from access.web import current_viewer, secured_callback
from pages import _download, _filters, _map
from pages._components import empty_state, page_header
from pages._data import warehouse
from warehouse import coverage, queries
from warehouse.connection import Warehouse, WarehouseMissing

NO_WAREHOUSE = "Nog geen gegevens: er is nog geen warehouse gepubliceerd."
NO_MUNICIPALITY = "Uw account is aan geen gemeente toegewezen. Vraag de beheerder om dat te doen."

Build = Callable[[Warehouse, Viewer, dict[str, str]], Component]


class Early(Exception):
    """Raised by a page's build when the page is complete early (e.g. no period with figures yet): `page_layout`
    shows `page` instead of the rest."""

    def __init__(self, page: Component) -> None:
        super().__init__("page complete")
        self.page = page


def page_layout(title: str | Callable[[], Component], *, period_kind: str | None = None,
                missing: str = NO_WAREHOUSE) -> Callable[[Build], Callable[..., Component]]:
    """Decorator: `build(wh, viewer, query)` becomes the page's `layout(**query)` for Dash Pages. `query` holds
    the URL's values (strings; on a page with a period, the period under its own name `period_kind`, an old
    link's `jaar` read as that). Without a published warehouse the page shows its header (`title`, or a
    function that draws it) and `missing`."""
    def wrap(build: Build) -> Callable[..., Component]:
        def layout(**values: object) -> Component:
            query = _filters.query(values, period_kind) if period_kind else {
                k: v for k, v in values.items() if isinstance(v, str) and v}
            try:
                return build(warehouse(), current_viewer(), query)
            except Early as early:
                return early.page
            except WarehouseMissing:
                header = title() if callable(title) else page_header(title)
                return html.Div([header, empty_state(missing)])

        layout.__doc__ = build.__doc__
        return layout
    return wrap


def url_callback(ids: _filters.FilterIds, periods: Callable[[Warehouse], list[str]],
                 roles: tuple[str, ...]) -> Callable:
    """Register the page's callback that writes its filter bar's period and municipality to its URL (the page
    router then redraws the page); `periods(wh)` are the periods the bar offers, oldest first."""
    @secured_callback(
        Output(ids.url, "search"),
        Input(ids.period, "value"), Input(ids.municipality, "value"),
        State(ids.url, "search"),
        prevent_initial_call=True,
        roles=roles,
    )
    def choose(period: str | None, municipality: str | None, current: str | None) -> object:
        """The filter bar's values into the URL; the page router then redraws the page."""
        wh = warehouse()
        offered = periods(wh) if period is not None else []
        wanted = _filters.next_search(offered, period, municipality, current, period_kind=ids.period_kind,
                                      default=_filters.opens_on(wh, ids.period_kind, offered))
        return no_update if wanted is None else wanted

    return choose


def map_url_callback(ids: _filters.FilterIds, map_id: str, chooser_id: str, default_kpi: str,
                     roles: tuple[str, ...], *, kinds: bool = False) -> Callable:
    """Register the URL callback of a page with a filter bar (with the type of education if `kinds`), a map and
    its KPI chooser: the bar's values, the map's KPI and a click on a municipality in the map into the URL; the
    page router then redraws the page. A click selects only a municipality this viewer may see."""
    inputs = [Input(ids.period, "value"), Input(ids.municipality, "value")]
    inputs += [Input(ids.kind, "value")] if kinds else []
    # the map and its chooser are only on the page when there is a period with figures
    inputs += [Input(chooser_id, "value", allow_optional=True), Input(map_id, "clickData", allow_optional=True)]

    @secured_callback(Output(ids.url, "search"), *inputs, State(ids.url, "search"), prevent_initial_call=True,
                      roles=roles)
    def choose(period: str | None, municipality: str | None, *rest: object) -> object:
        kind, (map_kpi, click, current) = (rest[0], rest[1:]) if kinds else (None, rest)
        wanted = _map.chosen_search(warehouse(), current_viewer(), ids.period_kind, default_kpi,
                                    clicked=ctx.triggered_id == map_id, period=period, municipality=municipality,
                                    kind=kind, map_kpi=map_kpi, click=click, current=current)
        return no_update if wanted is None else wanted

    return choose


def table_download(ids: _filters.FilterIds, download_id: str, csv_id: str, xlsx_id: str, roles: tuple[str, ...], *,
                   title: str, kpi_ids: list[str], filename: str,
                   table: Callable[[Warehouse, Viewer, _filters.Selection], tuple[object, list[_download.Column]]],
                   kinds: list[str] | None = None) -> Callable:
    """Register the callback of a page's CSV and XLSX buttons: the table `table(wh, viewer, selection)` as on
    screen, recomputed here from the URL for this viewer (suppressed when public), with the account of the
    KPIs `kpi_ids` in the XLSX."""
    @secured_callback(Output(download_id, "data"), Input(csv_id, "n_clicks"), Input(xlsx_id, "n_clicks"),
                      State(ids.url, "search"), prevent_initial_call=True, roles=roles)
    def download(_csv: int | None, _xlsx: int | None, search: str | None) -> object:
        viewer, wh = current_viewer(), warehouse()
        sel = _filters.url_selection(wh, viewer, ids.period_kind, search, kinds)
        if sel.period is None or sel.municipality is None:
            return no_update
        frame, columns = table(wh, viewer, sel)
        meta = _download.export_meta(title, kpi_ids, ids.period_kind, sel.period, queries.data_date(wh),
                                     viewer.public, sel.municipality,
                                     coverage.figures_through(wh, kpi_ids, ids.period_kind, sel.period))
        return _download.send_selection(frame, columns, filename, sel.period, sel.municipality,
                                        csv=ctx.triggered_id == csv_id, meta=meta)

    return download


class Top(NamedTuple):
    """The top of a page with a filter bar, from the URL's values."""

    selection: _filters.Selection
    names: dict[str, str]  # the municipalities the viewer may choose, code -> name
    head: list  # the page header with its filter bar, and a notice for each URL value that was not understood


def page_top(wh: Warehouse, viewer: Viewer, ids: _filters.FilterIds, periods: list[str], query: dict[str, str],
             title: str, no_period: str, *, kinds: list[str] | None = None,
             period_text: Callable[[str], str] | None = None, class_name: str | None = None) -> Top:
    """Resolve the URL (`query`) against `periods` and what the viewer may see, and draw the header titled
    "`title` <area>" with the filter bar. Raises `Early` with the whole page when there is nothing more to show:
    the viewer may see no municipality, or there is no period yet (`no_period` says so)."""
    sel, names = _filters.select_from(wh, viewer, ids.period_kind, periods, query, kinds)
    if sel.municipality is None:
        raise Early(empty_state(NO_MUNICIPALITY))
    bar = _filters.filter_bar(ids, sel, periods, names, region=viewer.may_see_region, kinds=kinds,
                              period_text=period_text)
    head = [page_header(f"{title} {sel.municipality_name}", queries.data_date(wh), extra=bar),
            *[empty_state(n) for n in sel.notices]]
    if sel.period is None:
        page = [*head, empty_state(no_period)]
        raise Early(html.Div(page, className=class_name) if class_name else html.Div(page))
    return Top(sel, names, head)
