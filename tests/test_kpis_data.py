"""KPIs of the page "Data" (data quality) on two hand-written loads, and the check that every KPI of the
registry has a hand-computed test in tests/test_kpis_*.py.

Both loads use the load date 15-11-2025 (run_load's `load_date`: the check on dates in the future).
`laadhistorie` and `afgekeurde_regels` select loads by the moment they finished (the wall clock), so
they are asked for the day the loads finished (not today: a run across midnight would see other loads).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from etl.load import run_load
from tests.kpi_fixtures import (
    ALTENA,
    BREDA,
    ETTEN_LEUR,
    GEMEENTEN,
    LOAD_DATE,
    REGIO,
    KpiWarehouse,
    assert_rows,
    bsn,
    csv,
    load_sources,
)
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

P = {n: bsn(n) for n in range(1, 12)}
BAD_BSN = "999990018"  # 9*9 + 8*9 + 7*9 + 6*9 + 5*9 + 0 + 0 + 2*1 - 8 = 309, not a multiple of 11
D = LOAD_DATE.isoformat()  # Saturday 15-11-2025
HEADER = ("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code", "status",
          "laatste_mutatie")

# Load 1: 16 rows read, 12 loaded, 0 updated, 4 rejected.
LOAD_1 = {
    "gemeenten.csv": GEMEENTEN,  # 3 rows
    "bevolking.csv": csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [  # 3 rows
        (BREDA, "01-01-2025", 10, "1.000"), (ALTENA, "01-01-2025", 10, 500), (ETTEN_LEUR, "01-01-2025", 10, 250)]),
    "verzuimmeldingen.csv": csv(HEADER, [  # 8 rows: 5 loaded, 3 rejected
        ("X1", P[1], "06HO", "00", "01-10-2025", "V3", BREDA, "R", "01-10-2025 10:00"),
        ("X2", P[2], "06HO", "00", "30-10-2025", "V3", BREDA, "R", "30-10-2025 10:00"),
        ("X3", P[3], "06HO", "00", "31-10-2025", "V3", BREDA, "R", "31-10-2025 10:00"),
        ("X4", BAD_BSN, "06HO", "00", "20-10-2025", "V3", BREDA, "R", None),  # bsn_ongeldig
        ("X5", P[4], "06HO", "00", "01-12-2025", "V3", BREDA, "R", None),  # datum_na_laaddatum
        ("X6", P[5], "06HO", "00", "20-10-2025", "V3", "GM0855", "R", None),  # buiten_regio (Tilburg)
        ("X9", P[6], "06HO", "00", "29-10-2025", "V3", BREDA, "B", "29-10-2025 10:00"),
        ("X10", P[7], "20XY", "01", "20-10-2025", "V3", ALTENA, "R", "20-10-2025 10:00"),
    ]),
    "zaken.csv": csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code"), [  # 1 + 1 rejected
        ("Z1", P[10], "absoluut_verzuim", "01-06-2025", None, BREDA),
        ("Z2", P[11], "absoluut_verzuim", "01-08-2025", "01-07-2025", BREDA),  # einde_voor_begin
    ]),
}
# Load 2: 5 rows read, 2 loaded (X7, Z2), 1 updated (X1), 1 unchanged (Z1, delivered again as it was),
# 1 rejected (X8).
LOAD_2 = {
    "verzuimmeldingen_2025-11.csv": csv(HEADER, [
        ("X1", P[1], "06HO", "00", "01-10-2025", "V3", BREDA, "G", "05-11-2025 09:00"),  # now closed
        ("X7", P[8], "06HO", "00", "03-11-2025", "V3", BREDA, "R", "03-11-2025 10:00"),
        ("X8", P[9], "06HO", "00", "04-11-2025", "Q", BREDA, "R", None),  # ongeldige_code
    ]),
    "zaken.csv": csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code"), [
        ("Z1", P[10], "absoluut_verzuim", "01-06-2025", None, BREDA),
        ("Z2", P[11], "absoluut_verzuim", "01-08-2025", "01-09-2025", BREDA),  # corrected
    ]),
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    folder = tmp_path_factory.mktemp("data")
    first = load_sources(folder, LOAD_1, allow_rejects=True)
    src2 = folder / "bronnen_2"
    src2.mkdir()
    for name, content in LOAD_2.items():
        (src2 / name).write_text(content, encoding="utf-8")
    second = run_load(src2, first.path, quiet=True, load_date=LOAD_DATE)
    assert second.published, second.message
    return KpiWarehouse(first.path, second)


def finished_on(wh: KpiWarehouse) -> str:
    reader = Warehouse(wh.path)
    try:
        (day,) = reader.rows("SELECT max(finished_at)::DATE FROM load_history")[0]
    finally:
        reader.close()
    return day.isoformat()


def test_laadhistorie(wh: KpiWarehouse) -> None:
    got = wh.rows(finished_on(wh), "laadhistorie")
    assert_rows(got, {
        (REGIO, "lading=1"): (16, None, None), (REGIO, "lading=1;maat=geladen"): (12, None, None),
        (REGIO, "lading=1;maat=bijgewerkt"): (0, None, None), (REGIO, "lading=1;maat=ongewijzigd"): (0, None, None),
        (REGIO, "lading=1;maat=afgekeurd"): (4, None, None),
        (REGIO, "lading=2"): (5, None, None), (REGIO, "lading=2;maat=geladen"): (2, None, None),
        (REGIO, "lading=2;maat=bijgewerkt"): (1, None, None), (REGIO, "lading=2;maat=ongewijzigd"): (1, None, None),
        (REGIO, "lading=2;maat=afgekeurd"): (1, None, None),
    }, complete_for=(REGIO, BREDA, ALTENA, ETTEN_LEUR))
    # read = loaded + updated + unchanged + rejected, for every load
    values = {breakdown: value for (_, breakdown), (value, *_rest) in got.items()}
    for load in ("lading=1", "lading=2"):
        parts = ("geladen", "bijgewerkt", "ongewijzigd", "afgekeurd")
        assert values[load] == sum(values[f"{load};maat={part}"] for part in parts)


def test_afgekeurde_regels(wh: KpiWarehouse) -> None:
    got = wh.rows(finished_on(wh), "afgekeurde_regels")
    # The latest load of each file: verzuimmeldingen.csv (load 1) 3 rejects, verzuimmeldingen_2025-11.csv
    # (load 2) 1, zaken.csv (load 2, corrected: its reject of load 1 is replaced) 0.
    assert_rows(got, {
        (REGIO, ""): (4, None, None),
        (REGIO, "bron=verzuimmeldingen;reden=bsn_ongeldig"): (1, None, None),
        (REGIO, "bron=verzuimmeldingen;reden=datum_na_laaddatum"): (1, None, None),
        (REGIO, "bron=verzuimmeldingen;reden=buiten_regio"): (1, None, None),
        (REGIO, "bron=verzuimmeldingen;reden=ongeldige_code"): (1, None, None),
    }, complete_for=(REGIO, BREDA, ALTENA, ETTEN_LEUR))
    # never a person number, valid or not
    assert not any(number in breakdown for _, breakdown in got for number in (*P.values(), BAD_BSN))


def test_actualiteit(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "actualiteit")
    # Newest date per source, days to 15-11-2025; a warning above 45 days:
    #   verzuimmeldingen 3-11-2025 (X7): 12;  zaken 1-8-2025 (Z2): 106;  bevolking 1-1-2025: 318.
    assert_rows(got, {
        (REGIO, "bron=verzuimmeldingen"): (12, None, None),
        (REGIO, "bron=zaken"): (106, None, None), (REGIO, "bron=zaken;waarschuwing=ja"): (106, None, None),
        (REGIO, "bron=bevolking"): (318, None, None), (REGIO, "bron=bevolking;waarschuwing=ja"): (318, None, None),
    }, complete_for=(REGIO, BREDA, ALTENA, ETTEN_LEUR))


def test_open_zonder_status(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "open_zonder_status")
    # Still in status R (registered) when 10 or more working days have passed since the report date
    # ("still without a status N working days after arrival"), on Sat 15-11-2025:
    #   X2 Thu 30-10: 11 working days (31-10, 3..7-11, 10..14-11): yes.   X3 Fri 31-10: exactly 10: yes.
    #   X10 (Altena) Mon 20-10: 19: yes.   X7 Mon 3-11: 9: no.   X1: closed (G) by load 2.   X9: status B.
    assert_rows(got, {
        (BREDA, ""): (2, 2, None), (ALTENA, ""): (1, 1, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (3, 3, None),
    }, complete_for=(REGIO, BREDA, ALTENA, ETTEN_LEUR))


# --- every KPI has a hand-computed test ------------------------------------------------------------
def kpi_ids_used_in_tests() -> set[str]:
    """The KPI ids the test modules ask figures for: `<wh>.rows(period, "id")`, `<wh>.raw_rows(period, ["id"])`."""
    used: set[str] = set()
    for path in Path(__file__).parent.glob("test_kpis_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) >= 2):
                continue
            arg = node.args[1]
            if node.func.attr == "rows" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used.add(arg.value)
            elif node.func.attr == "raw_rows" and isinstance(arg, ast.List):
                used.update(e.value for e in arg.elts if isinstance(e, ast.Constant))
    return used


def test_every_registry_kpi_has_a_test() -> None:
    used = kpi_ids_used_in_tests()
    assert sorted(set(KPIS) - used) == [], "KPIs without a hand-computed test"
    assert sorted(used - set(KPIS)) == [], "tests for KPI ids that are not in the registry"
