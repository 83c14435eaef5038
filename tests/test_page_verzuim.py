"""The absence page: the school table computed by hand on a small loaded warehouse, the portfolio holder's
suppressed download, and the whole page in headless Chromium on the demo warehouse.

Given (hand-computed): the reports warehouse of tests/test_kpis_absence.py, school year 2023-2024.
Breda's schools: 06HO00 Markenhage College (VO) 4 of 5 pupils reported = 80 per 100, 5 reports (V3 4,
V4 1); 12AB00 De Klimop (PO) 1 of 2 = 50, 3 reports (L 2, V2 1); 14EF00 Het Baken (VO) 0 of 2, no reports.
Region reference per school type: VO persons P1 P2 P3 P8 (06HO00) and P4 P8 P9 (20XY01) = 6 distinct of
5 + 2 + 4 = 11 pupils: 54,5; PO 50,0.
Issue #9: pupils and persons beside every rate, and its 95 % (Wilson) interval, z = 1,96, z^2 = 3,8416:
4 of 5: centre (0,8 + 0,38416) / 1,76832 = 0,669652, half 1,96 sqrt(0,032 + 0,038416) / 1,76832 = 0,294124
-> 37,6 - 96,4; 1 of 2: centre 0,5, half 1,96 sqrt(0,125 + 0,2401) / 2,9208 = 0,405471 -> 9,5 - 90,5;
0 of 2: centre = half = 0,9604 / 2,9208 = 0,328814 -> 0,0 - 65,8. Every school has fewer than 20 pupils (the
minimum size): none is ranked, all are "te klein om te vergelijken", listed by name.
"""

from __future__ import annotations

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
from tests.test_kpis_absence import BEVOLKING, INSCHRIJVINGEN, PERSONEN, SCHOLEN, VERZUIMMELDINGEN, Y
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

BREDA, DRIMMELEN = "GM0758", "GM1719"
HEADERS = ["Vestiging", "School", "Soort onderwijs", "Gemeente", "Leerlingen (1 oktober)",
           "Leerlingen met een melding", "Per 100 leerlingen", "95%-interval per 100", "Vergelijking met de regio",
           "Meldingen", "Meldingen L", "Meldingen V2", "Meldingen V3", "Meldingen V4", "Regio (zelfde soort) per 100"]
SMALL = "te klein om te vergelijken"


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
    assert table.to_dict("list") == {  # all under the minimum size: not ranked, by name
        "school_id": ["12AB00", "14EF00", "06HO00"],
        "naam": ["Basisschool De Klimop", "Het Baken", "Markenhage College"],
        "soort": ["PO", "VO", "VO"], "gemeente": ["Breda"] * 3,
        "leerlingen": [2.0, 2.0, 5.0], "personen": [1.0, 0.0, 4.0],
        "per_100": [50.0, 0.0, 80.0], "interval": ["9,5 – 90,5", "0,0 – 65,8", "37,6 – 96,4"],
        "vergelijking": [SMALL] * 3, "meldingen": [3.0, 0.0, 5.0],
        "soort_L": [2.0, 0, 0], "soort_V2": [1.0, 0, 0], "soort_V3": [0, 0, 4.0], "soort_V4": [0, 0, 1.0],
        "referentie": [50.0, pytest.approx(600 / 11), pytest.approx(600 / 11)],
    }
    vo, _ = _tables.school_table(Warehouse(small_wh), Y, BREDA, "VO", public=False)
    assert vo["school_id"].tolist() == ["14EF00", "06HO00"]
    region, _ = _tables.school_table(Warehouse(small_wh), Y, queries.REGION_CODE, "", public=False)
    assert region["school_id"].tolist() == ["20XY01", "12AB00", "14EF00", "06HO00"]  # Altena College first


