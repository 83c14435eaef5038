"""The absence page: the school table computed by hand on a small loaded warehouse, the portfolio holder's
suppressed download, and the whole page in headless Chromium on the demo warehouse.

Given (hand-computed): the reports warehouse of tests/test_kpis_absence.py, school year 2023-2024.
Breda's schools: 06HO00 Markenhage College (VO) 4 of 5 pupils reported = 80 per 100, 5 reports (V3 4,
V4 1); 12AB00 De Klimop (PO) 1 of 2 = 50, 3 reports (L 2, V2 1); 14EF00 Het Baken (VO) 0 of 2, no reports.
Region reference per school type: VO persons P1 P2 P3 P8 (06HO00) and P4 P8 P9 (20XY01) = 6 distinct of
5 + 2 + 4 = 11 pupils: 54,5; PO 50,0.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest

from app import create_app
from pages import _format as fmt
from pages import _tables
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import GEMEENTEN, load_sources
from tests.test_kpis_absence import BEVOLKING, INSCHRIJVINGEN, PERSONEN, SCHOLEN, VERZUIMMELDINGEN, Y
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

BREDA, DRIMMELEN = "GM0758", "GM1719"
HEADERS = ["Vestiging", "School", "Soort onderwijs", "Gemeente", "Per 100 leerlingen", "Meldingen",
           "Meldingen L", "Meldingen V2", "Meldingen V3", "Meldingen V4", "Regio (zelfde soort) per 100"]


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("verzuim_page"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "scholen.csv": SCHOLEN,
        "personen.csv": PERSONEN, "inschrijvingen.csv": INSCHRIJVINGEN, "verzuimmeldingen.csv": VERZUIMMELDINGEN,
    }).path


def download_body(search: str, kind: str) -> dict:
    clicked = f"verzuim-download-{kind}"
    return {"output": "verzuim-download.data", "outputs": {"id": "verzuim-download", "property": "data"},
            "inputs": [{"id": "verzuim-download-csv", "property": "n_clicks", "value": 1 if kind == "csv" else None},
                       {"id": "verzuim-download-xlsx", "property": "n_clicks", "value": 1 if kind == "xlsx" else None}],
            "state": [{"id": "verzuim-url", "property": "search", "value": search}],
            "changedPropIds": [f"{clicked}.n_clicks"]}


def download(client, search: str, kind: str) -> tuple[str, bytes]:
    import base64

    response = client.post("/_dash-update-component", json=download_body(search, kind))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]["verzuim-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_school_table_by_hand(small_wh: Path) -> None:
    table, columns = _tables.school_table(Warehouse(small_wh), Y, BREDA, "", public=False)
    assert [h for _, h, _ in columns] == HEADERS
    assert table.to_dict("list") == {
        "school_id": ["06HO00", "12AB00", "14EF00"],
        "naam": ["Markenhage College", "Basisschool De Klimop", "Het Baken"],
        "soort": ["VO", "PO", "VO"], "gemeente": ["Breda"] * 3,
        "per_100": [80.0, 50.0, 0.0], "meldingen": [5.0, 3.0, 0.0],
        "soort_L": [0, 2.0, 0], "soort_V2": [0, 1.0, 0], "soort_V3": [4.0, 0, 0], "soort_V4": [1.0, 0, 0],
        "referentie": [pytest.approx(600 / 11), 50.0, pytest.approx(600 / 11)],
    }
    vo, _ = _tables.school_table(Warehouse(small_wh), Y, BREDA, "VO", public=False)
    assert vo["school_id"].tolist() == ["06HO00", "14EF00"]
    region, _ = _tables.school_table(Warehouse(small_wh), Y, queries.REGION_CODE, "", public=False)
    assert region["school_id"].tolist() == ["06HO00", "20XY01", "12AB00", "14EF00"]  # 80, 75, 50, 0


def test_coordinator_downloads_csv_and_xlsx_as_on_screen(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    name, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "csv")
    assert name == f"verzuim-per-school-{Y}-{BREDA}.csv"
    text = content.decode("utf-8-sig")
    assert text.split("\r\n")[:4] == [
        ";".join(HEADERS),
        "06HO00;Markenhage College;VO;Breda;80,0;5;0;0;4;1;54,5",
        "12AB00;Basisschool De Klimop;PO;Breda;50,0;3;2;1;0;0;50,0",
        "14EF00;Het Baken;VO;Breda;0,0;0;0;0;0;0;54,5",
    ]
    name, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "xlsx")
    assert name.endswith(".xlsx")
    sheet = pd.read_excel(io.BytesIO(content))
    assert sheet.columns.tolist() == HEADERS
    assert sheet.iloc[0].tolist() == ["06HO00", "Markenhage College", "VO", "Breda", 80.0, 5, 0, 0, 4, 1, 54.5]


def test_portfolio_holder_download_is_suppressed(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    _, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "csv")
    table = pd.read_csv(io.BytesIO(content), sep=";", dtype=str, encoding="utf-8-sig")
    counts = table[[h for h in HEADERS if h.startswith("Meldingen")]]
    assert not counts.isin(["1", "2", "3", "4"]).any().any()
    assert (counts == "<5").any().any()
    # 80 per 100 rests on 4 persons and 5 pupils: not shown
    assert table.loc[table["Vestiging"] == "06HO00", "Per 100 leerlingen"].item() in ("–", "×")


@pytest.mark.browser
def test_verzuim_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    years = queries.periods(wh, "schooljaar")
    year = years[-2]
    kpi = KPIS["relatief_verzuim_per_1000"]

    def card_value(code: str) -> str:
        row = queries.kpi_values(wh, [kpi.id], [year], municipality_code=code)
        return fmt.by_unit(row["value"].item(), kpi.unit, kpi.decimals)

    # `next` of the login form: the `&` encoded, or the browser would end the parameter there
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/verzuim?jaar={year}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", card_value(BREDA))
    assert dash_duo.find_element("h1").text == "Verzuim Breda"

    dash_duo.select_dcc_dropdown("#verzuim-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Verzuim Drimmelen")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", card_value(DRIMMELEN))
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/verzuim?jaar={year}&gemeente={DRIMMELEN}"

    button = dash_duo.wait_for_element("#verzuim-download-csv")
    dash_duo.driver.execute_script("arguments[0].click();", button)  # below the fold in the small window
    target = Path(dash_duo.download_path) / f"verzuim-per-school-{year}-{DRIMMELEN}.csv"
    deadline = time.time() + 10
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    got = pd.read_csv(target, sep=";", dtype=str, encoding="utf-8-sig")
    rows = queries.kpi_values(wh, ["verzuim_per_school"], [year], municipality_code=DRIMMELEN, breakdown=None)
    rows = rows[rows["breakdown"].str.match(r"^school=[^;]+$")]
    expected = {b.removeprefix("school="): fmt.number(v, 1) for b, v in zip(rows["breakdown"], rows["value"],
                                                                              strict=True)}
    assert dict(zip(got["Vestiging"], got["Per 100 leerlingen"], strict=True)) == expected
    assert dash_duo.get_logs() == []


def render(client, path: str, search: str) -> str:
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_empty_selection_and_unknown_values_give_notices_not_errors(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    page = render(client, "/verzuim", f"?jaar={Y}&gemeente={BREDA}&soort=MBO")
    assert "Geen scholen met verzuimcijfers in deze selectie." in page
    assert "Geen verzuimcijfers per school in deze selectie." in page
    page = render(client, "/verzuim", "?jaar=1999-2000&gemeente=GM9999&soort=XX")
    for notice in ("Onbekend schooljaar '1999-2000'; hieronder het laatste schooljaar.",
                   "Onbekende gemeente 'GM9999'; hieronder de cijfers van de hele regio.",
                   "Onbekende soort onderwijs 'XX'; hieronder alle soorten."):
        assert notice in page


def test_staff_see_only_their_municipalities(small_wh: Path) -> None:
    page = render(login_client(create_app(small_wh), "medewerker"), "/verzuim", "")
    assert "Verzuim Breda" in page and "Regio West-Brabant" not in page


def test_filter_query_string_round_trip() -> None:
    from pages import _filters

    assert _filters.search("2023-2024", queries.REGION_CODE, "") == "?jaar=2023-2024"
    assert _filters.search(None, BREDA, "VO") == f"?gemeente={BREDA}&soort=VO"
    assert _filters.parse(f"?jaar=2023-2024&gemeente={BREDA}") == {"jaar": "2023-2024", "gemeente": BREDA}
    assert _filters.parse("") == {}
