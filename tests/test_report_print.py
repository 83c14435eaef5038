"""Workbooks that print (issue 13): every sheet of every XLSX the product writes has a print setup (A4, one page
wide, the header rows on every page, a footer naming report, municipality, period, data date and page), row
heights that fit wrapped text and column widths that fit their labels; and printed by a real spreadsheet
application (LibreOffice headless, from Debian, as `make test` installs it) the annual report meets its page
targets: a municipality's table on at most 2 pages, Breda's own file at most 5 (17 before), the regional file at
most 2 pages per municipality plus the explanation and the definitions (113 before).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pypdf
import pytest

from pages import _download
from reports import effectrapportage, kostenverdeling
from reports import jaarverslag as report
from reports import workbook as wb
from warehouse import queries
from warehouse.connection import Warehouse

BREDA = "GM0758"
FOOTER_PAGE = re.compile(r"gegevens van [0-9-]+(?: · intern, niet publiceren)? (.+?) · pagina (\d+) van (\d+)")


def all_areas(wh: Warehouse) -> dict[str, str]:
    names = queries.municipalities(wh)
    return dict(zip(names["gemeente_code"], names["naam"], strict=True))


def page_download(wh: Warehouse, frame: pd.DataFrame, meta: wb.ExportMeta) -> bytes:
    """A page's Excel download of Breda's selection, as the page's callback sends it (pages._download)."""
    from app import create_app

    app = create_app(wh.dir)
    with app.server.app_context():
        sent = _download.send_selection(frame, [("school", "School", None), ("waarde", "Per 1.000", 1)],
                                        "verzuim-per-school", "2023-2024", BREDA, csv=False, meta=meta)
    return base64.b64decode(sent["content"])


def product_workbooks(wh: Warehouse) -> dict[str, bytes]:
    """One XLSX of every kind the product writes: the reports and a page's table download."""
    years = queries.periods(wh, "schooljaar")
    frame = pd.DataFrame({"school": ["De Regenboog, een school met een lange naam", "Het Kompas"],
                          "waarde": [12.345, "<5"]})
    meta = _download.export_meta("Verzuim per school", ["relatief_verzuim_per_1000"], "schooljaar", years[-2],
                                 date(2025, 11, 15), public=True, municipality_code=BREDA)
    return {
        "jaarverslag": report.workbook(wh, years[-2], report.Scope(all_areas(wh), True, True)),
        "effectrapportage": effectrapportage.workbook(effectrapportage.build(wh, years[-2], queries.REGION_CODE,
                                                                             public=True), date(2025, 11, 15)),
        "kostenverdeling": kostenverdeling.workbook(kostenverdeling.build(wh, 2026), date(2025, 11, 15)),
        "pagina": page_download(wh, frame, meta),
        "kale tabel": _download.xlsx_bytes(frame, [("school", "School", None), ("waarde", "Per 1.000", 1)]),
    }


def test_every_sheet_of_every_workbook_is_set_up_to_print(demo_warehouse: Path) -> None:
    for kind, content in product_workbooks(Warehouse(demo_warehouse)).items():
        book = openpyxl.load_workbook(io.BytesIO(content))
        for ws in book.worksheets:
            where = f"{kind}/{ws.title}"
            setup = ws.page_setup
            assert setup.paperSize == 9, where  # A4
            assert setup.orientation in ("portrait", "landscape"), where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, where  # 1 wide (1 is the default)
            assert ws.print_title_rows, where  # the header rows on every page
            footer = ws.oddFooter
            assert footer.right.text == "&A · pagina &P van &N", where
            if kind != "kale tabel":
                assert "gegevens van 15-11-2025" in footer.left.text, where
            if kind == "pagina":
                assert footer.left.text.startswith("Verzuim per school – Breda\nschooljaar "), where