def test_coordinator_downloads_csv_and_xlsx_as_on_screen(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    name, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "csv")
    assert name == f"verzuim-per-school-{Y}-{BREDA}.csv"
    text = content.decode("utf-8-sig")
    assert text.split("\r\n")[:4] == [
        ";".join(HEADERS),
        f"12AB00;Basisschool De Klimop;PO;Breda;2;1;50,0;9,5 – 90,5;{SMALL};3;2;1;0;0;50,0",
        f"14EF00;Het Baken;VO;Breda;2;0;0,0;0,0 – 65,8;{SMALL};0;0;0;0;0;54,5",
        f"06HO00;Markenhage College;VO;Breda;5;4;80,0;37,6 – 96,4;{SMALL};5;0;0;4;1;54,5",
    ]
    name, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "xlsx")
    assert name.endswith(".xlsx")
    sheet = pd.read_excel(io.BytesIO(content), sheet_name="Tabel")  # after the sheet "Toelichting"
    assert sheet.columns.tolist() == HEADERS
    assert sheet.iloc[2].tolist() == ["06HO00", "Markenhage College", "VO", "Breda", 5, 4, 80.0, "37,6 – 96,4", SMALL,
                                      5, 0, 0, 4, 1, 54.5]


def test_portfolio_holder_download_is_suppressed(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    _, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "csv")
    table = pd.read_csv(io.BytesIO(content), sep=";", dtype=str, encoding="utf-8-sig")
    counts = table[[h for h in HEADERS if h.startswith("Meldingen")]]
    assert not counts.isin(["1", "2", "3", "4"]).any().any()
    assert (counts == "<5").any().any()
    # 80 per 100 rests on 4 persons and 5 pupils: not shown
    assert table.loc[table["Vestiging"] == "06HO00", "Per 100 leerlingen"].item() in ("–", "×")
    # the Excel file says so, with the period and the definitions
    _, content = download(client, f"?jaar={Y}&gemeente={BREDA}", "xlsx")
    about = pd.read_excel(io.BytesIO(content), sheet_name="Toelichting", header=None)
    lines = dict(zip(about[0], about[1], strict=True))
    assert lines["Periode"] == f"schooljaar {Y}"
    assert lines["Kleine aantallen onderdrukt"].startswith("Ja: aantallen van 1 tot en met 4 staan als <5")
    assert KPIS["verzuim_per_school"].label in about[0].tolist()


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
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/verzuim?schooljaar={year}&gemeente={DRIMMELEN}"

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
    for notice in ("Onbekend schooljaar '1999-2000'; hieronder het laatste volledige schooljaar.",
                   "Onbekende gemeente 'GM9999'; hieronder de cijfers van de hele regio.",
                   "Onbekende soort onderwijs 'XX'; hieronder alle soorten."):
        assert notice in page


def test_staff_see_only_their_municipalities(small_wh: Path) -> None:
    page = render(login_client(create_app(small_wh), "medewerker"), "/verzuim", "")
    assert "Verzuim Breda" in page and "Regio West-Brabant" not in page


def test_filter_query_string_round_trip() -> None:
    from pages import _filters

    assert _filters.search("2023-2024", queries.REGION_CODE, "", period_kind="schooljaar") == "?schooljaar=2023-2024"
    assert _filters.search(None, BREDA, "VO", period_kind="schooljaar") == f"?gemeente={BREDA}&soort=VO"
    assert _filters.parse(f"?jaar=2023-2024&gemeente={BREDA}") == {"jaar": "2023-2024", "gemeente": BREDA}
    assert _filters.parse("") == {}


# --- map, click to select, school detail (issue 4) -----------------------------------------------------
ALTENA, ETTEN_LEUR = "GM1959", "GM0777"


def find(tree: object, component_id: str) -> dict | None:
    """The component with this id in a Dash JSON layout (as the router or a callback returns it)."""
    if isinstance(tree, dict):
        if (tree.get("props") or {}).get("id") == component_id:
            return tree
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = find(child, component_id)
        if found is not None:
            return found
    return None


def array(x: object) -> list:
    """A figure's data array as a list: plotly sends numpy arrays base64-encoded ({"dtype", "bdata"})."""
    if isinstance(x, dict) and "bdata" in x:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return list(x)


def page_tree(client, path: str, search: str) -> dict:
    import json

    return json.loads(render(client, path, search))


def map_areas(tree: dict, graph_id: str) -> dict[str, tuple[object, str]]:
    """code -> (colour value or None when not coloured, hover text) of the map's clickable areas."""
    out = {}
    for trace in find(tree, graph_id)["props"]["figure"]["data"]:
        if trace.get("hoverinfo") == "skip":
            continue
        coloured = bool(trace.get("showscale"))
        for code, z, text in zip(trace["locations"], trace["z"], trace["text"], strict=True):
            out[code] = (z if coloured else None, text)
    return out


