"""The meeting pack's charts (also drawn on /kwartaal), the text that replaces each for a reader who cannot see it,
and their PNG images, drawn by kaleido in Debian's Chromium.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from presentation import formats as fmt
from presentation.partial import label, mark_partial
from presentation.style import PRIMARY, plotly_template
from reports.kwartaal.view import REGION_NAME, QuarterView, is_number, quarter_label, value_text
from warehouse import queries
from warehouse.registry import Kpi


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    figure: go.Figure | None  # None: no figure to draw (the message says why)
    source: str
    message: str = ""
    alt: str = ""  # what the chart shows, in words: the PDF's alternative text for its image
    decimals: int = 1  # the figure's own decimals, for the chart's table on the page


def charts(view: QuarterView) -> list[Chart]:
    """The pack's charts (also on the page): two trends and the municipalities side by side."""
    from warehouse.kpis import KPIS

    relative, stock = KPIS["relatief_verzuim_per_1000"], KPIS["werkvoorraad"]
    return [
        _trend(view, relative, "kwartaal-trend-relatief", "Relatief verzuim per 1.000 leerplichtigen per kwartaal"),
        _trend(view, stock, "kwartaal-trend-werkvoorraad", "Werkvoorraad op de laatste dag van elk kwartaal"),
        _municipalities(view, relative),
    ]


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(v=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["v"])


def _trend(view: QuarterView, kpi: Kpi, chart_id: str, title: str) -> Chart:
    rows = _numeric(view.trend[view.trend["kpi_id"] == kpi.id])
    if rows.empty:
        return Chart(chart_id, title, None, kpi.source, "Geen cijfers om te tonen.")
    area = {queries.REGION_CODE: REGION_NAME, view.municipality_code: view.municipality_name}
    rows = rows.assign(Gebied=rows["municipality_code"].map(area)).sort_values(["period", "municipality_code"])
    fig = px.line(rows, x="period", y="v", color="Gebied", markers=True, template=plotly_template(),
                  labels={"period": "Kwartaal", "v": kpi.unit}, category_orders={"Gebied": [REGION_NAME]})
    fig.update_traces(hovertemplate=f"<b>%{{fullData.name}}</b><br>%{{x}}: %{{y:,.{kpi.decimals}f}}<extra></extra>")
    fig.update_layout(legend={"orientation": "h", "y": -0.25, "title": None}, xaxis_automargin=True,
                      yaxis_automargin=True)
    partial = view.partial.get(kpi.id, {})
    mark_partial(fig, partial)  # a quarter still running: open diamond, dotted, "t/m" (presentation.partial)
    return Chart(chart_id, title, fig, kpi.source, _hidden_note(view), _trend_alt(title, kpi, rows, partial),
                 kpi.decimals)


def _municipalities(view: QuarterView, kpi: Kpi) -> Chart:
    title = f"{kpi.label} per gemeente, {quarter_label(view.quarter)}"
    through = view.partial.get(kpi.id, {}).get(view.quarter)
    if through is not None:  # a quarter still running says so here too
        title += f", t/m {fmt.date_nl(through)}"
    rows = _numeric(view.table[view.table["code"] != queries.REGION_CODE].rename(columns={kpi.id: "value"}))
    if rows.empty:
        return Chart("kwartaal-gemeenten", title, None, kpi.source, "Geen cijfers om te tonen.")
    rows = rows.sort_values(["v", "gemeente"], ascending=[True, False])
    fig = px.bar(rows, x="v", y="gemeente", orientation="h", template=plotly_template(),
                 labels={"v": kpi.unit, "gemeente": ""}, color_discrete_sequence=[PRIMARY])
    fig.update_traces(texttemplate=f"%{{x:,.{kpi.decimals}f}}", textposition="outside", cliponaxis=False)
    region = view.table.loc[view.table["code"] == queries.REGION_CODE, kpi.id].iloc[0]
    if is_number(region):
        # the region's label above the plot area: inside it, it ran over the top bar and its value
        fig.add_vline(x=float(region), line_dash="dash")
        fig.add_annotation(x=float(region), y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"regio {value_text(kpi, region)}")
    # room right of the longest bar for its value label
    fig.update_layout(height=160 + 22 * len(rows), showlegend=False, margin={"t": 40},
                      xaxis_range=[0, max(float(rows["v"].max()), float(region) if is_number(region) else 0) * 1.18
                                   or 1])
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    return Chart("kwartaal-gemeenten", title, fig, kpi.source, _hidden_note(view),
                 _bars_alt(title, kpi, rows, region), kpi.decimals)


