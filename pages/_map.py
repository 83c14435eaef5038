"""The map of the municipalities, coloured by one KPI, shared by the figures pages (no callbacks here: see
pages/_components.py for why; a page registers its own `secured_callback` on the map's `clickData`).

The shapes are CBS/PDOK's generalised municipal boundaries of 2022 (assets/gemeenten_west_brabant_2022.geojson,
see docs/pages/verzuim_vsv.md). The figure names them by their local address, so the browser fetches them once
from this server (and caches them) instead of every trace carrying 40 kB: nothing comes from the internet, there
are no map tiles and the base map is hidden. Plotly still asks for its world topology when a trace has a
location mode, so the graph's config points it to an empty one in assets/topojson/.

The chosen KPI lives in the URL like the other filters (`?kaart=absoluut_verzuim_per_1000`; the page's headline
KPI is the default and stays out of the URL). A portfolio holder sees suppressed values ("<5", "–", "×") as
they are in the hover text, and those areas are not coloured.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from access.roles import Viewer
from pages import _filters
from pages._chart_frame import GRAPH_CONFIG
from presentation import formats as fmt
from presentation.style import BACKGROUND, CONTEXT, NO_VALUE, REFERENCE, SEQUENTIAL, TEXT, figure_template
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.registry import Kpi

SHAPES_ASSET = "gemeenten_west_brabant_2022.geojson"
SHAPES_FILE = Path(__file__).resolve().parents[1] / "assets" / SHAPES_ASSET
FEATURE_KEY = "properties.code"
TOPOJSON_ASSET = "topojson/"  # an empty world topology: plotly fetches one even with our own shapes
PARAM = "kaart"  # the URL parameter of the chosen KPI
NO_FIGURE = "geen gegevens"


@cache
def shapes() -> dict:
    """The 16 municipalities' boundaries (GeoJSON FeatureCollection; feature property `code` = GMxxxx)."""
    return json.loads(SHAPES_FILE.read_text(encoding="utf-8"))


@cache
def label_points() -> dict[str, tuple[float, float, str]]:
    """code -> (lon, lat, name): where a municipality's name goes on the map, the centroid of its largest ring
    (Baarle-Nassau's enclaves and Moerdijk's second part would pull a plain average off the land)."""
    out = {}
    for feature in shapes()["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        best = (0.0, 0.0, 0.0)
        for polygon in polygons:
            ring = polygon[0]
            cross = [x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)]
            area = sum(cross) / 2
            if area and abs(area) > abs(best[0]):
                cx = sum((x0 + x1) * c for ((x0, _), (x1, _)), c in zip(zip(ring, ring[1:], strict=False), cross,
                                                                        strict=True)) / (6 * area)
                cy = sum((y0 + y1) * c for ((_, y0), (_, y1)), c in zip(zip(ring, ring[1:], strict=False), cross,
                                                                        strict=True)) / (6 * area)
                best = (area, cx, cy)
        out[feature["properties"]["code"]] = (best[1], best[2], feature["properties"]["name"])
    return out


def shape_codes() -> list[str]:
    return [f["properties"]["code"] for f in shapes()["features"]]


def map_values(wh: Warehouse, kpi_id: str, period: str, names: dict[str, str], public: bool) -> pd.DataFrame:
    """One row per municipality in `names` (code -> name, the ones the viewer may see): code, naam and
    value (a number, a suppression mark, or None when there is no figure)."""
    frame = queries.kpi_values(wh, [kpi_id], [period], public=public)
    values = dict(zip(frame["municipality_code"], frame["value"], strict=True))
    return pd.DataFrame({"code": list(names), "naam": list(names.values()),
                         "value": [_value(values.get(c)) for c in names]}, dtype=object)


def _value(x: object) -> object:
    return x if isinstance(x, str) else (None if fmt.is_missing(x) else float(x))


