"""Partial periods on the trend charts (issue #9, kpis.md "Periods in progress": charts mark partial points), drawn
once by presentation.partial for the pages' trend charts and the PDF pack's quarter trends.

Given (hand-computed): the warehouse of tests/test_coverage.py: the reports stop on 12-09-2025 (load date
15-11-2025), so 2025-K3 (ends 30-09-2025) is partial t/m 12-09-2025 for relatief verzuim. Relatief verzuim per
1.000: 2025-K2 Breda R8, R9 = 2 of 1.000 -> 2,0, region 2 of 1.750 -> 1,14; 2025-K3 Breda R10, R11 = 2 of 1.000 ->
2,0, Altena R12 = 1 of 500, region 3 of 1.750 -> 1,71.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from pages import _chart_frame, _charts, _sections
from presentation import partial
from reports import kwartaal as report
from tests.kpi_fixtures import BREDA, REGIO, KpiWarehouse, load_sources
from tests.test_coverage import SOURCES
from warehouse.connection import Warehouse

THROUGH = date(2025, 9, 12)


@pytest.fixture(scope="module")
def late_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("partial_charts"), SOURCES)


def test_a_partial_point_gets_its_own_mark_hover_and_label() -> None:
    fig = go.Figure([go.Scatter(x=["2024-K3", "2024-K4", "2025-K1"], y=[4.0, 5.0, 1.5], mode="lines+markers",
                                name="Breda", line={"color": "#0072B2", "width": 3},
                                hovertemplate="<b>Breda</b><br>%{x}: %{y:,.1f}<extra></extra>")])
    partial.mark_partial(fig, {"2025-K1": date(2025, 2, 14)})
    line, rest, legend = fig.data
    assert list(line.y) == [4.0, 5.0, None]  # the solid line stops at the last complete quarter
    assert list(rest.x) == ["2024-K4", "2025-K1"] and list(rest.y) == [5.0, 1.5]  # the dotted last segment
    assert rest.line.dash == "dot" and rest.line.color == "#0072B2" and rest.showlegend is False
    assert list(rest.marker.symbol) == ["circle", "diamond-open"]  # an open diamond: shape, not colour
    assert list(rest.customdata) == ["2024-K4", "2025-K1 t/m 14-02-2025"]
    assert rest.hovertemplate == "<b>Breda</b><br>%{customdata}: %{y:,.1f}<extra></extra>"
    assert rest.legendgroup == line.legendgroup
    assert legend.name == "Loopt nog (open ruit, stippellijn): t/m 14-02-2025"
    assert partial.marked(fig)
    assert list(fig.layout.xaxis.ticktext) == ["2024-K3", "2024-K4", "2025-K1<br>t/m 14-02-2025"]
    # the chart's table: one column per line, the partial value in it, the row named as the axis names it
    assert _chart_frame.chart_table(fig) == (["", "Breda"], [["2024-K3", "4,0"], ["2024-K4", "5,0"],
                                                             ["2025-K1 t/m 14-02-2025", "1,5"]])


def test_without_a_partial_period_nothing_changes() -> None:
    fig = go.Figure([go.Scatter(x=["2024-K3", "2024-K4"], y=[4.0, 5.0], mode="lines")])
    before = fig.to_dict()
    assert partial.mark_partial(fig, {}).to_dict() == before
    assert not partial.marked(fig)
    assert partial.mark_partial(fig, {"2023-K1": date(2023, 2, 1)}).to_dict() == before  # not on the chart


def test_the_packs_quarter_trend_marks_the_running_quarter(late_wh: KpiWarehouse) -> None:
    view = report.build(Warehouse(late_wh.path), "2025-K3", BREDA, public=False)
    assert view.partial["relatief_verzuim_per_1000"] == {"2025-K3": THROUGH}
    chart = report.charts(view)[0]
    rests = {t.name: t for t in chart.figure.data if isinstance(t.meta, dict) and t.meta["rbl"] == "continues"}
    assert set(rests) == {"Breda", "Regio West-Brabant"}
    assert list(rests["Breda"].y) == [2.0, 2.0]  # 2025-K2 -> 2025-K3
    assert list(rests["Regio West-Brabant"].y) == pytest.approx([2 / 1.75, 3 / 1.75])
    assert list(rests["Breda"].customdata) == ["2025-K2", "2025-K3 t/m 12-09-2025"]
    assert "%{customdata}" in rests["Breda"].hovertemplate
    assert any(t.name == "Loopt nog (open ruit, stippellijn): t/m 12-09-2025" for t in chart.figure.data)
    # the text alternative (the PDF's /Alt) names it too
    assert "Regio West-Brabant: van 0,0 in 2024-K1 naar 1,7 in 2025-K3 t/m 12-09-2025." in chart.alt
    assert "2025-K3 loopt nog (gegevens t/m 12-09-2025)" in chart.alt
    # the bars per municipality of that quarter say it in their title (and so in their alternative text)
    bars = report.charts(view)[2]
    assert bars.title == "Relatief verzuim per 1.000 leerplichtigen per gemeente, 3e kwartaal 2025, t/m 12-09-2025"
    assert bars.alt.startswith(f"Staafdiagram: {bars.title}.")
    headers, rows = _chart_frame.chart_table(chart.figure)
    assert headers == ["Kwartaal", "Regio West-Brabant", "Breda"]
    assert rows[-2:] == [["2025-K2", "1,1", "2,0"], ["2025-K3 t/m 12-09-2025", "1,7", "2,0"]]


def test_a_page_trend_marks_a_partial_year_and_its_title_says_so() -> None:
    """The trend chart of /verzuim and /vsv (pages._sections.trend_graph): the title states the finding over the
    complete years and names the running one with its t/m."""
    years = ["2023-2024", "2024-2025", "2025-2026"]
    frame = pd.DataFrame({"municipality_code": [BREDA] * 3 + [REGIO] * 3, "period": years * 2,
                          "v": [30.0, 32.0, 9.5, 28.0, 29.0, 8.0]})
    fig = _charts.municipality_trend(frame, {BREDA: "Breda"}, BREDA, years, x_label="Schooljaar", y_label="Per 1.000",
                                     decimals=1, region_code=REGIO)
    section = _sections.trend_graph("t-grafiek", fig, "relatief_verzuim_per_1000", years, frame, BREDA, "Breda",
                                    {"2025-2026": date(2025, 11, 14)})
    title = section.children[0].children
    assert title == ("Breda: van 30,0 in 2023-2024 naar 32,0 per 1.000 in 2024-2025, gestegen; "
                     "2025-2026 t/m 14-11-2025 loopt nog: 9,5 per 1.000")
    rests = [t for t in fig.data if isinstance(t.meta, dict) and t.meta["rbl"] == "continues"]
    assert {t.name for t in rests} == {"Breda", "Regio West-Brabant"}
    assert all(list(t.customdata)[-1] == "2025-2026 t/m 14-11-2025" for t in rests)
    assert list(fig.layout.xaxis.ticktext)[-1] == "2025-2026<br>t/m 14-11-2025"
