"""warehouse.views on the demo warehouse: breakdown keys as columns, the previous period, the VSV list status."""

from __future__ import annotations

from pathlib import Path

from warehouse import queries, views
from warehouse.connection import Warehouse


def test_parts_of_a_breakdown() -> None:
    assert views.parts("") == {}
    assert views.parts("school=00AA01;maat=meldingen") == {"maat": "meldingen", "school": "00AA01"}


def test_figures_have_the_breakdown_keys_as_columns(demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, "schooljaar")[-1]
    frame = views.figures(wh, ["verzuim_meldingen"], [year], area=views.REGION)
    assert {"verzuimsoort", "school", "maat", "status", "reden"} <= set(frame.columns)
    total = frame[frame["breakdown"] == ""]
    by_kind = frame[frame["verzuimsoort"].notna() & frame["maat"].isna()]
    assert len(total) == 1 and by_kind["value"].sum() == total["value"].iloc[0]  # the kinds add up to the total


def test_previous_period_is_the_one_before_when_it_has_figures(demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    years = queries.periods(wh, "schooljaar")
    assert views.previous_period(wh, "schooljaar", years[-1]) == years[-2]
    assert views.previous_period(wh, "schooljaar", years[0]) is None  # nothing before the first
    dates = queries.periods(wh, "peildatum")
    assert views.previous_period(wh, "peildatum", dates[-1]) == dates[-2]

