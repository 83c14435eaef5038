"""The Doorstroompunt effect report (/effectrapportage): the deadline setting, the XLSX compared cell by cell
with hand-worked values on the small warehouse of tests/test_kpis_effect.py, the portfolio holder's
suppressed export, the command line, and the page in headless Chromium on the demo warehouse.

Hand-worked figures of school year 2024-2025 (see tests/test_kpis_effect.py for every step):
  in view: Breda 4 (nieuw_vsv 2, oud_vsv 1, verzuim_18plus 1, preventief 1), Altena 3 (1, 0, 1, 1), region 7
    (3, 1, 2, 2); age when in view, region: 16-17 2, 18-22 4, 23-26 1;
  contact within 28 days: Breda 2 of 3, Altena 1 of 3, region 3 of 6 = 50 %;
  ended: Breda 3 (onderwijs, werk, onderwijs_en_werk), Altena 2 (niet_bereikbaar, one without result),
    region 5, positive 3 = 60 %; age at the end, region: 16-17 2, 18-22 3;
  18+ reports: Breda 3 (B, G reason 1, R) about 2 persons, Altena 1 (G reason 2), region 4 about 3 persons.
"""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app import create_app
from presentation import formats as fmt
from reports import effectrapportage as report
from reports.cli import main as reports_main
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import ALTENA, BREDA, GEMEENTEN, load_sources
from tests.test_kpis_effect import PERSONEN, TRAJECTEN, VERZUIMMELDINGEN, Y
from warehouse import queries
from warehouse.connection import Warehouse

DRIMMELEN = "GM1719"


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("effect_report"), {
        "gemeenten.csv": GEMEENTEN, "personen.csv": PERSONEN, "trajecten.csv": TRAJECTEN,
        "verzuimmeldingen.csv": VERZUIMMELDINGEN}).path


def sheet_values(content: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(r) for r in book[name].iter_rows(values_only=True) if any(v is not None for v in r)]


def about(content: bytes) -> dict[str, str]:
    return {r[0]: r[1] for r in sheet_values(content, "Toelichting") if r[0] and r[1]}


def test_deadline_is_the_setting_after_the_school_year() -> None:
    assert report.deadline("2023-2024", "12-01") == date(2024, 12, 1)  # the arrangement
    assert report.deadline("2023-2024", "04-01") == date(2025, 4, 1)  # what DUO asked for
    assert report.deadline("2024-2025", "08-15") == date(2025, 8, 15)
    assert report.deadline("2024-2025") == date(2025, 12, 1)  # config/settings.toml: "12-01"
    assert report.completed_years(["2023-2024", "2024-2025", "2025-2026"], date(2025, 11, 15)) == [
        "2023-2024", "2024-2025"]


