"""The tile with reference points, built once for every page (issue #9): a figure that answers "better or worse,
than what, and is it more than chance".

A tile shows the value of one KPI for one period and area, and beside it: the same period a year earlier (the one
rule for "compared with" on every page, like for like when the period is still in progress), the direction as an
arrow and a word (never colour alone), a sparkline of the last five periods, the region's value beside a
municipality's, its place among the municipalities, the national value with its year and source, "t/m <datum>"
for a partial figure, whether it is a signal (warehouse.signals), and the explanation of that municipality (the
region's only marked as the region's). No callbacks: a shared part (see pages/_components.py).
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from pages._components import card_id, definition_popover, source_text
from pages._data import kpis
from presentation import formats as fmt
from presentation import partial
from presentation.style import PRIMARY
from warehouse import coverage, queries, tiles
from warehouse.registry import Kpi
from warehouse.tiles import HIGHER_IS_BETTER, LOWER_IS_BETTER, TileData


def direction(kpi: Kpi, value: object, earlier: object) -> tuple[str, str, str]:
    """(arrow, word, judgement) of value against the earlier one: ▲ hoger / ▼ lager / ▶ gelijk, and beter,
    slechter or '' where the KPI has no better side. Both as text, so colour is never the only carrier."""
    if not _number(value) or not _number(earlier):
        return "", "", ""
    a, b = round(float(value), kpi.decimals), round(float(earlier), kpi.decimals)
    if a == b:
        return "▶", "gelijk", ""
    up = a > b
    judgement = ""
    if kpi.id in LOWER_IS_BETTER:
        judgement = "slechter" if up else "beter"
    elif kpi.id in HIGHER_IS_BETTER:
        judgement = "beter" if up else "slechter"
    return ("▲", "hoger", judgement) if up else ("▼", "lager", judgement)


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not fmt.is_missing(x)


def _text(kpi: Kpi, x: object) -> str:
    suffix = fmt.unit_suffix(kpi.unit) if _number(x) else ""
    return f"{fmt.by_unit(x, kpi.unit, kpi.decimals)} {suffix}".strip()


def _figure_or_reason(kpi: Kpi, x: object, reason: str | None) -> html.Strong | html.Span:
    """A reference value, or where it is missing the reason why (warehouse.coverage.missing_reason) instead of a
    bare "–"."""
    if reason and fmt.is_missing(x):
        return html.Span(reason[0].lower() + reason[1:], className="kpi-reason")
    return html.Strong(_text(kpi, x))


def _period_text(kind: str, period: str) -> str:
    return fmt.date_nl(date.fromisoformat(period)) if kind == "peildatum" else period


def sparkline(data: TileData) -> dcc.Graph | None:
    """The last five periods as a small line; a partial period as an open diamond and "t/m <datum>" in its text
    (kpis.md: charts mark partial points)."""
    points = [(p, float(v)) for p, v in data.spark if _number(v)]
    if len(points) < 2:
        return None
    cover_last = data.through is not None and points[-1][0] == data.period
    symbols = ["circle"] * len(points)
    names = [p for p, _ in points]
    if cover_last:  # the same mark and words as the big trend charts (presentation.partial)
        symbols[-1] = partial.PARTIAL_SYMBOL
        names[-1] = partial.label(names[-1], data.through)
    # a plain figure dict: plotly.js draws it as go.Figure would, without plotly-python's validation (several ms
    # per tile, on every page visit)
    fig = {"data": [{"type": "scatter", "x": [p for p, _ in points], "y": [v for _, v in points],
                     "mode": "lines+markers", "marker": {"symbol": symbols, "size": 7, "color": PRIMARY},
                     "line": {"width": 2, "color": PRIMARY},
                     "hovertemplate": "%{x}: %{y}<extra></extra>"}],
           "layout": {"height": 60, "margin": {"l": 0, "r": 0, "t": 4, "b": 4}, "showlegend": False,
                      "xaxis": {"visible": False}, "yaxis": {"visible": False}, "paper_bgcolor": "rgba(0,0,0,0)",
                      "plot_bgcolor": "rgba(0,0,0,0)"}}
    label = ", ".join(f"{n}: {fmt.by_unit(v, data.kpi.unit, data.kpi.decimals)}"
                      for n, (_, v) in zip(names, points, strict=True))
    # responsive and as high as its figure: plotly's default 700 x 450 px would spill over the tile and its
    # neighbours and catch their clicks
    return html.Div(dcc.Graph(figure=fig, config={"staticPlot": True, "displayModeBar": False}, responsive=True,
                              style={"height": "60px", "width": "100%"}),
                    className="kpi-spark", title=f"Laatste {len(points)} perioden: {label}",
                    style={"height": "60px", "overflow": "hidden"},  # a fixed box: nothing shifts when it draws
                    **{"aria-label": f"Verloop over de laatste {len(points)} perioden: {label}", "role": "img"})


def reference_lines(data: TileData, names: dict[str, str]) -> list:
    """The reference points as text lines (also used by the municipality profile)."""
    kpi, out = data.kpi, []
    arrow, word, judgement = direction(kpi, data.value, data.compared_value)
    if data.compared_period:
        span = f" t/m {fmt.date_nl(data.compared_through)}" if data.compared_through else ""
        than = "aan" if word == "gelijk" else "dan"  # "gelijk aan", "hoger dan"
        diff = f"{arrow} {word}{f' ({judgement})' if judgement else ''} {than} " if word else ""
        out.append(html.P([diff, f"{_period_text(data.kind, data.compared_period)}{span}: ",
                           _figure_or_reason(kpi, data.compared_value, data.compared_reason)],
                          className="kpi-compare kpi-previous"))
    if data.code != queries.REGION_CODE and data.region:
        out.append(html.P(["Regio West-Brabant: ", _figure_or_reason(kpi, data.region_value, data.region_reason)],
                          className="kpi-region"))
    if data.rank:
        out.append(html.P(f"Plaats {data.rank[0]} van {data.rank[1]} gemeenten (1 = laagste waarde)",
                          className="kpi-rank"))
    if data.national:
        nat = data.national
        out.append(html.P(["Landelijk: ", html.Strong(_text(kpi, nat["value"])),
                           f" ({nat['period']}; bron: {fmt.citation(nat['source'])}, {nat['published']})"],
                          className="kpi-national small"))
    if data.signal is not None:
        out.append(html.P(_signal_text(data.signal), className=f"kpi-signal kpi-signal-{data.signal or 'geen'}"))
    return out


def _signal_text(signal: str) -> str:
    return {"hoger": "Signaal: hoger dan verwacht (buiten de 99,8%-grens van de regio)",
            "lager": "Signaal: lager dan verwacht (buiten de 99,8%-grens van de regio)",
            "waarschuwing": "Buiten de 95%-band, binnen de 99,8%-grens: geen signaal",
            "": "Binnen wat toeval verklaart (geen signaal)"}[signal]


def period_text(data: TileData, label: str) -> str:
    """The period as a tile writes it: 'schooljaar 2025-2026, t/m 14-11-2025' when partial."""
    return label + (f", t/m {fmt.date_nl(data.through)}" if data.through else "")


def reference_tile(data: TileData, label: str, names: dict[str, str], *, title: str | None = None,
                   href: str | None = None) -> dbc.Card:
    """The tile: value, period (t/m when partial), reference points, sparkline, explanation, definition, source."""
    kpi = data.kpi
    toggle_id = f"{card_id(kpi.id)}-definitie"
    # a missing figure says why (no CBS population yet, no data for the period), not just "no data"
    empty = data.reason or f"Nog geen gegevens voor {label}"
    figure = (html.P(empty, className="kpi-empty") if fmt.is_missing(data.value) else
              html.P([html.Span(fmt.by_unit(data.value, kpi.unit, kpi.decimals), className="kpi-value"),
                      html.Span(fmt.unit_suffix(kpi.unit), className="kpi-unit")], className="kpi-figure"))
    heading = html.H2(html.A(kpi.label, href=href) if href else kpi.label, className="kpi-label")
    body = [heading, figure,
            html.P(period_text(data, label), className="kpi-period" + (" kpi-partial" if data.through else "")),
            *reference_lines(data, names), sparkline(data), *_series_note(kpi.id, data.period),
            *_explanation(kpi.id, data.period, data.code),
            dbc.Button("Definitie", id=toggle_id, color="link", size="sm", className="kpi-definition-toggle"),
            definition_popover(kpi, toggle_id)]
    return dbc.Card([dbc.CardHeader(title, className="kpi-section") if title else None, dbc.CardBody(body),
                     dbc.CardFooter(source_text(kpi), className="kpi-source")],
                    id=card_id(kpi.id), className="kpi-card h-100")


def _series_note(kpi_id: str, period: str) -> list:
    """The period's time-series note: a warning that the figure is not comparable with the periods before."""
    from warehouse import notes

    text = notes.series_notes(kpi_id).get(period)
    return [html.P(text, className="kpi-series-note small")] if text else []


