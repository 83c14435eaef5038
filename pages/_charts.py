"""Chart parts that several pages share (no callbacks here: see pages/_components.py for why).

- `add_series_notes(fig, notes, periods)`: marks the periods that have a time-series note
  (warehouse.notes.series_notes, config/reeksnotities.toml) on a trend chart whose x axis holds the
  periods: a light band behind the period and a marker at the top whose hover shows the note.
- `municipality_trend(...)`: one KPI over the periods for every municipality the viewer may see, the
  chosen one highlighted against the others in grey, the region (if the viewer may see it) in black.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd
import plotly.graph_objects as go

from presentation.labels import REGION_NAME
from presentation.style import CONTEXT, NOTE, NOTE_BAND, PRIMARY, REFERENCE, figure_template

NOTE_TRACE = "Reeksnotitie"
OTHERS_NAME = "Andere gemeenten"
_NOTE_AXIS = "y9"  # an own hidden axis 0-1, so the note markers sit at the top whatever the data's scale


def add_series_notes(fig: go.Figure, notes: Mapping[str, str], periods: Sequence[str]) -> go.Figure:
    """Mark the periods of `periods` (the x axis, oldest first) that have a note in `notes` (period ->
    text, from warehouse.notes.series_notes(kpi_id)): a band behind the period and a marker at the top of
    the plot that shows the note on hover. Fixes the x axis to `periods` as categories, in that order.
    For a figure with one plot area (no facets). Returns the same figure."""
    marked = [p for p in periods if notes.get(p)]
    layout: dict = {"xaxis": {"type": "category", "categoryorder": "array", "categoryarray": list(periods)}}
    if marked:
        index = {p: i for i, p in enumerate(periods)}
        # on a category axis a shape's x is the category's index: ±0.5 covers the whole period
        layout["shapes"] = [*fig.layout.shapes, *({
            "type": "rect", "xref": "x", "yref": "paper", "x0": index[p] - 0.5, "x1": index[p] + 0.5, "y0": 0,
            "y1": 1, "fillcolor": NOTE_BAND, "line": {"width": 0}, "layer": "below"} for p in marked)]
        layout[f"yaxis{_NOTE_AXIS[1:]}"] = {"overlaying": "y", "range": [0, 1.04], "visible": False,
                                            "fixedrange": True}
        fig.add_trace(note_marks(marked, notes))
    fig.update_layout(layout)  # once: every plotly update is validated, one call costs far less than many
    return fig


def note_marks(marked: Sequence[str], notes: Mapping[str, str]) -> dict:
    """The trace of the markers at the top of the plot, the note in their hover text."""
    return {"type": "scatter", "x": list(marked), "y": [1.0] * len(marked), "yaxis": _NOTE_AXIS, "mode": "markers",
            "name": NOTE_TRACE, "customdata": [_wrapped(notes[p]) for p in marked],
            "marker": {"symbol": "triangle-down", "size": 13, "color": NOTE, "line": {"width": 1, "color": REFERENCE}},
            "hovertemplate": "<b>%{x}</b><br>%{customdata}<extra></extra>"}


def _wrapped(text: str, width: int = 60) -> str:
    # hover labels do not wrap by themselves; the note comes from a settings file, so it is escaped
    return "<br>".join(escape(line) for line in textwrap.wrap(text, width))


def municipality_trend(frame: pd.DataFrame, names: Mapping[str, str], selected: str, periods: Sequence[str], *,
                       x_label: str, y_label: str, decimals: int, region_code: str,
                       symbols: Mapping[str, str] | None = None) -> go.Figure:
    """`frame` has columns municipality_code, period and v (numbers only: suppressed values left out).
    Every municipality in `names` is a grey line (one legend entry, its own name on hover); the region
    (`region_code`, when in `frame`) is black; `selected` is drawn last, thick, in the product's blue.
    `symbols` (period -> marker symbol) marks points of the region and the selected line, e.g. provisional
    years. Built from plain dicts in one go: plotly validates every update, trace by trace it is slow."""
    value = f"%{{y:,.{decimals}f}}"
    x = list(periods)
    by_code = {code: [None if pd.isna(v) else float(v) for v in part.set_index("period")["v"].reindex(periods)]
               for code, part in frame.groupby("municipality_code")}
    others = [c for c in names if c != selected and c in by_code]
    # `meta`: the line's own name, for its table (pages._chart_frame.chart_table); the legend groups them
    data = [{"type": "scatter", "x": x, "y": by_code[code], "mode": "lines", "name": OTHERS_NAME, "meta": names[code],
             "legendgroup": "others", "showlegend": n == 0, "line": {"color": CONTEXT, "width": 1.2},
             "hovertemplate": f"{escape(names[code])}<br>%{{x}}: {value}<extra></extra>"}
            for n, code in enumerate(others)]
    front = ([region_code] if region_code != selected and region_code in by_code else []) + \
        ([selected] if selected in by_code else [])
    for code in front:
        name = REGION_NAME if code == region_code else names.get(code, code)
        color, width = (PRIMARY, 3.5) if code == selected else (REFERENCE, 2)
        marker: dict = {"size": 8 if code == selected else 6, "color": color}
        if symbols:
            marker["symbol"] = [symbols.get(p, "circle") for p in periods]
        dash = "dash" if code == region_code and code != selected else "solid"
        data.append({"type": "scatter", "x": x, "y": by_code[code], "mode": "lines+markers", "name": name,
                     "marker": marker, "line": {"color": color, "width": width, "dash": dash},
                     "hovertemplate": f"<b>{escape(name)}</b><br>%{{x}}: {value}<extra></extra>"})
    # the legend above the plot: below it, slanted period labels and the axis title would run into it
    layout = {"template": figure_template(), "hovermode": "closest", "margin": {"t": 64},
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
              "xaxis": {"title": {"text": x_label}, "automargin": True}, "yaxis": {"title": {"text": y_label}}}
    return go.Figure(data=data, layout=layout)
