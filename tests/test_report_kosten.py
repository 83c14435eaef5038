"""The cost split report and page (/kostenverdeling): amounts to the cent by hand on a small warehouse, awkward
amounts over the 16 demo municipalities, one definition for the source and for entered amounts, the XLSX read
back cell by cell, the command line, and the page in headless Chromium.

Small warehouse (hand-written, budget year 2026, inhabitants 5-23 on 1-1-2025):
  Breda (level 2)       4 aged 5 + 3 aged 23 = 7 (10 aged 4 and 8 aged 24 fall outside)
  Altena (level 1)      5 aged 12 (counted under its predecessor code GM0738)
  Etten-Leur (level 2A) 3 aged 17
  all three: 15.  Begroting 2026: level 1 € 1.000,00; level 2 € 100,01; level 2A € 0,07.
"""

from __future__ import annotations

import io
import json
import time
from fractions import Fraction
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from app import create_app
from presentation import formats as fmt
from reports import kostenverdeling as report
from reports.cli import main as reports_main
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import ALTENA, BREDA, ETTEN_LEUR, GEMEENTEN, csv, load_sources
from warehouse import cost_split, queries
from warehouse.connection import Warehouse

YEAR = 2026
BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
    (BREDA, "01-01-2025", 4, 10), (BREDA, "01-01-2025", 5, 4), (BREDA, "01-01-2025", 23, 3),
    (BREDA, "01-01-2025", 24, 8), ("GM0738", "01-01-2025", 12, 5), (ETTEN_LEUR, "01-01-2025", 17, 3),
])
BEGROTING = csv(("jaar", "bedrag", "uitvoeringsniveau"), [
    (YEAR, "1.000,00", "1"), (YEAR, "100,01", "2"), (YEAR, "0,07", "2A")])


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("kosten"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "begroting.csv": BEGROTING}).path


def cents_of(split: report.CostSplit, field: str) -> dict[str, int]:
    """code -> whole cents of one column of the split's table."""
    return {c: round(v * 100) for c, v in zip(split.table["gemeente_code"], split.table[field], strict=True)
            if not fmt.is_missing(v)}


# --- amounts as typed ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "cents"), [
    ("1.000.000,01", 100_000_001), ("1000000,01", 100_000_001), ("€ 1.000.000", 100_000_000), ("0,01", 1),
    ("0,07", 7), ("12,5", 1250), (" 300.000,00 ", 30_000_000), ("7", 700),
])
def test_dutch_amounts_are_read_to_the_cent(text: str, cents: int) -> None:
    assert report.parse_amount(text) == cents
    assert report.parse_amount(report.amount_text(cents)) == cents


@pytest.mark.parametrize(("text", "message"), [
    ("1,000,000.01", "'1,000,000.01' is geen bedrag. Schrijf het als 1.000.000,01"),
    ("1000.50", "'1000.50' is geen bedrag."), ("1.000,001", "hoogstens twee cijfers na de komma"),
    ("-5,00", "is geen bedrag"), ("tien euro", "is geen bedrag"), ("0,00", "groter zijn dan € 0,00"),
    ("", "Vul een bedrag in"), ("1.000.000.000.000,00", "te groot"),
])
def test_wrong_amounts_get_a_dutch_message(text: str, message: str) -> None:
    with pytest.raises(report.AmountError) as exc:
        report.parse_amount(text)
    assert message in str(exc.value)


def test_a_total_and_levels_together_are_refused() -> None:
    with pytest.raises(report.AmountError, match="niet allebei"):
        report.entered_amounts("1.000,00", {"1": "500,00", "2": None, "2A": ""})
    with pytest.raises(report.AmountError, match="^Niveau 2A: '1,2,3' is geen bedrag"):
        report.entered_amounts("", {"1": "500,00", "2": None, "2A": "1,2,3"})
    assert report.entered_amounts(" ", {"1": "", "2": None, "2A": None}) is None
    assert report.entered_amounts(None, {"1": "500,00", "2A": "0,07"}) == {"1": 50000, "2A": 7}