def hover_text(name: str, value: object, kpi: Kpi, period_label: str) -> str:
    """`Breda<br>Relatief verzuim ...: 4,0 per 1.000<br>schooljaar 2023-2024`, Dutch numbers."""
    shown = NO_FIGURE if value is None else fmt.by_unit(value, kpi.unit, kpi.decimals)
    # a unit beside a number ("4,0 per 1.000"), but not "8 aantal": a count needs no unit word
    suffix = fmt.unit_suffix(kpi.unit) if isinstance(value, float | int) and kpi.unit != "aantal" else ""
    return f"<b>{escape(name)}</b><br>{escape(kpi.label)}: {escape(shown)}{' ' + suffix if suffix else ''}" \
           f"<br>{escape(period_label)}"


def map_figure(values: pd.DataFrame, kpi: Kpi, period_label: str, selected: str | None) -> go.Figure:
    """The choropleth: numbers coloured on the sequential scale, suppressed or missing values in a light grey
    (their mark in the hover text), the selected municipality outlined. Shapes of municipalities that are not
    in `values` (for staff: the others) are drawn as plain context, without hover or click."""
    geo = dash.get_asset_url(SHAPES_ASSET)
    # the selected area last, so its thick outline is drawn over its neighbours' edges
    values = values.assign(_last=values["code"] == selected).sort_values("_last", kind="stable")
    is_number = values["value"].map(lambda v: isinstance(v, float | int))
    numeric, blank = values[is_number], values[~is_number]
    data = []
    context = [c for c in shape_codes() if c not in set(values["code"])]
    if context:
        data.append(_trace(geo, context, [0] * len(context), [BACKGROUND] * 2, None))
    if not blank.empty:
        data.append(_trace(geo, blank["code"].tolist(), [0] * len(blank), [NO_VALUE] * 2,
                           [hover_text(n, v, kpi, period_label) for n, v in zip(blank["naam"], blank["value"],
                                                                                strict=True)], selected))
    if not numeric.empty:
        z = [float(v) for v in numeric["value"]]
        trace = _trace(geo, numeric["code"].tolist(), z, list(SEQUENTIAL),
                       [hover_text(n, v, kpi, period_label) for n, v in zip(numeric["naam"], z, strict=True)],
                       selected)
        trace.update(showscale=True, colorbar={"title": {"text": fmt.unit_suffix(kpi.unit) or kpi.unit},
                                               "thickness": 14, "len": 0.8, "tickformat": f",.{kpi.decimals}f"})
        if min(z) == max(z):  # one value (or all equal): a middle colour, not the scale's lightest end
            trace.update(zmin=min(z) - 1, zmax=max(z) + 1)
        data.append(trace)
    points = label_points()  # the municipalities' names on the map (issue #9), never hoverable or clickable
    data.append({"type": "scattergeo", "mode": "text", "lon": [p[0] for p in points.values()],
                 "lat": [p[1] for p in points.values()], "text": [p[2] for p in points.values()],
                 "textfont": {"size": 10, "color": TEXT}, "hoverinfo": "skip", "showlegend": False})
    layout = {"template": figure_template(), "height": 460, "margin": {"l": 0, "r": 0, "t": 8, "b": 0},
              "showlegend": False, "dragmode": False,
              "geo": {"fitbounds": "locations", "visible": False, "bgcolor": BACKGROUND}}
    return go.Figure(data=data, layout=layout)  # plain dicts, validated once: trace by trace is slow


def _trace(geo: str, codes: list[str], z: list[float], colors: list[str], text: list[str] | None,
           selected: str | None = None) -> dict:
    """One choropleth trace; without `text` a context trace (no hover, no click)."""
    line_color = [REFERENCE if c == selected else TEXT if text else CONTEXT for c in codes]
    line_width = [3 if c == selected else 0.8 for c in codes]
    trace = {"type": "choropleth", "geojson": geo, "featureidkey": FEATURE_KEY, "locations": codes, "z": z,
             "colorscale": [[i / (len(colors) - 1), c] for i, c in enumerate(colors)], "showscale": False,
             "marker": {"line": {"color": line_color, "width": line_width}}}
    if text is None:
        trace["hoverinfo"] = "skip"
    else:
        trace.update(text=text, hovertemplate="%{text}<extra></extra>")
    return trace


