"""Sections that the figures pages /verzuim and /vsv share (no callbacks here: see pages/_components.py):
the note on suppressed figures, the map of the municipalities
with its KPI chooser, and one KPI over the periods per municipality beside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from pages import _chart_frame, _charts, _filters, _map
from pages._components import source_text
from pages._data import kpis
from presentation import formats as fmt
from presentation.partial import label, mark_partial
from warehouse import coverage, notes, queries
from warehouse.connection import Warehouse


def suppressed_note(note_id: str) -> html.P:
    """What a portfolio holder reads above suppressed figures on a page with charts and a map."""
    return html.P(f"{fmt.suppressed_text()} Onderdrukte cijfers staan niet in de grafieken; op de kaart blijft zo'n "
                  "gemeente grijs.", id=note_id, className="small text-muted")


def map_section(wh: Warehouse, map_id: str, chooser_id: str, kpi_id: str, choices: list[str], kind: str,
                sel: _filters.Selection, names: dict[str, str], public: bool) -> list:
    """The map coloured by `kpi_id` in the selected period, with the chooser of the KPIs in `choices`."""
    registry = kpis()
    kpi = registry[kpi_id]
    label = fmt.period_label(kind, sel.period)
    values = _map.map_values(wh, kpi_id, sel.period, names, public)
    figure = _map.map_figure(values, kpi, label, sel.municipality)
    return [
        html.H2("Kaart van de gemeenten", className="h4 mt-2"),
        html.P(f"{kpi.label}, {label}. Klik op een gemeente om haar te kiezen, of kies haar bij Gemeente bovenaan.",
               className="text-muted small mb-1"),
        # the map's figures as a table one click away, and its keyboard path is the filter bar's Gemeente
        _chart_frame.framed(_map.map_graph(map_id, figure), table=_map.map_table(values, kpi), filename="kaart"),
        # below the map: on a phone the map itself is then on the first screen
        _map.kpi_chooser(chooser_id, [registry[k] for k in choices], kpi_id),
        html.P(f"{source_text(kpi)}; kaart: CBS / PDOK, gemeentegrenzen 2022", className="rbl-source small text-muted"),
    ]


def trend_values(wh: Warehouse, kpi_id: str, periods: list[str], names: dict[str, str], public: bool,
                 region: bool) -> pd.DataFrame:
    """The KPI's numeric values (column `v`) over `periods` of the municipalities the viewer may see (`names`)
    and, if the viewer may see it, the region; suppressed values are left out."""
    frame = queries.kpi_values(wh, [kpi_id], periods, public=public)
    frame = frame.assign(v=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["v"])
    return frame[frame["municipality_code"].isin(set(names) | ({queries.REGION_CODE} if region else set()))]


def partial_periods(wh: Warehouse, kpi_id: str, kind: str, periods: list[str]) -> dict[str, date]:
    """The partial periods among `periods` of a KPI (warehouse.coverage): what its trend chart marks."""
    return coverage.partial_periods(wh, kpis()[kpi_id], kind, periods)


def trend_graph(graph_id: str, fig: go.Figure, kpi_id: str, periods: list[str], frame: pd.DataFrame | None = None,
                code: str | None = None, name: str = "", partial: Mapping[str, date] | None = None) -> html.Section:
    """The trend chart with the periods that have a time-series note marked and the partial periods (`partial`:
    period -> covered-through) marked as still running (presentation.partial), framed (pages._chart_frame): a
    title that states how the selected area (`code` in `frame`) went over the complete periods, its buttons and
    its table."""
    _charts.add_series_notes(fig, notes.series_notes(kpi_id), periods)
    partial = dict(partial or {})
    mark_partial(fig, partial)
    kpi = kpis()[kpi_id]
    title = None
    if frame is not None and code is not None:
        own = frame[frame["municipality_code"] == code].set_index("period")["v"].reindex(periods).dropna()
        unit = "%" if kpi.unit == "%" else (kpi.unit if kpi.unit.startswith("per ") else "")
        complete = own[[p not in partial for p in own.index]]
        title = _chart_frame.trend_finding(name or _charts.REGION_NAME, complete.to_dict(), kpi.decimals, unit)
        running = [p for p in own.index if p in partial]
        if running:  # a fall at the end that is only missing data is not the finding
            title += (f"; {label(running[-1], partial[running[-1]])} loopt nog: "
                      f"{fmt.number(own[running[-1]], kpi.decimals)}{' ' + unit if unit else ''}")
        title = title.replace(" %", "%")
    return _chart_frame.framed(_chart_frame.graph(graph_id, fig), title, decimals=kpi.decimals,
                               filename=graph_id.removesuffix("-grafiek"))


def map_and_trend(map_children: list, title: str, chart: object, kpi_id: str) -> dbc.Row:
    """The map (left on a wide screen) beside the trend chart with its title and source."""
    return dbc.Row([
        dbc.Col(map_children, xs=12, lg=5, className="mb-4"),
        dbc.Col([
            html.H2(title, className="h4 mt-2"),
            chart,
            html.P(source_text(kpis()[kpi_id]), className="rbl-source small text-muted"),
        ], xs=12, lg=7, className="mb-4"),
    ])
