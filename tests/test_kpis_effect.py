"""KPIs of the page "Effectrapportage" (Doorstroompunt), on hand-written rows with hand-computed figures.

School year 2024-2025 = 1 August 2024 to 31 July 2025 (the past school year on the load date 15-11-2025).
Age bands 16-17, 18-22, 23-26: for persons in view, at the start of the school year or of the
trajectory if that is later; for results, at the end (docs/kpis.md). Birth dates are on the 1st.
"""

from __future__ import annotations

import pytest

from tests.kpi_fixtures import (
    ALTENA,
    BREDA,
    ETTEN_LEUR,
    GEMEENTEN,
    REGIO,
    KpiWarehouse,
    assert_rows,
    bsn,
    csv,
    load_sources,
)

Y = "2024-2025"
P = {n: bsn(n) for n in range(1, 12)}

PERSONEN = csv(("bsn", "geboortedatum", "gemeente_code"), [
    (P[1], "01-03-2008", BREDA), (P[2], "01-10-2006", BREDA), (P[3], "01-09-2001", BREDA),
    (P[4], "01-11-2007", ALTENA), (P[5], "01-01-1999", ALTENA), (P[6], "01-06-2006", BREDA),
    (P[7], "01-01-2006", BREDA), (P[9], "01-12-2005", ALTENA),
])
TRAJECTEN = csv(("traject_id", "bsn", "startdatum", "herkomst", "datum_eerste_contact", "einddatum", "resultaat",
                 "gemeente_code"), [
    # active in Y (begin <= 31-7-2025, no end or end >= 1-8-2024)? / age in view / age at the end
    ("J1", P[1], "01-09-2024", "nieuw_vsv", "29-09-2024", "01-03-2025", "onderwijs", BREDA),  # yes / 16 / 17
    ("J2", P[2], "01-10-2024", "oud_vsv", "30-10-2024", "30-06-2025", "werk", BREDA),  # yes / 18 (17 on 1-8) / 18
    ("J3", P[3], "01-05-2023", "verzuim_18plus", "03-05-2023", None, None, BREDA),  # yes / 22 on 1-8-2024
    ("J4", P[4], "15-11-2024", "preventief", None, "10-01-2025", "niet_bereikbaar", ALTENA),  # yes / 17 / 17
    ("J5", P[5], "03-02-2025", "nieuw_vsv", "03-02-2025", None, None, ALTENA),  # yes / 26
    ("J6", P[1], "01-04-2025", "preventief", "20-04-2025", "01-09-2025", None, BREDA),  # yes (P1 again) / 17
    ("J7", P[6], "01-05-2024", "nieuw_vsv", "10-05-2024", "01-08-2024", "onderwijs_en_werk", BREDA),  # ends 1-8
    ("J8", P[7], "01-03-2024", "oud_vsv", "05-03-2024", "31-07-2024", "werk", BREDA),  # ended before Y: no
    ("J10", P[9], "01-12-2024", "verzuim_18plus", None, "31-07-2025", None, ALTENA),  # yes / 19 / 19
])
SIXTEEN_HOURS = "16 uur in 4 opeenvolgende lesweken"
VERZUIMMELDINGEN = csv(("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code",
                        "status", "reden_afsluiting", "datum_afsluiting"), [
    ("E1", P[2], "06HO", "00", "01-10-2024", SIXTEEN_HOURS, BREDA, "B", None, None),  # 18 on 1-10-2024 -> V4
    ("E2", P[1], "06HO", "00", "03-03-2025", SIXTEEN_HOURS, BREDA, "B", None, None),  # 17 -> V3: not 18+
    ("E3", P[9], "20XY", "01", "02-12-2024", "RMC", ALTENA, "G", 2, "15-01-2025"),
    ("E4", P[9], "20XY", "01", "03-02-2025", "V4", ALTENA, "I", None, None),  # withdrawn
    ("E5", P[3], "06HO", "00", "06-05-2025", "V4", BREDA, "G", 1, "01-06-2025"),
    ("E6", P[3], "06HO", "00", "02-06-2025", "RMC 18+", BREDA, "R", None, None),  # RMC
    ("E7", P[5], "20XY", "01", "15-07-2024", "V4", ALTENA, "B", None, None),  # before Y
])


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("effect"), {
        "gemeenten.csv": GEMEENTEN, "personen.csv": PERSONEN, "trajecten.csv": TRAJECTEN,
        "verzuimmeldingen.csv": VERZUIMMELDINGEN,
    })


