"""The statistical annual report (reports/jaarverslag.py, pages/jaarverslag.py): the XLSX read back cell by cell
against hand-worked values, the CSV in the long format, the publication (suppressed) and internal versions, the
command line, who may download what, and the page in headless Chromium on the demo warehouse.

The small warehouse is the one of tests/test_kpis_jaarverslag.py (its docstring lists every person and record);
the figures below are worked out by hand from that list, not copied from the program's output.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from app import create_app
from presentation import formats as fmt
from reports import cli
from reports import jaarverslag as report
from tests.conftest import ROOT, login_client, start_and_login
from tests.kpi_fixtures import ALTENA, BREDA, ETTEN_LEUR, load_sources
from tests.test_access import router_body
from tests.test_kpis_jaarverslag import SOURCES, Y0, Y
from warehouse import queries
from warehouse.connection import Warehouse

HEADER = ["Omschrijving", "PO en SBO", "(V)SO", "VO incl. pro", "MBO", "HO", "Onbekend", f"Totaal {Y}",
          "Waarvan geen onderwijs", f"Totaal {Y0}"]
AREA_SHEETS = ["Regio West-Brabant", "Altena", "Breda", "Etten-Leur"]
N = None  # an empty cell: no type of education (CBS), or "geen onderwijs" of reports
Z6 = (0, 0, 0, 0, 0, 0)  # no one in any type of education

# Breda, 2023-2024, internal version: (label, PO, (V)SO, VO, MBO, HO, onbekend, total, geen onderwijs, total Y0).
# Worked out from the persons and records in tests/test_kpis_jaarverslag.py.
BREDA_TABLE = [
    ("Inwoners",),
    ("Inwoners 5 t/m 17 jaar (CBS)", N, N, N, N, N, N, 1000, N, 900),
    ("Jongeren 5 t/m 17 jaar in de BRP", 2, 1, 4, 1, 0, 1, 9, 3, 9),  # P1 P7 | P8 | P2 P3 P9 P10 | P5 | P4
    ("Inwoners 18 t/m 22 jaar (CBS)", N, N, N, N, N, N, 300, N, 280),
    ("Jongeren 18 t/m 22 jaar in de BRP", 0, 0, 1, 0, 0, 0, 1, 1, 1),  # P6: VO last followed
    ("Absoluut verzuim (leerlingen)",),
    ("Absoluut verzuim", 0, 0, 1, 0, 0, 0, 1, 1, 0),  # P3 (Z1)
    ("    waarvan terug op school", 0, 0, 1, 0, 0, 0, 1, 1, 0),
    ("    waarvan langer dan 3 maanden", 0, 0, 1, 0, 0, 0, 1, 1, 0),
    ("Langdurig relatief verzuim (zaken)",),
    ("Langdurig relatief verzuim", 0, 0, 1, 0, 0, 0, 1, 0, 1),  # Z3 (P9, VO); in Y0 it was new
    ("    bij aanvang (open op 1 september)", 0, 0, 1, 0, 0, 0, 1, 0, 0),
    ("    nieuw in het schooljaar", *Z6, 0, 0, 1),
    ("    langer dan 3 maanden", 0, 0, 1, 0, 0, 0, 1, 0, 0),
    ("    opgelost (terug op school)", 0, 0, 1, 0, 0, 0, 1, 0, 0),
    ("Vrijstellingen (leerlingen)",),
    ("Vrijstellingen", 0, 1, 0, 0, 0, 1, 2, 2, 1),  # P8 (VSO last followed), P4 (never enrolled); Y0: P4
    ("    art. 5 onder a (lichamelijk of psychisch)", 0, 1, 0, 0, 0, 0, 1, 1, 0),
    ("    art. 5 onder b (richting)", 0, 0, 0, 0, 0, 1, 1, 1, 1),
    ("    art. 5 onder c (school in het buitenland)", *Z6, 0, 0, 0),  # P1's was refused
    ("    art. 5a (trekkende bestaanswijze)", *Z6, 0, 0, 0),
    ("    art. 15 (geen geschikte school)", *Z6, 0, 0, 0),
    ("Vervangende leerplicht (leerlingen)",),
    ("Vervangende leerplicht", 0, 0, 1, 0, 0, 0, 1, 1, 0),  # P10 3a, VO until 31-8-2023
    ("    art. 3a (andere vorm van onderwijs)", 0, 0, 1, 0, 0, 0, 1, 1, 0),
    ("    art. 3b (16-jarigen)", *Z6, 0, 0, 0),
    ("Relatief verzuim",),
    ("Relatief verzuim: leerlingen", 0, 0, 1, 1, 0, 0, 2, N, 2),  # P9 (VO), P5 (MBO); Y0: P2, P9
    ("    16 uur in 4 weken, onder 18 (V3)", 0, 0, 1, 1, 0, 0, 2, N, 1),
    ("    oude code V1", *Z6, 0, N, 0),
    ("    oude code V2", *Z6, 0, N, 0),
    ("    1 maand of langer ongeoorloofd (LRV)", 0, 0, 1, 0, 0, 0, 1, N, 1),
    ("Relatief verzuim: meldingen", 0, 0, 2, 1, 0, 0, 3, N, 2),  # R1 R2 R11; Y0: R9 R10
    ("    16 uur in 4 weken, onder 18 (V3)", 0, 0, 1, 1, 0, 0, 2, N, 1),
    ("    oude code V1", *Z6, 0, N, 0),
    ("    oude code V2", *Z6, 0, N, 0),
    ("    1 maand of langer ongeoorloofd (LRV)", 0, 0, 1, 0, 0, 0, 1, N, 1),
    ("Overige verzuimmeldingen", 0, 0, 1, 0, 0, 0, 1, N, 0),  # R4 (R5 belongs to Etten-Leur)
    ("    16 uur in 4 weken, 18 jaar en ouder (V4)", *Z6, 0, N, 0),
    ("    18+ (RMC)", *Z6, 0, N, 0),
    ("    signaalverzuim", 0, 0, 1, 0, 0, 0, 1, N, 0),
    ("    beginnend verzuim", *Z6, 0, N, 0),
    ("    overig (O)", *Z6, 0, N, 0),
    ("Luxe verzuim",),
    ("Luxe verzuim: meldingen", 2, 0, 0, 0, 0, 0, 2, N, 0),  # R6 R7 (R8 withdrawn)
    ("Luxe verzuim: leerlingen", 1, 0, 0, 0, 0, 0, 1, N, 0),
    ("HALT en processen-verbaal",),
    ("HALT-verwijzingen", 0, 0, 0, 1, 0, 0, 1, 0, 1),  # A1 (P5 MBO); Y0: A5
    ("Processen-verbaal", 0, 0, 1, 0, 0, 0, 1, 0, 0),  # A2 (P9)
    ("    bij absoluut verzuim", *Z6, 0, 0, 0),
    ("    bij relatief verzuim (ook LRV en 18+)", 0, 0, 1, 0, 0, 0, 1, 0, 0),
    ("    bij luxe verzuim", *Z6, 0, 0, 0),
    ("    bij een andere zaak", *Z6, 0, 0, 0),
]


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("jaarverslag_report"), SOURCES).path


def everything(wh: Warehouse, public: bool) -> report.Scope:
    names = queries.municipalities(wh)
    return report.Scope(dict(zip(names["gemeente_code"], names["naam"], strict=True)), True, public)


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[tuple]:
    """The table of an area sheet: the rows below the title and the blank line."""
    return [tuple(r) for r in book[name].iter_rows(min_row=3, values_only=True)]


def padded(expected: tuple) -> tuple:
    return expected + (None,) * (len(HEADER) - len(expected))


def read(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def about(book: openpyxl.Workbook) -> dict[str, str]:
    return {r[0]: r[1] for r in book["Toelichting"].iter_rows(min_row=3, max_row=8, values_only=True)}


def test_internal_xlsx_cell_by_cell(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    book = read(report.workbook(wh, Y, everything(wh, public=False)))
    assert book.sheetnames == ["Toelichting", *AREA_SHEETS, "Definities"]
    rows = sheet_rows(book, "Breda")
    assert list(rows[0]) == HEADER
    assert rows[1:] == [padded(r) for r in BREDA_TABLE]
    assert book["Breda"]["A1"].value.startswith(f"Statistisch jaarverslag leerplicht {Y}, Breda (interne versie")
    assert "vóór 01-10-2024" in book["Breda"]["A1"].value  # setting deadlines.jaarverslag = "10-01"
    assert book["Breda"]["H6"].number_format == "#,##0"  # whole numbers; Excel in Dutch shows 1.000

    # Altena: P11 (VO) and P12 (never enrolled, not in school) in the BRP; Z4 absoluut verzuim (P12);
    # PV A3 on report R3 (P11, relatief) and A4 on Z4 (P12, absoluut)
    altena = {r[0]: r[1:] for r in sheet_rows(book, "Altena")[1:]}
    assert altena["Jongeren 5 t/m 17 jaar in de BRP"] == (0, 0, 1, 0, 0, 1, 2, 1, 2)  # Y0: P11 (PO) and P12
    assert altena["Absoluut verzuim"] == (0, 0, 0, 0, 0, 1, 1, 1, 0)
    assert altena["    waarvan terug op school"] == (*Z6, 0, 0, 0)
    assert altena["Processen-verbaal"] == (0, 0, 1, 0, 0, 1, 2, 1, 0)
    assert altena["    bij absoluut verzuim"] == (0, 0, 0, 0, 0, 1, 1, 1, 0)
    assert altena["Inwoners 18 t/m 22 jaar (CBS)"] == (N, N, N, N, N, N, 100, N, N)  # no CBS row in 2023

    # The region counts everyone once: BRP 5-17 = Breda 9 + Altena 2; reports R1 R2 R3 R11
    region = {r[0]: r[1:] for r in sheet_rows(book, "Regio West-Brabant")[1:]}
    assert region["Inwoners 5 t/m 17 jaar (CBS)"] == (N, N, N, N, N, N, 1750, N, 1620)
    assert region["Jongeren 5 t/m 17 jaar in de BRP"] == (2, 1, 5, 1, 0, 2, 11, 4, 11)
    assert region["Jongeren 18 t/m 22 jaar in de BRP"] == (0, 0, 1, 1, 0, 0, 2, 1, 2)  # P6 (VO), P13 (MBO)
    assert region["Relatief verzuim: meldingen"] == (0, 0, 3, 1, 0, 0, 4, N, 2)
    assert region["Overige verzuimmeldingen"] == (0, 0, 1, 1, 0, 0, 2, N, 0)  # R4, R5 (V4)

    account = about(book)
    assert account["Periode"] == f"schooljaar {Y} (met {Y0} ter vergelijking)"
    assert account["Datum van de gegevens"] == "15-11-2025"
    assert account["Kleine aantallen onderdrukt"].startswith("Nee")
    assert "CBS" in account["Bronnen"] and "DUO verzuimregister" in account["Bronnen"]

    definitions = sheet_rows(book, "Definities")
    assert list(definitions[0]) == ["Blok", "Rij", "Code (uitsplitsing in de CSV)", "Definitie", "Telt",
                                    "Wettelijke basis", "Bron"]
    assert len(definitions) == 1 + 1 + 45  # header, the columns, one per row of the report
    codes = {r[1]: r[2] for r in definitions[2:]}
    assert codes["Jongeren 5 t/m 17 jaar in de BRP"] == "rij=leerplichtigen"
    assert codes["waarvan terug op school"] == "fase=terug_op_school;rij=absoluut_verzuim"


def test_the_oldest_year_has_no_previous_column(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    book = read(report.workbook(wh, Y0, everything(wh, public=False)))
    rows = sheet_rows(book, "Breda")
    assert list(rows[0]) == HEADER[:7] + [f"Totaal {Y0}", "Waarvan geen onderwijs"]
    assert about(book)["Periode"] == f"schooljaar {Y0}"


def numbers_below(book: openpyxl.Workbook, threshold: int) -> list[tuple[str, str, object]]:
    out = []
    for name in AREA_SHEETS:
        for row in book[name].iter_rows(min_row=4):
            out += [(name, c.coordinate, c.value) for c in row
                    if isinstance(c.value, int | float) and 0 < c.value < threshold]
    return out


def test_publication_xlsx_is_suppressed(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    book = read(report.workbook(wh, Y, everything(wh, public=True)))
    assert numbers_below(book, 5) == []
    assert about(book)["Kleine aantallen onderdrukt"].startswith("Ja: aantallen van 1 tot en met 4 staan als <5")
    breda = {r[0]: r[1:] for r in sheet_rows(book, "Breda")[1:]}
    # every cell 1-4 is <5; the total 9 is hidden too (×): Altena's 2 is the only hidden cell of the table of
    # municipalities (Breda 9, Altena <5, Etten-Leur 0, region 11), so its smallest shown non-zero cell goes
    # as well, in both years (Y0: Breda 9, Altena 2)
    assert breda["Jongeren 5 t/m 17 jaar in de BRP"] == ("<5", "<5", "<5", "<5", 0, "<5", "×", "<5", "×")
    assert breda["Inwoners 5 t/m 17 jaar (CBS)"] == (N, N, N, N, N, N, 1000, N, 900)
    assert breda["    art. 5a (trekkende bestaanswijze)"] == (*Z6, 0, 0, 0)  # 0 is not a small number
    region = {r[0]: r[1:] for r in sheet_rows(book, "Regio West-Brabant")[1:]}
    assert region["Jongeren 5 t/m 17 jaar in de BRP"] == ("<5", "<5", 5, "<5", 0, "<5", 11, "<5", 11)


def test_csv_is_the_long_format_of_warehouse_kpis(small_wh: Path, capsys: pytest.CaptureFixture) -> None:
    from warehouse import cli as warehouse_cli

    wh = Warehouse(small_wh)
    text = report.csv_bytes(wh, Y, everything(wh, public=False)).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "kpi_id,period,municipality_code,breakdown,value,numerator,denominator,covered_through"
    # covered_through (last column): this small warehouse's sources stop early in each year, so both years are
    # partial (warehouse.coverage; tests/test_coverage.py checks the dates by hand): one date per year
    figures = {line.rsplit(",", 1)[0] for line in lines[1:]}
    assert len({(line.split(",")[1], line.rsplit(",", 1)[1]) for line in lines[1:]}) == 2
    assert f"jaarverslag,{Y},{BREDA},rij=leerplichtigen,9,9," in figures
    assert f"jaarverslag,{Y},{BREDA},maat=geen_onderwijs;rij=leerplichtigen,3,3," in figures
    assert f"jaarverslag,{Y},{ALTENA},onderwijssoort=onbekend;rij=proces_verbaal;zaaksoort=absoluut,1,1," in figures
    assert f"jaarverslag,{Y},REGIO,rij=inwoners_5_17,1750,1750," in figures
    assert f"jaarverslag,{Y0},{BREDA},fase=nieuw;rij=lrv,1,1," in figures
    # the rows of Y are exactly what `python -m warehouse kpis --period Y --kpi jaarverslag` writes
    assert warehouse_cli.main(["kpis", "--warehouse", str(small_wh), "--period", Y, "--kpi", "jaarverslag"]) == 0
    expected = capsys.readouterr().out.splitlines()
    assert sorted(line for line in lines[1:] if f",{Y}," in line) == sorted(expected[1:])
    assert {line.split(",")[1] for line in lines[1:]} == {Y, Y0}

    public = report.csv_bytes(wh, Y, everything(wh, public=True)).decode("utf-8").splitlines()
    public_figures = {line.rsplit(",", 1)[0] for line in public[1:]}
    assert f"jaarverslag,{Y},{BREDA},rij=leerplichtigen,×,," in public_figures
    assert f"jaarverslag,{Y},{BREDA},onderwijssoort=PO;rij=leerplichtigen,<5,," in public_figures
    values = [line.split(",")[4] for line in public[1:]]
    assert not {"1", "2", "3", "4"} & set(values)


def test_command_line(small_wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "jaarverslag.xlsx"
    # the exact command line of the brief, in a real process
    done = subprocess.run([sys.executable, "-m", "reports", "jaarverslag", "--school-year", Y, "--out", str(out),
                           "--warehouse", str(small_wh)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "publicatieversie" in done.stdout
    book = read(out.read_bytes())
    assert about(book)["Kleine aantallen onderdrukt"].startswith("Ja")
    assert numbers_below(book, 5) == []

    internal = tmp_path / "intern.xlsx"
    assert cli.main(["jaarverslag", "--warehouse", str(small_wh), "--school-year", Y, "--out", str(internal),
                     "--intern"]) == 0
    assert sheet_rows(read(internal.read_bytes()), "Breda")[1:] == [padded(r) for r in BREDA_TABLE]

    long = tmp_path / "jaarverslag.csv"
    assert cli.main(["jaarverslag", "--warehouse", str(small_wh), "--school-year", Y, "--out", str(long),
                     "--gemeente", ETTEN_LEUR]) == 0
    rows = list(csv.DictReader(io.StringIO(long.read_text(encoding="utf-8"))))
    assert {r["municipality_code"] for r in rows} == {ETTEN_LEUR}  # one municipality: no region
    capsys.readouterr()

    assert cli.main(["jaarverslag", "--warehouse", str(small_wh), "--school-year", "2019-2020",
                     "--out", str(tmp_path / "x.xlsx")]) == 1
    assert "geen cijfers voor schooljaar '2019-2020'" in capsys.readouterr().err
    assert cli.main(["jaarverslag", "--warehouse", str(small_wh), "--school-year", Y,
                     "--out", str(tmp_path / "x.pdf")]) == 1
    assert cli.main(["jaarverslag", "--warehouse", str(small_wh), "--school-year", Y, "--gemeente", "GM9999",
                     "--out", str(tmp_path / "x.xlsx")]) == 1
    assert cli.main(["jaarverslag", "--warehouse", str(tmp_path / "leeg"), "--school-year", Y,
                     "--out", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_explanations_and_notes_are_printed(small_wh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "toelichtingen"
    (folder / "jaarverslag").mkdir(parents=True)
    (folder / "jaarverslag" / f"{Y}.md").write_text("Meer meldingen door de nieuwe werkwijze.", encoding="utf-8")
    (folder / "lrv").mkdir()
    (folder / "lrv" / f"{Y}.{ALTENA}.md").write_text("In Altena loopt een pilot.", encoding="utf-8")
    notes_file = tmp_path / "reeksnotities.toml"
    notes_file.write_text(f'[[notitie]]\nkpi = "jaarverslag"\nperiode = "{Y0}"\ntekst = "Nieuwe definitie."\n',
                          encoding="utf-8")
    monkeypatch.setenv("RBL_TOELICHTINGEN", str(folder))
    monkeypatch.setenv("RBL_REEKSNOTITIES", str(notes_file))
    wh = Warehouse(small_wh)
    book = read(report.workbook(wh, Y, everything(wh, public=True)))
    texts = [r for r in book["Toelichting"].iter_rows(values_only=True) if r[0] == "Statistisch jaarverslag leerplicht"]
    assert (Y, "Toelichting: Meer meldingen door de nieuwe werkwijze.") in [r[1:3] for r in texts]
    assert (Y0, "Reeksnotitie: Nieuwe definitie.") in [r[1:3] for r in texts]
    assert book.sheetnames[-1] == "Toelichtingen gemeenten"
    assert sheet_rows(book, "Toelichtingen gemeenten")[1:] == [
        ("Altena", "Langdurig relatief verzuim (zaken)", Y, "In Altena loopt een pilot.")]
    page = render(login_client(create_app(small_wh), "wethouder"), f"?jaar={Y}")
    assert "Meer meldingen door de nieuwe werkwijze." in page and f"{Y0}: Nieuwe definitie." in page


# --- the page's download, as each role --------------------------------------------------------------------------
def download(client, search: str, kind: str, version: str) -> tuple[str, bytes]:
    body = {"output": "jaarverslag-download.data", "outputs": {"id": "jaarverslag-download", "property": "data"},
            "inputs": [{"id": f"jaarverslag-download-{k}", "property": "n_clicks", "value": 1 if kind == k else None}
                       for k in ("csv", "xlsx")],
            "state": [{"id": "jaarverslag-url", "property": "search", "value": search},
                      {"id": "jaarverslag-versie", "property": "value", "value": version}],
            "changedPropIds": [f"jaarverslag-download-{kind}.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]["jaarverslag-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_only_the_coordinator_gets_the_internal_version(small_wh: Path) -> None:
    app = create_app(small_wh)
    coordinator = login_client(app, "coordinator")
    name, content = download(coordinator, f"?jaar={Y}&gemeente={BREDA}", "xlsx", "intern")
    assert name == f"jaarverslag-{Y}-intern.xlsx"
    book = read(content)
    assert about(book)["Kleine aantallen onderdrukt"].startswith("Nee")
    assert sheet_rows(book, "Breda")[1:] == [padded(r) for r in BREDA_TABLE]
    name, content = download(coordinator, f"?jaar={Y}", "xlsx", "publicatie")
    assert name == f"jaarverslag-{Y}-publicatie.xlsx" and numbers_below(read(content), 5) == []

    # the portfolio holder asks for the internal version (a forged request): gets the publication version
    holder = login_client(app, "wethouder")
    name, content = download(holder, f"?jaar={Y}", "xlsx", "intern")
    assert name == f"jaarverslag-{Y}-publicatie.xlsx"
    book = read(content)
    assert about(book)["Kleine aantallen onderdrukt"].startswith("Ja") and numbers_below(book, 5) == []
    assert book.sheetnames == ["Toelichting", *AREA_SHEETS, "Definities"]
    name, content = download(holder, f"?jaar={Y0}", "csv", "intern")
    assert name == f"jaarverslag-{Y0}-publicatie.csv"
    values = [line.split(",")[4] for line in content.decode("utf-8").splitlines()[1:]]
    assert "<5" in values and not {"1", "2", "3", "4"} & set(values)


def test_staff_get_their_own_municipalities_suppressed(small_wh: Path) -> None:
    # the test account medewerker is assigned to Breda and Drimmelen; this warehouse has only Breda of the two
    staff = login_client(create_app(small_wh), "medewerker")
    name, content = download(staff, f"?jaar={Y}", "xlsx", "intern")
    assert name == f"jaarverslag-{Y}-{BREDA}-publicatie.xlsx"
    book = read(content)
    assert book.sheetnames == ["Toelichting", "Breda", "Definities"]  # no region, no other municipality
    assert about(book)["Kleine aantallen onderdrukt"].startswith("Ja")
    _, content = download(staff, f"?jaar={Y}", "csv", "publicatie")
    assert {line.split(",")[2] for line in content.decode("utf-8").splitlines()[1:]} == {BREDA}


def render(client, search: str) -> str:
    response = client.post("/_dash-update-component", json=router_body("/jaarverslag", search))
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)  # "vóór", not "v\\u00f3\\u00f3r"


def cell(page: str, row_id: str, field: str) -> str:
    """The text of one cell of the page's table, from the layout JSON."""
    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == f"jv-{row_id}-{field}":
                return props.get("children")
            for value in props.values():
                found = walk(value)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for item in node:
                found = walk(item)
                if found is not None:
                    return found
        return None

    return walk(json.loads(page)["response"]["_pages_content"]["children"])


