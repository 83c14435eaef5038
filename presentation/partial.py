"""Partial periods on a line chart over periods (kpis.md "Periods in progress": charts mark partial points), drawn
once for every trend chart of the pages and of the PDF meeting pack.

A period whose figure still counts up to a date (warehouse.coverage.figure_through) gets, on every line that has a
value there:
- an open diamond as its marker and a dotted segment from the last complete point to it (shape and line style:
  never colour alone; an open circle already means "voorlopig" on /vsv);
- "t/m <datum>" in its hover text and in its label on the x axis (and so in the chart's table, which reads the
  axis labels, pages._chart_frame.chart_table);
- one legend entry that says what the mark means.
The line's own trace stops at the last complete point; the partial part is a separate trace in the same legend
group whose `meta` names the line it continues, so a chart's table keeps one column per line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go

from presentation import formats as fmt
from presentation.style import REFERENCE

PARTIAL_SYMBOL = "diamond-open"
PARTIAL_DASH = "dot"
PARTIAL_SIZE = 11
LEGEND_ROLE = "legend"  # meta {"rbl": LEGEND_ROLE}: a legend entry only, no data (a chart table leaves it out)
CONTINUES = "continues"  # meta {"rbl": CONTINUES, "line": <name>}: the partial part of the line <name>


def label(period: str, through: date) -> str:
    """"2025-K4 t/m 14-11-2025": a partial period as every chart writes it."""
    return f"{period} t/m {fmt.date_nl(through)}"


def legend_text(through: Mapping[str, date]) -> str:
    dates = sorted(set(through.values()))
    return f"Loopt nog (open ruit, stippellijn): t/m {', '.join(fmt.date_nl(d) for d in dates)}"


def _number(y: object) -> bool:
    return isinstance(y, int | float) and not isinstance(y, bool) and not math.isnan(y)


def _line_name(trace: object) -> str:
    """The name a chart table gives the line (pages._chart_frame: `meta` when it is text, else the name)."""
    meta = getattr(trace, "meta", None)
    return str(meta) if isinstance(meta, str) else (getattr(trace, "name", None) or "Waarde")


def _at(values: object, i: int, default: object) -> object:
    if isinstance(values, Sequence) and not isinstance(values, str):
        return values[i] if i < len(values) else default
    return default if values is None else values


def _continuation(trace: go.Scatter, xs: list, ys: list, start: int | None, partial: list[int],
                  through: Mapping[str, date], group: str) -> dict:
    """The dotted segment from point `start` (the last complete one, if any) through the partial points."""
    points = ([start] if start is not None else []) + partial
    has_markers = "markers" in (trace.mode or "")
    color = (trace.line.color if trace.line and trace.line.color else None) or \
        (trace.marker.color if trace.marker and isinstance(trace.marker.color, str) else None) or REFERENCE
    symbols = [_at(trace.marker.symbol, i, "circle") if has_markers else "circle" for i in points]
    sizes = [_at(trace.marker.size, i, 6) if has_markers else 0 for i in points]
    for n, i in enumerate(points):
        if i in partial:
            symbols[n], sizes[n] = PARTIAL_SYMBOL, PARTIAL_SIZE
    shown = [label(str(xs[i]), through[str(xs[i])]) if i in partial else str(xs[i]) for i in points]
    template = trace.hovertemplate
    if isinstance(template, str) and "%{x}" in template and "customdata" not in template:
        template = template.replace("%{x}", "%{customdata}")
    else:
        template = f"<b>{_line_name(trace)}</b><br>%{{customdata}}: %{{y}}<extra></extra>"
    return {"type": "scatter", "x": [xs[i] for i in points], "y": [ys[i] for i in points], "mode": "lines+markers",
            "name": trace.name, "legendgroup": group, "showlegend": False, "customdata": shown,
            "meta": {"rbl": CONTINUES, "line": _line_name(trace)}, "hovertemplate": template,
            "line": {"color": color, "width": (trace.line.width if trace.line and trace.line.width else 2),
                     "dash": PARTIAL_DASH},
            "marker": {"symbol": symbols, "size": sizes, "color": color, "line": {"color": color, "width": 2}}}


def _categories(fig: go.Figure) -> list[str]:
    order = fig.layout.xaxis.categoryarray
    if order is not None and len(order):
        return [str(x) for x in order]
    out: list[str] = []
    for trace in fig.data:
        for x in list(trace.x) if getattr(trace, "x", None) is not None else []:
            if x is not None and str(x) not in out:
                out.append(str(x))
    return out


def mark_partial(fig: go.Figure, through: Mapping[str, date]) -> go.Figure:
    """Mark the partial periods `through` (period -> the day its figure counts up to) on every line of `fig` (a
    chart whose x axis holds periods as text). Returns the same figure; without partial periods it is unchanged."""
    through = {str(p): d for p, d in through.items() if d is not None}
    if not through:
        return fig
    added: list[dict] = []
    for n, trace in enumerate(fig.data):
        if trace.type != "scatter" or "lines" not in (trace.mode or "lines") or trace.x is None or trace.y is None:
            continue
        xs, ys = list(trace.x), list(trace.y)
        partial = [i for i, x in enumerate(xs) if str(x) in through and _number(ys[i])]
        if not partial:
            continue
        before = [i for i in range(partial[0]) if _number(ys[i]) and i not in partial]
        group = trace.legendgroup or f"rbl-lijn-{n}"
        added.append(_continuation(trace, xs, ys, before[-1] if before else None, partial, through, group))
        trace.update(y=[None if i in partial else y for i, y in enumerate(ys)], legendgroup=group)
    if not added:
        return fig
    categories = _categories(fig)
    fig.add_traces([*added, {"type": "scatter", "x": [None], "y": [None], "mode": "lines+markers",
                             "name": legend_text(through), "meta": {"rbl": LEGEND_ROLE}, "hoverinfo": "skip",
                             "line": {"color": REFERENCE, "dash": PARTIAL_DASH, "width": 2},
                             "marker": {"symbol": PARTIAL_SYMBOL, "size": PARTIAL_SIZE, "color": REFERENCE}}])
    fig.update_xaxes(tickmode="array", tickvals=categories,
                     ticktext=[f"{c}<br>t/m {fmt.date_nl(through[c])}" if c in through else c for c in categories])
    return fig


def marked(fig: go.Figure) -> bool:
    """Whether `mark_partial` marked a partial point on `fig` (its legend entry is there)."""
    return any(isinstance(t.meta, dict) and t.meta.get("rbl") == LEGEND_ROLE for t in fig.data)


def axis_label(text: str) -> str:
    """An x-axis tick label as plain text ("2025-K4<br>t/m 14-11-2025" -> "2025-K4 t/m 14-11-2025")."""
    return re.sub(r"\s*<br\s*/?>\s*", " ", text)
