"""The funnel plot, built once (issue #9): every unit's value against its size, with the region's target and its
95 % (warning) and 99,8 % (signal) limits as bands (warehouse.signals, kpis.md "Signals"). Signals are marked by
symbol and named in the hover and the legend, never by colour alone. No callbacks (see pages/_components.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from dash import dcc, html

from presentation import formats as fmt
from presentation.style import figure_template
from warehouse import signals

MARKS = {"hoger": ("triangle-up", "hoger dan verwacht"), "lager": ("triangle-down", "lager dan verwacht"),
         "": ("circle", "binnen verwachting")}


def funnel_figure(units: list[signals.Unit], names: dict[str, str], scale: float, unit_label: str,
                  size_label: str) -> go.Figure:
    """Value x `scale` (100: per 100; 1000: per 1.000) against n; the curves drawn over the range of n, with phi
    (municipalities) as the units carry it."""
    fig = go.Figure()
    ranked = [u for u in units if not u.too_small]
    if not ranked:
        return fig
    p0, phi = ranked[0].target, max(ranked[0].phi, 1.0)
    n = np.linspace(max(1.0, min(u.n for u in ranked) * 0.8), max(u.n for u in ranked) * 1.05, 120)
    for z, name, dash in ((signals.Z_SIGNAL, "99,8%-grens (signaal)", "solid"),
                          (signals.Z_WARNING, "95%-grens (waarschuwing)", "dot")):
        lows, highs = zip(*(signals.limits(p0, float(x), z, phi) for x in n), strict=True)
        fig.add_trace(go.Scatter(x=n, y=np.array(highs) * scale, mode="lines", name=name,
                                 line={"dash": dash, "color": "#6c757d"}, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=n, y=np.array(lows) * scale, mode="lines", showlegend=False,
                                 line={"dash": dash, "color": "#6c757d"}, hoverinfo="skip"))
    fig.add_hline(y=p0 * scale, line={"color": "#212529", "width": 1},
                  annotation_text=f"regio {fmt.number(p0 * scale, 1)}", annotation_position="top left")
    for signal, (symbol, label) in MARKS.items():
        mine = [u for u in ranked if u.signal == signal]
        if not mine:
            continue
        fig.add_trace(go.Scatter(
            x=[u.n for u in mine], y=[u.value * scale for u in mine], mode="markers", name=label,
            marker={"symbol": symbol, "size": 11 if signal else 7, "line": {"width": 1, "color": "#212529"}},
            customdata=[[names.get(u.code, u.code), u.code] for u in mine],
            hovertemplate=f"%{{customdata[0]}} (%{{customdata[1]}})<br>%{{y:,.1f}}{unit_label}<br>"
                          f"{size_label}: %{{x:,.0f}}<br>{label}<extra></extra>"))
    fig.update_layout(template=figure_template(), height=380, xaxis_title=size_label,
                      yaxis_title=unit_label.strip(), legend={"orientation": "h", "y": -0.25})
    return fig


def funnel_section(graph_id: str, units: list[signals.Unit], names: dict[str, str], scale: float, unit_label: str,
                   size_label: str, title: str) -> html.Div | None:
    if not [u for u in units if not u.too_small]:
        return None
    small = sum(u.too_small for u in units)
    note = (f" {small} {'school' if small == 1 else 'scholen'} met minder dan {signals.min_school_size()} leerlingen "
            "staan er niet in (te klein om te vergelijken).") if small else ""
    return html.Div([
        html.H2(title, className="h4 mt-2"),
        html.P("Elke stip is een eenheid: haar waarde tegen haar omvang. Binnen de trechter valt de afwijking van de "
               "regio binnen wat toeval verklaart; een driehoek buiten de 99,8%-grens is een signaal." + note,
               className="text-muted small"),
        dcc.Graph(id=graph_id, figure=funnel_figure(units, names, scale, unit_label, size_label),
                  config={"displaylogo": False}),
    ], className="rbl-funnel")
