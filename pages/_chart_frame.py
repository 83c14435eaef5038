"""What every chart on every page shares (no callbacks here: see pages/_components.py for why).

- `GRAPH_CONFIG`: the one plotly `config` of every dcc.Graph. No toolbar at all: its buttons were English,
  26 tab stops before the content, and one offered to upload the chart to Plotly's cloud (figures about
  minors). The two actions a reader needs are Dutch buttons under the chart instead.
- `framed(graph, title, ...)`: a chart as a section: a heading that states the finding, the chart, the buttons
  "Afbeelding (PNG)" and "Gegevens (CSV)", and the chart's data as a table one click away ("Tabel bij deze
  grafiek", a native <details>: keyboard and screen readers need nothing more). The buttons work in the
  browser (assets/a11y.js): the PNG is plotly's own drawing of the chart, the CSV is the table below it, in the
  product's Dutch dialect (`;`, decimal comma, UTF-8 with BOM), so it holds what the reader sees: suppressed
  for a portfolio holder exactly as the chart is.
- `chart_table(fig)`: that table, read from the figure itself (bars: label and value; lines: one row per x
  value and one column per named line), so a chart and its table can never disagree.
- `scroll_region(table, label)`: a wide table in a horizontally scrolling box that a keyboard can reach.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import plotly.graph_objects as go
from dash import dcc, html

from presentation import formats as fmt
from presentation import partial

GRAPH_CONFIG: dict = {
    "displayModeBar": False,  # no toolbar: no cloud, no specialist tools (lasso, zoom, pan, spikelines)
    "displaylogo": False,
    "scrollZoom": False,
    "doubleClick": False,  # nothing to zoom, so nothing to reset
    "showTips": False,
    "responsive": True,
    "locale": "nl",  # plotly's own Dutch texts where it has them; numbers are Dutch through the template
}
HIDDEN_TRACES = {"Reeksnotitie"}  # marks drawn on a chart, not data (pages._charts.NOTE_TRACE)
Table = tuple[list[str], list[list[str]]]  # headers, rows of text


def graph(graph_id: str, figure: go.Figure | dict, **kwargs) -> dcc.Graph:
    """A dcc.Graph with the shared config, and no dragging: a drag would zoom with nothing to zoom back."""
    if isinstance(figure, go.Figure):
        figure.update_layout(dragmode=False)
    else:
        figure.setdefault("layout", {})["dragmode"] = False
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, **kwargs)


def framed(chart: dcc.Graph, title: str | None = None, *, table: Table | None = None, filename: str | None = None,
           decimals: int = 1, heading: str = "h3", note: str | None = None) -> html.Section:
    """`chart` (a dcc.Graph, from `graph`) with its title, its two download buttons and its table; `table`
    defaults to `chart_table(chart.figure)`. `title` states the finding ("Breda: verzuim gestegen tot 31,2 per
    1.000"); without it the page has its own heading just above."""
    graph_id = chart.id
    headers, rows = table if table is not None else chart_table(chart.figure, decimals)
    name = filename or graph_id
    title_id = f"{graph_id}-titel"
    parts: list = []
    if title:
        parts.append(getattr(html, heading.upper())(title, id=title_id, className="h5 mt-2 rbl-chart-title"))
    elif finding := bar_finding(headers, rows):  # under the page's own heading: what the bars show
        parts.append(html.P(finding, className="rbl-chart-finding mb-1"))
    parts += [
        chart,
        html.Div([
            html.Button("Afbeelding (PNG)", className="btn btn-outline-primary btn-sm rbl-chart-png", type="button",
                        **{"data-graph": graph_id, "data-filename": name}),
            html.Button("Gegevens (CSV)", className="btn btn-outline-primary btn-sm rbl-chart-csv", type="button",
                        **{"data-table": f"{graph_id}-tabel", "data-filename": name}),
        ], className="rbl-chart-actions rbl-download"),
        html.Details([
            html.Summary("Tabel bij deze grafiek"),
            scroll_region(html.Table([
                html.Thead(html.Tr([html.Th(h, scope="col", className="text-end" if i else None)
                                    for i, h in enumerate(headers)])),
                html.Tbody([html.Tr([html.Th(r[0], scope="row", className="fw-normal")]
                                    + [html.Td(c, className="text-end") for c in r[1:]]) for r in rows]),
            ], id=f"{graph_id}-tabel", className="table table-sm table-striped mb-0"),
                f"Tabel bij {title or 'de grafiek'}"),
        ], className="rbl-chart-table small"),
    ]
    if note:
        parts.append(html.P(note, className="small text-muted"))
    return html.Section(parts, className="rbl-chart mb-3", **({"aria-labelledby": title_id} if title else {}))


def bar_finding(headers: list[str], rows: list[list[str]]) -> str | None:
    """For a table of one label and one value column (a bar chart): `Hoogste: A (12,3); laagste: B (0,4).`"""
    numbers = [(r[0], r[1], _number(r[1])) for r in rows if len(r) == 2 and _number(r[1]) is not None]
    if len(headers) != 2 or len(numbers) < 2:
        return None
    top, low = max(numbers, key=lambda n: n[2]), min(numbers, key=lambda n: n[2])
    if top[2] == low[2]:
        return f"Alle {len(numbers)} even groot: {top[1]}."
    return f"Hoogste: {top[0]} ({top[1]}); laagste: {low[0]} ({low[1]})."


def _number(text: str) -> float | None:
    try:
        return float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return None


def scroll_region(table: object, label: str) -> html.Div:
    """A table that may scroll sideways, in a box a keyboard can focus (and so scroll) and a screen reader
    names (WCAG 2.1.1; axe: scrollable-region-focusable)."""
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **{"aria-label": label})