REGION_REPORT = [
    ("Onderdeel", "Omschrijving", "Aantal", "Aandeel (%)"),
    ("Jongeren in beeld", "Personen met een actief traject", 7, None),
    ("Jongeren in beeld", "Herkomst: nieuwe voortijdig schoolverlaters", 3, None),
    ("Jongeren in beeld", "Herkomst: oud-voortijdig schoolverlaters", 1, None),
    ("Jongeren in beeld", "Herkomst: verzuim 18+", 2, None),
    ("Jongeren in beeld", "Herkomst: preventief", 2, None),
    ("Jongeren in beeld", "Leeftijd 16-17 jaar", 2, None),
    ("Jongeren in beeld", "Leeftijd 18-22 jaar", 4, None),
    ("Jongeren in beeld", "Leeftijd 23-26 jaar", 1, None),
    ("Contact binnen termijn", "Trajecten gestart in het schooljaar", 6, None),
    ("Contact binnen termijn", "Eerste contact binnen 28 dagen na de start", 3, 50),
    ("Trajectresultaten", "Beëindigde trajecten", 5, None),
    ("Trajectresultaten", "Resultaat: onderwijs", 1, None),
    ("Trajectresultaten", "Resultaat: werk", 1, None),
    ("Trajectresultaten", "Resultaat: onderwijs en werk", 1, None),
    ("Trajectresultaten", "Resultaat: zorg of dagbesteding", 0, None),
    ("Trajectresultaten", "Resultaat: uitkering of elders", 0, None),
    ("Trajectresultaten", "Resultaat: verhuisd", 0, None),
    ("Trajectresultaten", "Resultaat: niet bereikbaar", 1, None),
    ("Trajectresultaten", "Resultaat: geen begeleiding gewenst", 0, None),
    ("Trajectresultaten", "Positief resultaat (onderwijs, werk, of onderwijs en werk)", 3, 60),
    ("Trajectresultaten", "Leeftijd bij het einde 16-17 jaar", 2, None),
    ("Trajectresultaten", "Leeftijd bij het einde 18-22 jaar", 3, None),
    ("Trajectresultaten", "Leeftijd bij het einde 23-26 jaar", 0, None),
    ("Verzuim 18+", "Meldingen V4 en RMC", 4, None),
    ("Verzuim 18+", "Personen met een melding", 3, None),
    ("Verzuim 18+", "Meldingen met status geregistreerd", 1, None),
    ("Verzuim 18+", "Meldingen met status in behandeling", 1, None),
    ("Verzuim 18+", "Meldingen met status afgesloten", 2, None),
    ("Verzuim 18+", "Meldingen met status ter kennisgeving aangenomen", 0, None),
    ("Verzuim 18+", "Afgesloten met reden 1: terug naar school", 1, None),
    ("Verzuim 18+", "Afgesloten met reden 2: uitgeschreven, ander onderwijs", 1, None),
    *[("Verzuim 18+", f"Afgesloten met reden {k}: {v}", 0, None) for k, v in report.REASONS.items() if int(k) > 2],
]
PER_MUNICIPALITY = [
    ("Gemeente", "Jongeren in beeld", "Herkomst: nieuwe voortijdig schoolverlaters",
     "Herkomst: oud-voortijdig schoolverlaters", "Herkomst: verzuim 18+", "Herkomst: preventief",
     "Contact binnen termijn (%)", "Beëindigde trajecten", "Positief resultaat (%)", "Meldingen 18+"),
    ("Altena", 3, 1, 0, 1, 1, 33.3, 2, 0, 1),
    ("Breda", 4, 2, 1, 1, 1, 66.7, 3, 100, 3),
    ("Etten-Leur", 0, 0, 0, 0, 0, None, 0, None, 0),  # no trajectories started or ended: no share
    ("Regio West-Brabant", 7, 3, 1, 2, 2, 50, 5, 60, 4),
]


def test_workbook_cell_by_cell(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    content = report.workbook(report.build(wh, Y), queries.data_date(wh))
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Toelichting", "Effectrapportage",
                                                                       "Per gemeente"]
    rows = sheet_values(content, "Effectrapportage")
    assert rows[0][0] == ("Effectrapportage Doorstroompunt Regio West-Brabant, schooljaar 2024-2025. In te leveren "
                          "bij DUO vóór 01-12-2025 (de gemeenschappelijke regeling noemt 1 december, DUO vroeg de "
                          "laatste jaren om 1 april; de datum is een instelling van de beheerder).")  # issue 11
    assert rows[1:] == REGION_REPORT
    assert sheet_values(content, "Per gemeente")[1:] == PER_MUNICIPALITY
    account = about(content)
    # issue #9: a partial year says so. The newest trajectory starts on 01-04-2025 (J6) and the newest report on
    # 02-06-2025 (E6), both before the year ends on 31-07-2025: the figures count up to the earlier, 01-04-2025
    assert account["Periode"] == "schooljaar 2024-2025, t/m 01-04-2025"
    assert account["Datum van de gegevens"] == "15-11-2025"
    assert account["Bronnen"] == "RBL trajectregistratie; DUO verzuimregister"
    assert account["Kleine aantallen onderdrukt"].startswith("Nee")


def test_one_municipality(small_wh: Path) -> None:
    built = report.build(Warehouse(small_wh), Y, BREDA)
    assert built.municipality_name == "Breda"
    got = dict(zip(built.table["sleutel"], zip(built.table["aantal"], built.table["aandeel"], strict=True),
                   strict=True))
    assert got["in_beeld"] == (4, None) and got["herkomst_nieuw_vsv"] == (2, None)
    assert got["leeftijd_16-17"] == (1, None) and got["leeftijd_18-22"] == (3, None)
    assert got["gestart"] == (3, None) and got["contact"][0] == 2 and got["contact"][1] == pytest.approx(200 / 3)
    assert got["beeindigd"] == (3, None) and got["positief"] == (3, 100)
    assert got["meldingen_18plus"] == (3, None) and got["personen_18plus"] == (2, None)
    assert got["status_R"] == got["status_B"] == got["status_G"] == (1, None) and got["reden_1"] == (1, None)
    assert report.filename(built) == f"effectrapportage-{Y}-{BREDA}.xlsx"


