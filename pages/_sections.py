"""Sections that the figures pages /verzuim and /vsv share (no callbacks here: see pages/_components.py):
the note on suppressed figures, the map of the municipalities
with its KPI chooser, and one KPI over the periods per municipality beside it."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from pages import _chart_frame, _charts, _filters, _map
from pages._components import source_text
from pages._data import kpis
from presentation import formats as fmt
from warehouse import notes, queries
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


def trend_graph(graph_id: str, fig: go.Figure, kpi_id: str, periods: list[str], frame: pd.DataFrame | None = None,
                code: str | None = None, name: str = "") -> html.Section:
    """The trend chart with the periods that have a time-series note marked, framed (pages._chart_frame): a title
    that states how the selected area (`code` in `frame`) went, its buttons and its table."""
    _charts.add_series_notes(fig, notes.series_notes(kpi_id), periods)
    kpi = kpis()[kpi_id]
    title = None
    if frame is not None and code is not None:
        own = frame[frame["municipality_code"] == code].set_index("period")["v"].reindex(periods).dropna()
        unit = "%" if kpi.unit == "%" else (kpi.unit if kpi.unit.startswith("per ") else "")
        title = _chart_frame.trend_finding(name or _charts.REGION_NAME, own.to_dict(), kpi.decimals, unit)
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
