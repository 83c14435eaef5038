"""The web annual report (reports/webjaarverslag.py, issue 13): its figures read back from the HTML equal the
publication workbook's cell by cell (a municipality and the region); nothing in it loads or links outside its
folder; names and explanations are escaped; axe-core finds no WCAG 2.1 A/AA violation in headless Chromium; and
the ZIP button on /jaarverslag works for the coordinator and is refused to the portfolio holder.
"""

from __future__ import annotations

import base64
import io
import shutil
import time
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from app import create_app
from reports import cli
from reports import jaarverslag as report
from reports import webjaarverslag as web
from tests.conftest import ROOT, login_client, pytest_setup_options, start_and_login
from tests.test_access import router_body
from warehouse import queries
from warehouse.connection import Warehouse

YEAR, PREVIOUS = "2023-2024", "2022-2023"
BREDA = "GM0758"
MADE_AT = datetime(2025, 11, 20, 9, 0)


class Page(HTMLParser):
    """The parts of a page the tests read: cells by their data attributes, every URL, every element."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.cells: dict[tuple[str, ...], str] = {}
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self._open: tuple[str, ...] | None = None
        self._text = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.urls += [(tag, k, v or "") for k, v in attrs if k in ("href", "src", "action", "srcset", "data", "poster")]
        if tag == "td":
            if "data-rij" in a and "data-kolom" in a:
                self._open = ("tabel", a.get("data-gemeente") or "", a["data-rij"] or "", a["data-kolom"] or "")
            elif "data-kerncijfer" in a:
                self._open = ("kern", a["data-kerncijfer"] or "", a["data-kolom"] or "")
            elif "data-trend" in a:
                self._open = ("trend", a["data-trend"] or "", a["data-periode"] or "")
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._open:
            self.cells[self._open] = self._text.strip()
            self._open = None


@pytest.fixture(scope="module")
def site(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web")
    web.write_site(web.build_site(Warehouse(demo_warehouse), YEAR, MADE_AT), out)
    return out


@pytest.fixture(scope="module")
def workbook(demo_warehouse: Path) -> openpyxl.Workbook:
    """The publication workbook of the whole region, as /jaarverslag and `python -m reports jaarverslag` write it."""
    wh = Warehouse(demo_warehouse)
    names = queries.municipalities(wh)
    scope = report.Scope(dict(zip(names["gemeente_code"], names["naam"], strict=True)), True, public=True)
    return openpyxl.load_workbook(io.BytesIO(report.workbook(wh, YEAR, scope)))


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def number(text: str) -> object:
    """A figure as the page writes it, back to what the workbook holds: 1.234 -> 1234, marks stay, "" -> None."""
    if text in ("", web.NO_FIGURE):
        return None
    if text in ("<5", "×", "–"):
        return text
    return int(text.replace(".", ""))


def sheet_table(book: openpyxl.Workbook, sheet: str) -> tuple[list[str], list[tuple]]:
    rows = list(book[sheet].iter_rows(min_row=3, values_only=True))
    return list(rows[0]), rows[1:]


@pytest.mark.parametrize(("folder", "sheet"), [("breda", "Breda"), ("", "Regio West-Brabant")])
def test_the_figures_are_the_workbooks_cell_by_cell(site: Path, workbook, folder: str, sheet: str) -> None:
    page = read(site / folder / "index.html")
    header, rows = sheet_table(workbook, sheet)
    fields = [f for f, _, _ in report.table_columns(YEAR, PREVIOUS)]
    assert header == [h for _, h, _ in report.table_columns(YEAR, PREVIOUS)]
    ids = [row.id for section in report.jv.SECTIONS for row in section.rows]
    titles = {section.title for section in report.jv.SECTIONS}
    data_rows = [r for r in rows if not (r[0] in titles and all(v is None for v in r[1:]))]
    assert len(data_rows) == len(ids)
    compared = 0
    for row_id, row in zip(ids, data_rows, strict=True):
        for field, value in zip(fields[1:], row[1:], strict=True):
            shown = page.cells[("tabel", "", row_id, field)]
            assert number(shown) == value, (sheet, row_id, field, shown, value)
            compared += 1
    assert compared == len(ids) * (len(fields) - 1)
    # the headline figures are the same cells: this year's and last year's totals, the region's total
    region = {r[0].strip(): r for r in sheet_table(workbook, "Regio West-Brabant")[1]}
    mine = {r[0].strip(): r for r in data_rows}
    for row_id in web.HEADLINE_ROWS:
        label = web._label(row_id)
        assert number(page.cells[("kern", row_id, "dit_jaar")]) == mine[label][fields.index("totaal")]
        assert number(page.cells[("kern", row_id, "vorig_jaar")]) == mine[label][fields.index("vorig_jaar")]
        if folder:
            assert number(page.cells[("kern", row_id, "regio")]) == region[label][fields.index("totaal")]
        assert page.cells[("kern", row_id, "landelijk")] == web.NO_NATIONAL
    # the two rates carry the national reference (landelijke_referenties.csv: none yet for 2023-2024, so the
    # latest earlier one, marked with its own year)
    assert page.cells[("kern", "relatief_verzuim_per_1000", "landelijk")] == "27,0 (2022-2023)"
    assert page.cells[("kern", "absoluut_verzuim_per_1000", "landelijk")] == "6,3 (2022-2023)"
    # the trend's last year is the table's total again
    for row_id in web.TREND_ROWS:
        assert number(page.cells[("trend", row_id, YEAR)]) == mine[web._label(row_id)][fields.index("totaal")]


def test_the_region_links_every_municipality_and_each_folder_stands_alone(site: Path) -> None:
    index = read(site / "index.html")
    links = sorted(v for tag, k, v in index.urls if tag == "a" and not v.startswith("#"))
    folders = sorted(p.name for p in site.iterdir() if p.is_dir())
    assert len(folders) == 16 and links == [f"{f}/index.html" for f in folders]
    for folder in ["", *folders]:
        here = site / folder
        assert (here / web.CSS_NAME).is_file()
        page = read(here / "index.html")
        assert "script" not in page.tags and "iframe" not in page.tags and "img" not in page.tags
        for tag, attribute, url in page.urls:
            assert "://" not in url and not url.startswith(("/", "//", "data:", "javascript:")), (folder, url)
            if folder and not url.startswith("#"):  # a municipality's page refers only to its own folder
                assert "/" not in url and (here / url).is_file(), (folder, tag, attribute, url)
        html = (here / "index.html").read_text(encoding="utf-8")
        assert '<html lang="nl">' in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in html and "@import" not in (here / web.CSS_NAME).read_text(encoding="utf-8")
        assert "url(" not in (here / web.CSS_NAME).read_text(encoding="utf-8")


def test_names_and_explanations_are_escaped(demo_warehouse: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    explanations = tmp_path / "toelichtingen" / "jaarverslag"
    explanations.mkdir(parents=True)
    (explanations / f"{YEAR}.{BREDA}.md").write_text(
        "**Let op**: <script>alert(1)</script> en [een link](https://voorbeeld.nl) ![x](https://x.nl/a.png)\n\n"
        "- *meer* meldingen\n- minder zaken\n", encoding="utf-8")
    monkeypatch.setenv("RBL_TOELICHTINGEN", str(tmp_path / "toelichtingen"))
    real = queries.municipalities

    def hostile(wh):
        names = real(wh)
        names.loc[names["gemeente_code"] == BREDA, "naam"] = '<img src=x onerror=alert(1)>Br"eda & Co'
        return names

    monkeypatch.setattr(web.queries, "municipalities", hostile)
    files = web.build_site(Warehouse(demo_warehouse), YEAR, MADE_AT)
    folder = web.slug('<img src=x onerror=alert(1)>Br"eda & Co')
    assert folder == "img-src-x-onerror-alert-1-br-eda-co"
    page = files[f"{folder}/index.html"].decode("utf-8")
    assert "<img" not in page and "<script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;Br&quot;eda &amp; Co" in page
    assert "<strong>Let op</strong>: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<li><em>meer</em> meldingen</li>" in page
    parsed = Page(page)  # a link or an image in Markdown stays text
    assert "img" not in parsed.tags and all("://" not in url for _, _, url in parsed.urls)
    assert "[een link](https://voorbeeld.nl)" in page
    assert "<img" not in files["index.html"].decode("utf-8")


def test_command_line(demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "site"
    assert cli.main(["webjaarverslag", "--warehouse", str(demo_warehouse), "--school-year", YEAR,
                     "--out", str(out)]) == 0
    assert "16 mappen per gemeente" in capsys.readouterr().out
    assert (out / "index.html").is_file() and (out / "breda" / "index.html").is_file()
    assert cli.main(["webjaarverslag", "--warehouse", str(demo_warehouse), "--school-year", "1999-2000",
                     "--out", str(out)]) == 1
    assert "geen cijfers voor schooljaar '1999-2000'" in capsys.readouterr().err


# --- in headless Chromium -----------------------------------------------------------------------------------------
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def chromium():
    # Debian's chromedriver from the PATH, never one that selenium would download
    driver = webdriver.Chrome(options=pytest_setup_options_headless(),
                              service=Service(executable_path=shutil.which("chromedriver")))
    yield driver
    driver.quit()


def pytest_setup_options_headless():
    options = pytest_setup_options()
    options.add_argument("--headless=new")
    options.add_argument("--window-size=1280,1000")
    return options


@pytest.mark.browser
@pytest.mark.parametrize("page", ["index.html", "breda/index.html", "alphen-chaam/index.html"])
def test_axe_finds_no_wcag_violations(site: Path, chromium, page: str) -> None:
    chromium.get((site / page).as_uri())
    assert chromium.execute_script("return document.documentElement.lang") == "nl"
    chromium.execute_script(AXE.read_text(encoding="utf-8"))
    result = chromium.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done({violations: r.violations.map(v => [v.id, v.nodes.length, v.help])}))"
        ".catch(e => done({error: String(e)}));")
    assert "error" not in result, result
    assert result["violations"] == [], result["violations"]
    # every chart is an image with a name and its data beside it
    charts = chromium.find_elements("css selector", "svg.chart")
    assert len(charts) == len(web.TREND_ROWS)
    for chart in charts:
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby")
        figure = chart.find_element("xpath", "ancestor::figure")
        assert figure.find_element("css selector", "table caption").text


def zip_callback(client, search: str) -> object:
    body = {"output": "jaarverslag-download-webzip.data",
            "outputs": {"id": "jaarverslag-download-webzip", "property": "data"},
            "inputs": [{"id": "jaarverslag-download-web", "property": "n_clicks", "value": 1}],
            "state": [{"id": "jaarverslag-url", "property": "search", "value": search}],
            "changedPropIds": ["jaarverslag-download-web.n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def test_the_zip_is_the_coordinators_alone(demo_warehouse: Path) -> None:
    app = create_app(demo_warehouse)
    response = zip_callback(login_client(app, "coordinator"), f"?jaar={YEAR}")
    assert response.status_code == 200
    data = response.get_json()["response"]["jaarverslag-download-webzip"]["data"]
    assert data["filename"] == f"webjaarverslag-{YEAR}.zip"
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"]))).namelist()
    assert f"webjaarverslag-{YEAR}/index.html" in names and f"webjaarverslag-{YEAR}/breda/stijl.css" in names
    for username in ("wethouder", "medewerker"):  # a forged call: refused before and inside the callback
        client = login_client(app, username)
        response = zip_callback(client, f"?jaar={YEAR}")
        assert response.status_code == 403 and "webjaarverslag-" not in response.get_data(as_text=True), username
        assert "jaarverslag-download-web" not in render(client, f"?jaar={YEAR}"), username  # and no button
    assert "Download webjaarverslag (ZIP)" in render(login_client(app, "coordinator"), f"?jaar={YEAR}")


def render(client, search: str) -> str:
    """The page /jaarverslag as the router callback draws it for this client's account."""
    response = client.post("/_dash-update-component", json=router_body("/jaarverslag", search))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.browser
def test_the_coordinator_downloads_the_zip(dash_duo, demo_warehouse: Path) -> None:
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/jaarverslag?jaar={YEAR}")
    button = dash_duo.wait_for_element("#jaarverslag-download-web")
    assert button.text == "Download webjaarverslag (ZIP)"
    dash_duo.driver.execute_script("arguments[0].click();", button)  # below the fold in the small window
    target = Path(dash_duo.download_path) / f"webjaarverslag-{YEAR}.zip"
    deadline = time.time() + 60
    while not target.exists() and time.time() < deadline:
        time.sleep(0.2)
    archive = zipfile.ZipFile(target)
    page = Page(archive.read(f"webjaarverslag-{YEAR}/breda/index.html").decode("utf-8"))
    assert page.cells[("kern", "lrv", "dit_jaar")]