# --- the split by hand ---------------------------------------------------------------------------------

def test_source_split_by_hand(small_wh: Path) -> None:
    split = report.build(Warehouse(small_wh), YEAR)
    # Level 1: 100000 cents over 15: Breda 700000/15 = 46666 rest 10, Altena 500000/15 = 33333 rest 5,
    #   Etten-Leur 300000/15 = 20000 rest 0; floors 99999, the one cent left to the largest rest: Breda 46667.
    # Level 2: 10001 cents over Breda alone; level 2A: 7 cents over Etten-Leur alone.
    assert cents_of(split, "bijdrage_1") == {ALTENA: 33333, BREDA: 46667, ETTEN_LEUR: 20000, "REGIO": 100000}
    assert cents_of(split, "bijdrage_2") == {BREDA: 10001, "REGIO": 10001}
    assert cents_of(split, "bijdrage_2A") == {ETTEN_LEUR: 7, "REGIO": 7}
    # Year: Breda 56668, Altena 33333, Etten-Leur 20007, region 110008 (= 100000 + 10001 + 7).
    assert cents_of(split, "jaarbijdrage") == {ALTENA: 33333, BREDA: 56668, ETTEN_LEUR: 20007, "REGIO": 110008}
    # Quarters: a quarter rounded down, the rest in Q4: Breda 14167 x 4; Altena 8333 x 3 + 8334;
    #   Etten-Leur 5001 x 3 + 5004; region: the advances added up, 27501 x 3 + 27505.
    quarters = {q: cents_of(split, f"kwartaal_{q}") for q in (1, 2, 3, 4)}
    assert [quarters[q][BREDA] for q in (1, 2, 3, 4)] == [14167] * 4
    assert [quarters[q][ALTENA] for q in (1, 2, 3, 4)] == [8333, 8333, 8333, 8334]
    assert [quarters[q][ETTEN_LEUR] for q in (1, 2, 3, 4)] == [5001, 5001, 5001, 5004]
    assert [quarters[q]["REGIO"] for q in (1, 2, 3, 4)] == [27501, 27501, 27501, 27505]
    assert split.table["inwoners"].tolist() == [5, 7, 3, 15]  # Altena, Breda, Etten-Leur (by name), region
    assert split.table["aandeel_1"].tolist() == pytest.approx([100 * 5 / 15, 100 * 7 / 15, 100 * 3 / 15, 100])
    assert split.adds_up and split.defined and split.entered is None


def test_entered_total_by_hand(small_wh: Path) -> None:
    split = report.build(Warehouse(small_wh), YEAR, {"totaal": report.parse_amount("1.000.000,01")})
    # 100000001 cents over 15: Breda x 7 = 46666667 rest 2; Altena x 5 = 33333333 rest 10;
    #   Etten-Leur x 3 = 20000000 rest 3; floors 100000000, one cent left: Altena (rest 10).
    assert cents_of(split, "bijdrage_totaal") == {ALTENA: 33333334, BREDA: 46666667, ETTEN_LEUR: 20000000,
                                                  "REGIO": 100000001}
    # Quarters: Breda 11666666 x 3 + 11666669; Altena 8333333 x 3 + 8333335; Etten-Leur 5000000 x 4.
    assert [cents_of(split, f"kwartaal_{q}")[BREDA] for q in (1, 2, 3, 4)] == [11666666] * 3 + [11666669]
    assert [cents_of(split, f"kwartaal_{q}")[ALTENA] for q in (1, 2, 3, 4)] == [8333333] * 3 + [8333335]
    assert [cents_of(split, f"kwartaal_{q}")[ETTEN_LEUR] for q in (1, 2, 3, 4)] == [5000000] * 4
    assert split.adds_up and [c for c, _, _ in split.columns if c.startswith("bijdrage")] == ["bijdrage_totaal"]


