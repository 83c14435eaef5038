"""Page parts shared by every page: page header, the KPI definition popover (the tile itself is pages/_tile.py),
empty state.

These parts register no callbacks: a shared module is imported once per process, so a `dash.callback`
here would reach only the first app built (tests build several). The definition popover opens in the
browser by itself (trigger "legacy").
"""

from __future__ import annotations

from datetime import date

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from presentation import formats as fmt
from warehouse.registry import Kpi

# The app shell's dcc.Location that pages write their URL state (query string) to.
LOCATION_ID = "rbl-url"


def card_id(kpi_id: str) -> str:
    """The HTML id of a KPI's card: stable, so tests and links can find a figure by its KPI id."""
    return f"kpi-{kpi_id}"


def page_header(title: str, data_date: date | None = None, *, extra: object = None) -> html.Header:
    """The page title, the date of the data, and room for a filter (e.g. the municipality selector)."""
    stamp = f"Gegevens van {fmt.date_nl(data_date)}" if data_date else "Nog geen gegevens geladen"
    return html.Header(
        className="rbl-page-header d-flex flex-wrap align-items-end justify-content-between gap-3 mb-4",
        children=[
            html.Div([html.H1(title, className="h2 mb-1"), html.P(stamp, className="rbl-data-date mb-0")]),
            html.Div(extra, className="rbl-page-filters") if extra is not None else None,
        ],
    )


def empty_state(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="light", className="rbl-empty-state")


def source_text(kpi: Kpi) -> str:
    return kpi.source if kpi.source.startswith("Bron") else f"Bron: {kpi.source}"


def definition_popover(kpi: Kpi, target: str) -> dbc.Popover:
    """The KPI's definition from the registry, as docs/kpis.md gives it."""
    rows = [
        ("Definitie", kpi.definition),
        ("Teller", kpi.numerator),
        ("Noemer", kpi.denominator),
        ("Wettelijke basis", kpi.legal_basis),
    ]
    items: list = []
    for term, text in rows:
        items += [html.Dt(term), html.Dd(text or fmt.MISSING)]
    return dbc.Popover(
        [dbc.PopoverHeader(kpi.label), dbc.PopoverBody(html.Dl(items, className="mb-0 rbl-definition"))],
        target=target,
        trigger="legacy",
        placement="bottom",
    )


# AG Grid's own texts in Dutch (its default is English)
GRID_TEXT_NL = {
    "noRowsToShow": "Geen rijen", "loadingOoo": "Laden...", "page": "Pagina", "of": "van", "to": "tot",
    "more": "meer", "next": "Volgende", "last": "Laatste", "first": "Eerste", "previous": "Vorige",
    "pageSizeSelectorLabel": "Rijen per pagina:", "filterOoo": "Filter...", "equals": "Gelijk aan",
    "notEqual": "Niet gelijk aan", "contains": "Bevat", "notContains": "Bevat niet", "startsWith": "Begint met",
    "endsWith": "Eindigt op", "blank": "Leeg", "notBlank": "Niet leeg", "lessThan": "Kleiner dan",
    "greaterThan": "Groter dan", "inRange": "Tussen", "andCondition": "EN", "orCondition": "OF",
    "applyFilter": "Toepassen", "resetFilter": "Wissen", "clearFilter": "Wissen", "cancelFilter": "Annuleren",
    "ariaPageSizeSelectorLabel": "Rijen per pagina",
}


def data_grid(grid_id: str, columns: list[tuple[str, str]], frame: pd.DataFrame | list[dict],
              height: str = "24rem") -> dag.AgGrid:
    """A sortable, filterable table with Dutch texts: `columns` are (field, Dutch header) pairs."""
    rows = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else frame
    return dag.AgGrid(
        id=grid_id, rowData=rows,
        columnDefs=[{"field": f, "headerName": h} for f, h in columns],
        defaultColDef={"filter": True, "sortable": True, "resizable": True, "minWidth": 110},
        columnSize="sizeToFit",
        dashGridOptions={"pagination": True, "paginationPageSize": 20, "localeText": GRID_TEXT_NL},
        style={"height": height},
    )


def figures_grid(grid_id: str, frame: pd.DataFrame, columns: list[tuple[str, str, int | None]],
                 height: str = "24rem") -> dag.AgGrid:
    """A table of figures: `columns` are the (field, Dutch header, decimals) triples the page's download
    uses too, so the grid and the file show the same. Number columns keep their numbers, so they sort as
    numbers; the browser writes them the Dutch way (assets/dashAgGridFunctions.js, no eval under the CSP);
    suppression marks ("<5", "–", "×") stay as they are and sort just below the numbers they hide."""
    rows = [{f: _cell(v) for f, v in zip([c[0] for c in columns], r, strict=True)}
            for r in frame[[c[0] for c in columns]].itertuples(index=False)]
    defs = []
    for field, header, decimals in columns:
        col: dict = {"field": field, "headerName": header}
        if decimals is not None:
            col |= {"valueFormatter": {"function": f"nlNumber(params.value, {int(decimals)})"},
                    "comparator": {"function": "nlCompare"}, "filter": "agNumberColumnFilter",
                    "type": "rightAligned"}
        defs.append(col)
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=defs,
        defaultColDef={"filter": True, "sortable": True, "resizable": True, "minWidth": 110},
        columnSize="sizeToFit",
        dashGridOptions={"pagination": True, "paginationPageSize": 20, "localeText": GRID_TEXT_NL},
        style={"height": height},
    )


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value
    return None if fmt.is_missing(value) else (value.item() if hasattr(value, "item") else value)