def _explanation(kpi_id: str, period: str, code: str) -> list:
    from warehouse import notes

    text, regions = notes.explanation_of(kpi_id, period, code)
    if not text:
        return []
    title = "Toelichting voor de hele regio" if regions else "Toelichting"
    return [html.Div([html.P(title, className="kpi-explanation-title mb-1"),
                      dcc.Markdown(text, className="kpi-explanation small")], className="kpi-explanation-box")]


def tile_row(wh, figures: list[tuple[str, str, str]], code: str, viewer, names: dict[str, str]) -> dbc.Row:
    """A row of reference tiles, one per (kpi_id, period kind, period) in `figures`, for the area `code`, as the
    viewer may see them (access.roles): a portfolio holder's suppressed (`viewer.public`), staff without the
    region, rank or signal (`viewer.may_see_region`). On a phone one row that scrolls sideways (rbl-cards in
    assets/rbl.css), so the first chart is on the first screen."""
    registry = kpis()
    cards = [reference_tile(tiles.tile_data(wh, registry[k], kind, period, code, viewer.public,
                                            viewer.may_see_region), fmt.period_label(kind, period), names)
             for k, kind, period in figures]
    return dbc.Row([dbc.Col(c, xs=12, md=6, xl=4, className="mb-4") for c in cards], className="rbl-cards")


def missing_note(wh, kpi_ids: list[str], kind: str, period: str) -> html.P | None:
    """Under a table: why a column shows "–" for every area in `period` (warehouse.coverage.period_reason: no CBS
    population yet, no data for the period), so a reader never has to guess from a bare dash."""
    registry = kpis()
    reasons = [(registry[k].label, coverage.period_reason(wh, registry[k], kind, period)) for k in kpi_ids]
    lines = [f"{label}: {reason[0].lower()}{reason[1:]}" for label, reason in reasons if reason]
    if not lines:
        return None
    return html.P(f"{fmt.MISSING} " + "; ".join(lines) + ".", className="rbl-missing small text-muted")
