"""National reference values (source `landelijke_referenties`, warehouse.queries.national_value): loaded like any
other source, a wrong row rejected with a reason, a newer file replacing a value, and the shipped file loading
without a single rejected row."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load import run_load
from tests.kpi_fixtures import GEMEENTEN, LOAD_DATE, csv, load_sources
from warehouse import queries
from warehouse.connection import Warehouse

HEADER = ("kpi_id", "periode", "uitsplitsing", "waarde", "bron", "publicatiejaar")
SHIPPED = Path(__file__).resolve().parents[1] / "warehouse" / "reference" / "landelijke_referenties.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str):
    out = tmp_path_factory.mktemp("referenties")
    return load_sources(out, {"gemeenten.csv": GEMEENTEN, "landelijke_referenties.csv": csv(HEADER, [
        ("vsv_percentage", "2022-2023", "", "2,34", "NJi (DUO)", 2025),
        ("vsv_percentage", "2022-2023", "MBO", "6,4", "NJi (DUO)", 2025),
        ("relatief verzuim", "2021-2022", "", "24", "Ingrado", 2023),  # the Dutch name is accepted too
        ("thuiszitters", "2021-2022", "", "3", "?", 2023),  # no national value defined for this KPI
        ("vsv_percentage", "2023", "", "2,29", "NJi", 2025),  # not a count year
    ])}, allow_rejects=True)


@pytest.fixture(scope="module")
def folder(loaded) -> Path:
    return loaded.path.parent


def test_loaded_and_rejected_rows(loaded, folder: Path) -> None:
    wh = Warehouse(folder / "warehouse")
    frame = queries.national_references(wh)
    assert list(zip(frame["kpi_id"], frame["period"], frame["breakdown"], frame["value"], strict=True)) == [
        ("relatief_verzuim_per_1000", "2021-2022", "", 24.0),
        ("vsv_percentage", "2022-2023", "", 2.34), ("vsv_percentage", "2022-2023", "onderwijssoort=MBO", 6.4)]
    reasons = sorted((line, reason) for _, line, _, reason in loaded.result.rejects)
    assert [line for line, _ in reasons] == [5, 6]
    assert reasons[0][1].startswith("onbekende kpi_id 'thuiszitters' (toegestaan: absoluut_verzuim_per_1000")
    assert reasons[1][1] == "ongeldig teljaar '2023' in kolom periode (verwacht bijv. 2022-2023)"


def test_national_value_takes_the_period_or_the_latest_before(folder: Path) -> None:
    wh = Warehouse(folder / "warehouse")
    assert queries.national_value(wh, "vsv_percentage", "2022-2023") == {
        "value": 2.34, "source": "NJi (DUO)", "published": 2025, "period": "2022-2023"}
    assert queries.national_value(wh, "vsv_percentage", "2024-2025", "onderwijssoort=MBO")["period"] == "2022-2023"
    assert queries.national_value(wh, "vsv_percentage", "2021-2022") is None  # nothing that old
    assert queries.national_value(wh, "absoluut_verzuim_per_1000", "2022-2023") is None


def test_a_newer_file_replaces_a_value(tmp_path: Path, pseudonym_key: str) -> None:
    first = load_sources(tmp_path, {"landelijke_referenties.csv": csv(HEADER, [
        ("vsv_percentage", "2021-2022", "", "2,34", "NJi (OCW 2023)", 2023)])})
    src = tmp_path / "update"
    src.mkdir()
    (src / "landelijke_referenties_2025.csv").write_text(
        csv(HEADER, [("vsv_percentage", "2021-2022", "", "2,37", "NJi (DUO 2025)", 2025)]), encoding="utf-8")
    result = run_load(src, first.path, quiet=True, load_date=LOAD_DATE)
    assert result.published
    frame = queries.national_references(Warehouse(first.path))
    assert list(zip(frame["value"], frame["published"], strict=True)) == [(2.37, 2025)]


def test_the_shipped_file_loads_whole(tmp_path: Path, pseudonym_key: str) -> None:
    loaded = load_sources(tmp_path, {"landelijke_referenties.csv": SHIPPED.read_text(encoding="utf-8")})
    wh = Warehouse(loaded.path)
    frame = queries.national_references(wh)
    assert len(frame) == len(SHIPPED.read_text(encoding="utf-8").splitlines()) - 1
    assert frame["source"].str.len().min() > 10 and frame["published"].between(2020, 2030).all()
    assert set(frame["kpi_id"]) == {"relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "vsv_percentage"}
    # values as published (warehouse/reference/README.md quotes the cells): the MBO share before 2019-2020 from the
    # ministry's OCW in cijfers, VO 2018-2019 from NJi's 2020 page, the corrected total of 2017-2018
    mbo = queries.national_value(wh, "vsv_percentage", "2017-2018", "onderwijssoort=MBO")
    assert (mbo["value"], mbo["published"], mbo["period"]) == (5.09, 2023, "2017-2018")
    assert mbo["source"].startswith("Ministerie van OCW, OCW in cijfers, Aantal en aandeel nieuwe vsv'ers")
    assert mbo["source"].endswith("/aantal-en-aandeel-nieuwe-vsvers-per-jaar-vanuit-het-mbo")
    assert queries.national_value(wh, "vsv_percentage", "2018-2019", "onderwijssoort=VO")["value"] == 0.49
    assert queries.national_value(wh, "vsv_percentage", "2017-2018")["value"] == 1.91
    # before the earliest published VO value there is none (a later year never stands in for an earlier one)
    assert queries.national_value(wh, "vsv_percentage", "2017-2018", "onderwijssoort=VO") is None
    # no national value per MBO level was found: the breakdown exists in the contract, not in the shipped file
    assert not frame["breakdown"].str.startswith("niveau=").any()
