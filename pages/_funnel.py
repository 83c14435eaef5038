"""The funnel plot, built once (issue #9): every unit's value against its size, with the region's target and its
95 % (warning) and 99,8 % (signal) limits as bands (warehouse.signals, kpis.md "Signals"). Signals are marked by
symbol and named in the hover and the legend, never by colour alone. Framed like every chart (pages._chart_frame:
the shared config without plotly's toolbar, the image and data buttons, the units with their limits as a table one
click away). For a portfolio holder a unit whose figure is suppressed on the page (kleine aantallen) is left out
of the points and named below the chart; the limits stay (they follow from the region's value and the size).
No callbacks (see pages/_components.py)."""

from __future__ import annotations

import numpy as np
from dash import html

from pages import _chart_frame
from presentation import formats as fmt
from presentation.style import plotly_template
from warehouse import queries, signals
from warehouse.connection import Warehouse

MARKS = {"hoger": ("triangle-up", "hoger dan verwacht"), "lager": ("triangle-down", "lager dan verwacht"),
         "": ("circle", "binnen verwachting")}


def funnel_figure(units: list[signals.Unit], names: dict[str, str], scale: float, unit_label: str,
                  size_label: str, y_title: str | None = None, decimals: int = 1, selected: str | None = None) -> dict:
    """Value x `scale` (100: per 100; 1000: per 1.000) against n; the curves drawn over the range of n, with phi
    (municipalities) as the units carry it; the unit `selected` (the municipality chosen on the page) is named
    beside its point, so a reader finds it without hovering. A plain figure dict in the product's template, built
    in one go: plotly-python validates every trace it is given (about 10 ms for this chart), plotly.js draws it the
    same."""
    ranked = [u for u in units if not u.too_small]
    layout = {"template": plotly_template(), "height": 380, "legend": {"orientation": "h", "y": -0.25},
              "xaxis": {"title": {"text": size_label}}, "yaxis": {"title": {"text": y_title or unit_label.strip()}}}
    if not ranked:
        return {"data": [], "layout": layout}
    p0, phi = ranked[0].target, max(ranked[0].phi, 1.0)
    n = np.linspace(max(1.0, min(u.n for u in ranked) * 0.8), max(u.n for u in ranked) * 1.05, 120).tolist()
    data: list[dict] = []
    for z, name, dash in ((signals.Z_SIGNAL, "99,8%-grens (signaal)", "solid"),
                          (signals.Z_WARNING, "95%-grens (waarschuwing)", "dot")):
        lows, highs = zip(*(signals.limits(p0, x, z, phi) for x in n), strict=True)
        line = {"dash": dash, "color": "#6c757d"}
        data += [{"type": "scatter", "x": n, "y": [y * scale for y in highs], "mode": "lines", "name": name,
                  "line": line, "hoverinfo": "skip"},
                 {"type": "scatter", "x": n, "y": [y * scale for y in lows], "mode": "lines", "showlegend": False,
                  "name": name, "line": line, "hoverinfo": "skip"}]
    # the region's value: a line across the plot with its label at the left
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": p0 * scale,
                         "y1": p0 * scale, "line": {"color": "#212529", "width": 1}}]
    layout["annotations"] = [{"xref": "paper", "x": 0, "xanchor": "left", "yref": "y", "y": p0 * scale,
                              "yanchor": "bottom", "showarrow": False,
                              "text": f"regio {fmt.number(p0 * scale, decimals)}{unit_label}"}]
    chosen = next((u for u in ranked if u.code == selected), None)
    if chosen is not None:
        layout["annotations"].append({"x": chosen.n, "y": chosen.value * scale, "text": names.get(chosen.code, ""),
                                      "showarrow": True, "arrowhead": 0, "ax": 0, "ay": -30,
                                      "font": {"size": 13}, "bgcolor": "rgba(255,255,255,0.8)"})
    for signal, (symbol, label) in MARKS.items():
        mine = [u for u in ranked if u.signal == signal]
        if not mine:
            continue
        data.append({
            "type": "scatter", "x": [u.n for u in mine], "y": [u.value * scale for u in mine], "mode": "markers",
            "name": label,
            "marker": {"symbol": symbol, "size": 11 if signal else 7, "line": {"width": 1, "color": "#212529"}},
            "customdata": [[names.get(u.code, u.code), u.code] for u in mine],
            "hovertemplate": f"%{{customdata[0]}} (%{{customdata[1]}})<br>%{{y:,.{decimals}f}}{unit_label}<br>"
                             f"{size_label}: %{{x:,.0f}}<br>{label}<extra></extra>"})
    return {"data": data, "layout": layout}


