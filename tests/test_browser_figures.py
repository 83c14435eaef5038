"""Issue #9 in headless Chromium on the (honest) demo warehouse: the quarter page opens on a complete quarter and
says "t/m" for a partial one; the overview lists a known signal whose link opens the right page; the municipality
profile shows its rank and the national value; the school table and its download carry the pupil counts.

Expected values come from the warehouse's own definitions (warehouse.coverage, warehouse.signals, the marts), whose
arithmetic is checked by hand in tests/test_coverage.py and tests/test_signals.py; here the pages must show them."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from app import create_app
from presentation import formats as fmt
from reports import kwartaal as report
from tests.conftest import login_client, start_and_login
from tests.test_page_verzuim import download
from warehouse import coverage, queries, signals
from warehouse.connection import Warehouse

BREDA = "GM0758"
pytestmark = pytest.mark.browser


def test_quarter_page_opens_complete_and_marks_a_partial_quarter(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    quarters = queries.periods(wh, "kwartaal")
    complete = coverage.default_period(wh, "kwartaal")
    partial = quarters[-1]
    through = coverage.page_through(wh, "kwartaal", partial)
    # the honest demo: reports run up to the export, so 2025-K4 is running and 2025-K3 is the latest complete
    assert (complete, partial) == ("2025-K3", "2025-K4") and through is not None
    assert coverage.page_through(wh, "kwartaal", complete) is None

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/kwartaal")
    dash_duo.wait_for_contains_text("#kwartaal-inleiding", report.quarter_label(complete))
    assert not dash_duo.driver.find_elements("css selector", "#kwartaal-deels")

    dash_duo.select_dcc_dropdown("#kwartaal-jaar", value=report.quarter_label(partial))
    dash_duo.wait_for_contains_text("#kwartaal-deels", f"t/m {fmt.date_nl(through)}")
    assert report.quarter_label(partial) in dash_duo.find_element("#kwartaal-inleiding").text
    assert dash_duo.driver.current_url.endswith(f"/kwartaal?kwartaal={partial}")
    # the quarter trends mark the running quarter (presentation.partial): the legend says what the open diamond and
    # the dotted segment mean, the axis and the chart's table say "t/m" (the relatief verzuim trend: its reports
    # run to the covered-through of verzuimmeldingen)
    reports = fmt.date_nl(coverage.coverage(wh)["verzuimmeldingen"])
    dash_duo.wait_for_contains_text("#kwartaal-trend-relatief", f"Loopt nog (open ruit, stippellijn): t/m {reports}")
    assert f"t/m {reports}" in dash_duo.find_element("#kwartaal-trend-relatief .xaxislayer-above").text
    table = dash_duo.find_element("#kwartaal-trend-relatief-tabel").get_attribute("textContent")
    assert f"{partial} t/m {reports}" in table


def test_overview_lists_a_signal_whose_link_opens_its_page(dash_duo, demo_warehouse: Path) -> None:
    from pages.home import signal_href

    wh = Warehouse(demo_warehouse)
    year = coverage.default_period(wh, "verzuim")
    expected = [u for u in signals.signals(wh, year) if u.level == "school"]
    assert expected, "the demo has school signals"
    first = expected[0]  # the furthest above or below its limit
    href = signal_href(first)
    assert href == f"/verzuim?schooljaar={year}&gemeente={first.municipality_code}&school={first.code}"

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/")
    dash_duo.wait_for_element("#overzicht-signalen")
    link = dash_duo.find_element(f"#overzicht-signalen a[href='{href}']")
    assert f"({first.code}," in link.text and f"{first.signal} dan verwacht" in link.text
    dash_duo.driver.execute_script("arguments[0].click();", link)
    dash_duo.wait_for_contains_text("#verzuim-school-titel", f"({first.code})")
    names = dict(zip(*[queries.municipalities(wh)[c] for c in ("gemeente_code", "naam")], strict=True))
    assert dash_duo.find_element("h1").text == f"Verzuim {names[first.municipality_code]}"
    assert dash_duo.driver.current_url.endswith(href)


def test_profile_shows_rank_and_national_value(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    kpi_id, year = "relatief_verzuim_per_1000", coverage.default_period(wh, "verzuim")
    # the portfolio holder's view is suppressed: the place is among the municipalities whose value is shown
    frame = queries.kpi_values(wh, [kpi_id], [year], public=True)
    values = {r.municipality_code: float(r.value) for r in frame.itertuples(index=False)
              if r.municipality_code != "REGIO" and isinstance(r.value, int | float) and not fmt.is_missing(r.value)}
    place, of = 1 + sum(v < values[BREDA] for v in values.values()), len(values)
    national = queries.national_value(wh, kpi_id, year)
    assert national is not None  # shipped in warehouse/reference/landelijke_referenties.csv

    start_and_login(dash_duo, create_app(demo_warehouse), "wethouder", f"/gemeente?gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("h1", "Gemeenteprofiel Breda")
    tile = f"#kpi-{kpi_id}"
    dash_duo.wait_for_text_to_equal(f"{tile} .kpi-rank", f"Plaats {place} van {of} gemeenten (1 = laagste waarde)")
    text = dash_duo.find_element(f"{tile} .kpi-national").text
    assert text.startswith(f"Landelijk: {fmt.number(national['value'], 1)}")
    assert f"{national['period']}; bron: " in text and str(national["published"]) in text
    assert dash_duo.find_element("#gemeenteprofiel-signalen")


def test_school_table_and_download_carry_pupil_counts(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = coverage.default_period(wh, "verzuim")
    rows = queries.kpi_values(wh, ["verzuim_per_school"], [year], municipality_code=BREDA, breakdown=None)
    rows = rows[rows["breakdown"].str.match(r"^school=[^;]+$")]
    pupils = {b.removeprefix("school="): int(d) for b, d in zip(rows["breakdown"], rows["denominator"], strict=True)}

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/verzuim?gemeente={BREDA}")
    dash_duo.wait_for_element("#verzuim-scholen .ag-header-cell")
    headers = [e.text for e in dash_duo.driver.find_elements("css selector", "#verzuim-scholen .ag-header-cell-text")]
    assert "Leerlingen (1 oktober)" in headers and "Leerlingen met een melding" in headers

    client = login_client(create_app(demo_warehouse), "coordinator")
    _, content = download(client, f"?gemeente={BREDA}", "csv")
    got = pd.read_csv(io.BytesIO(content), sep=";", dtype=str, encoding="utf-8-sig")
    assert dict(zip(got["Vestiging"], got["Leerlingen (1 oktober)"].astype(int), strict=True)) == pupils
    small = got[got["Vergelijking met de regio"] == "te klein om te vergelijken"]
    assert (small["Leerlingen (1 oktober)"].astype(int) < signals.min_school_size()).all()
    assert got.index[got["Vergelijking met de regio"] == "te klein om te vergelijken"].min() >= len(got) - len(small)
    _, content = download(client, f"?gemeente={BREDA}", "xlsx")
    sheet = pd.read_excel(io.BytesIO(content), sheet_name="Tabel")
    assert dict(zip(sheet["Vestiging"], sheet["Leerlingen (1 oktober)"], strict=True)) == pupils
