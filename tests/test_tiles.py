"""The reference tile on /vsv, /capaciteit and /effectrapportage, a missing figure that says why, and the "t/m" of
a partial period's download (issue #9).

Given: the sources of tests/test_kpis_capacity.py without Breda's population of 1-1-2023, loaded on 15-11-2025
(tests/kpi_fixtures.py). CBS population: 1 January 2024 and 2025. Covered through: reports 02-10-2024, cases
01-10-2024, trajectories 15-09-2024; no VSV rows and no actions.
- relatief verzuim 2025-2026 needs the population of 1-1-2026, newer than any loaded: "Nog geen bevolkingscijfer
  (CBS 1-1-2026)".
- inhabitants per FTE on 1-10-2023 take the latest 1 January on or before it: none is loaded (the first is
  1-1-2024), so its own year's, a gap: "Geen bevolkingscijfer (CBS 1-1-2023)".
- the VSV percentage: its source has no rows: "Geen gegevens voor deze periode".
- reactietijd counts reports and actions; actions have no rows: "Geen gegevens voor deze periode (gegevens t/m
  02-10-2024)", the date the sources it has reach.
- Drimmelen has inhabitants and no staff, so inhabitants per FTE on 1-10-2024 has a denominator of 0: "Niet te
  berekenen: geen fte leerplichtambtenaar actief op de peildatum"; it has no trajectories, so the share contacted
  in time in 2023-2024 has none either.
- a reference date is partial when a source it counts stops before it: on 15-11-2025 the work in progress counts
  reports, cases and trajectories, the earliest of which stops on 15-09-2024: "t/m 15-09-2024".
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import openpyxl
import pytest

from app import create_app
from presentation import formats as fmt
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import load_sources
from tests.test_access import router_body
from tests.test_kpis_capacity import (
    BEVOLKING,
    CONTACTPERSONEN,
    GEMEENTEN,
    MEDEWERKERS,
    SCHOLEN,
    TRAJECTEN,
    VERZUIMMELDINGEN,
    ZAKEN,
)
from warehouse import coverage, queries, signals
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS
from warehouse.tiles import reference_date_year_before

BREDA, DRIMMELEN = "GM0758", "GM1719"
NO_2023 = "".join(line + "\n" for line in BEVOLKING.splitlines() if "01-01-2023" not in line)


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("tiles"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": NO_2023, "medewerkers.csv": MEDEWERKERS,
        "verzuimmeldingen.csv": VERZUIMMELDINGEN, "zaken.csv": ZAKEN, "trajecten.csv": TRAJECTEN,
        "scholen.csv": SCHOLEN, "contactpersonen.csv": CONTACTPERSONEN,
    }).path


def test_why_a_figure_is_missing(small_wh: Path) -> None:
    wh = Warehouse(small_wh)
    assert "01-01-2023" in BEVOLKING and "01-01-2023" not in NO_2023
    assert [d.isoformat() for d in coverage.population_dates(wh)] == ["2024-01-01", "2025-01-01"]
    reason = coverage.missing_reason
    assert reason(wh, KPIS["relatief_verzuim_per_1000"], "schooljaar", "2025-2026", BREDA) == (
        "Nog geen bevolkingscijfer (CBS 1-1-2026)")
    assert reason(wh, KPIS["leerplichtigen_per_fte"], "peildatum", "2023-10-01", BREDA) == (
        "Geen bevolkingscijfer (CBS 1-1-2023)")
    assert reason(wh, KPIS["vsv_percentage"], "teljaar", "2024-2025") == "Geen gegevens voor deze periode"
    assert reason(wh, KPIS["reactietijd"], "schooljaar", "2024-2025", BREDA) == (
        "Geen gegevens voor deze periode (gegevens t/m 02-10-2024)")
    assert reason(wh, KPIS["leerplichtigen_per_fte"], "peildatum", "2024-10-01", DRIMMELEN) == (
        "Niet te berekenen: geen fte leerplichtambtenaar actief op de peildatum")
    assert reason(wh, KPIS["contact_binnen_termijn"], "schooljaar", "2023-2024", DRIMMELEN) == (
        "Niet te berekenen: geen trajecten gestart in het schooljaar")
    # the same figures are there where nothing is missing: no period-wide reason
    assert coverage.period_reason(wh, KPIS["leerplichtigen_per_fte"], "peildatum", "2024-10-01") is None
    assert coverage.period_reason(wh, KPIS["werkvoorraad"], "peildatum", "2025-11-15") is None  # partial, not empty
    assert coverage.figures_through(wh, ["werkvoorraad", "fte"], "peildatum", "2025-11-15").isoformat() == "2024-09-15"
    assert coverage.figures_through(wh, ["werkvoorraad"], "peildatum", "2024-06-30") is None


def test_a_reference_date_is_compared_with_a_year_before() -> None:
    dates = ["2024-06-30", "2024-09-30", "2024-10-01", "2024-12-31", "2025-09-30", "2025-11-15"]
    assert reference_date_year_before(dates, "2025-09-30") == "2024-09-30"  # not 30-06-2025 or the day before
    assert reference_date_year_before(dates, "2025-11-15") == "2024-10-01"
    assert reference_date_year_before(dates, "2024-12-31") is None


def page(client, path: str, search: str) -> str:
    response = client.post("/_dash-update-component", json=router_body(path, search))
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_capacity_tiles_and_table_say_why_a_figure_is_missing(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    shown = page(client, "/capaciteit", f"?peildatum=2023-10-01&gemeente={BREDA}")
    assert "Geen bevolkingscijfer (CBS 1-1-2023)" in shown  # the tile
    # under the table of municipalities, where its column shows "–"
    assert "– Leerplichtigen per fte leerplichtambtenaar: geen bevolkingscijfer (CBS 1-1-2023)." in shown
    drimmelen = page(client, "/capaciteit", f"?peildatum=2024-10-01&gemeente={DRIMMELEN}")
    assert "Niet te berekenen: geen fte leerplichtambtenaar actief op de peildatum" in drimmelen
    # compared with a year before, 1-10-2023, which has no population: the comparison says so instead of "–"
    assert "01-10-2023: " in drimmelen and "geen bevolkingscijfer (CBS 1-1-2023)" in drimmelen


def test_a_quarter_without_its_population_says_so(small_wh: Path) -> None:
    # a quarter takes the population of 1 January of its year: 2023-K4 needs 1-1-2023, which is not loaded
    client = login_client(create_app(small_wh), "coordinator")
    shown = page(client, "/kwartaal", f"?kwartaal=2023-K4&gemeente={BREDA}")
    assert '"children": "Geen bevolkingscijfer (CBS 1-1-2023)", "className": "kpi-empty"' in shown
    assert "Nog geen gegevens voor" not in shown


@pytest.mark.parametrize("username", ["coordinator", "wethouder", "medewerker"])
def test_capacity_and_effect_report_tiles_respect_roles(small_wh: Path, username: str) -> None:
    client = login_client(create_app(small_wh), username)
    for path, search in (("/capaciteit", f"?peildatum=2024-10-01&gemeente={BREDA}"),
                         ("/effectrapportage", f"?schooljaar=2023-2024&gemeente={BREDA}")):
        shown = page(client, path, search)
        assert "kpi-card" in shown, path
        # staff see their own municipality only: no region's value, no place among the others
        assert ("Regio West-Brabant: " in shown) == (username != "medewerker"), (path, username)
        if username == "coordinator":
            assert "gemeenten (1 = laagste waarde)" in shown, path
        elif username == "medewerker":
            assert "gemeenten (1 = laagste waarde)" not in shown, path
    # a portfolio holder's tiles are suppressed: Breda's 1 trajectory in 2023-2024 shows as "<5", never as 1
    public = page(client, "/effectrapportage", f"?schooljaar=2023-2024&gemeente={BREDA}")
    if username == "wethouder":
        assert '"children": "<5", "className": "kpi-value"' in public



@pytest.mark.browser
def test_missing_population_and_partial_download_in_chromium(dash_duo, small_wh: Path) -> None:
    start_and_login(dash_duo, create_app(small_wh), "coordinator",
                    f"/capaciteit?peildatum=2023-10-01%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#kpi-leerplichtigen_per_fte .kpi-empty", "Geen bevolkingscijfer (CBS 1-1-2023)")

    # a partial reference date: the tile and the Toelichting of the download say "t/m"
    dash_duo.driver.get(f"{dash_duo.server_url}/capaciteit?peildatum=2025-11-15&gemeente={BREDA}")
    dash_duo.wait_for_contains_text("#kpi-werkvoorraad .kpi-period", "t/m 15-09-2024")
    button = dash_duo.wait_for_element("#capaciteit-gemeenten-xlsx")
    dash_duo.driver.execute_script("arguments[0].click();", button)  # below the fold in the small window
    target = Path(dash_duo.download_path) / f"capaciteit-gemeenten-2025-11-15-{BREDA}.xlsx"
    deadline = time.time() + 10
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    about = {r[0]: r[1] for r in book["Toelichting"].iter_rows(values_only=True) if r[0]}
    assert about["Periode"].startswith("peildatum 15-11-2025, t/m 15-09-2024"), about["Periode"]
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_vsv_and_capacity_tiles_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    year = coverage.default_period(wh, "vsv")
    kpi = KPIS["vsv_percentage"]
    rows = queries.kpi_values(wh, [kpi.id], [year])
    municipal = {r.municipality_code: r.value for r in rows.itertuples() if r.municipality_code != "REGIO"}
    place = 1 + sum(v < municipal[BREDA] for v in municipal.values())
    national = queries.national_value(wh, kpi.id, year)
    assert national is not None  # the shipped reference table holds the national VSV percentage

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/vsv?gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#kpi-vsv_percentage .kpi-value", fmt.by_unit(municipal[BREDA], "%", 2))
    assert dash_duo.find_element("#kpi-vsv_percentage .kpi-rank").text == (
        f"Plaats {place} van {len(municipal)} gemeenten (1 = laagste waarde)")
    text = dash_duo.find_element("#kpi-vsv_percentage .kpi-national").text
    assert text.startswith(f"Landelijk: {fmt.by_unit(national['value'], '%', 2)} ({national['period']}; bron: "), text
    assert text.endswith(f", {national['published']})"), text
    assert dash_duo.find_element("#kpi-vsv_percentage .kpi-region").text.startswith("Regio West-Brabant: ")
    signal = signals.funnels(wh, year, (kpi.id,))[kpi.id]
    assert any(u.code == BREDA for u in signal)
    dash_duo.wait_for_element("#kpi-vsv_percentage .kpi-signal")

    dash_duo.driver.get(f"{dash_duo.server_url}/capaciteit?gemeente={BREDA}")
    dash_duo.wait_for_element("#kpi-werkvoorraad .kpi-value")
    for kpi_id in ("fte", "leerplichtigen_per_fte", "werkvoorraad", "werkvoorraad_per_fte", "nieuwe_zaken_per_fte",
                   "contactpersoon_dekking"):
        compare = dash_duo.find_element(f"#kpi-{kpi_id} .kpi-previous").text
        assert any(f"{arrow} {word}" in compare for arrow, word in (("▲", "hoger"), ("▼", "lager"), ("▶", "gelijk"))
                   ), (kpi_id, compare)
    assert not dash_duo.driver.find_elements("css selector", "#kpi-fte .kpi-national")  # no national capacity figure
    assert dash_duo.get_logs() == []


def test_a_partial_point_on_a_sparkline_is_marked_as_on_the_big_charts() -> None:
    """The tile's small line draws a running period with the trend charts' open diamond and names it "t/m"."""
    from datetime import date

    from pages._tile import sparkline
    from presentation.partial import PARTIAL_SYMBOL
    from warehouse.tiles import TileData

    data = TileData(KPIS["relatief_verzuim_per_1000"], "kwartaal", "2025-K4", "REGIO", 3.87, date(2025, 11, 14),
                    None, None, None, [("2025-K2", 4.1), ("2025-K3", 1.17), ("2025-K4", 3.87)], None, None, None, "")
    box = sparkline(data)
    assert box.children.figure["data"][0]["marker"]["symbol"] == ["circle", "circle", PARTIAL_SYMBOL]
    assert box.to_plotly_json()["props"]["aria-label"] == (
        "Verloop over de laatste 3 perioden: 2025-K2: 4,1, 2025-K3: 1,2, 2025-K4 t/m 14-11-2025: 3,9")
    complete = sparkline(TileData(**{**data.__dict__, "through": None}))
    assert complete.children.figure["data"][0]["marker"]["symbol"] == ["circle"] * 3


def test_an_equal_figure_reads_gelijk_aan() -> None:
    """Seen on the demo's overview: "▶ gelijk dan 2023-2024" is not Dutch; it is "gelijk aan"."""
    from pages._tile import reference_lines
    from warehouse.tiles import TileData

    def compare_text(value: float) -> str:
        data = TileData(KPIS["relatief_verzuim_per_1000"], "schooljaar", "2024-2025", "REGIO", value, None,
                        "2023-2024", None, 24.7, [], None, None, None, "")
        line = reference_lines(data, {})[0]
        return "".join(c if isinstance(c, str) else str(c.children) for c in line.children)

    assert compare_text(24.71).startswith("▶ gelijk aan 2023-2024: ")
    assert compare_text(26.0).startswith("▲ hoger (slechter) dan 2023-2024: ")