def test_page_shows_the_table_for_each_role(small_wh: Path) -> None:
    app = create_app(small_wh)
    page = render(login_client(app, "coordinator"), f"?jaar={Y}&gemeente={BREDA}")
    assert "Jaarverslag Breda" in page and "vóór 01-10-2024" in page
    assert cell(page, "leerplichtigen", "totaal") == "9" and cell(page, "leerplichtigen", "vorig_jaar") == "9"
    assert cell(page, "inwoners_5_17", "totaal") == "1.000" and cell(page, "inwoners_5_17", "PO") == ""
    assert cell(page, "lrv_bij_aanvang", "VO") == "1"
    assert "Intern (niet onderdrukt" in page
    page = render(login_client(app, "wethouder"), f"?jaar={Y}&gemeente={BREDA}")
    assert cell(page, "leerplichtigen", "totaal") == "×" and cell(page, "leerplichtigen", "PO") == "<5"
    # not defined is empty, never "–" (that would read as a hidden figure)
    assert cell(page, "inwoners_5_17", "geen_onderwijs") == "" and cell(page, "halt", "geen_onderwijs") == "0"
    assert "Intern (niet onderdrukt" not in page
    page = render(login_client(app, "medewerker"), f"?jaar={Y}&gemeente={ALTENA}")
    assert "Onbekende gemeente" in page and "Jaarverslag Breda" in page and "Regio West-Brabant" not in page
    page = render(login_client(app, "coordinator"), "?jaar=1999-2000")
    assert "Onbekend schooljaar '1999-2000'" in page and "Jaarverslag Regio West-Brabant" in page
    assert cell(page, "jongeren_18_22", "totaal") == "2"  # the latest year (Y) for the region


