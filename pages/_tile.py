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

from dataclasses import dataclass
from datetime import date

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from pages._components import card_id, definition_popover, source_text
from presentation import formats as fmt
from warehouse import coverage, queries, signals, views
from warehouse.registry import Kpi

# Which way is better, per KPI (absent: neither; the tile then says only higher or lower).
LOWER_IS_BETTER = {"relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "vsv_percentage", "vsv_aantal",
                   "thuiszitters_breed_per_1000", "verzuim_meldingen", "reactietijd", "doorlooptijd", "recidive",
                   "werkvoorraad", "werkvoorraad_per_fte", "leerplichtigen_per_fte", "open_zonder_status",
                   "afgekeurde_regels"}
HIGHER_IS_BETTER = {"positief_resultaat", "contact_binnen_termijn", "contactpersoon_dekking"}
SPARK_PERIODS = 5
UNRANKED_UNITS = ("aantal", "euro", "fte")


@dataclass(frozen=True)
class TileData:
    kpi: Kpi
    kind: str
    period: str
    code: str  # GM code or REGIO
    value: object  # a number, a suppression symbol, or None
    through: date | None  # partial: counted up to this day
    compared_period: str | None
    compared_through: date | None
    compared_value: object
    spark: list[tuple[str, object]]  # (period, value) oldest first, at most SPARK_PERIODS
    region_value: object
    rank: tuple[int, int] | None  # (place, of) among the municipalities with a value; 1 = the lowest value
    national: dict | None  # queries.national_value
    signal: str  # "hoger", "lager", "waarschuwing" (outside 95 % only), "" (within), None (no funnel)
    region: bool = True  # the viewer may see the region's figures


def tile_data(wh, kpi: Kpi, kind: str, period: str, code: str, public: bool, region: bool = True) -> TileData:
    """Everything a tile shows, from the warehouse's own functions (no SQL here). Without `region` (staff, who see
    their own municipalities only) no region value, no place among the others and no signal (its target is the
    region's value)."""
    periods = queries.periods(wh, kind)
    upto = [p for p in periods if p <= period][-SPARK_PERIODS:]
    frame = queries.kpi_values(wh, [kpi.id], sorted(set(upto) | {period}), public=public)
    values = {(r.period, r.municipality_code): r.value for r in frame.itertuples(index=False)}
    cover = coverage.coverage(wh)
    through = coverage.figure_through(kpi, kind, period, cover)
    compared_period, compared_through, compared_value = _compared(wh, kpi, kind, period, code, public, through)
    current = frame[(frame["period"] == period) & (frame["municipality_code"] != queries.REGION_CODE)]
    numeric = {r.municipality_code: float(r.value) for r in current.itertuples(index=False)
               if isinstance(r.value, int | float) and not fmt.is_missing(r.value)}
    rank = None
    if code in numeric and kpi.unit not in UNRANKED_UNITS:  # a count or an amount ranks size, not performance
        rank = (1 + sum(v < numeric[code] for v in numeric.values()), len(numeric))
    spark = [(p, values.get((p, code))) for p in upto]
    if not region:
        return TileData(kpi, kind, period, code, values.get((period, code)), through, compared_period,
                        compared_through, compared_value, spark, None, None,
                        queries.national_value(wh, kpi.id, period), None, False)
    return TileData(kpi, kind, period, code, values.get((period, code)), through, compared_period, compared_through,
                    compared_value, spark, values.get((period, queries.REGION_CODE)), rank,
                    queries.national_value(wh, kpi.id, period), _signal(wh, kpi, period, code))


def _compared(wh, kpi: Kpi, kind: str, period: str, code: str, public: bool, through: date | None) -> tuple:
    """(period, through, value) the figure is compared with: the one rule on every page (warehouse.views:
    the year before for a school, count or budget year, the precomputed reference date before a reference date,
    as /capaciteit compares; a quarter with the same quarter a year earlier), cut like for like when the figure
    is partial (warehouse.coverage). Whole periods come from the mart."""
    if through is not None and kind != QUARTER_OR_DATE[1]:
        earlier = coverage.year_earlier(kind, period)
        compared = coverage.comparison_values(wh, kpi, kind, period, public)
        key = next((k for k in compared if k[1] == code and k[2] == "" and compared[k][0] == earlier), None)
        return compared[key] if key else (earlier, None, None)
    earlier = (coverage.year_earlier(kind, period) if kind == QUARTER_OR_DATE[0]
               else views.previous_period(wh, kind, period))
    if earlier is None:
        return None, None, None
    frame = queries.kpi_values(wh, [kpi.id], [earlier], municipality_code=code, public=public)
    return earlier, None, (frame["value"].iloc[0] if not frame.empty else None)


