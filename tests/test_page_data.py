"""The data-quality page on the demo warehouse: the rejected rows are the demo's deliberate bad rows, their
line numbers sort as numbers and are written the Dutch way, and the download gives the same rows."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from app import create_app
from tests.conftest import start_and_login


@pytest.mark.browser
def test_rejected_rows_sort_as_numbers_and_download_as_on_screen(dash_duo, demo_sources: Path,
                                                                  demo_warehouse: Path) -> None:
    bad_rows = json.loads((demo_sources / "demo_manifest.json").read_text())["bad_rows"]
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/data")
    dash_duo.wait_for_text_to_equal("h1", "Data")
    grid = "#afgekeurde-regels"
    dash_duo.driver.set_window_size(1400, 2400)
    header = dash_duo.wait_for_element(f"{grid} .ag-header-cell[col-id='line'] .ag-header-cell-label")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", header)
    header.click()  # ascending
    lines = sorted(b["line"] for b in bad_rows)

    def first_lines() -> list[str]:  # read in one go in the page: the grid redraws its rows while sorting
        return dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".sort((a, b) => a.parentElement.getAttribute('row-index') - b.parentElement.getAttribute('row-index'))"
            ".slice(0, 5).map(c => c.textContent);", f"{grid} .ag-center-cols-container .ag-row [col-id='line']")

    expected = [f"{n:,}".replace(",", ".") for n in lines[:5]]  # 1.234: Dutch thousands
    deadline = time.time() + 10
    while first_lines() != expected and time.time() < deadline:
        time.sleep(0.2)
    assert first_lines() == expected

    button = dash_duo.find_element("#afgekeurde-regels-csv")
    dash_duo.driver.execute_script("arguments[0].click();", button)
    target = next(iter(Path(dash_duo.download_path).glob("afgekeurde-regels-*.csv")), None)
    deadline = time.time() + 10
    while target is None and time.time() < deadline:
        time.sleep(0.1)
        target = next(iter(Path(dash_duo.download_path).glob("afgekeurde-regels-*.csv")), None)
    got = pd.read_csv(target, sep=";", dtype=str, encoding="utf-8-sig")
    assert list(got.columns) == ["Bestand", "Regel", "Bron", "Reden"]
    assert sorted(zip(got["Bestand"], got["Regel"], strict=True)) == sorted(
        (b["file"], f"{b['line']:,}".replace(",", ".")) for b in bad_rows)
    assert dash_duo.get_logs() == []


def test_the_load_history_and_the_files_show_unchanged_rows_and_add_up(tmp_path: Path) -> None:
    """/data's load history and files per load have a column "Ongewijzigd"; a folder loaded twice shows its
    rows as loaded the first time and unchanged the second, and read = loaded + updated + unchanged + rejected
    in every row of both tables."""
    from tests.conftest import login_client
    from tests.etl_helpers import BSN_A, BSN_B, load, write_files
    from tests.test_access import router_body
    from tests.test_security import _find_component

    header = "meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code\n"
    rows = f"M1;{BSN_A};06HO;00;01-03-2024;V3;B;GM0758\nM2;{BSN_B};06HO;00;04-03-2024;V3;X;GM0758\n"
    src = write_files(tmp_path / "src", {"gemeenten.csv": "gemeente_code;naam;uitvoeringsniveau\nGM0758;Breda;2\n",
                                         "verzuimmeldingen_2024-03.csv": header + rows})
    assert load(src, tmp_path / "wh").published and load(src, tmp_path / "wh").published
    client = login_client(create_app(tmp_path / "wh"), "coordinator")
    page = client.post("/_dash-update-component", json=router_body("/data")).get_json()
    for grid_id in ("laadhistorie", "bestanden"):
        grid = _find_component(page, grid_id)["props"]
        assert "Ongewijzigd" in [c["headerName"] for c in grid["columnDefs"]], grid_id
        for row in grid["rowData"]:
            assert row["rows_read"] == (row["rows_loaded"] + row["rows_updated"] + row["rows_unchanged"]
                                        + row["rows_rejected"]), (grid_id, row)
    history = _find_component(page, "laadhistorie")["props"]["rowData"]
    assert [(r["load_id"], r["rows_read"], r["rows_loaded"], r["rows_unchanged"], r["rows_rejected"])
            for r in history] == [(2, 3, 0, 2, 1), (1, 3, 2, 0, 1)]