def map_graph(graph_id: str, figure: go.Figure) -> dcc.Graph:
    config = {**GRAPH_CONFIG, "topojsonURL": dash.get_asset_url(TOPOJSON_ASSET)}
    return dcc.Graph(id=graph_id, figure=figure, config=config)


def map_table(values: pd.DataFrame, kpi: Kpi) -> tuple[list[str], list[list[str]]]:
    """The map's figures as a table (pages._chart_frame.framed): municipality and value, suppression marks
    as they are."""
    rows = [[str(n), NO_FIGURE if v is None else fmt.by_unit(v, kpi.unit, kpi.decimals)]
            for n, v in zip(values["naam"], values["value"], strict=True)]
    return ["Gemeente", kpi.label], rows


def kpi_chooser(chooser_id: str, kpis: list[Kpi], value: str) -> html.Div:
    """The dropdown of the KPI the map shows."""
    return html.Div([
        html.Label("Kaart kleuren naar", htmlFor=chooser_id, className="form-label mb-1"),
        dcc.Dropdown(id=chooser_id, options=[{"label": k.label, "value": k.id} for k in kpis], value=value,
                     clearable=False, searchable=False),
    ], className="rbl-selector mb-2", style={"maxWidth": "32rem"})


def chosen_kpi(value: str | None, allowed: list[str], default: str) -> tuple[str, str | None]:
    """The KPI of the URL's `kaart=` if it is one the page offers, else the default with a notice."""
    if not value or value == default:
        return default, None
    if value in allowed:
        return value, None
    return default, f"Onbekend kaartcijfer '{value}'; de kaart toont het standaardcijfer."


def clicked_municipality(click: dict | None) -> str | None:
    """The municipality code of a click on the map (the point's `location`), or None."""
    points = (click or {}).get("points") or []
    location = points[0].get("location") if points and isinstance(points[0], dict) else None
    return location if isinstance(location, str) else None


def chosen_search(wh: Warehouse, viewer: Viewer, period_kind: str, default_kpi: str, *, clicked: bool,
                  period: str | None, municipality: str | None, kind: str | None, map_kpi: str | None,
                  click: dict | None, current: str | None) -> str | None:
    """What a page's URL callback writes for its filter bar, map chooser and map: the query string, or None
    when nothing changes. A click on the map selects only a municipality this viewer may see."""
    if clicked:
        municipality = clicked_municipality(click)
        if municipality not in _filters.visible_municipalities(queries.municipalities(wh), viewer):
            return None
    periods = queries.periods(wh, period_kind) if period is not None else []
    return next_search(periods, period, municipality, current, kind, map_kpi, default_kpi, period_kind=period_kind,
                       default=_filters.opens_on(wh, period_kind, periods))


def next_search(periods: list[str], period: str | None, municipality: str | None, current: str | None,
                kind: str | None, map_kpi: str | None, default_kpi: str, *, period_kind: str,
                default: str | None = None) -> str | None:
    """The query string for the filter bar's values and the map's KPI, or None when nothing changes. The
    filters follow _filters.next_search (latest period and the region stay out of the URL); the map's KPI
    is added unless it is the default; without a chooser on the page (None) the URL's own value is kept."""
    if period is None or municipality is None:
        return None
    # next_search against an empty URL returns the filters' own query string ("" parses like None, hence `or`)
    params = _filters.parse(_filters.next_search(periods, period, municipality, None, kind,
                                                 period_kind=period_kind, default=default) or "")
    now = _filters.query(current, period_kind)  # an old link's `jaar` is the same period
    chosen = map_kpi if map_kpi is not None else now.get(PARAM)
    if chosen and chosen != default_kpi:
        params[PARAM] = chosen
    return None if params == now else (f"?{urlencode(params)}" if params else "")