# --- the page in the browser, on the demo warehouse ------------------------------------------------------------
@pytest.mark.browser
def test_jaarverslag_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    years = queries.periods(wh, "schooljaar")
    year = years[-2]

    def total(code: str, breakdown: str, period: str = year) -> str:
        frame = queries.kpi_values(wh, ["jaarverslag"], [period], municipality_code=code, breakdown=breakdown)
        return fmt.number(frame["value"].item(), 0)

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/jaarverslag?jaar={year}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("h1", "Jaarverslag Breda")
    dash_duo.wait_for_text_to_equal("#jv-leerplichtigen-totaal", total(BREDA, "rij=leerplichtigen"))
    assert dash_duo.find_element("#jv-relatief_verzuim_meldingen-totaal").text == total(
        BREDA, "rij=relatief_verzuim_meldingen")
    assert dash_duo.find_element("#jv-leerplichtigen-vorig_jaar").text == total(
        BREDA, "rij=leerplichtigen", years[-3])

    dash_duo.select_dcc_dropdown("#jaarverslag-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Jaarverslag Drimmelen")
    dash_duo.wait_for_text_to_equal("#jv-leerplichtigen-totaal", total("GM1719", "rij=leerplichtigen"))
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/jaarverslag?schooljaar={year}&gemeente=GM1719"

    # below the fold in the small window: clicked by script
    dash_duo.driver.execute_script("arguments[0].click();",
                                   dash_duo.find_element("#jaarverslag-versie input[value='intern']"))
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.wait_for_element("#jaarverslag-download-xlsx"))
    target = Path(dash_duo.download_path) / f"jaarverslag-{year}-intern.xlsx"
    deadline = time.time() + 30
    while not target.exists() and time.time() < deadline:
        time.sleep(0.2)
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 1 + 1 + 16 + 1  # Toelichting, region, 16 municipalities, Definities
    drimmelen = {r[0]: r[1:] for r in sheet_rows(book, "Drimmelen")[1:]}
    frame = queries.kpi_values(wh, ["jaarverslag"], [year], municipality_code="GM1719", breakdown="rij=lrv")
    assert drimmelen["Langdurig relatief verzuim"][6] == frame["value"].item()
    assert dash_duo.get_logs() == []
