"""The seeded demo folder, loaded once: every row accounted for, every deliberate bad row rejected for
its reason at its line, no input BSN anywhere, the same figures after a second load, and the overview
in Chromium showing the region's figures."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import start_and_login
from tests.etl_helpers import load
from warehouse.cli import kpi_rows
from warehouse.connection import Warehouse

# the generator's reason codes (docs/demo.md) and the start of our reasons (docs/sources.md)
REASONS = {"required_empty": "verplicht veld", "bsn_elfproef": "BSN voldoet niet aan de elfproef",
           "date_unreadable": "onleesbare datum", "date_future": "ligt na de laaddatum",
           "end_before_start": "ligt voor", "code_unknown": "onbekende", "fte_range": "fte ",
           "outside_region": "woont buiten de regio"}


@pytest.fixture(scope="module")
def manifest(demo_sources: Path) -> dict:
    return json.loads((demo_sources / "demo_manifest.json").read_text())


def test_every_row_of_every_demo_file_is_accounted_for(demo_load) -> None:
    _, result = demo_load
    assert result.published and len(result.files) > 40
    for f in result.files:
        assert f.read == f.loaded + f.updated + f.rejected, f.name


def test_the_deliberate_bad_rows_and_only_those_are_rejected(demo_load, manifest) -> None:
    _, result = demo_load
    expected = sorted((b["file"], b["line"], b["reason_code"]) for b in manifest["bad_rows"])
    got = sorted((file, line) for file, line, _, _ in result.rejects)
    assert got == [(f, line) for f, line, _ in expected]
    by_place = {(file, line): reason for file, line, _, reason in result.rejects}
    for file, line, code in expected:
        assert REASONS[code] in by_place[(file, line)], (file, line, by_place[(file, line)])
    assert {code for _, _, code in expected} == set(REASONS)  # every reason occurs


def test_redelivered_reports_count_as_updates(demo_load, manifest) -> None:
    _, result = demo_load
    updated = {f.name: f.updated for f in result.files}
    for name, count in manifest["duplicates"].items():
        assert updated[name] == count, name


def test_no_input_bsn_appears_in_the_warehouse_the_report_or_the_logs(demo_sources, demo_load) -> None:
    wh, _ = demo_load
    from etl.pseudonym import elfproef

    # every BSN of the input: the demo's start with 9 and pass the eleven test (docs/demo.md)
    numbers = set()
    for path in demo_sources.iterdir():
        if path.suffix == ".csv":
            tokens = re.findall(rb"(?<!\d)9\d{8}(?!\d)", path.read_bytes())
            numbers |= {t.decode() for t in tokens if elfproef(t.decode())}
    assert len(numbers) > 1000  # the demo really has persons
    assert not _stored_values(wh) & numbers, "an input BSN is a value in the warehouse"
    # the text files byte by byte; a digit run inside a hex pseudonym is by chance, not a BSN
    for path in [wh / "load_log.jsonl", wh.parent / "demo_report.csv"]:
        found = {t.decode() for t in re.findall(rb"(?<![0-9a-f])\d{9}(?![0-9a-f])", path.read_bytes())}
        assert not found & numbers, f"{len(found & numbers)} input numbers in {path.name}"


def _stored_values(wh: Path) -> set[str]:
    """Every run of 9 or more digits in any text or integer value of the warehouse and its Parquet facts."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{wh / 'warehouse.duckdb'}' AS w (READ_ONLY)")
    relations = [f"w.{schema}.{table}" for schema, table in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'w'").fetchall()]
    relations += [f"read_parquet('{p}')" for p in wh.rglob("*.parquet")]
    assert len(relations) > 10
    values: set[str] = set()
    for relation in relations:
        columns = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        for name, kind, *_ in columns:
            if kind == "VARCHAR" or "INT" in kind:
                value = f"CAST(\"{name}\" AS VARCHAR)"
                rows = con.execute(  # a pseudonym (32 hex) may hold a digit run by chance: not a BSN
                    f"SELECT DISTINCT unnest(regexp_extract_all({value}, '\\d{{9,}}')) FROM {relation} "
                    f"WHERE NOT regexp_full_match({value}, '[0-9a-f]{{32}}')").fetchall()
                values |= {r[0] for r in rows}
    return values


def test_loading_the_demo_twice_changes_no_figure(demo_sources, demo_load, tmp_path) -> None:
    wh, _ = demo_load
    copy = tmp_path / "wh"
    shutil.copytree(wh, copy)
    before = kpi_rows(Warehouse(copy), "2023-2024", None)
    again = load(demo_sources, copy)
    # new keys the second time are only rows that retention removed after the first load (enrolments and
    # exemptions that ended before August 2015, persons who aged out): they come and go again
    assert again.published
    assert {f.source for f in again.files if f.loaded} <= {"personen", "inschrijvingen", "vrijstellingen"}
    assert kpi_rows(Warehouse(copy), "2023-2024", None) == before


def test_demo_magnitudes_look_like_the_region(demo_warehouse) -> None:
    rows = {(r[0], r[2], r[3]): r[4] for r in kpi_rows(Warehouse(demo_warehouse), "2023-2024", None)}
    assert 15 <= rows[("relatief_verzuim_per_1000", "REGIO", "")] <= 35
    assert 2 <= rows[("absoluut_verzuim_per_1000", "REGIO", "")] <= 8
    assert 1 <= rows[("vsv_percentage", "REGIO", "")] <= 3
    assert len({gm for (_, gm, _) in rows} - {"REGIO"}) == 16


@pytest.mark.browser
def test_the_overview_shows_the_regions_demo_figures(dash_duo, demo_warehouse) -> None:
    from app import create_app
    from presentation import formats as fmt
    from warehouse import queries

    wh = Warehouse(demo_warehouse)
    latest = queries.periods(wh, "schooljaar")[-1]
    value = queries.kpi_values(wh, ["relatief_verzuim_per_1000"], [latest], "REGIO")["value"].iloc[0]
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator")
    dash_duo.wait_for_text_to_equal("h1", "Overzicht Regio West-Brabant")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", fmt.number(value, 1))
    dash_duo.wait_for_contains_text("#kpi-vsv_percentage .kpi-value", "%")
    # the demo's latest count year has only DUO's provisional list: the card says so
    dash_duo.wait_for_text_to_equal("#kpi-vsv_percentage .kpi-period", "teljaar 2024-2025 (voorlopig)")
    dash_duo.wait_for_contains_text("#kpi-kostenverdeling .kpi-value", "€")
    assert dash_duo.find_element(".rbl-data-date").text == "Gegevens van 15-11-2025"
    assert dash_duo.get_logs() == []