def suppressed_codes(wh: Warehouse, kpi_id: str, period: str) -> set[str]:
    """The municipalities whose figure of `period` a portfolio holder does not see (a suppression mark instead of a
    number, warehouse.suppression): their points are left out of the municipal funnel."""
    frame = queries.kpi_values(wh, [kpi_id], [period], breakdown="", public=True)
    return {r.municipality_code for r in frame.itertuples(index=False)
            if r.municipality_code != queries.REGION_CODE and (isinstance(r.value, str) or fmt.is_missing(r.value))}


def funnel_table(units: list[signals.Unit], names: dict[str, str], scale: float, size_label: str,
                 decimals: int = 1) -> _chart_frame.Table:
    """The chart's data as a table: each unit with its value, size, 99,8 % limits and verdict, in the chart's order
    (signals first, then by name)."""
    order = {"hoger": 0, "lager": 1, "": 2}
    rows = [[f"{names.get(u.code, u.code)} ({u.code})", fmt.number(u.value * scale, decimals), fmt.number(u.n, 0),
             fmt.number(u.lower * scale, decimals), fmt.number(u.upper * scale, decimals), MARKS[u.signal][1]]
            for u in sorted(units, key=lambda u: (order[u.signal], names.get(u.code, u.code)))]
    return ["Eenheid", "Waarde", size_label, "Ondergrens 99,8%", "Bovengrens 99,8%", "Oordeel"], rows


def funnel_section(graph_id: str, units: list[signals.Unit], names: dict[str, str], scale: float, unit_label: str,
                   size_label: str, title: str, hidden: set[str] | frozenset[str] = frozenset(),
                   decimals: int = 1, y_title: str | None = None, selected: str | None = None,
                   source: str | None = None) -> html.Div | None:
    """The funnel with its heading, how to read it, the units too small to compare and, for a portfolio holder,
    the units left out because their figure is suppressed (`hidden`: their codes)."""
    shown = [u for u in units if u.code not in hidden]
    if not [u for u in shown if not u.too_small]:
        return None
    small = sum(u.too_small for u in shown)
    note = (f" {small} {'school' if small == 1 else 'scholen'} met minder dan {signals.min_school_size()} leerlingen "
            "staan er niet in (te klein om te vergelijken).") if small else ""
    left_out = sorted(names.get(u.code, u.code) for u in units if u.code in hidden)
    if left_out:
        note += f" Niet getoond (kleine aantallen, onderdrukt): {', '.join(left_out)}."
    ranked = [u for u in shown if not u.too_small]
    graph = _chart_frame.graph(graph_id, funnel_figure(shown, names, scale, unit_label, size_label,
                                                           y_title, decimals, selected))
    return html.Div([
        html.H2(title, className="h4 mt-2"),
        html.P("Elke stip is een eenheid: haar waarde tegen haar omvang. Binnen de trechter valt de afwijking van de "
               "regio binnen wat toeval verklaart; een driehoek buiten de 99,8%-grens is een signaal." + note,
               className="text-muted small", id=f"{graph_id}-uitleg"),
        _chart_frame.framed(graph, table=funnel_table(ranked, names, scale, size_label, decimals),
                            filename=graph_id),
        html.P(f"{source}; grenzen: trechter volgens Spiegelhalter (2005)" if source else None,
               className="rbl-source small text-muted"),
    ], className="rbl-funnel")
