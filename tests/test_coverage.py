"""Periods in progress (warehouse/coverage.py, kpis.md "Periods in progress") on a small hand-written warehouse:
one source late (the reports stop on 12-09-2025) and one on time (the newest case starts on 14-11-2025, the
load date is 15-11-2025). Every expected value below is worked out by hand from the rows listed here.

Reports (all V3, status B, never closed; population age 10 on 1 January 2024 and 2025: Breda 1.000, Altena
500, Etten-Leur 250, region 1.750):
  R1 P1 Breda 10-07-2024   R2 P2 Breda 22-07-2024   R3 P3 Breda 05-08-2024   R4 P4 Breda 20-08-2024
  R5 P5 Altena 10-09-2024  R6 P6 Breda 20-09-2024   R7 P7 Breda 01-10-2024   R8 P8 Breda 05-05-2025
  R9 P9 Breda 20-06-2025   R10 P10 Breda 07-07-2025 R11 P11 Breda 04-08-2025 R12 P12 Altena 12-09-2025
Cases: Z1 P20 Breda absoluut verzuim from 14-11-2025 (open); Z2 P21 Altena absoluut verzuim 02-09-2024 to
01-10-2024.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.kpi_fixtures import ALTENA, BREDA, ETTEN_LEUR, GEMEENTEN, REGIO, KpiWarehouse, bsn, csv, load_sources
from warehouse import cli
from warehouse.connection import Warehouse
from warehouse.coverage import (
    PAGES,
    Comparison,
    comparison_periods,
    covered_through,
    default_period,
    figure_through,
    latest_complete,
    like_for_like,
    shift_months,
)
from warehouse.kpis import KPIS

P = {n: bsn(n) for n in range(1, 25)}
REPORTS = [("R1", 1, "10-07-2024", BREDA), ("R2", 2, "22-07-2024", BREDA), ("R3", 3, "05-08-2024", BREDA),
           ("R4", 4, "20-08-2024", BREDA), ("R5", 5, "10-09-2024", ALTENA), ("R6", 6, "20-09-2024", BREDA),
           ("R7", 7, "01-10-2024", BREDA), ("R8", 8, "05-05-2025", BREDA), ("R9", 9, "20-06-2025", BREDA),
           ("R10", 10, "07-07-2025", BREDA), ("R11", 11, "04-08-2025", BREDA), ("R12", 12, "12-09-2025", ALTENA)]
SCHOOL = {BREDA: ("06HO", "00"), ALTENA: ("20XY", "01")}
SOURCES = {
    "gemeenten.csv": GEMEENTEN,
    "bevolking.csv": csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
        (gm, f"01-01-{y}", 10, n) for y in (2024, 2025)
        for gm, n in ((BREDA, 1000), (ALTENA, 500), (ETTEN_LEUR, 250))]),
    "verzuimmeldingen.csv": csv(
        ("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code", "status"),
        [(nr, P[p], *SCHOOL[gm], day, "V3", gm, "B") for nr, p, day, gm in REPORTS]),
    "zaken.csv": csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code"), [
        ("Z1", P[20], "absoluut_verzuim", "14-11-2025", None, BREDA),
        ("Z2", P[21], "absoluut_verzuim", "02-09-2024", "01-10-2024", ALTENA)]),
}
LATE, ON_TIME = date(2025, 9, 12), date(2025, 11, 14)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("coverage"), SOURCES)


@pytest.fixture(scope="module")
def cover(wh: KpiWarehouse) -> dict[str, date]:
    return covered_through(Warehouse(wh.path))


def test_covered_through_per_event_source(cover: dict[str, date]) -> None:
    # the newest report date and the newest case start; sources without rows have none
    assert cover == {"verzuimmeldingen": LATE, "zaken": ON_TIME}


@pytest.mark.parametrize(("kpi_id", "kind", "period", "expected"), [
    ("relatief_verzuim_per_1000", "schooljaar", "2024-2025", None),  # ends 31-07-2025, before 12-09-2025
    ("relatief_verzuim_per_1000", "schooljaar", "2025-2026", LATE),
    ("relatief_verzuim_per_1000", "kwartaal", "2025-K2", None),
    ("relatief_verzuim_per_1000", "kwartaal", "2025-K3", LATE),  # ends 30-09-2025, reports stop on 12-09
    ("absoluut_verzuim_per_1000", "kwartaal", "2025-K3", None),  # cases reach 14-11-2025
    ("absoluut_verzuim_per_1000", "kwartaal", "2025-K4", ON_TIME),
    ("absoluut_verzuim_per_1000", "schooljaar", "2025-2026", ON_TIME),
    ("thuiszitters_breed_per_1000", "schooljaar", "2025-2026", ON_TIME),  # cases; no exemptions loaded: no limit
    ("reactietijd", "schooljaar", "2025-2026", LATE),  # reports and actions; no actions loaded
    ("werkvoorraad", "peildatum", "2025-09-12", None),
    ("werkvoorraad", "peildatum", "2025-09-30", LATE),
    ("werkvoorraad", "peildatum", "2025-11-15", LATE),  # the earliest of reports (12-09) and cases (14-11)
    ("fte", "peildatum", "2025-11-15", None),  # staff is a snapshot source
    ("vsv_percentage", "teljaar", "2024-2025", None),  # no VSV list loaded
])
def test_partial_flags(cover: dict[str, date], kpi_id: str, kind: str, period: str, expected: date | None) -> None:
    assert figure_through(KPIS[kpi_id], kind, period, cover) == expected


def test_cli_writes_covered_through(wh: KpiWarehouse, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["kpis", "--warehouse", str(wh.path), "--period", "2025-K3",
                     "--kpi", "relatief_verzuim_per_1000", "absoluut_verzuim_per_1000"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "kpi_id,period,municipality_code,breakdown,value,numerator,denominator,covered_through"
    # relatief K3 2025: Breda R10, R11 = 2 of 1.000; Altena R12 = 1 of 500; region 3 of 1.750
    assert f"relatief_verzuim_per_1000,2025-K3,{BREDA},,2,2,1000,2025-09-12" in lines
    assert f"relatief_verzuim_per_1000,2025-K3,{ALTENA},,2,1,500,2025-09-12" in lines
    assert f"absoluut_verzuim_per_1000,2025-K3,{BREDA},,0,0,1000," in lines  # complete: empty
    assert {line.split(",")[-1] for line in lines[1:] if line.startswith("relatief")} == {"2025-09-12"}


def test_an_empty_category_cell_is_a_zero(wh: KpiWarehouse) -> None:
    # on 15-11-2025 all twelve reports are open (status B, no closing date) and Z1 is open in Breda:
    # Altena has two open reports and no open case, Etten-Leur nothing at all. Their cells are 0, not missing.
    rows = wh.rows("2025-11-15", "werkvoorraad", lambda gm, b: b.startswith("soort=") and "ouderdom" not in b)
    assert rows[(ALTENA, "soort=zaak")] == (0, 0, None)
    assert rows[(ALTENA, "soort=melding")] == (2, 2, None)
    assert rows[(ETTEN_LEUR, "soort=melding")] == (0, 0, None)
    assert rows[(ETTEN_LEUR, "soort=zaak")] == (0, 0, None)
    assert rows[(BREDA, "soort=zaak")] == (1, 1, None)
    assert rows[(REGIO, "soort=melding")] == (12, 12, None)


def test_shift_months_keeps_the_day_or_takes_the_last() -> None:
    assert shift_months(date(2025, 9, 12), -3) == date(2025, 6, 12)
    assert shift_months(date(2025, 5, 31), -3) == date(2025, 2, 28)
    assert shift_months(date(2024, 5, 31), -3) == date(2024, 2, 29)
    assert shift_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert shift_months(date(2025, 1, 15), -1) == date(2024, 12, 15)


def test_comparison_periods() -> None:
    assert comparison_periods("kwartaal", "2025-K3", LATE) == [
        Comparison("vorige_periode", "2025-K2", date(2025, 6, 12)),
        Comparison("jaar_eerder", "2024-K3", date(2024, 9, 12))]
    # a school year's previous period is its year earlier: one comparison
    assert comparison_periods("schooljaar", "2025-2026", LATE) == [
        Comparison("vorige_periode", "2024-2025", date(2024, 9, 12))]
    assert comparison_periods("schooljaar", "2024-2025", None) == [Comparison("vorige_periode", "2023-2024", None)]
    # a reference date is a point: compared with the same day a year earlier, never cut
    assert comparison_periods("peildatum", "2025-11-15", LATE) == [
        Comparison("vorige_periode", "2024-11-15", None)]


def test_like_for_like_values(wh: KpiWarehouse, cover: dict[str, date]) -> None:
    con = Warehouse(wh.path).cursor()
    try:
        quarter = like_for_like(con, KPIS["relatief_verzuim_per_1000"], "kwartaal", "2025-K3", cover)
        year = like_for_like(con, KPIS["relatief_verzuim_per_1000"], "schooljaar", "2025-2026", cover)
    finally:
        con.close()
    totals = {(r[0], r[3]): (r[1], r[2], r[5], r[6], r[7]) for r in quarter if r[4] == ""}
    # 2025-K2 up to 12-06-2025: R8 (05-05) in, R9 (20-06) out: Breda 1 of 1.000 (the whole quarter would say 2)
    assert totals[("vorige_periode", BREDA)] == ("2025-K2", date(2025, 6, 12), 1.0, 1, 1000)
    assert totals[("vorige_periode", REGIO)][2:] == (pytest.approx(1000 / 1750), 1, 1750)
    # 2024-K3 up to 12-09-2024: R1-R4 in Breda (R6 on 20-09 out), R5 in Altena; population of 1 January 2024
    assert totals[("jaar_eerder", BREDA)] == ("2024-K3", date(2024, 9, 12), 4.0, 4, 1000)
    assert totals[("jaar_eerder", ALTENA)] == ("2024-K3", date(2024, 9, 12), 2.0, 1, 500)
    assert totals[("jaar_eerder", REGIO)][2:] == (pytest.approx(5000 / 1750), 5, 1750)
    # school year 2025-2026 (t/m 12-09-2025) against 2024-2025 from 1 August up to 12-09-2024: R3, R4, R5
    school = {(r[0], r[3]): (r[1], r[2], r[5], r[6], r[7]) for r in year if r[4] == ""}
    assert set(r[0] for r in year) == {"vorige_periode"}
    assert school[("vorige_periode", BREDA)] == ("2024-2025", date(2024, 9, 12), 2.0, 2, 1000)
    assert school[("vorige_periode", REGIO)][2:] == (pytest.approx(3000 / 1750), 3, 1750)


def test_default_period_of_each_page(wh: KpiWarehouse) -> None:
    w = Warehouse(wh.path)
    expected = {
        # 2025-K4 runs past the load date, 2025-K3 past the reports (12-09): the quarter before
        "kwartaal": "2025-K2",
        # 2025-2026 has no population yet (1-1-2026), so it is no standard period; 2024-2025 is complete
        "verzuim": "2024-2025", "overzicht": "2024-2025", "jaarverslag": "2024-2025", "effectrapportage": "2024-2025",
        # 15-11-2025 and 30-09-2025 lie after the reports' 12-09-2025: the last day of 2025-K2
        "capaciteit": "2025-06-30",
        "vsv": None, "kostenverdeling": None,  # no VSV list, no budget
    }
    assert set(expected) == set(PAGES)
    assert {page: default_period(w, page) for page in PAGES} == expected


def test_latest_complete_when_everything_is_partial(cover: dict[str, date]) -> None:
    kpi = KPIS["relatief_verzuim_per_1000"]
    assert latest_complete([kpi], "kwartaal", ["2025-K3", "2025-K4"], cover) == "2025-K4"  # the latest
    assert latest_complete([kpi], "kwartaal", [], cover) is None


def test_the_cli_leaves_the_calling_process_s_sigpipe_alone(tmp_path) -> None:
    """main() runs inside other processes too (the tests, a server): a default SIGPIPE there killed the whole test
    run on the next write to a closed socket ("make: *** Broken pipe"). Only `python -m warehouse` sets it."""
    import signal

    before = signal.getsignal(signal.SIGPIPE)
    cli.main(["kpis", "--warehouse", str(tmp_path / "geen"), "--period", "2025-K3"])
    assert signal.getsignal(signal.SIGPIPE) == before