def test_wrapped_text_gets_its_rows_and_labels_their_width() -> None:
    # 24 characters a line in a column of 20 units (1.2 a unit): these words fill three lines
    assert wb.text_lines("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", 20) == 3
    assert wb.text_lines("kort", 20) == 1 and wb.text_lines("een\ntwee", 20) == 2
    assert wb.text_lines("x" * 50, 20) == 3  # a word longer than the column breaks
    long_text = "Een lange definitie die in een smalle kolom over meerdere regels loopt. " * 4
    frame = pd.DataFrame({"naam": ["Onbekend", "b"], "tekst": [long_text, "kort"], "aantal": [1234567, 3]})
    columns = [("naam", "Onbekend", None), ("tekst", "Definitie", None), ("aantal", "Waarvan geen onderwijs", 0)]
    book = openpyxl.load_workbook(io.BytesIO(wb.workbook_bytes([wb.Sheet("T", frame, columns, title="Titel")], None)))
    ws = book["T"]
    widths = {c: ws.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] >= len("Onbekend") + 1  # a bold label of one word is never broken
    assert widths["C"] >= len("1.234.567")  # a number on one line
    text_width = widths["B"] - 0.71  # xlsxwriter stores the width with Excel's padding
    lines = wb.text_lines(long_text, text_width)
    assert lines > 1 and ws.row_dimensions[4].height == lines * wb.LINE_PT  # the long text's row, under the header
    assert ws.row_dimensions[5].height is None  # one line: the default height
    assert ws["B4"].alignment.wrap_text and ws["C4"].alignment.horizontal is None


@pytest.fixture(scope="module")
def printed(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, int]]]:
    """Breda's own file of 2023-2024, the regional file of 2024-2025 and a page download, printed to PDF by
    LibreOffice in one call: per file, (sheet, page) of every page, read from the printed footers."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice ontbreekt: `make test` installeert libreoffice-calc-nogui (zie Makefile)"
    wh = Warehouse(demo_warehouse)
    folder = tmp_path_factory.mktemp("print")
    everyone = all_areas(wh)
    files = {
        "breda": report.workbook(wh, "2023-2024", report.Scope({BREDA: everyone[BREDA]}, False, True)),
        "regio": report.workbook(wh, "2024-2025", report.Scope(everyone, True, True)),
        "pagina": product_workbooks(wh)["pagina"],
    }
    for name, content in files.items():
        (folder / f"{name}.xlsx").write_bytes(content)
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profiel'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(folder), *(str(folder / f"{n}.xlsx") for n in files)],
                   check=True, capture_output=True, timeout=300)
    out = {}
    for name in files:
        pages = pypdf.PdfReader(folder / f"{name}.pdf").pages
        found = [FOOTER_PAGE.search(page.extract_text().replace("\n", " ")) for page in pages]
        assert all(found), f"{name}: a page without its footer"
        out[name] = [(m.group(1), int(m.group(2))) for m in found if m]
        assert [p for _, p in out[name]] == list(range(1, len(pages) + 1))  # "pagina x van y" of the whole file
    return out


def test_breda_prints_on_at_most_five_pages(printed) -> None:
    pages = Counter(sheet for sheet, _ in printed["breda"])
    assert sum(pages.values()) <= 5, pages  # 17 before the print setup
    assert pages["Breda"] <= 2 and pages["Toelichting"] >= 1 and pages["Definities"] >= 1


def test_the_regional_file_prints_at_most_two_pages_per_municipality(printed) -> None:
    pages = Counter(sheet for sheet, _ in printed["regio"])
    areas = {s: n for s, n in pages.items() if s not in ("Toelichting", "Definities", "Toelichtingen gemeenten")}
    assert len(areas) == 17  # the region and 16 municipalities
    assert max(areas.values()) <= 2, areas
    assert sum(pages.values()) <= 2 * 17 + pages["Toelichting"] + pages["Definities"]  # 113 before
    assert pages["Toelichting"] + pages["Definities"] <= 5, pages


def test_a_page_download_prints_on_one_page(printed) -> None:
    assert Counter(sheet for sheet, _ in printed["pagina"]) == {"Toelichting": 1, "Tabel": 1}
