"""The VSV page: the group table computed by hand on a small loaded warehouse, the portfolio holder's
suppressed download, and the whole page in headless Chromium on the demo warehouse.

Given (hand-computed): the warehouse of tests/test_kpis_vsv.py, count year 2022-2023 (definitive).
Breda: start population 60 (VO 40; MBO level 2 10, level 3 10), leavers S1 (VO), S2 (MBO 2), S6 (VO).
Region: 80 (VO 40 + 10; MBO 2 10, MBO 3 10 + 5, MBO 4 5), leavers S1 S2 S6 S4 (MBO 3) S5 (MBO 4).
National norms 2022-2023: level 2 9,45%, level 3 3,80%, level 4 3,17%.
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

import pandas as pd
import pytest

from app import create_app
from pages import _tables
from presentation import formats as fmt
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import GEMEENTEN, load_sources
from tests.test_kpis_vsv import (
    STARTPOPULATIE_DEFINITIEF,
    STARTPOPULATIE_VOORLOPIG,
    T_NEXT,
    VSV_DEFINITIEF,
    VSV_VOORLOPIG,
    T,
)
from tests.test_page_verzuim import PATHS, array, callback, click_area, find, map_areas, page_tree, wait_for
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

BREDA, DRIMMELEN = "GM0758", "GM1719"
HEADERS = ["Groep", "VSV'ers", "VSV-percentage", "VSV-percentage regio", "Landelijke norm"]


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("vsv_page"), {
        "gemeenten.csv": GEMEENTEN,
        "vsv_2022-2023_definitief.csv": VSV_DEFINITIEF, "vsv_voorlopig.csv": VSV_VOORLOPIG,
        "startpopulatie_definitief.csv": STARTPOPULATIE_DEFINITIEF,
        "startpopulatie_voorlopig.csv": STARTPOPULATIE_VOORLOPIG,
    }).path


def download(client, search: str, kind: str) -> tuple[str, bytes]:
    body = {"output": "vsv-download.data", "outputs": {"id": "vsv-download", "property": "data"},
            "inputs": [{"id": "vsv-download-csv", "property": "n_clicks", "value": 1 if kind == "csv" else None},
                       {"id": "vsv-download-xlsx", "property": "n_clicks", "value": 1 if kind == "xlsx" else None}],
            "state": [{"id": "vsv-url", "property": "search", "value": search}],
            "changedPropIds": [f"vsv-download-{kind}.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]["vsv-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_group_table_by_hand(small_wh: Path) -> None:
    table, columns = _tables.vsv_table(Warehouse(small_wh), T, BREDA, False, queries.vsv_norms())
    assert [h for _, h, _ in columns] == HEADERS
    rows = {r.groep: tuple(None if fmt.is_missing(x) else x for x in (r.aantal, r.pct, r.regio_pct, r.norm))
            for r in table.itertuples(index=False)}
    assert table["groep"].tolist()[:6] == ["Totaal", "VO", "MBO", "MBO niveau 2", "MBO niveau 3", "MBO niveau 4"]
    assert rows["Totaal"] == (3, 5.0, 6.25, None)
    assert rows["VO"] == (2, 5.0, 4.0, None)
    assert rows["MBO"] == (1, 5.0, 10.0, None)
    assert rows["MBO niveau 2"] == (1, 10.0, 10.0, 9.45)
    assert rows["MBO niveau 3"][1:] == (0.0, pytest.approx(100 / 15), 3.8)  # Breda: 0 of 10
    assert rows["MBO niveau 4"][2:] == (20.0, 3.17)  # no Breda pupils at level 4: only the region
    assert _tables.vsv_status(Warehouse(small_wh), queries.REGION_CODE) == {T: "definitief", T_NEXT: "voorlopig"}


def test_coordinator_download_as_on_screen(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    name, content = download(client, f"?jaar={T}&gemeente={BREDA}", "csv")
    assert name == f"vsv-{T}-{BREDA}.csv"
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[:5] == [";".join(HEADERS), "Totaal;3;5,00;6,25;–", "VO;2;5,00;4,00;–", "MBO;1;5,00;10,00;–",
                         "MBO niveau 2;1;10,00;10,00;9,45"]
    _, content = download(client, f"?jaar={T}&gemeente={BREDA}", "xlsx")
    sheet = pd.read_excel(io.BytesIO(content), sheet_name="Tabel")  # after the sheet "Toelichting"
    assert sheet.columns.tolist() == HEADERS
    assert sheet.iloc[3].tolist() == ["MBO niveau 2", 1, 10.0, 10.0, 9.45]


def test_portfolio_holder_download_is_suppressed(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    _, content = download(client, f"?jaar={T}&gemeente={BREDA}", "csv")
    table = pd.read_csv(io.BytesIO(content), sep=";", dtype=str, encoding="utf-8-sig")
    assert not table["VSV'ers"].isin(["1", "2", "3", "4"]).any()
    assert table.loc[table["Groep"] == "Totaal", "VSV'ers"].item() == "<5"
    assert table.loc[table["Groep"] == "Totaal", "VSV-percentage"].item() in ("–", "×")


@pytest.mark.browser
def test_vsv_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, "teljaar")[-2]
    kpi = KPIS["vsv_percentage"]

    def card_value(code: str) -> str:
        row = queries.kpi_values(wh, [kpi.id], [year], municipality_code=code)
        return fmt.by_unit(row["value"].item(), kpi.unit, kpi.decimals)

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/vsv?jaar={year}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#kpi-vsv_percentage .kpi-value", card_value(BREDA))
    # the municipal funnel (issue #9): every municipality with a start population is a point, Breda named beside
    # its own; drawn without plotly's toolbar (no cloud button), its table one click away
    from warehouse import signals

    dash_duo.wait_for_element("#vsv-trechter-gemeenten .main-svg")
    points = dash_duo.driver.execute_script(
        "return document.querySelector('#vsv-trechter-gemeenten .js-plotly-plot').data"
        ".filter(t => t.customdata).flatMap(t => t.customdata.map(c => c[1]));")
    assert sorted(points) == sorted(u.code for u in signals.funnels(wh, year, (kpi.id,))[kpi.id])
    assert "Breda" in [a.text for a in dash_duo.find_elements("#vsv-trechter-gemeenten .annotation")]
    assert not dash_duo.driver.find_elements("css selector", "#vsv-trechter-gemeenten .modebar")
    assert dash_duo.find_element("#vsv-trechter-gemeenten-tabel")
    status = _tables.vsv_status(wh, BREDA)[year]
    assert dash_duo.find_element("#vsv-status").text.endswith(f"{status}." if status == "definitief" else
                                                              "nog niet geleverd.")

    dash_duo.select_dcc_dropdown("#vsv-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Voortijdig schoolverlaten Drimmelen")
    dash_duo.wait_for_text_to_equal("#kpi-vsv_percentage .kpi-value", card_value(DRIMMELEN))
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/vsv?teljaar={year}&gemeente={DRIMMELEN}"

    button = dash_duo.wait_for_element("#vsv-download-csv")
    dash_duo.driver.execute_script("arguments[0].click();", button)  # below the fold in the small window
    target = Path(dash_duo.download_path) / f"vsv-{year}-{DRIMMELEN}.csv"
    deadline = time.time() + 10
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    got = pd.read_csv(target, sep=";", dtype=str, encoding="utf-8-sig")
    rows = queries.kpi_values(wh, ["vsv_percentage"], [year], municipality_code=DRIMMELEN)
    assert got.loc[got["Groep"] == "Totaal", "VSV-percentage"].item() == fmt.number(rows["value"].item(), 2)
    levels = queries.kpi_values(wh, ["vsv_percentage"], [year], municipality_code=DRIMMELEN, breakdown=None)
    levels = levels[levels["breakdown"].str.startswith("niveau=")]
    expected = {f"MBO niveau {b.split(';')[0].removeprefix('niveau=')}": fmt.number(v, 2)
                for b, v in zip(levels["breakdown"], levels["value"], strict=True)}
    shown = got[got["Groep"].str.startswith("MBO niveau") & (got["VSV-percentage"] != fmt.MISSING)]
    assert dict(zip(shown["Groep"], shown["VSV-percentage"], strict=True)) == expected
    assert dash_duo.get_logs() == []


def test_staff_see_their_municipality_without_the_region(small_wh: Path) -> None:
    table, columns = _tables.vsv_table(Warehouse(small_wh), T, BREDA, False, queries.vsv_norms(), region=False)
    assert [h for _, h, _ in columns] == ["Groep", "VSV'ers", "VSV-percentage", "Landelijke norm"]
    # only the region had figures at MBO level 4: since issue #9 Breda's empty cell is a 0, not a missing row
    level4 = table[table["groep"] == "MBO niveau 4"]
    assert level4["aantal"].tolist() == [0]


# --- map, click to select, trend per municipality (issue 4) ------------------------------------------
ALTENA, ETTEN_LEUR = "GM1959", "GM0777"


def choose_on_map(client, search: str, click: str | None, map_kpi: str = "vsv_percentage",
                  municipality: str = queries.REGION_CODE) -> tuple[int, str | None]:
    status, response = callback(client, "vsv-url.search", [
        ("vsv-jaar", "value", T), ("vsv-gemeente", "value", municipality), ("vsv-kaart-kpi", "value", map_kpi),
        ("vsv-kaart", "clickData", {"points": [{"location": click}]} if click else None),
    ], [("vsv-url", "search", search)], "vsv-kaart.clickData" if click else "vsv-kaart-kpi.value")
    return status, (response["vsv-url"]["search"] if response else None)


def test_map_colours_the_municipalities_by_vsv(small_wh: Path) -> None:
    # 2022-2023: Breda S1 S2 S6 of 60 = 5,00%; Altena S4 S5 of 10 = 20,00%; Etten-Leur 0 of 10 = 0,00%
    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/vsv", f"?jaar={T}&gemeente={ALTENA}")
    assert map_areas(tree, "vsv-kaart") == {
        ALTENA: (20.0, "<b>Altena</b><br>VSV-percentage: 20,00%<br>teljaar 2022-2023"),
        BREDA: (5.0, "<b>Breda</b><br>VSV-percentage: 5,00%<br>teljaar 2022-2023"),
        ETTEN_LEUR: (0.0, "<b>Etten-Leur</b><br>VSV-percentage: 0,00%<br>teljaar 2022-2023"),
    }
    # the number of leavers, for the portfolio holder: 3 and 2 are small ("<5"), 0 is not; the region's 5
    # stays, so no third cell is hidden
    tree = page_tree(login_client(create_app(small_wh), "wethouder"), "/vsv", f"?jaar={T}&kaart=vsv_aantal")
    areas = map_areas(tree, "vsv-kaart")
    assert {c: (z, t.split(": ")[1].split("<br>")[0]) for c, (z, t) in areas.items()} == {
        ALTENA: (None, "&lt;5"), BREDA: (None, "&lt;5"), ETTEN_LEUR: (0.0, "0")}


def test_a_click_on_the_vsv_map_selects_the_municipality(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    # 2022-2023 is not the latest count year (2023-2024 is): it stays in the URL
    assert choose_on_map(client, f"?jaar={T}", ETTEN_LEUR) == (200, f"?teljaar={T}&gemeente={ETTEN_LEUR}")
    assert choose_on_map(client, f"?jaar={T}", None, map_kpi="vsv_aantal") == (200, f"?teljaar={T}&kaart=vsv_aantal")
    staff = login_client(create_app(small_wh), "medewerker")  # Breda and Drimmelen only
    assert choose_on_map(staff, f"?jaar={T}", ALTENA, municipality=BREDA) == (200, None)


def test_vsv_trend_per_municipality(small_wh: Path) -> None:
    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/vsv", f"?jaar={T}&gemeente={BREDA}")
    traces = find(tree, "vsv-trend-grafiek")["props"]["figure"]["data"]
    lines = {t["name"]: array(t["y"]) for t in traces if t["name"] in ("Regio West-Brabant", "Breda")}
    # Breda: 3 of 60 in 2022-2023, S7 of 50 (provisional) in 2023-2024; region 5 of 80
    assert lines["Breda"] == [5.0, 2.0]
    assert lines["Regio West-Brabant"][0] == 6.25
    breda = next(t for t in traces if t["name"] == "Breda")
    assert breda["marker"]["symbol"] == ["circle", "circle-open"]  # definitive, provisional
    assert sum(t["name"] == "Andere gemeenten" for t in traces) == 2


@pytest.mark.browser
def test_vsv_map_click_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, "teljaar")[-2]
    kpi = KPIS["vsv_percentage"]
    row = queries.kpi_values(wh, [kpi.id], [year], municipality_code=ETTEN_LEUR)

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/vsv?jaar={year}")
    dash_duo.wait_for_text_to_equal("h1", "Voortijdig schoolverlaten Regio West-Brabant")
    wait_for(lambda: len(dash_duo.find_elements(PATHS.format(graph="vsv-kaart"))) == 16, "16 areas")
    click_area(dash_duo, "vsv-kaart", ETTEN_LEUR)
    dash_duo.wait_for_text_to_equal("h1", "Voortijdig schoolverlaten Etten-Leur")
    dash_duo.wait_for_text_to_equal("#kpi-vsv_percentage .kpi-value",
                                    fmt.by_unit(row["value"].item(), kpi.unit, kpi.decimals))
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/vsv?teljaar={year}&gemeente={ETTEN_LEUR}"
    notes = dash_duo.driver.execute_script(
        "return document.querySelector('#vsv-trend-grafiek .js-plotly-plot').data"
        ".filter(t => t.name === 'Reeksnotitie').map(t => t.x);")
    assert notes == [["2019-2020", "2020-2021"]]  # config/reeksnotities.toml marks both for every KPI
    assert dash_duo.get_logs() == []


def test_vsv_funnel_per_municipality_by_hand(small_wh: Path) -> None:
    """The municipal funnel of the VSV percentage (issue #9) in count year T. p0 = 5 / 80 = 0,0625; phi = 0,85 <= 1,
    not applied. Breda, n = 60: sqrt(0,0625 x 0,9375 / 60) = 1/32 exactly, so the 99,8 % limits are
    0,0625 -/+ 3,09/32 = [0 (clipped), 0,1590625] and the 95 % ones 0,0625 -/+ 1,96/32 = [0,00125, 0,12375]. The
    page draws the limits of warehouse.signals; its table says them. A portfolio holder sees neither Breda (3
    leavers) nor Altena (2): both suppressed as on the page's table; Etten-Leur's 0 of 10 is not a small number."""
    from warehouse import signals

    units = {u.code: u for u in signals.funnels(Warehouse(small_wh), T, ("vsv_percentage",))["vsv_percentage"]}
    breda = units[BREDA]
    assert (breda.target, breda.n, breda.lower, breda.upper) == (0.0625, 60, 0.0, pytest.approx(0.1590625))
    assert (breda.lower95, breda.upper95) == (pytest.approx(0.00125), pytest.approx(0.12375))

    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/vsv", f"?teljaar={T}&gemeente={BREDA}")
    assert find(tree, "vsv-trechter-gemeenten")["props"]["config"]["displayModeBar"] is False  # the shared config
    figure = find(tree, "vsv-trechter-gemeenten")["props"]["figure"]
    codes = sorted(row[1] for t in figure["data"] if t.get("customdata") for row in array(t["customdata"]))
    assert codes == sorted(units)  # every municipality with a start population
    upper = next(t for t in figure["data"] if t.get("name") == "99,8%-grens (signaal)")
    n = array(upper["x"])
    # the drawn curve is p0 + 3,09 sqrt(p0 (1 - p0) / n), in percent, wherever it is drawn
    assert array(upper["y"]) == pytest.approx([100 * signals.limits(0.0625, x, 3.09)[1] for x in n])
    table = find(tree, "vsv-trechter-gemeenten-tabel")
    rows = [[cell["props"]["children"] for cell in row["props"]["children"]]
            for row in table["props"]["children"][1]["props"]["children"]]
    assert ["Breda (GM0758)", "5,00", "60", "0,00", "15,91", "binnen verwachting"] in rows
    assert len(rows) == 3
    # the chosen municipality is named beside its point
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["regio 6,25%", "Breda"]

    tree = page_tree(login_client(create_app(small_wh), "wethouder"), "/vsv", f"?teljaar={T}&gemeente={BREDA}")
    figure = find(tree, "vsv-trechter-gemeenten")["props"]["figure"]
    shown = sorted(row[1] for t in figure["data"] if t.get("customdata") for row in array(t["customdata"]))
    assert shown == ["GM0777"]
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["regio 6,25%"]  # Breda is not drawn
    assert "Niet getoond (kleine aantallen, onderdrukt): Altena, Breda." in find(
        tree, "vsv-trechter-gemeenten-uitleg")["props"]["children"]
    assert find(tree, "vsv-trechter-gemeenten-tabel") is not None


def test_staff_get_no_vsv_funnel(small_wh: Path) -> None:
    # the funnel's target is the region's value, which staff do not see
    tree = page_tree(login_client(create_app(small_wh), "medewerker"), "/vsv", f"?teljaar={T}")
    assert find(tree, "vsv-trechter-gemeenten") is None