@pytest.mark.parametrize(("amount", "expected"), [
    # 1 cent: rests 7, 5, 3 of 15 -> Breda.  7 cents: Breda 49/15 = 3 rest 4, Altena 35/15 = 2 rest 5,
    # Etten-Leur 21/15 = 1 rest 6: floors 6, the cent left to Etten-Leur (rest 6).
    ("0,01", {ALTENA: 0, BREDA: 1, ETTEN_LEUR: 0}), ("0,07", {ALTENA: 2, BREDA: 3, ETTEN_LEUR: 2}),
])
def test_entered_cents_by_hand(small_wh: Path, amount: str, expected: dict[str, int]) -> None:
    split = report.build(Warehouse(small_wh), YEAR, {"totaal": report.parse_amount(amount)})
    got = cents_of(split, "jaarbijdrage")
    assert got == {**expected, "REGIO": sum(expected.values())}
    for code, cents in expected.items():  # a quarter of less than 4 cents is 0; all of it in Q4
        assert [cents_of(split, f"kwartaal_{q}")[code] for q in (1, 2, 3, 4)] == [0, 0, 0, cents]


def test_entered_per_level(small_wh: Path) -> None:
    split = report.build(Warehouse(small_wh), YEAR, {"2A": 7, "2": 300})
    # Level 2 over Breda alone, level 2A over Etten-Leur alone; Altena (level 1 only) takes part in neither
    assert cents_of(split, "jaarbijdrage") == {BREDA: 300, ETTEN_LEUR: 7, "REGIO": 307}
    assert split.table["gemeente_code"].tolist() == [BREDA, ETTEN_LEUR, "REGIO"]
    assert split.lines.to_dict("list") == {"regel": ["Niveau 2", "Niveau 2A"], "bedrag": [3.0, 0.07],
                                           "gemeenten": [1, 1], "inwoners": [7.0, 3.0], "som": [3.0, 0.07]}


def test_a_year_without_inhabitants_is_not_split(small_wh: Path) -> None:
    split = report.build(Warehouse(small_wh), 2030, {"totaal": 100})
    assert not split.defined and not split.adds_up
    assert split.notices == ["Er zijn geen inwonertallen op 01-01-2029: de kosten van 2030 zijn nog niet te "
                             "verdelen."]
    assert split.table["jaarbijdrage"].isna().all()


# --- one definition, and awkward amounts over 16 municipalities --------------------------------------

def test_entered_amounts_use_the_kpi_definition(demo_warehouse: Path) -> None:
    """The same SQL: the source's own lines entered by hand give exactly the KPI's rows, every budget year."""
    wh = Warehouse(demo_warehouse)
    for year in queries.periods(wh, cost_split.KIND):
        entered = cost_split.entered_split(wh, int(year), cost_split.budget_lines(wh, int(year)))
        stored = queries.kpi_values(wh, ["kostenverdeling"], [year], breakdown=None)
        pd.testing.assert_frame_equal(entered.reset_index(drop=True), stored.reset_index(drop=True))


def largest_remainder(cents: int, inhabitants: dict[str, int]) -> dict[str, int]:
    """The test's own reading of kpis.md, with exact fractions: floors, then one cent each to the largest
    remainders, ties to the lowest code."""
    total = sum(inhabitants.values())
    exact = {c: Fraction(cents * n, total) for c, n in inhabitants.items()}
    out = {c: int(x) for c, x in exact.items()}
    for code in sorted(exact, key=lambda c: (-(exact[c] - out[c]), c))[:cents - sum(out.values())]:
        out[code] += 1
    return out