def download(client, search: str) -> tuple[str, bytes]:
    import base64

    body = {"output": "effectrapportage-download.data",
            "outputs": {"id": "effectrapportage-download", "property": "data"},
            "inputs": [{"id": "effectrapportage-download-xlsx", "property": "n_clicks", "value": 1}],
            "state": [{"id": "effectrapportage-url", "property": "search", "value": search}],
            "changedPropIds": ["effectrapportage-download-xlsx.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]["effectrapportage-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_coordinator_downloads_the_report_unsuppressed(small_wh: Path) -> None:
    name, content = download(login_client(create_app(small_wh), "coordinator"), f"?jaar={Y}")
    assert name == f"effectrapportage-{Y}-regio.xlsx"
    assert sheet_values(content, "Effectrapportage")[1:] == REGION_REPORT


def test_portfolio_holder_gets_only_the_suppressed_report(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    for search in (f"?jaar={Y}", f"?jaar={Y}&gemeente={BREDA}"):
        _, content = download(client, search)
        assert about(content)["Kleine aantallen onderdrukt"].startswith("Ja")
        for sheet in ("Effectrapportage", "Per gemeente"):
            cells = [v for row in sheet_values(content, sheet)[2:] for v in row[1:]]
            # every count here is below 5: each is hidden ("<5", or "×"/"–" where it would give one away)
            assert not [v for v in cells if isinstance(v, int | float) and 0 < v < 5], sheet
            assert "<5" in cells
    rows = {r[1]: r[2:] for r in sheet_values(content, "Effectrapportage")[2:]}
    assert rows["Personen met een actief traject"] == ("<5", None)  # Breda: 4
    assert rows["Eerste contact binnen 28 dagen na de start"] == ("–", "–")  # 2 of 3


def test_staff_see_their_municipality_not_the_region(small_wh: Path) -> None:
    # the year asked for: this small warehouse's trajectories stop before 31 July, so without it the page opens on
    # the latest complete year before Y (issue #9)
    _, content = download(login_client(create_app(small_wh), "medewerker"), f"?jaar={Y}")
    assert [r[0] for r in sheet_values(content, "Per gemeente")[2:]] == ["Breda"]  # no Drimmelen rows, no region
    assert sheet_values(content, "Effectrapportage")[2][2] == 4
    assert about(content)["Kleine aantallen onderdrukt"].startswith("Nee")


def test_cli(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "e.xlsx"
    assert reports_main(["effectrapportage", "--warehouse", str(small_wh), "--school-year", Y, "--out",
                         str(out)]) == 0
    assert capsys.readouterr().out == (f"Geschreven: {out} (schooljaar {Y}, Regio West-Brabant, niet onderdrukt: "
                                       "alleen intern)\n")
    assert sheet_values(out.read_bytes(), "Effectrapportage")[1:] == REGION_REPORT
    assert reports_main(["effectrapportage", "--warehouse", str(small_wh), "--school-year", Y, "--gemeente",
                         ALTENA.lower(), "--openbaar", "--out", str(out)]) == 0
    assert "Altena, kleine aantallen onderdrukt" in capsys.readouterr().out
    assert sheet_values(out.read_bytes(), "Effectrapportage")[2][2] == "<5"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--school-year", "2019-2020"], 1, "Fout: geen cijfers voor schooljaar '2019-2020' (wel voor: "),
    (["--school-year", Y, "--gemeente", "GM9999"], 1, "Fout: onbekende gemeente 'GM9999'"),
])
def test_cli_refuses_with_a_message(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                    args: list[str], code: int, message: str) -> None:
    out = tmp_path / "e.xlsx"
    assert reports_main(["effectrapportage", "--warehouse", str(small_wh), *args, "--out", str(out)]) == code
    assert capsys.readouterr().err.startswith(message)
    assert not out.exists()


def test_cli_without_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert reports_main(["effectrapportage", "--warehouse", str(tmp_path), "--school-year", Y,
                         "--out", str(tmp_path / "e.xlsx")]) == 2
    assert "Er is nog geen warehouse" in capsys.readouterr().err


@pytest.mark.browser
def test_effectrapportage_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = "2023-2024"

    def in_view(code: str) -> str:
        return fmt.number(queries.kpi_values(wh, ["vsv_in_beeld"], [year], municipality_code=code)["value"].item(), 0)

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator",
                    f"/effectrapportage?jaar={year}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#effectrapportage-tabel-in_beeld .col-aantal", in_view(BREDA))
    assert dash_duo.find_element("h1").text == "Effectrapportage Doorstroompunt Breda"
    assert "vóór 01-12-2024" in dash_duo.find_element("#effectrapportage-termijn").text
    assert dash_duo.find_element("#kpi-vsv_in_beeld .kpi-value").text == in_view(BREDA)
    region = queries.kpi_values(wh, ["positief_resultaat"], [year], municipality_code="REGIO")["value"].item()
    assert dash_duo.find_element("#effectrapportage-gemeenten-REGIO .col-positief").text == \
        fmt.number(region, 1)

    dash_duo.select_dcc_dropdown("#effectrapportage-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Effectrapportage Doorstroompunt Drimmelen")
    dash_duo.wait_for_text_to_equal("#effectrapportage-tabel-in_beeld .col-aantal", in_view(DRIMMELEN))
    assert dash_duo.driver.current_url == (f"{dash_duo.server_url}/effectrapportage?schooljaar={year}"
                                           f"&gemeente={DRIMMELEN}")

    button = dash_duo.wait_for_element("#effectrapportage-download-xlsx")
    dash_duo.driver.execute_script("arguments[0].click();", button)
    target = Path(dash_duo.download_path) / f"effectrapportage-{year}-{DRIMMELEN}.xlsx"
    deadline = time.time() + 15
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)
    rows = {r[1]: r[2] for r in sheet_values(target.read_bytes(), "Effectrapportage")[2:]}
    assert fmt.number(rows["Personen met een actief traject"], 0) == in_view(DRIMMELEN)
    assert dash_duo.get_logs() == []


def page_tree(client, path: str, search: str) -> dict:
    """The page as the router sends it to the browser (the component tree, as JSON)."""
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()


def cells(tree: object, class_name: str) -> dict[str, str]:
    """row id -> text of the cell with `class_name` in every table row of the tree."""
    out: dict[str, str] = {}

    def walk(node: object, row: str | None) -> None:
        if isinstance(node, dict):
            props = node.get("props", {}) if "namespace" in node else {}
            if node.get("type") == "Tr" and "id" in props:
                row = props["id"]
            if node.get("type") == "Td" and class_name in str(props.get("className", "")).split():
                out[row] = props.get("children")
            for value in (props or node).values():
                walk(value, row)
        elif isinstance(node, list):
            for item in node:
                walk(item, row)

    walk(tree, None)
    return out


def test_page_shows_the_report_and_suppresses_for_the_portfolio_holder(small_wh: Path) -> None:
    app = create_app(small_wh)
    tree = page_tree(login_client(app, "coordinator"), "/effectrapportage", f"?jaar={Y}&gemeente={BREDA}")
    counts = cells(tree, "col-aantal")
    assert counts["effectrapportage-tabel-in_beeld"] == "4" and counts["effectrapportage-tabel-gestart"] == "3"
    assert cells(tree, "col-aandeel")["effectrapportage-tabel-contact"] == "66,7"
    assert cells(tree, "col-positief")["effectrapportage-gemeenten-REGIO"] == "60,0"
    text = str(tree)
    assert "Effectrapportage Doorstroompunt Breda" in text and "vóór 01-12-2025" in text  # 2024-2025: the latest

    public = cells(page_tree(login_client(app, "wethouder"), "/effectrapportage", f"?jaar={Y}&gemeente={BREDA}"),
                   "col-aantal")
    assert public["effectrapportage-tabel-in_beeld"] == "<5"
    assert not [t for t in public.values() if t in ("1", "2", "3", "4")]


def test_unknown_year_gives_a_notice_not_an_error(small_wh: Path) -> None:
    text = str(page_tree(login_client(create_app(small_wh), "coordinator"), "/effectrapportage",
                         "?jaar=1999-2000&gemeente=GM9999"))
    assert "Onbekend schooljaar '1999-2000'; hieronder het laatste volledige schooljaar." in text
    assert "Onbekende gemeente 'GM9999'; hieronder de cijfers van de hele regio." in text