QUARTER_OR_DATE = ("kwartaal", "peildatum")


def _signal(wh, kpi: Kpi, period: str, code: str) -> str | None:
    if kpi.id not in signals.MUNICIPAL_KPIS or code == queries.REGION_CODE:
        return None
    try:
        units = signals.funnels(wh, period, (kpi.id,)).get(kpi.id, [])
    except ValueError:  # a period of another kind
        return None
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        return None
    return unit.signal or ("waarschuwing" if unit.warning else "")


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


def _period_text(kind: str, period: str) -> str:
    return fmt.date_nl(date.fromisoformat(period)) if kind == "peildatum" else period


def sparkline(data: TileData) -> dcc.Graph | None:
    """The last five periods as a small line; a partial period as an open marker (kpis.md: charts mark partial
    points)."""
    points = [(p, float(v)) for p, v in data.spark if _number(v)]
    if len(points) < 2:
        return None
    cover_last = data.through is not None and points[-1][0] == data.period
    symbols = ["circle"] * len(points)
    if cover_last:
        symbols[-1] = "circle-open"
    fig = go.Figure(go.Scatter(x=[p for p, _ in points], y=[v for _, v in points], mode="lines+markers",
                               marker={"symbol": symbols, "size": 7}, line={"width": 2},
                               hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_layout(height=60, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
                      xaxis={"visible": False}, yaxis={"visible": False}, paper_bgcolor="rgba(0,0,0,0)",
                      plot_bgcolor="rgba(0,0,0,0)")
    label = ", ".join(f"{p}: {fmt.by_unit(v, data.kpi.unit, data.kpi.decimals)}" for p, v in points)
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
        diff = f"{arrow} {word}{f' ({judgement})' if judgement else ''} dan " if word else ""
        out.append(html.P([diff, f"{_period_text(data.kind, data.compared_period)}{span}: ",
                           html.Strong(_text(kpi, data.compared_value))], className="kpi-compare kpi-previous"))
    if data.code != queries.REGION_CODE and data.region:
        out.append(html.P(["Regio West-Brabant: ", html.Strong(_text(kpi, data.region_value))],
                          className="kpi-region"))
    if data.rank:
        out.append(html.P(f"Plaats {data.rank[0]} van {data.rank[1]} gemeenten (1 = laagste waarde)",
                          className="kpi-rank"))
    if data.national:
        nat = data.national
        out.append(html.P(["Landelijk: ", html.Strong(_text(kpi, nat["value"])),
                           f" ({nat['period']}; bron: {nat['source']}, {nat['published']})"],
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
    figure = (html.P(f"Nog geen gegevens voor {label}", className="kpi-empty") if fmt.is_missing(data.value) else
              html.P([html.Span(fmt.by_unit(data.value, kpi.unit, kpi.decimals), className="kpi-value"),
                      html.Span(fmt.unit_suffix(kpi.unit), className="kpi-unit")], className="kpi-figure"))
    heading = html.H2(html.A(kpi.label, href=href) if href else kpi.label, className="kpi-label")
    body = [heading, figure,
            html.P(period_text(data, label), className="kpi-period" + (" kpi-partial" if data.through else "")),
            *reference_lines(data, names), sparkline(data), *_explanation(kpi.id, data.period, data.code),
            dbc.Button("Definitie", id=toggle_id, color="link", size="sm", className="kpi-definition-toggle"),
            definition_popover(kpi, toggle_id)]
    return dbc.Card([dbc.CardHeader(title, className="kpi-section") if title else None, dbc.CardBody(body),
                     dbc.CardFooter(source_text(kpi), className="kpi-source")],
                    id=card_id(kpi.id), className="kpi-card h-100")


def _explanation(kpi_id: str, period: str, code: str) -> list:
    from warehouse import notes

    text, regions = notes.explanation_of(kpi_id, period, code)
    if not text:
        return []
    title = "Toelichting voor de hele regio" if regions else "Toelichting"
    return [html.Div([html.P(title, className="kpi-explanation-title mb-1"),
                      dcc.Markdown(text, className="kpi-explanation small")], className="kpi-explanation-box")]