def _trend_alt(title: str, kpi: Kpi, rows: pd.DataFrame, partial: dict | None = None) -> str:
    """`Lijngrafiek: <title>, 2024-K3 t/m 2025-K3. Regio West-Brabant: van 3,6 in 2024-K3 naar 3,5 in 2025-K3.
    ...`; a quarter still running is named with its "t/m <datum>" and said to be incomplete."""
    partial = partial or {}
    periods = sorted(rows["period"].unique())
    parts = [f"Lijngrafiek: {title}, {periods[0]} t/m {periods[-1]}."]
    for area, part in rows.sort_values("period").groupby("Gebied", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        end = label(last["period"], partial[last["period"]]) if last["period"] in partial else last["period"]
        parts.append(f"{area}: van {value_text(kpi, first['v'])} in {first['period']} naar "
                     f"{value_text(kpi, last['v'])} in {end}.")
    running = [p for p in periods if p in partial]
    if running:
        parts.append(f"{', '.join(running)} loopt nog (gegevens t/m {fmt.date_nl(partial[running[-1]])}), getekend "
                     "met een open ruit en een stippellijn: niet te vergelijken met een heel kwartaal.")
    return " ".join(parts)


def _bars_alt(title: str, kpi: Kpi, rows: pd.DataFrame, region: object) -> str:
    """`Staafdiagram: <title>. Hoogste: Breda, 4,1; laagste: Altena, 0,0; regio 3,5. 16 gemeenten.`"""
    top, low = rows.iloc[-1], rows.iloc[0]
    region_text = f"; regio {value_text(kpi, region)}" if is_number(region) else ""
    if value_text(kpi, top["v"]) == value_text(kpi, low["v"]):
        return (f"Staafdiagram: {title}. Alle {len(rows)} gemeenten met een cijfer: {value_text(kpi, top['v'])}"
                f"{region_text}.")
    return (f"Staafdiagram: {title}. Hoogste: {top['gemeente']}, {value_text(kpi, top['v'])}; laagste: "
            f"{low['gemeente']}, {value_text(kpi, low['v'])}{region_text}. {len(rows)} gemeenten met een cijfer.")


def source_line(text: str) -> str:
    return text if text.startswith("Bron") else f"Bron: {text}"


def caption(chart: Chart) -> str:
    """The line under a chart: its source, and what it leaves out."""
    return " ".join(f"{x.rstrip('.')}." for x in (source_line(chart.source), chart.message) if x)


def _hidden_note(view: QuarterView) -> str:
    return "Onderdrukte waarden (kleine aantallen) staan niet in de grafiek." if view.public else ""


class ChartsUnavailable(RuntimeError):
    """No browser to draw the charts with; the message says what to install."""


def chart_images(figures: list[go.Figure], width: int = 900, height: int = 380) -> list[bytes]:
    """PNG images of the figures, rendered by kaleido in Debian's Chromium (/usr/bin/chromium, or BROWSER_PATH):
    one browser for the whole pack. MathJax off: it would be fetched from the internet."""
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=1, mathjax=False) as k:
            return [await k.calc_fig(f, opts={"format": "png", "width": width,
                                              "height": f.layout.height or height, "scale": 2}) for f in figures]
    try:
        return asyncio.run(render()) if figures else []
    except ChromeNotFoundError as exc:
        raise ChartsUnavailable("geen Chromium gevonden om de grafieken te tekenen (installeer Debian's chromium, "
                                "`make browser`, of zet BROWSER_PATH)") from exc