def callback(client, output: str, inputs: list[tuple[str, str, object]], state: list[tuple[str, str, object]],
             changed: str) -> tuple[int, dict | None]:
    """Fire a page callback as the browser does: (HTTP status, the response's outputs or None)."""
    component, prop = output.split(".")
    body = {"output": output, "outputs": {"id": component, "property": prop},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state], "changedPropIds": [changed]}
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, (response.get_json()["response"] if response.status_code == 200 else None)


def choose(client, search: str, *, click: str | None = None, map_kpi: str = "relatief_verzuim_per_1000",
           municipality: str = queries.REGION_CODE) -> tuple[int, str | None]:
    changed = "verzuim-kaart.clickData" if click else "verzuim-kaart-kpi.value"
    status, response = callback(client, "verzuim-url.search", [
        ("verzuim-jaar", "value", Y), ("verzuim-gemeente", "value", municipality), ("verzuim-soort", "value", ""),
        ("verzuim-kaart-kpi", "value", map_kpi),
        ("verzuim-kaart", "clickData", {"points": [{"location": click}]} if click else None),
    ], [("verzuim-url", "search", search)], changed)
    return status, (response["verzuim-url"]["search"] if response else None)


def test_map_colours_every_municipality_by_the_chosen_kpi(small_wh: Path) -> None:
    # relatief verzuim 2023-2024 (tests/test_kpis_absence.py): Breda 4 of 1.000 = 4,0; Altena 3 of 500 = 6,0;
    # Etten-Leur 0 of 250 = 0,0. The region is selected, so no area is outlined.
    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/verzuim", f"?jaar={Y}")
    assert map_areas(tree, "verzuim-kaart") == {
        ALTENA: (6.0, "<b>Altena</b><br>Relatief verzuim per 1.000 leerplichtigen: 6,0 per 1.000"
                      "<br>schooljaar 2023-2024"),
        BREDA: (4.0, "<b>Breda</b><br>Relatief verzuim per 1.000 leerplichtigen: 4,0 per 1.000"
                     "<br>schooljaar 2023-2024"),
        ETTEN_LEUR: (0.0, "<b>Etten-Leur</b><br>Relatief verzuim per 1.000 leerplichtigen: 0,0 per 1.000"
                          "<br>schooljaar 2023-2024"),
    }
    assert find(tree, "verzuim-kaart-kpi")["props"]["value"] == "relatief_verzuim_per_1000"
    geo = find(tree, "verzuim-kaart")["props"]
    assert geo["figure"]["layout"]["geo"]["fitbounds"] == "locations" and not geo["figure"]["layout"]["geo"]["visible"]
    assert geo["config"]["topojsonURL"] == "/assets/topojson/"  # never plotly's CDN
    areas_traces = [t for t in geo["figure"]["data"] if t["type"] == "choropleth"]
    assert areas_traces and all(t["geojson"] == "/assets/gemeenten_west_brabant_2022.geojson" for t in areas_traces)
    # the names of the municipalities on the map (issue #9): one text trace, not hoverable
    names = [t for t in geo["figure"]["data"] if t["type"] == "scattergeo"]
    assert len(names) == 1 and "Breda" in names[0]["text"] and names[0]["hoverinfo"] == "skip"
    # reports (verzuim_meldingen) by URL, Breda selected: Breda 8, Altena 3, Etten-Leur 0; Breda outlined
    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/verzuim",
                     f"?jaar={Y}&gemeente={BREDA}&kaart=verzuim_meldingen")
    areas = map_areas(tree, "verzuim-kaart")
    assert {c: z for c, (z, _) in areas.items()} == {ALTENA: 3.0, BREDA: 8.0, ETTEN_LEUR: 0.0}
    assert areas[BREDA][1] == "<b>Breda</b><br>Verzuimmeldingen: 8<br>schooljaar 2023-2024"
    trace = next(t for t in find(tree, "verzuim-kaart")["props"]["figure"]["data"] if t.get("showscale"))
    widths = dict(zip(trace["locations"], trace["marker"]["line"]["width"], strict=True))
    assert widths[BREDA] > widths[ALTENA]
    # a KPI the page does not offer falls back to the default, with a notice
    page = render(login_client(create_app(small_wh), "coordinator"), "/verzuim", "?kaart=onzin")
    assert "Onbekend kaartcijfer 'onzin'; de kaart toont het standaardcijfer." in page