@pytest.mark.parametrize("amount", ["1.000.000,01", "0,01", "0,07"])
def test_awkward_amounts_over_16_municipalities_add_up_to_the_cent(demo_warehouse: Path, amount: str) -> None:
    wh = Warehouse(demo_warehouse)
    cents = report.parse_amount(amount)
    split = report.build(wh, YEAR, {"totaal": cents})
    municipal = split.table[split.table["gemeente_code"] != "REGIO"]
    assert len(municipal) == 16
    inhabitants = {c: int(n) for c, n in zip(municipal["gemeente_code"], municipal["inwoners"], strict=True)}
    got = {c: v for c, v in cents_of(split, "jaarbijdrage").items() if c != "REGIO"}
    assert sum(got.values()) == cents == cents_of(split, "jaarbijdrage")["REGIO"]
    assert got == largest_remainder(cents, inhabitants)
    for code, year_cents in got.items():
        quarters = [cents_of(split, f"kwartaal_{q}")[code] for q in (1, 2, 3, 4)]
        assert quarters[:3] == [year_cents // 4] * 3 and sum(quarters) == year_cents
    if cents == 1:  # the one cent goes to the municipality with the most inhabitants
        assert got[max(inhabitants, key=inhabitants.get)] == 1
    assert split.adds_up


# --- the workbook -----------------------------------------------------------------------------------

def sheet_values(content: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(r) for r in book[name].iter_rows(values_only=True) if any(v is not None for v in r)]


def about(content: bytes) -> dict[str, str]:
    return {r[0]: r[1] for r in sheet_values(content, "Toelichting") if r[0] and r[1]}


def test_workbook_cell_by_cell(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    content = report.workbook(report.build(wh, YEAR), queries.data_date(wh))
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Toelichting", "Kostenverdeling",
                                                                       "Begrotingsregels"]
    header = ("Gemeente", "Code", "Niveau", "Inwoners 5-23 op 01-01-2025", "Aandeel niveau 1 (%)",
              "Bijdrage niveau 1 (€)", "Aandeel niveau 2 (%)", "Bijdrage niveau 2 (€)", "Aandeel niveau 2A (%)",
              "Bijdrage niveau 2A (€)", "Jaarbijdrage (€)", "Voorschot kwartaal 1 (€)", "Voorschot kwartaal 2 (€)",
              "Voorschot kwartaal 3 (€)", "Voorschot kwartaal 4 (€)")
    assert sheet_values(content, "Kostenverdeling") == [
        ("Kostenverdeling begrotingsjaar 2026",) + (None,) * 14,
        header,
        ("Altena", ALTENA, "1", 5, 33.3333, 333.33, None, None, None, None, 333.33, 83.33, 83.33, 83.33, 83.34),
        ("Breda", BREDA, "2", 7, 46.6667, 466.67, 100, 100.01, None, None, 566.68, 141.67, 141.67, 141.67, 141.67),
        ("Etten-Leur", ETTEN_LEUR, "2A", 3, 20, 200, None, None, 100, 0.07, 200.07, 50.01, 50.01, 50.01, 50.04),
        ("Regio West-Brabant (totaal)", "REGIO", None, 15, 100, 1000, 100, 100.01, 100, 0.07, 1100.08, 275.01,
         275.01, 275.01, 275.05),
    ]
    assert sheet_values(content, "Begrotingsregels") == [
        ("Begrotingsregel", "Bedrag (€)", "Deelnemende gemeenten", "Inwoners deelnemers", "Som van de bijdragen (€)"),
        ("Niveau 1", 1000, 3, 15, 1000), ("Niveau 2", 100.01, 1, 7, 100.01), ("Niveau 2A", 0.07, 1, 3, 0.07)]
    account = about(content)
    assert account["Periode"] == "begrotingsjaar 2026"
    assert account["Datum van de gegevens"] == "15-11-2025"
    assert account["Bronnen"] == "RBL begroting; CBS"
    assert account["Kleine aantallen onderdrukt"].startswith("Nee")


def test_entered_workbook_says_where_the_amount_came_from(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    split = report.build(wh, YEAR, {"totaal": 7})
    content = report.workbook(split, queries.data_date(wh))
    assert report.filename(split) == "kostenverdeling-2026-ingevoerd.xlsx"
    assert about(content)["Periode"] == "begrotingsjaar 2026, ingevoerd bedrag"
    assert about(content)["Bronnen"] == "ingevoerd bedrag; CBS"
    rows = sheet_values(content, "Kostenverdeling")
    assert rows[0][0] == "Kostenverdeling begrotingsjaar 2026, ingevoerd bedrag"
    # contribution to the one line, the year, and Q4 (a quarter of 2 or 3 cents is 0: all of it in Q4)
    assert [(r[1], r[5], r[6], r[10]) for r in rows[2:]] == [
        (ALTENA, 0.02, 0.02, 0.02), (BREDA, 0.03, 0.03, 0.03), (ETTEN_LEUR, 0.02, 0.02, 0.02),
        ("REGIO", 0.07, 0.07, 0.07)]


# --- the command line -----------------------------------------------------------------------------------

def test_cli_writes_the_source_split(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "k.xlsx"
    assert reports_main(["kostenverdeling", "--warehouse", str(small_wh), "--budget-year", "2026",
                         "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Geschreven: {out} (begrotingsjaar 2026, 3 gemeenten)\n"
    assert sheet_values(out.read_bytes(), "Kostenverdeling")[2][:6] == ("Altena", ALTENA, "1", 5, 33.3333, 333.33)


def test_cli_entered_amounts(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "k.xlsx"
    assert reports_main(["kostenverdeling", "--warehouse", str(small_wh), "--budget-year", "2026",
                         "--bedrag", "1000000,01", "--out", str(out)]) == 0
    assert "ingevoerd bedrag" in capsys.readouterr().out
    rows = sheet_values(out.read_bytes(), "Kostenverdeling")
    assert [(r[1], r[6]) for r in rows[2:]] == [(ALTENA, 333333.34), (BREDA, 466666.67), (ETTEN_LEUR, 200000),
                                                 ("REGIO", 1000000.01)]
    assert reports_main(["kostenverdeling", "--warehouse", str(small_wh), "--budget-year", "2026",
                         "--niveau", "2a=0,07", "--out", str(out)]) == 0
    assert [(r[1], r[-5]) for r in sheet_values(out.read_bytes(), "Kostenverdeling")[2:]] == [
        (ETTEN_LEUR, 0.07), ("REGIO", 0.07)]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--budget-year", "2026", "--bedrag", "1,000,000.01"], 1, "Fout: '1,000,000.01' is geen bedrag."),
    (["--budget-year", "2026", "--niveau", "3=10,00"], 1, "Fout: --niveau '3=10,00': schrijf NIVEAU=BEDRAG"),
    (["--budget-year", "2025"], 1, "Fout: de begroting heeft geen regels voor 2025 (wel voor: 2026)."),
    (["--budget-year", "2030", "--bedrag", "10,00"], 1, "Fout: er zijn geen inwonertallen op 1-1-2029"),
])
def test_cli_refuses_with_a_message(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                    args: list[str], code: int, message: str) -> None:
    out = tmp_path / "k.xlsx"
    assert reports_main(["kostenverdeling", "--warehouse", str(small_wh), *args, "--out", str(out)]) == code
    assert capsys.readouterr().err.startswith(message)
    assert not out.exists()


def test_cli_without_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert reports_main(["kostenverdeling", "--warehouse", str(tmp_path), "--budget-year", "2026",
                         "--out", str(tmp_path / "k.xlsx")]) == 2
    assert "Er is nog geen warehouse" in capsys.readouterr().err


# --- the page, without a browser -------------------------------------------------------------------------

def post(client, body: dict) -> dict:
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def amount_inputs(total: str | None) -> tuple[list[dict], list[dict]]:
    submits = [{"id": "kostenverdeling-bereken", "property": "n_clicks", "value": 1},
               {"id": "kostenverdeling-bedrag", "property": "n_submit", "value": None},
               *[{"id": f"kostenverdeling-niveau-{lv}", "property": "n_submit", "value": None}
                 for lv in cost_split.LEVELS]]
    states = [{"id": "kostenverdeling-bedrag", "property": "value", "value": total},
              *[{"id": f"kostenverdeling-niveau-{lv}", "property": "value", "value": None} for lv in cost_split.LEVELS]]
    return submits, states


def test_typed_amount_goes_into_the_url_and_a_wrong_one_gets_a_message(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    submits, states = amount_inputs("1000000,01")
    body = {"output": "kostenverdeling-url.search", "outputs": {"id": "kostenverdeling-url", "property": "search"},
            "inputs": [{"id": "kostenverdeling-jaar", "property": "value", "value": "2026"},
                       {"id": "kostenverdeling-begroting", "property": "n_clicks", "value": None}, *submits],
            "state": [*states, {"id": "kostenverdeling-url", "property": "search", "value": ""}],
            "changedPropIds": ["kostenverdeling-bereken.n_clicks"]}
    assert post(client, body)["kostenverdeling-url"]["search"] == "?bedrag=1.000.000%2C01"
    message = {"output": "kostenverdeling-melding.children",
               "outputs": {"id": "kostenverdeling-melding", "property": "children"},
               "inputs": submits, "state": states, "changedPropIds": ["kostenverdeling-bereken.n_clicks"]}
    assert post(client, message)["kostenverdeling-melding"]["children"] == ""
    _, wrong = amount_inputs("1.000.000.01")
    message["state"] = wrong
    assert post(client, message)["kostenverdeling-melding"]["children"] == (
        "'1.000.000.01' is geen bedrag. Schrijf het als 1.000.000,01: punten tussen de duizendtallen (of geen "
        "punten), een komma voor de centen, hoogstens twee cijfers na de komma.")
    body["state"] = [*wrong, {"id": "kostenverdeling-url", "property": "search", "value": ""}]
    assert post(client, body) == {}  # no_update: the URL stays as it was


def download(client, search: str) -> tuple[str, bytes]:
    import base64

    body = {"output": "kostenverdeling-download.data",
            "outputs": {"id": "kostenverdeling-download", "property": "data"},
            "inputs": [{"id": "kostenverdeling-download-xlsx", "property": "n_clicks", "value": 1}],
            "state": [{"id": "kostenverdeling-url", "property": "search", "value": search}],
            "changedPropIds": ["kostenverdeling-download-xlsx.n_clicks"]}
    data = post(client, body)["kostenverdeling-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_page_download_is_the_report(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    name, content = download(client, "?bedrag=0%2C07")
    assert name == "kostenverdeling-2026-ingevoerd.xlsx"
    assert [(r[1], r[6]) for r in sheet_values(content, "Kostenverdeling")[2:]] == [
        (ALTENA, 0.02), (BREDA, 0.03), (ETTEN_LEUR, 0.02), ("REGIO", 0.07)]
    # staff see the rows of their own municipalities only (Breda here), not the region's total row
    _, content = download(login_client(create_app(small_wh), "medewerker"), "")
    assert [r[1] for r in sheet_values(content, "Kostenverdeling")[2:]] == [BREDA]
    assert sheet_values(content, "Begrotingsregels")[1] == ("Niveau 1", 1000, 3, 15, 1000)


# --- in the browser, on the demo warehouse -------------------------------------------------------------------

def wait_for_file(folder: str, name: str, seconds: float = 15) -> Path:
    target = Path(folder) / name
    deadline = time.time() + seconds
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    # Chromium writes to NAME.crdownload and renames it when done: wait for that, not for a fixed time
    while list(Path(folder).glob("*.crdownload")) and time.time() < deadline:
        time.sleep(0.1)
    assert target.exists() and not list(Path(folder).glob("*.crdownload")), f"{name} did not arrive"
    return target


def click(dash_duo, selector: str) -> None:
    # by script: in the test's small window the button can sit below the fold or under the navbar
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.wait_for_element(selector))


@pytest.mark.browser
def test_kostenverdeling_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = queries.periods(wh, cost_split.KIND)[-1]
    stored = queries.kpi_values(wh, ["kostenverdeling"], [year], breakdown=None)
    totals = stored[stored["breakdown"] == ""].set_index("municipality_code")
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/kostenverdeling")
    cell = "#kostenverdeling-tabel-GM0758 .col-jaarbijdrage"
    dash_duo.wait_for_text_to_equal(cell, fmt.number(totals.loc[BREDA, "value"], 2))
    dash_duo.wait_for_text_to_equal("#kostenverdeling-tabel-REGIO .col-jaarbijdrage",
                                    fmt.number(totals.loc["REGIO", "value"], 2))
    assert dash_duo.find_element("#kostenverdeling-controle").text.startswith("Controle: elke begrotingsregel")

    # a wrong amount: a message, the figures stay
    field = dash_duo.find_element("#kostenverdeling-bedrag")
    field.send_keys("1,000,000.01")
    click(dash_duo, "#kostenverdeling-bereken")
    dash_duo.wait_for_contains_text("#kostenverdeling-melding", "'1,000,000.01' is geen bedrag.")
    assert dash_duo.find_element(cell).text == fmt.number(totals.loc[BREDA, "value"], 2)

    # the right amount: the contributions become the known split of € 1.000.000,01 over the inhabitants
    dash_duo.clear_input(field)  # Selenium's clear() leaves a React input's value
    field.send_keys("1.000.000,01")
    click(dash_duo, "#kostenverdeling-bereken")
    inhabitants = {c: int(n) for c, n in totals["numerator"].items() if c != "REGIO"}
    known = largest_remainder(100_000_001, inhabitants)
    dash_duo.wait_for_text_to_equal(cell, fmt.number(known[BREDA] / 100, 2))
    for code in (ALTENA, "GM1719"):
        assert dash_duo.find_element(f"#kostenverdeling-tabel-{code} .col-jaarbijdrage").text == fmt.number(
            known[code] / 100, 2)
    dash_duo.wait_for_text_to_equal("#kostenverdeling-tabel-REGIO .col-jaarbijdrage", "1.000.000,01")
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/kostenverdeling?bedrag=1.000.000%2C01"
    assert "ingevoerd bedrag" in dash_duo.find_element("#kostenverdeling-bron").text.lower()

    click(dash_duo, "#kostenverdeling-download-xlsx")
    target = wait_for_file(dash_duo.download_path, f"kostenverdeling-{year}-ingevoerd.xlsx")
    rows = {r[1]: r for r in sheet_values(target.read_bytes(), "Kostenverdeling")[2:]}
    assert {c: round(rows[c][-5] * 100) for c in known} == known

    # back to the budget
    click(dash_duo, "#kostenverdeling-begroting")
    dash_duo.wait_for_text_to_equal(cell, fmt.number(totals.loc[BREDA, "value"], 2))
    assert dash_duo.get_logs() == []


def page_text(client, search: str) -> str:
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/kostenverdeling"},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_page_states_and_notices(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    text = page_text(client, "")
    assert "De begroting 2026 uit de bron" in text and "Controle: elke begrotingsregel" in text
    assert "\"566,68\"" in text  # Breda's year contribution
    text = page_text(client, "?bedrag=0%2C07")
    assert "Een ingevoerd bedrag (totaal € 0,07)" in text and "\"0,07\"" in text
    text = page_text(client, "?jaar=2030&bedrag=1,0,0")
    assert "Onbekend begrotingsjaar '2030'; hieronder 2026." in text
    assert "Het bedrag in de adresbalk klopt niet: '1,0,0' is geen bedrag." in text