def chart_table(figure: go.Figure | dict, decimals: int = 1) -> Table:
    """The data of `figure` as a table of text, numbers the Dutch way."""
    fig = figure if isinstance(figure, go.Figure) else go.Figure(figure)
    traces = [t for t in fig.data if (t.name or "") not in HIDDEN_TRACES and t.visible in (None, True)
              and _role(t) != partial.LEGEND_ROLE]
    bars = [t for t in traces if t.type == "bar"]
    if bars and len(bars) == len(traces) and len(bars) == 1:
        return _bar_table(fig, bars[0], decimals)
    return _series_table(fig, traces, decimals)


def _axis_title(axis: object) -> str:
    title = getattr(getattr(axis, "title", None), "text", None)
    return str(title) if title else ""


def _bar_table(fig: go.Figure, bar: go.Bar, decimals: int) -> Table:
    horizontal = bar.orientation == "h"
    labels, values = (bar.y, bar.x) if horizontal else (bar.x, bar.y)
    axes = (fig.layout.yaxis, fig.layout.xaxis)
    label_axis, value_axis = axes if horizontal else axes[::-1]
    rows = [[str(label), _cell(value, decimals)] for label, value in zip(_list(labels), _list(values), strict=False)]
    if horizontal:
        rows.reverse()  # a horizontal bar chart draws its first row at the bottom: the table reads top down
    return [_axis_title(label_axis) or "", _axis_title(value_axis) or "Waarde"], rows


def _series_table(fig: go.Figure, traces: Sequence, decimals: int) -> Table:
    """One row per x value (in the order of first appearance, named as the axis labels it), one column per named
    line or bar group; the partial part of a line (presentation.partial) fills its line's own column."""
    columns: dict[str, dict[str, object]] = {}
    order: list[str] = []
    for trace in traces:
        xs, ys = _list(getattr(trace, "x", None)), _list(getattr(trace, "y", None))
        if not xs or not ys:
            continue
        name = str(trace.meta) if isinstance(trace.meta, str) else (trace.name or "Waarde")
        if _role(trace) == partial.CONTINUES and trace.meta.get("line") in columns:
            column = columns[trace.meta["line"]]
        else:
            column = columns.setdefault(_unique(name, columns, trace), {})
        for x, y in zip(xs, ys, strict=False):
            key = str(x)
            if key not in order:
                order.append(key)
            if y is not None or key not in column:
                column[key] = y
    headers = [_axis_title(fig.layout.xaxis) or "", *columns]
    ticks = dict(zip(map(str, _list(fig.layout.xaxis.tickvals)), _list(fig.layout.xaxis.ticktext), strict=False))
    return headers, [[partial.axis_label(str(ticks.get(x, x))), *(_cell(col.get(x), decimals)
                                                                  for col in columns.values())] for x in order]


def _role(trace: object) -> str | None:
    meta = getattr(trace, "meta", None)
    return meta.get("rbl") if isinstance(meta, dict) else None


def _unique(name: str, taken: dict, trace: object) -> str:
    """Two traces of one name (the grey lines of other municipalities without their own) stay apart."""
    if name not in taken:
        return name
    hover = re.sub(r"<[^>]+>", "", str(getattr(trace, "hovertemplate", "") or "")).split("%{")[0].strip()
    candidate = hover or f"{name} {len(taken) + 1}"
    return candidate if candidate not in taken else f"{candidate} {len(taken) + 1}"


def _list(values: object) -> list:
    """A trace's x or y as a list (plotly keeps numpy arrays, whose truth value is ambiguous)."""
    return [] if values is None else list(values)


def _cell(value: object, decimals: int) -> str:
    if isinstance(value, str):
        return value
    return fmt.MISSING if fmt.is_missing(value) else fmt.number(value, decimals)


def trend_finding(name: str, series: dict[str, float], decimals: int, unit: str = "") -> str:
    """A trend chart's title that states what it shows: `Breda: van 28,0 in 2023-2024 naar 31,3 per 1.000 in
    2024-2025, gestegen` (`series`: period -> value, oldest first, numbers only)."""
    if not series:
        return f"{name}: nog geen cijfers"
    periods = list(series)
    last = f"{fmt.number(series[periods[-1]], decimals)}{' ' + unit if unit else ''} in {periods[-1]}"
    if len(periods) == 1:
        return f"{name}: {last}"
    first, end = series[periods[0]], series[periods[-1]]
    change = "gestegen" if round(end, decimals) > round(first, decimals) else \
        "gedaald" if round(end, decimals) < round(first, decimals) else "gelijk gebleven"
    return f"{name}: van {fmt.number(first, decimals)} in {periods[0]} naar {last}, {change}"