def test_staff_map_colours_only_their_own_municipalities(small_wh: Path) -> None:
    # Breda and Drimmelen (not in this warehouse): Breda coloured and clickable; the other 15 shapes are
    # context only, without a figure, hover or click
    tree = page_tree(login_client(create_app(small_wh), "medewerker"), "/verzuim", f"?jaar={Y}")
    assert {c: z for c, (z, _) in map_areas(tree, "verzuim-kaart").items()} == {BREDA: 4.0}
    context = [t for t in find(tree, "verzuim-kaart")["props"]["figure"]["data"] if t.get("hoverinfo") == "skip"]
    assert len(context[0]["locations"]) == 15 and "text" not in context[0]


def test_map_for_the_portfolio_holder_shows_suppression_marks_uncoloured(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    # relatief verzuim: Breda (4 persons) and Altena (3) rest on fewer than 5: "–"; Etten-Leur 0 is shown
    areas = map_areas(page_tree(client, "/verzuim", f"?jaar={Y}"), "verzuim-kaart")
    assert {c: z for c, (z, _) in areas.items()} == {ALTENA: None, BREDA: None, ETTEN_LEUR: 0.0}
    assert areas[BREDA][1] == "<b>Breda</b><br>Relatief verzuim per 1.000 leerplichtigen: –<br>schooljaar 2023-2024"
    # reports: Altena 3 -> "<5"; then the municipal table (total: the region, 11) has one hidden cell, so the
    # smallest other non-zero cell goes too: Breda 8 -> "×"; Etten-Leur 0 stays
    areas = map_areas(page_tree(client, "/verzuim", f"?jaar={Y}&kaart=verzuim_meldingen"), "verzuim-kaart")
    assert {c: (z, t.split(": ")[1].split("<br>")[0]) for c, (z, t) in areas.items()} == {
        ALTENA: (None, "&lt;5"), BREDA: (None, "×"), ETTEN_LEUR: (0.0, "0")}  # plotly shows &lt; as <


def test_a_click_on_the_map_selects_the_municipality(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    # 2023-2024 is the latest school year (2022-2023 has one report): it stays out of the URL, as the region
    # does; a callback that changes nothing answers without an output
    assert choose(client, "", click=ALTENA) == (200, f"?gemeente={ALTENA}")
    assert choose(client, f"?gemeente={BREDA}&kaart=lrv", click=ETTEN_LEUR, map_kpi="lrv",
                  municipality=BREDA) == (200, f"?gemeente={ETTEN_LEUR}&kaart=lrv")
    assert choose(client, "", map_kpi="absoluut_verzuim_per_1000") == (200, "?kaart=absoluut_verzuim_per_1000")
    assert choose(client, "?kaart=lrv", map_kpi="relatief_verzuim_per_1000") == (200, "")  # back to the default
    assert choose(client, f"?gemeente={BREDA}", click=BREDA, municipality=BREDA) == (200, None)
    assert choose(client, "", click="GM9999") == (200, None)  # not a municipality of the region
    staff = login_client(create_app(small_wh), "medewerker")  # Breda and Drimmelen only
    assert choose(staff, "", click=ALTENA, municipality=BREDA) == (200, None)
    assert choose(staff, "?kaart=lrv", click=BREDA, municipality=DRIMMELEN, map_kpi="lrv") == (
        200, f"?gemeente={BREDA}&kaart=lrv")


def school_detail(client, search: str, *, bar: str | None = None, row: int | None = None) -> tuple[int, dict | None]:
    status, response = callback(client, "verzuim-school-detail.children", [
        ("verzuim-per-school-grafiek", "clickData", {"points": [{"customdata": [bar]}]} if bar else None),
        ("verzuim-scholen", "cellClicked", {"rowId": str(row), "colId": "naam", "value": "x"} if row is not None
         else None),
    ], [("verzuim-url", "search", search)], "verzuim-per-school-grafiek.clickData" if bar else
        "verzuim-scholen.cellClicked")
    return status, (response["verzuim-school-detail"]["children"] if response else None)


def cells(tree: dict, table_id: str) -> list[list[str]]:
    rows = find(tree, table_id)["props"]["children"][1]["props"]["children"]
    return [[c["props"]["children"] for c in r["props"]["children"]] for r in rows]


def test_a_click_on_a_school_opens_its_detail(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    status, modal = school_detail(client, f"?gemeente={BREDA}", bar="06HO00")
    assert status == 200 and modal["props"]["is_open"]
    assert find(modal, "verzuim-school-titel")["props"]["children"] == "Markenhage College (06HO00)"
    trend = find(modal, "verzuim-school-trend")["props"]["figure"]["data"][0]
    # 2022-2023: P7 (R9, 31-07-2023) of the 5 pupils of 1 October 2022 (P1 P2 P3 P8 P11) = 20 per 100;
    # 2023-2024: 4 of the 5 pupils of 1 October 2023 had a report = 80
    assert (array(trend["x"]), array(trend["y"])) == (["2022-2023", Y], [20.0, 80.0])
    # reports at 06HO00 in 2023-2024: R1 R2 R3 (V3), R10 (V3), R4 (V4) = 5; closed: R1 with reason 1
    assert cells(modal, "verzuim-school-meldingen") == [["V3: 16 uur, onder 18", "4"],
                                                        ["V4: 16 uur, 18 en ouder", "1"], ["Totaal", "5"]]
    assert cells(modal, "verzuim-school-sluitredenen") == [["1: terug naar school", "1"]]
    # the table's first row (all three are under the minimum size, so listed by name: Basisschool De Klimop,
    # 50 per 100): R7 R13 luxe, R8 V2; R7 closed with reason 7
    status, modal = school_detail(client, f"?gemeente={BREDA}", row=0)
    assert find(modal, "verzuim-school-titel")["props"]["children"] == "Basisschool De Klimop (12AB00)"
    assert cells(modal, "verzuim-school-meldingen") == [["Luxe verzuim", "2"], ["V2 (oud)", "1"], ["Totaal", "3"]]
    assert cells(modal, "verzuim-school-sluitredenen") == [["7: geoorloofd afwezig", "1"]]
    # a school that is not in the table of this selection (Altena College with Breda chosen) opens nothing
    assert school_detail(client, f"?gemeente={BREDA}", bar="20XY01") == (200, None)
    assert school_detail(client, f"?gemeente={BREDA}", row=7) == (200, None)
    # staff (Breda, Drimmelen): a Breda school opens; Altena's not, even with Altena asked for in the URL
    staff = login_client(create_app(small_wh), "medewerker")
    status, modal = school_detail(staff, "", bar="06HO00")
    assert find(modal, "verzuim-school-titel")["props"]["children"] == "Markenhage College (06HO00)"
    assert school_detail(staff, f"?gemeente={ALTENA}", bar="20XY01") == (200, None)


def test_school_detail_for_the_portfolio_holder_is_suppressed(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    status, modal = school_detail(client, f"?gemeente={BREDA}", bar="06HO00")
    assert status == 200
    # 20 and 80 per 100 rest on 1 and 4 persons: not drawn, named as hidden; 4 and 1 reports: "<5"; the total
    # 5 stays (its table has two hidden cells, and no region row to be derived from)
    assert find(modal, "verzuim-school-trend") is None
    assert f"Niet getoond (kleine aantallen): 2022-2023 (–), {Y} (–)." in str(modal)
    assert cells(modal, "verzuim-school-meldingen") == [["V3: 16 uur, onder 18", "<5"],
                                                        ["V4: 16 uur, 18 en ouder", "<5"], ["Totaal", "5"]]
    assert cells(modal, "verzuim-school-sluitredenen") == [["1: terug naar school", "<5"]]


def test_trend_per_municipality_highlights_the_chosen_one(small_wh: Path) -> None:
    tree = page_tree(login_client(create_app(small_wh), "coordinator"), "/verzuim", f"?jaar={Y}&gemeente={BREDA}")
    traces = find(tree, "verzuim-trend-grafiek")["props"]["figure"]["data"]
    lines = {(t["name"], round(array(t["y"])[1], 6)) for t in traces if t["name"] != "Reeksnotitie"}  # 2023-2024
    # the others grey under one legend entry; the region (6 of 1.750) black; Breda last, in front
    assert lines == {("Andere gemeenten", 6.0), ("Andere gemeenten", 0.0),
                     ("Regio West-Brabant", round(6000 / 1750, 6)), ("Breda", 4.0)}
    assert traces[-1]["name"] == "Breda"
    staff = page_tree(login_client(create_app(small_wh), "medewerker"), "/verzuim", f"?jaar={Y}")
    names = {t["name"] for t in find(staff, "verzuim-trend-grafiek")["props"]["figure"]["data"]}
    assert names == {"Breda"}  # Drimmelen has no figures in this warehouse; no region, no other municipality


def test_series_notes_mark_their_periods() -> None:
    import plotly.graph_objects as go

    from pages import _charts

    periods = ["2018-2019", "2019-2020", "2020-2021", "2021-2022"]
    fig = go.Figure(go.Scatter(x=periods, y=[1, 2, 3, 4]))
    _charts.add_series_notes(fig, {"2019-2020": "Scholen dicht <covid>.", "2030-2031": "niet op de as"}, periods)
    marks = fig.data[-1]
    assert (marks.name, list(marks.x), list(marks.customdata)) == (
        "Reeksnotitie", ["2019-2020"], ["Scholen dicht &lt;covid&gt;."])
    assert [(s.x0, s.x1) for s in fig.layout.shapes] == [(0.5, 1.5)]  # the band covers the period's category
    assert list(fig.layout.xaxis.categoryarray) == periods


PATHS = "#{graph} path.choroplethlocation"
# instantly: Bootstrap's smooth scrolling would still be moving the page when a click lands
TO_MIDDLE = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"
# the map's areas carry their calcdata point (plotly binds it to the path): its `loc` is the municipality code
AREA_INDEX = ("return Array.from(document.querySelectorAll(arguments[0]))"
              ".findIndex(p => p.__data__ && p.__data__.loc === arguments[1]);")


def click_area(dash_duo, graph_id: str, code: str) -> None:
    """A real mouse click on the municipality's area: move there (plotly finds the area under the mouse),
    then click."""
    from selenium.webdriver.common.action_chains import ActionChains

    selector = PATHS.format(graph=graph_id)
    index = dash_duo.driver.execute_script(AREA_INDEX, selector, code)
    assert index >= 0, f"no area for {code}"
    area = dash_duo.find_elements(selector)[index]
    dash_duo.driver.execute_script(TO_MIDDLE, area)
    ActionChains(dash_duo.driver).move_to_element(area).pause(0.3).click().perform()


def wait_for(condition, what: str, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"waited in vain for {what}"
        time.sleep(0.1)


def real_click(dash_duo, selector: str, timeout: float = 10) -> None:
    """Scroll the element to the middle of the window and click it there, once it is laid out (AG Grid draws
    its rows after the page, and may draw them again while it sizes its columns)."""
    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException

    deadline = time.time() + timeout
    while True:
        try:
            element = dash_duo.wait_for_element(selector)
            dash_duo.driver.execute_script(TO_MIDDLE, element)
            element.click()
            return
        except (ElementClickInterceptedException, StaleElementReferenceException):
            if time.time() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.browser
def test_map_click_and_school_detail_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, "schooljaar")[-2]
    kpi = KPIS["relatief_verzuim_per_1000"]

    def card_value(kpi_id: str, code: str) -> str:
        row = queries.kpi_values(wh, [kpi_id], [year], municipality_code=code)
        return fmt.by_unit(row["value"].item(), KPIS[kpi_id].unit, KPIS[kpi_id].decimals)

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/verzuim?jaar={year}")
    dash_duo.wait_for_text_to_equal("h1", "Verzuim Regio West-Brabant")
    wait_for(lambda: len(dash_duo.find_elements(PATHS.format(graph="verzuim-kaart"))) == 16, "16 areas")

    click_area(dash_duo, "verzuim-kaart", DRIMMELEN)
    dash_duo.wait_for_text_to_equal("h1", "Verzuim Drimmelen")
    dash_duo.wait_for_text_to_equal(f"#kpi-{kpi.id} .kpi-value", card_value(kpi.id, DRIMMELEN))
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/verzuim?schooljaar={year}&gemeente={DRIMMELEN}"

    # the map's KPI: into the URL, and the map's hover text for Drimmelen carries its figure (the chooser sits below
    # the map since issue 11: moved to the middle, away from the map's hover label under the mouse). The tiles with
    # their reference points (issue #9) are taller: retry the real click until the charts above it have drawn
    from selenium.common.exceptions import ElementClickInterceptedException

    ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element("h1")).perform()
    deadline = time.time() + 20  # wait on the condition, never a fixed sleep
    while True:
        dash_duo.driver.execute_script(TO_MIDDLE, dash_duo.find_element("#verzuim-kaart-kpi"))
        try:
            dash_duo.select_dcc_dropdown("#verzuim-kaart-kpi", value=KPIS["verzuim_meldingen"].label)
            break
        except ElementClickInterceptedException:
            if time.time() > deadline:
                raise
    wait_for(lambda: dash_duo.driver.current_url.endswith("&kaart=verzuim_meldingen"), "kaart in the URL")
    expected = f"Verzuimmeldingen: {card_value('verzuim_meldingen', DRIMMELEN)}<br>"
    texts = ("return [].concat(...document.querySelector('#verzuim-kaart .js-plotly-plot').data"
             ".map(t => t.text || []));")
    wait_for(lambda: any(expected in t and "Drimmelen" in t for t in dash_duo.driver.execute_script(texts)),
             "the map coloured by reports")

    # a click on the table's first school opens its detail
    table, _ = _tables.school_table(wh, year, DRIMMELEN, "", public=False)
    first = table.iloc[0]
    real_click(dash_duo, "#verzuim-scholen .ag-row[row-index='0'] .ag-cell[col-id='naam']")
    dash_duo.wait_for_text_to_equal("#verzuim-school-titel", f"{first['naam']} ({first['school_id']})")
    total = dash_duo.find_elements("#verzuim-school-meldingen tbody tr")[-1].text
    assert total == f"Totaal {fmt.number(first['meldingen'], 0)}"
    dash_duo.find_element("#verzuim-school-modal .btn-close").click()
    wait_for(lambda: not dash_duo.find_elements("#verzuim-school-modal .modal-body"), "the detail to close")

    # ... and so does a click on a bar of the ranked chart (the top bar: the highest rate)
    bars = dash_duo.find_elements("#verzuim-per-school-grafiek .point path")
    top = table.assign(v=pd.to_numeric(table["per_100"], errors="coerce")).dropna(subset=["v"]).iloc[0]
    dash_duo.driver.execute_script(TO_MIDDLE, bars[-1])
    ActionChains(dash_duo.driver).move_to_element(bars[-1]).pause(0.3).click().perform()
    dash_duo.wait_for_text_to_equal("#verzuim-school-titel", f"{top['naam']} ({top['school_id']})")
    assert dash_duo.get_logs() == []


def test_the_municipal_funnel_leaves_out_what_a_portfolio_holder_may_not_see(small_wh: Path) -> None:
    """Issue #9: a funnel point carries a municipality's value and size, so for a portfolio holder a municipality whose
    relatief verzuim is suppressed on the page is not drawn (it was before) but named under the heading."""
    from pages import _funnel
    from warehouse import signals

    wh = Warehouse(small_wh)
    units = signals.funnels(wh, Y, ("relatief_verzuim_per_1000",))["relatief_verzuim_per_1000"]
    hidden = _funnel.suppressed_codes(wh, "relatief_verzuim_per_1000", Y)
    frame = queries.kpi_values(wh, ["relatief_verzuim_per_1000"], [Y], breakdown="", public=True)
    assert hidden == {r.municipality_code for r in frame.itertuples(index=False)
                      if r.municipality_code != "REGIO" and isinstance(r.value, str)}
    assert hidden and {u.code for u in units} - hidden  # the fixture has both kinds

    def drawn(user: str) -> set[str]:
        tree = page_tree(login_client(create_app(small_wh), user), "/verzuim", f"?schooljaar={Y}")
        figure = find(tree, "verzuim-trechter-gemeenten")["props"]["figure"]
        return {row[1] for t in figure["data"] if t.get("customdata") for row in t["customdata"]}

    assert drawn("coordinator") == {u.code for u in units}
    assert drawn("wethouder") == {u.code for u in units} - hidden