def test_vsv_in_beeld(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "vsv_in_beeld")
    # Persons with a trajectory active on some day of Y: Breda P1 (J1, J6), P2, P3, P6 (J7 ends on 1-8-2024,
    # the first day: active that day) = 4; Altena P4 P5 P9 = 3; region 7. Not P7 (J8 ended 31-7-2024).
    # Origin (a person counts once per origin): Breda nieuw_vsv P1 P6, oud_vsv P2, verzuim_18plus P3,
    #   preventief P1 (J6); Altena preventief P4, nieuw_vsv P5, verzuim_18plus P9.
    # Age when in view: P1 16 (J1 on 1-9-2024) and 17 (J6); P2 18 on 1-10-2024 (the trajectory starts after
    #   1-8, when P2 was 17); P3 22 on 1-8-2024; P6 18 on 1-8-2024; P4 17; P5 26; P9 19.
    assert_rows(got, {
        (BREDA, ""): (4, 4, None), (ALTENA, ""): (3, 3, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (7, 7, None),
        (BREDA, "herkomst=nieuw_vsv"): (2, 2, None), (BREDA, "herkomst=oud_vsv"): (1, 1, None),
        (BREDA, "herkomst=verzuim_18plus"): (1, 1, None), (BREDA, "herkomst=preventief"): (1, 1, None),
        (ALTENA, "herkomst=preventief"): (1, 1, None), (ALTENA, "herkomst=nieuw_vsv"): (1, 1, None),
        (ALTENA, "herkomst=verzuim_18plus"): (1, 1, None),
        (REGIO, "herkomst=nieuw_vsv"): (3, 3, None), (REGIO, "herkomst=oud_vsv"): (1, 1, None),
        (REGIO, "herkomst=verzuim_18plus"): (2, 2, None), (REGIO, "herkomst=preventief"): (2, 2, None),
        (BREDA, "leeftijd=16-17"): (1, 1, None), (BREDA, "leeftijd=18-22"): (3, 3, None),
        (ALTENA, "leeftijd=16-17"): (1, 1, None), (ALTENA, "leeftijd=18-22"): (1, 1, None),
        (ALTENA, "leeftijd=23-26"): (1, 1, None),
        (REGIO, "leeftijd=16-17"): (2, 2, None), (REGIO, "leeftijd=18-22"): (4, 4, None),
        (REGIO, "leeftijd=23-26"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_contact_binnen_termijn(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "contact_binnen_termijn")
    # Trajectories started in Y, first contact within 28 calendar days of the start (none = late):
    #   Breda J1 (28 days: in time), J2 (29: late), J6 (19: in time) = 2 / 3;
    #   Altena J4 (none), J5 (0: in time), J10 (none) = 1 / 3.  J3 J7 J8 started before Y.
    assert_rows(got, {
        (BREDA, ""): (200 / 3, 2, 3), (ALTENA, ""): (100 / 3, 1, 3), (ETTEN_LEUR, ""): (None, 0, 0),
        (REGIO, ""): (50.0, 3, 6),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_trajecten_resultaat(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "trajecten_resultaat")
    # Trajectories with an end date in Y: Breda J1 (onderwijs), J2 (werk), J7 (onderwijs_en_werk, 1-8-2024) = 3;
    # Altena J4 (niet_bereikbaar), J10 (no result: only in the total) = 2. Not J6 (ends 1-9-2025), J8.
    # Age at the end: J1 P1 17, J2 P2 18, J7 P6 18, J4 P4 17, J10 P9 19.
    assert_rows(got, {
        (BREDA, ""): (3, 3, None), (ALTENA, ""): (2, 2, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (5, 5, None),
        (BREDA, "resultaat=onderwijs"): (1, 1, None), (BREDA, "resultaat=werk"): (1, 1, None),
        (BREDA, "resultaat=onderwijs_en_werk"): (1, 1, None),
        (ALTENA, "resultaat=niet_bereikbaar"): (1, 1, None),
        (REGIO, "resultaat=onderwijs"): (1, 1, None), (REGIO, "resultaat=werk"): (1, 1, None),
        (REGIO, "resultaat=onderwijs_en_werk"): (1, 1, None), (REGIO, "resultaat=niet_bereikbaar"): (1, 1, None),
        (BREDA, "leeftijd=16-17"): (1, 1, None), (BREDA, "leeftijd=18-22"): (2, 2, None),
        (ALTENA, "leeftijd=16-17"): (1, 1, None), (ALTENA, "leeftijd=18-22"): (1, 1, None),
        (REGIO, "leeftijd=16-17"): (2, 2, None), (REGIO, "leeftijd=18-22"): (3, 3, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_positief_resultaat(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "positief_resultaat")
    # Ended in Y with onderwijs, werk or onderwijs_en_werk: Breda J1 J2 J7 = 3 / 3; Altena 0 / 2
    # (niet_bereikbaar; J10 has no result: not positive).
    assert_rows(got, {
        (BREDA, ""): (100.0, 3, 3), (ALTENA, ""): (0.0, 0, 2), (ETTEN_LEUR, ""): (None, 0, 0),
        (REGIO, ""): (60.0, 3, 5),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_verzuim_18plus(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "verzuim_18plus")
    # V4 and RMC reports in Y, not withdrawn: Breda E1 (16 uur at 18 = V4, B), E5 (V4, G, reason 1),
    # E6 (RMC, R) = 3 reports about P2 P3 = 2 persons; Altena E3 (RMC, G, reason 2) = 1 / 1.
    # Not: E2 (16 uur at 17 = V3), E4 (withdrawn), E7 (before Y).
    assert_rows(got, {
        (BREDA, ""): (3, 3, None), (BREDA, "maat=personen"): (2, 2, None),
        (ALTENA, ""): (1, 1, None), (ALTENA, "maat=personen"): (1, 1, None),
        (ETTEN_LEUR, ""): (0, 0, None), (ETTEN_LEUR, "maat=personen"): (0, 0, None),
        (REGIO, ""): (4, 4, None), (REGIO, "maat=personen"): (3, 3, None),
        (BREDA, "status=B"): (1, 1, None), (BREDA, "status=G"): (1, 1, None), (BREDA, "status=R"): (1, 1, None),
        (BREDA, "reden=1"): (1, 1, None),
        (BREDA, "maat=personen;status=B"): (1, 1, None), (BREDA, "maat=personen;status=G"): (1, 1, None),
        (BREDA, "maat=personen;status=R"): (1, 1, None), (BREDA, "maat=personen;reden=1"): (1, 1, None),
        (ALTENA, "status=G"): (1, 1, None), (ALTENA, "reden=2"): (1, 1, None),
        (ALTENA, "maat=personen;status=G"): (1, 1, None), (ALTENA, "maat=personen;reden=2"): (1, 1, None),
        (REGIO, "status=B"): (1, 1, None), (REGIO, "status=G"): (2, 2, None), (REGIO, "status=R"): (1, 1, None),
        (REGIO, "reden=1"): (1, 1, None), (REGIO, "reden=2"): (1, 1, None),
        (REGIO, "maat=personen;status=G"): (2, 2, None),  # P3 and P9
    })
