"""warehouse.views on the demo warehouse: breakdown keys as columns, the previous period, the VSV list status."""

from __future__ import annotations

from datetime import date
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



def test_a_partial_period_against_its_like_for_like(demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    years = queries.periods(wh, "schooljaar")
    year, before = years[-1], years[-2]
    on = date(int(year[:4]), 11, 15)  # 15 November of the latest school year
    frame = views.cut_figures(wh, ["verzuim_meldingen"], "schooljaar", year, on, area=views.REGION)
    totals = frame[frame["breakdown"] == ""].set_index("period")
    assert totals.loc[year, "end_date"] == on
    assert totals.loc[before, "end_date"] == date(on.year - 1, 11, 15)
    assert totals.loc[before, "start_date"] == date(on.year - 1, 8, 1)
    for period, row in totals.iterrows():  # the same count straight from the reports, up to the cut
        counted = wh.rows("SELECT count(*) FROM int_reports WHERE counts AND report_date BETWEEN ? AND ?",
                          [row["start_date"], row["end_date"]])[0][0]
        assert row["value"] == counted, period


def test_a_period_cut_at_its_end_is_the_whole_period(demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, "schooljaar")[-2]
    end = date(int(year[:4]) + 1, 7, 31)
    cut = views.cut_figures(wh, ["relatief_verzuim_per_1000"], "schooljaar", year, end)
    whole = views.figures(wh, ["relatief_verzuim_per_1000"], [year])
    got = cut[cut["period"] == year].set_index(["municipality_code", "breakdown"])["value"]
    assert got.to_dict() == whole.set_index(["municipality_code", "breakdown"])["value"].to_dict()
