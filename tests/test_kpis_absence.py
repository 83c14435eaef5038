"""KPIs of the page "Verzuim", on hand-written rows with hand-computed figures.

School year 2023-2024 = 1 August 2023 to 31 July 2024; its population is the CBS count of 1 January 2024.
Persons are P<n> = bsn(n). Municipalities: Breda (GM0758), Altena (GM1959), Etten-Leur (GM0777).
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

Y = "2023-2024"
P = {n: bsn(n) for n in range(1, 40)}
Q = {n: bsn(200 + n) for n in range(1, 20)}

# Population on 1 January 2024, ages 5 to 17 (the denominator of every rate per 1,000):
#   Breda 1,000 (age 10); ages 4 and 18 fall outside; the 2023 count (900) belongs to 2022-2023.
#   Altena 500, delivered under its predecessors Aalburg 200 + Werkendam 200 + Woudrichem 100.
#   Etten-Leur 250 by sex (130 + 120); its row without sex (260) is left out because the same
#   delivery has counts per sex (docs/kpis.md "Population").
#   Region 1,000 + 500 + 250 = 1,750.
BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal", "geslacht"), [
    (BREDA, "01-01-2024", 10, "1.000", None), (BREDA, "01-01-2024", 4, 50, None),
    (BREDA, "01-01-2024", 18, 70, None), (BREDA, "01-01-2023", 10, 900, None),
    ("GM0738", "01-01-2024", 12, 200, None), ("GM0870", "01-01-2024", 12, 200, None),
    ("GM0874", "01-01-2024", 12, 100, None),
    (ETTEN_LEUR, "01-01-2024", 15, 130, "M"), (ETTEN_LEUR, "01-01-2024", 15, 120, "V"),
    (ETTEN_LEUR, "01-01-2024", 15, 260, None),
])

SCHOLEN = csv(("brin", "vestiging", "naam", "sector", "gemeente_code", "plaats"), [
    ("06HO", "00", "Markenhage College", "VO", BREDA, "Breda"),
    ("12AB", "00", "Basisschool De Klimop", "PO", BREDA, "Breda"),
    ("14EF", "00", "Het Baken", "VO", BREDA, "Breda"),
    ("20XY", "01", "Altena College", "VO", ALTENA, "Almkerk"),
])

# --- warehouse 1: reports ---------------------------------------------------------------------------
# Birth dates on the 1st, so the month-only rule (birthday = 1st of the month) changes nothing.
# P2 turns 18 on 1-11-2023 (17 on 6-10-2023); P3 turned 18 on 1-10-2023.
PERSONEN = csv(("bsn", "geboortedatum", "gemeente_code"), [
    (P[1], "01-05-2010", BREDA), (P[2], "01-11-2005", BREDA), (P[3], "01-10-2005", BREDA),
    (P[4], "01-03-2009", ALTENA), (P[5], "01-01-2011", BREDA), (P[6], "01-06-2015", BREDA),
    (P[7], "01-09-2009", BREDA), (P[8], "01-02-2008", BREDA), (P[9], "01-04-2009", ALTENA),
    (P[10], "01-01-2010", BREDA), (P[11], "01-02-2010", BREDA), (P[12], "01-03-2016", BREDA),
    (P[13], "01-05-2009", ALTENA), (P[14], "01-06-2009", ALTENA), (P[15], "01-07-2010", BREDA),
    (P[16], "01-08-2010", BREDA),
])

# Enrolled on 1 October 2023: 06HO00 P1 P2 P8 P10 P11 (5; P3 left on 30-09, P10 came on 1-10);
# 12AB00 P6 P12 (2); 14EF00 P15 P16 (2); 20XY01 P4 P9 P13 P14 (4; P8 only from 1-1-2024).
# P1 is enrolled as VSO at 06HO00, so his reports there are VSO (enrolment before school sector).
INSCHRIJVINGEN = csv(("bsn", "brin", "vestiging", "datum_inschrijving", "datum_uitschrijving", "onderwijssoort"), [
    (P[1], "06HO", "00", "01-08-2019", None, "VSO"), (P[2], "06HO", "00", "01-08-2020", None, "VO"),
    (P[3], "06HO", "00", "01-08-2018", "30-09-2023", "VO"), (P[8], "06HO", "00", "01-08-2020", "31-12-2023", "VO"),
    (P[8], "20XY", "01", "01-01-2024", None, "VO"), (P[10], "06HO", "00", "01-10-2023", None, "VO"),
    (P[11], "06HO", "00", "01-08-2021", "02-10-2023", "VO"), (P[6], "12AB", "00", "01-08-2020", None, "SBO"),
    (P[12], "12AB", "00", "01-08-2022", None, "PO"), (P[15], "14EF", "00", "01-08-2022", None, "VO"),
    (P[16], "14EF", "00", "01-08-2022", None, "VO"), (P[4], "20XY", "01", "01-08-2019", None, "VO"),
    (P[9], "20XY", "01", "01-08-2020", None, "VO"), (P[13], "20XY", "01", "01-08-2021", None, "VO"),
    (P[14], "20XY", "01", "01-08-2021", None, "VO"),
])

SIXTEEN_HOURS = "16 uur in 4 opeenvolgende lesweken"
REPORT_HEADER = ("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code",
                 "status", "reden_afsluiting", "datum_afsluiting", "behandelaar")
# kind after mapping, municipality, counts in 2023-2024?
VERZUIMMELDINGEN = csv(REPORT_HEADER, [
    ("R1", P[1], "06HO", "00", "04-09-2023", "V3", BREDA, "G", 1, "02-10-2023", "LPA01"),  # V3 Breda
    ("R2", P[1], "06HO", "00", "05-02-2024", "V3", BREDA, "B", None, None, "LPA01"),  # V3 Breda, same person
    ("R3", P[2], "06HO", "00", "06-10-2023", SIXTEEN_HOURS, BREDA, "B", None, None, None),  # 17 -> V3
    ("R4", P[3], "06HO", "00", "06-10-2023", SIXTEEN_HOURS, BREDA, "B", None, None, None),  # 18 -> V4
    ("R5", P[4], "20XY", "01", "01-11-2023", "LRV", "GM0870", "B", None, None, None),  # Werkendam -> Altena
    ("R6", P[5], "06HO", "00", "01-12-2023", "V3", BREDA, "I", None, None, None),  # withdrawn: never
    ("R7", P[6], "12AB", "00", "01-03-2024", "L", BREDA, "G", 7, "15-03-2024", None),  # luxe
    ("R8", P[6], "12AB", "00", "31-07-2024", "V2", BREDA, "R", None, None, None),  # legacy V2, last day of Y
    ("R9", P[7], "06HO", "00", "31-07-2023", "V3", BREDA, "B", None, None, None),  # before Y
    ("R10", P[8], "06HO", "00", "15-11-2023", "V3", BREDA, "B", None, None, None),  # P8 in Breda ...
    ("R11", P[8], "20XY", "01", "15-01-2024", "V3", ALTENA, "B", None, None, None),  # ... and in Altena
    ("R12", P[9], "20XY", "01", "01-05-2024", "V3", None, "K", None, None, None),  # no GM: residence Altena
    ("R13", P[6], "12AB", "00", "02-04-2024", "luxe verzuim", BREDA, "B", None, None, None),  # L
    ("R14", P[2], "06HO", "00", "03-04-2024", "L", BREDA, "I", None, None, None),  # withdrawn luxe
])


@pytest.fixture(scope="module")
def reports_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("absence_reports"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "scholen.csv": SCHOLEN,
        "personen.csv": PERSONEN, "inschrijvingen.csv": INSCHRIJVINGEN, "verzuimmeldingen.csv": VERZUIMMELDINGEN,
    })


def test_relatief_verzuim_per_1000(reports_wh: KpiWarehouse) -> None:
    got = reports_wh.rows(Y, "relatief_verzuim_per_1000")
    # Kinds V1, V2, V3 and LRV with report date in Y, not withdrawn:
    #   Breda: P1 (R1, R2: once), P2 (R3: 16 uur at 17 = V3), P6 (R8: V2 on 31-07-2024), P8 (R10) = 4.
    #     Not: R4 (16 uur at 18 = V4), R6 (withdrawn), R7/R13 (L), R9 (31-07-2023, before Y).
    #   Altena: P4 (R5 LRV, delivered as GM0870), P8 (R11), P9 (R12: no GM, residence Altena; K counts) = 3.
    #   Region: P1 P2 P6 P8 P4 P9 = 6 (P8 once).
    # Rate = 1000 x persons / inhabitants 5-17.
    assert_rows(got, {
        (BREDA, ""): (4.0, 4, 1000),
        (ALTENA, ""): (6.0, 3, 500),
        (ETTEN_LEUR, ""): (0.0, 0, 250),  # no reports: a zero row, not a missing one
        (REGIO, ""): (1000 * 6 / 1750, 6, 1750),
        # School type: P1 is enrolled as VSO at 06HO00 (enrolment wins over the school's sector VO);
        # P6 is SBO at 12AB00 -> PO; the others have VO enrolments or VO schools.
        (BREDA, "onderwijssoort=VSO"): (1.0, 1, 1000),
        (BREDA, "onderwijssoort=VO"): (2.0, 2, 1000),  # P2, P8
        (BREDA, "onderwijssoort=PO"): (1.0, 1, 1000),  # P6
        (ALTENA, "onderwijssoort=VO"): (6.0, 3, 500),
        (REGIO, "onderwijssoort=VSO"): (1000 / 1750, 1, 1750),
        (REGIO, "onderwijssoort=VO"): (1000 * 4 / 1750, 4, 1750),  # P2 P8 P4 P9
        (REGIO, "onderwijssoort=PO"): (1000 / 1750, 1, 1750),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_verzuim_meldingen(reports_wh: KpiWarehouse) -> None:
    got = reports_wh.rows(Y, "verzuim_meldingen")
    # Reports in Y, not withdrawn: Breda R1 R2 R3 R4 R7 R8 R10 R13 = 8, Altena R5 R11 R12 = 3, region 11.
    # Persons: Breda P1 P2 P3 P6 P8 = 5, Altena P4 P8 P9 = 3, region P1 P2 P3 P4 P6 P8 P9 = 7 (P8 once).
    assert_rows(got, {
        (BREDA, ""): (8, 8, None), (BREDA, "maat=personen"): (5, 5, None),
        (REGIO, ""): (11, 11, None), (REGIO, "maat=personen"): (7, 7, None),
        # Breda by kind: V3 R1 R2 R3 R10; V4 R4; L R7 R13; V2 R8
        (BREDA, "verzuimsoort=V3"): (4, 4, None), (BREDA, "verzuimsoort=V4"): (1, 1, None),
        (BREDA, "verzuimsoort=L"): (2, 2, None), (BREDA, "verzuimsoort=V2"): (1, 1, None),
        (BREDA, "maat=personen;verzuimsoort=V3"): (3, 3, None),  # P1 P2 P8
        # Breda by status: G R1 R7; B R2 R3 R4 R10 R13; R R8
        (BREDA, "status=G"): (2, 2, None), (BREDA, "status=B"): (5, 5, None), (BREDA, "status=R"): (1, 1, None),
        # closing reason: only the reports that have one
        (BREDA, "reden=1"): (1, 1, None), (BREDA, "reden=7"): (1, 1, None),
        (BREDA, "school=06HO00"): (5, 5, None), (BREDA, "school=12AB00"): (3, 3, None),
        (BREDA, "maat=personen;school=06HO00"): (4, 4, None),  # P1 P2 P3 P8
        # region: V3 reports R1 R2 R3 R10 R11 R12 = 6, persons P1 P2 P8 P9 = 4 (P8 once)
        (REGIO, "verzuimsoort=V3"): (6, 6, None), (REGIO, "maat=personen;verzuimsoort=V3"): (4, 4, None),
        (REGIO, "status=B"): (7, 7, None), (REGIO, "status=K"): (1, 1, None),
    })
    # Altena and Etten-Leur completely
    assert_rows(got, {
        (ALTENA, ""): (3, 3, None), (ALTENA, "maat=personen"): (3, 3, None),
        (ALTENA, "school=20XY01"): (3, 3, None), (ALTENA, "maat=personen;school=20XY01"): (3, 3, None),
        (ALTENA, "verzuimsoort=LRV"): (1, 1, None), (ALTENA, "verzuimsoort=V3"): (2, 2, None),
        (ALTENA, "maat=personen;verzuimsoort=LRV"): (1, 1, None),
        (ALTENA, "maat=personen;verzuimsoort=V3"): (2, 2, None),  # P8, P9
        (ALTENA, "status=B"): (2, 2, None), (ALTENA, "status=K"): (1, 1, None),
        (ALTENA, "maat=personen;status=B"): (2, 2, None), (ALTENA, "maat=personen;status=K"): (1, 1, None),
        (ETTEN_LEUR, ""): (0, 0, None), (ETTEN_LEUR, "maat=personen"): (0, 0, None),
    }, complete_for=(ALTENA, ETTEN_LEUR))


def test_luxe_verzuim(reports_wh: KpiWarehouse) -> None:
    got = reports_wh.rows(Y, "luxe_verzuim")
    # Kind L in Y: R7 and R13 ("luxe verzuim" is L), both P6 at 12AB00 in Breda; R14 is withdrawn.
    assert_rows(got, {
        (BREDA, ""): (2, 2, None), (BREDA, "maat=personen"): (1, 1, None),
        (BREDA, "school=12AB00"): (2, 2, None), (BREDA, "maat=personen;school=12AB00"): (1, 1, None),
        (ALTENA, ""): (0, 0, None), (ALTENA, "maat=personen"): (0, 0, None),
        (ETTEN_LEUR, ""): (0, 0, None), (ETTEN_LEUR, "maat=personen"): (0, 0, None),
        (REGIO, ""): (2, 2, None), (REGIO, "maat=personen"): (1, 1, None),
        (REGIO, "school=12AB00"): (2, 2, None), (REGIO, "maat=personen;school=12AB00"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_verzuim_per_school_per_location(reports_wh: KpiWarehouse) -> None:
    got = reports_wh.rows(Y, "verzuim_per_school")
    # Per location: persons with a (not withdrawn) report in Y there / pupils enrolled there on 1-10-2023, x 100.
    #   06HO00: P1 (R1 R2), P2 (R3), P3 (R4), P8 (R10) = 4 / 5 pupils = 80; reports 5 (V3 4, V4 1).
    #   12AB00: P6 (R7 R8 R13) = 1 / 2 = 50; reports 3 (L 2, V2 1).
    #   14EF00: nobody / 2 = 0; reports 0.
    #   20XY01 (Altena): P4 (R5), P8 (R11), P9 (R12) = 3 / 4 = 75; reports 3 (LRV 1, V3 2).
    # A school counts under the municipality where it stands.
    assert_rows(got, {
        (BREDA, "school=06HO00"): (80.0, 4, 5),
        (BREDA, "maat=meldingen;school=06HO00"): (5, 5, None),
        (BREDA, "maat=meldingen;school=06HO00;verzuimsoort=V3"): (4, 4, None),
        (BREDA, "maat=meldingen;school=06HO00;verzuimsoort=V4"): (1, 1, None),
        (BREDA, "school=12AB00"): (50.0, 1, 2),
        (BREDA, "maat=meldingen;school=12AB00"): (3, 3, None),
        (BREDA, "maat=meldingen;school=12AB00;verzuimsoort=L"): (2, 2, None),
        (BREDA, "maat=meldingen;school=12AB00;verzuimsoort=V2"): (1, 1, None),
        (BREDA, "school=14EF00"): (0.0, 0, 2),
        (BREDA, "maat=meldingen;school=14EF00"): (0, 0, None),
        (ALTENA, "school=20XY01"): (75.0, 3, 4),
        (ALTENA, "maat=meldingen;school=20XY01"): (3, 3, None),
        (ALTENA, "maat=meldingen;school=20XY01;verzuimsoort=LRV"): (1, 1, None),
        (ALTENA, "maat=meldingen;school=20XY01;verzuimsoort=V3"): (2, 2, None),
        # a municipality over its schools, and the region per school type as the reference
        (BREDA, "onderwijssoort=PO"): (50.0, 1, 2),  # 12AB00 only
        (ALTENA, ""): (75.0, 3, 4),
        (ALTENA, "onderwijssoort=VO"): (75.0, 3, 4),
        (REGIO, "onderwijssoort=PO"): (50.0, 1, 2),
    }, complete_for=(ALTENA,))


def test_verzuim_per_school_school_without_reports_adds_nobody(reports_wh: KpiWarehouse) -> None:
    got = reports_wh.rows(Y, "verzuim_per_school")
    # Breda over its schools: persons P1 P2 P3 P8 (06HO00) + P6 (12AB00) = 5; 14EF00 has pupils but no
    # reports, so it adds 2 pupils and nobody: 5 / (5 + 2 + 2) = 55.6.  VO (06HO00, 14EF00): 4 / 7.
    assert_rows(got, {
        (BREDA, ""): (100 * 5 / 9, 5, 9),
        (BREDA, "onderwijssoort=VO"): (100 * 4 / 7, 4, 7),
    })


# --- warehouse 2: edge cases of verzuim_per_school ---------------------------------------------------
# Breda: 06HO00 and 07AA00 (VO). On 1-10-2023 06HO00 has P1 P2, 07AA00 P3 P4; P1 moves to 07AA00 on
# 1-1-2024 and is reported at both schools. P5 and P6 attend 99ZZ00, a school across the border that is
# not in `scholen`: it is kept with its BRIN and counts under REGIO (docs/kpis.md).
@pytest.fixture(scope="module")
def school_edges_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("absence_school_edges"), {
        "gemeenten.csv": GEMEENTEN,
        "scholen.csv": csv(("brin", "vestiging", "naam", "sector", "gemeente_code"), [
            ("06HO", "00", "Markenhage College", "VO", BREDA), ("07AA", "00", "Graaf Engelbrecht", "VO", BREDA)]),
        "inschrijvingen.csv": csv(("bsn", "brin", "vestiging", "datum_inschrijving", "datum_uitschrijving",
                                   "onderwijssoort"), [
            (P[1], "06HO", "00", "01-08-2020", "31-12-2023", "VO"), (P[1], "07AA", "00", "01-01-2024", None, "VO"),
            (P[2], "06HO", "00", "01-08-2020", None, "VO"), (P[3], "07AA", "00", "01-08-2020", None, "VO"),
            (P[4], "07AA", "00", "01-08-2020", None, "VO"), (P[5], "99ZZ", "00", "01-08-2020", None, "VO"),
            (P[6], "99ZZ", "00", "01-08-2020", None, "VO")]),
        "verzuimmeldingen.csv": csv(REPORT_HEADER[:8], [
            ("S1", P[1], "06HO", "00", "10-10-2023", "V3", BREDA, "B"),
            ("S2", P[1], "07AA", "00", "12-02-2024", "V3", BREDA, "B"),
            ("S3", P[3], "07AA", "00", "01-03-2024", "V3", BREDA, "B"),
            ("S4", P[5], "99ZZ", "00", "10-11-2023", "V3", BREDA, "B")]),
    })


def test_verzuim_per_school_counts_a_person_once(school_edges_wh: KpiWarehouse) -> None:
    got = school_edges_wh.rows(Y, "verzuim_per_school",
                               where=lambda gm, b: gm == BREDA or b == "onderwijssoort=VO")
    # Per school: 06HO00 P1 / P1 P2 = 50; 07AA00 P1 P3 / P3 P4 = 100.
    # Over Breda's VO schools (also the region's in-region VO reference): persons P1 P3 = 2 (P1 once)
    # / pupils P1 P2 P3 P4 = 4 -> 50, not 3 / 4.
    assert_rows(got, {
        (BREDA, "school=06HO00"): (50.0, 1, 2),
        (BREDA, "school=07AA00"): (100.0, 2, 2),
        (BREDA, ""): (50.0, 2, 4),
        (BREDA, "onderwijssoort=VO"): (50.0, 2, 4),
        (REGIO, "onderwijssoort=VO"): (50.0, 2, 4),
    })


def test_verzuim_per_school_unknown_school_counts_under_regio_once(school_edges_wh: KpiWarehouse) -> None:
    rows = school_edges_wh.raw_rows(Y, ["verzuim_per_school"])
    # 99ZZ00 under REGIO: P5 / P5 P6 = 50.
    assert [r[4:] for r in rows if r[2:4] == (REGIO, "school=99ZZ00")] == [pytest.approx((50.0, 1, 2))]
    # One REGIO row per breakdown (the region over all schools), not also one for the schools outside it.
    keys = [r[2:4] for r in rows]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


# --- warehouse 3: cases, exemptions and interventions (and the timing rows further down) -----------
ZAKEN = csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code", "resultaat"), [
    # absoluut verzuim; open on a day d = start <= d and (no end or end > d)
    ("Z1", P[1], "absoluut_verzuim", "01-05-2023", None, BREDA, None),  # open since before Y: yes
    ("Z2", P[2], "absoluut_verzuim", "01-03-2023", "01-08-2023", BREDA, None),  # closed on 1-8: no
    ("Z3", P[3], "absoluut_verzuim", "31-07-2024", None, ALTENA, None),  # opened on the last day: yes
    ("Z4", P[4], "absoluut_verzuim", "10-11-2023", "10-11-2023", BREDA, None),  # closed the day it opened: no
    ("Z5", P[5], "absoluut_verzuim", "01-09-2023", "02-09-2023", ALTENA, None),  # open on 1-9: yes
    ("Z6", P[1], "absoluut_verzuim", "05-01-2024", "01-02-2024", BREDA, None),  # P1 again
    ("Z7", P[6], "absoluut_verzuim", "01-08-2024", None, BREDA, None),  # after Y: no
    ("Z8", P[7], "absoluut_verzuim", "01-10-2023", "01-12-2023", ALTENA, None),  # P7 in Altena ...
    ("Z9", P[7], "absoluut_verzuim", "01-02-2024", None, BREDA, None),  # ... then in Breda
    ("Z10", P[30], "luxe_verzuim", "15-09-2023", "15-10-2023", BREDA, None),
    # langdurig relatief verzuim (1 September 2023; 31 July 2024 ends Y)
    ("L1", P[10], "langdurig_relatief_verzuim", "01-06-2023", None, BREDA, None),
    ("L2", P[11], "langdurig_relatief_verzuim", "01-09-2023", "15-11-2023", BREDA, "terug naar school"),
    ("L3", P[12], "langdurig_relatief_verzuim", "02-09-2023", "10-01-2024", ALTENA, "ingeschreven andere school"),
    ("L4", P[13], "langdurig_relatief_verzuim", "10-08-2023", "20-08-2023", BREDA, "verhuisd"),
    ("L5", P[14], "langdurig_relatief_verzuim", "30-04-2024", None, ALTENA, None),
    ("L6", P[15], "langdurig_relatief_verzuim", "30-04-2024", "30-07-2024", BREDA, None),
])
# L1's person is enrolled (VO) on its start date; L2's person left school before its start ('geen');
# the others have no enrolment at all ('onbekend').
CASE_ENROLMENTS = csv(("bsn", "brin", "vestiging", "datum_inschrijving", "datum_uitschrijving", "onderwijssoort"), [
    (P[10], "06HO", "00", "01-08-2019", None, "VO"), (P[11], "12AB", "00", "01-08-2016", "15-07-2023", "PO")])
VRIJSTELLINGEN = csv(("bsn", "artikel", "besluit", "begindatum", "einddatum", "gemeente_code"), [
    (P[10], "5 onder a", "toegekend", "01-03-2024", None, BREDA),  # new in Y
    (P[21], "5a", "toegekend", "01-08-2023", "31-07-2024", ALTENA),  # bare 5a = 5 onder a
    (P[22], "5 sub b", "toegekend", "01-08-2022", "01-08-2023", BREDA),  # active on 1-8 (end on or after d)
    (P[23], "5a trekkend", "toegekend", "01-09-2023", None, BREDA),  # article 5a (travelling)
    (P[24], "3a", "afgewezen", "01-09-2023", None, BREDA),  # refused: never
    (P[25], "art. 15", "toegekend", "01-08-2024", None, ALTENA),  # begins after Y
    (P[26], "5 onder c", "toegekend", "01-08-2022", "31-07-2023", BREDA),  # ended before Y
    (P[27], "3b", "toegekend", "01-10-2023", None, ALTENA),
])
ACTIES = csv(("actie_id", "datum", "soort", "zaak_id", "meldingsnummer"), [
    ("A1", "10-10-2023", "halt", "Z1", None),  # absoluut, Breda
    ("A2", "15-01-2024", "proces_verbaal", "Z1", None),  # absoluut, Breda
    ("A3", "01-12-2023", "proces_verbaal", "L3", None),  # LRV = relatief, Altena
    ("A4", "31-07-2023", "halt", "Z1", None),  # before Y
    ("A5", "10-10-2023", "gesprek", "Z1", None),  # not an intervention
    ("A6", "01-10-2023", "halt", "Z10", None),  # luxe, Breda
    ("A7", "01-11-2023", "proces_verbaal", None, "RZ1"),  # on a V3 report without a case: relatief, Altena
])
# RZ1 was reported in the previous school year: its action A7 (in Y) is an intervention, not a reaction time.
CASE_REPORTS = csv(REPORT_HEADER[:8], [("RZ1", P[31], "06HO", "00", "03-07-2023", "V3", ALTENA, "B")])


def test_absoluut_verzuim_per_1000(cases_wh: KpiWarehouse) -> None:
    got = cases_wh.rows(Y, "absoluut_verzuim_per_1000")
    # Persons with an absoluut-verzuim case open on some day of Y:
    #   Breda: P1 (Z1, Z6), P7 (Z9) = 2.  Not: Z2 (closed on 1-8-2023, the first day: never open in Y),
    #          Z4 (closed the day it opened), Z7 (opens after Y).
    #   Altena: P3 (Z3, opened 31-7-2024), P5 (Z5), P7 (Z8) = 3.  Region: P1 P3 P5 P7 = 4 (P7 once).
    assert_rows(got, {
        (BREDA, ""): (2.0, 2, 1000),
        (ALTENA, ""): (6.0, 3, 500),
        (ETTEN_LEUR, ""): (0.0, 0, 250),
        (REGIO, ""): (1000 * 4 / 1750, 4, 1750),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_lrv(cases_wh: KpiWarehouse) -> None:
    got = cases_wh.rows(Y, "lrv")
    # Open on some day of Y: L1..L6 (L4 was open 10-8 to 19-8).  Breda L1 L2 L4 L6 = 4, Altena L3 L5 = 2.
    # bij_aanvang (open on 1-9-2023): L1; L2 (started on 1-9 itself).
    # nieuw (started in Y, not open on 1-9): L3, L5, L6, and L4 (began and ended in August; docs/kpis.md).
    # langer_dan_3_maanden (min(end, 31-7-2024) more than 3 months after the start):
    #   L1 (1-6-2023 + 3 months = 1-9-2023 < 31-7-2024), L3 (10-1-2024 > 2-12-2023),
    #   L5 (31-7-2024 > 30-7-2024); not L6 (30-7-2024 is exactly 3 months: not more), not L2, L4.
    # opgelost (ended in Y, back at school): L2 (terug naar school), L3 (andere school); not L4 (verhuisd).
    assert_rows(got, {
        (BREDA, ""): (4, 4, None), (ALTENA, ""): (2, 2, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (6, 6, None),
        (BREDA, "fase=bij_aanvang"): (2, 2, None), (BREDA, "fase=nieuw"): (2, 2, None),
        (BREDA, "fase=langer_dan_3_maanden"): (1, 1, None), (BREDA, "fase=opgelost"): (1, 1, None),
        (ALTENA, "fase=nieuw"): (2, 2, None), (ALTENA, "fase=langer_dan_3_maanden"): (2, 2, None),
        (ALTENA, "fase=opgelost"): (1, 1, None),
        (REGIO, "fase=bij_aanvang"): (2, 2, None), (REGIO, "fase=nieuw"): (4, 4, None),
        (REGIO, "fase=langer_dan_3_maanden"): (3, 3, None), (REGIO, "fase=opgelost"): (2, 2, None),
        # school type: L1 VO (enrolled on its start), L2 'geen' (enrolled before, not on its start)
        (BREDA, "fase=bij_aanvang;onderwijssoort=VO"): (1, 1, None),
        (BREDA, "fase=bij_aanvang;onderwijssoort=geen"): (1, 1, None),
        (BREDA, "fase=nieuw;onderwijssoort=onbekend"): (2, 2, None),
        (BREDA, "fase=langer_dan_3_maanden;onderwijssoort=VO"): (1, 1, None),
        (BREDA, "fase=opgelost;onderwijssoort=geen"): (1, 1, None),
        (ALTENA, "fase=nieuw;onderwijssoort=onbekend"): (2, 2, None),
        (ALTENA, "fase=langer_dan_3_maanden;onderwijssoort=onbekend"): (2, 2, None),
        (ALTENA, "fase=opgelost;onderwijssoort=onbekend"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR))


def test_vrijstellingen(cases_wh: KpiWarehouse) -> None:
    got = cases_wh.rows(Y, "vrijstellingen")
    # Granted exemptions valid on some day of Y (begin <= 31-7-2024, no end or end >= 1-8-2023):
    #   Breda: P10 (5 onder a), P22 (5 onder b, ends 1-8-2023: valid that day), P23 (5a) = 3.
    #   Altena: P21 (bare "5a" = 5 onder a), P27 (3b) = 2.
    #   Not: P24 (refused), P25 (begins 1-8-2024), P26 (ended 31-7-2023).
    assert_rows(got, {
        (BREDA, ""): (3, 3, None), (ALTENA, ""): (2, 2, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (5, 5, None),
        (BREDA, "artikel=5 onder a"): (1, 1, None), (BREDA, "artikel=5 onder b"): (1, 1, None),
        (BREDA, "artikel=5a"): (1, 1, None),
        (ALTENA, "artikel=5 onder a"): (1, 1, None), (ALTENA, "artikel=3b"): (1, 1, None),
        (REGIO, "artikel=5 onder a"): (2, 2, None), (REGIO, "artikel=5 onder b"): (1, 1, None),
        (REGIO, "artikel=5a"): (1, 1, None), (REGIO, "artikel=3b"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_thuiszitters_breed_per_1000(cases_wh: KpiWarehouse) -> None:
    got = cases_wh.rows(Y, "thuiszitters_breed_per_1000")
    # Persons with, on some day of Y, an open absoluut case, an open LRV case or a granted 5 onder a:
    #   Breda: absoluut {P1, P7} + LRV {P10, P11, P13, P15} + 5 onder a {P10} = 6 distinct persons.
    #   Altena: absoluut {P3, P5, P7} + LRV {P12, P14} + 5 onder a {P21} = 6.
    #   Region: {P1 P3 P5 P7} + {P10 P11 P12 P13 P14 P15} + {P10 P21} = 11 (P7 and P10 once).
    assert_rows(got, {
        (BREDA, ""): (6.0, 6, 1000),
        (ALTENA, ""): (12.0, 6, 500),
        (ETTEN_LEUR, ""): (0.0, 0, 250),
        (REGIO, ""): (1000 * 11 / 1750, 11, 1750),
        (BREDA, "groep=absoluut_verzuim"): (2.0, 2, 1000),
        (BREDA, "groep=lrv"): (4.0, 4, 1000),
        (BREDA, "groep=vrijstelling_5_onder_a"): (1.0, 1, 1000),
        (ALTENA, "groep=absoluut_verzuim"): (6.0, 3, 500),
        (ALTENA, "groep=lrv"): (4.0, 2, 500),
        (ALTENA, "groep=vrijstelling_5_onder_a"): (2.0, 1, 500),
        (REGIO, "groep=absoluut_verzuim"): (1000 * 4 / 1750, 4, 1750),
        (REGIO, "groep=lrv"): (1000 * 6 / 1750, 6, 1750),
        (REGIO, "groep=vrijstelling_5_onder_a"): (1000 * 2 / 1750, 2, 1750),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_interventies(cases_wh: KpiWarehouse) -> None:
    got = cases_wh.rows(Y, "interventies")
    # HALT and proces-verbaal actions dated in Y (A4 is before Y, A5 is a talk):
    #   Breda: A1 halt (Z1 absoluut), A2 pv (Z1 absoluut), A6 halt (Z10 luxe) = 3.
    #   Altena: A3 pv (L3: LRV counts as relatief), A7 pv (report RZ1, V3 without a case: relatief) = 2.
    assert_rows(got, {
        (BREDA, ""): (3, 3, None), (ALTENA, ""): (2, 2, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (5, 5, None),
        (BREDA, "interventie=halt"): (2, 2, None), (BREDA, "interventie=proces_verbaal"): (1, 1, None),
        (BREDA, "interventie=halt;zaaksoort=absoluut"): (1, 1, None),
        (BREDA, "interventie=halt;zaaksoort=luxe"): (1, 1, None),
        (BREDA, "interventie=proces_verbaal;zaaksoort=absoluut"): (1, 1, None),
        (ALTENA, "interventie=proces_verbaal"): (2, 2, None),
        (ALTENA, "interventie=proces_verbaal;zaaksoort=relatief"): (2, 2, None),
        (REGIO, "interventie=halt"): (2, 2, None), (REGIO, "interventie=proces_verbaal"): (3, 3, None),
        (REGIO, "interventie=halt;zaaksoort=absoluut"): (1, 1, None),
        (REGIO, "interventie=halt;zaaksoort=luxe"): (1, 1, None),
        (REGIO, "interventie=proces_verbaal;zaaksoort=absoluut"): (1, 1, None),
        (REGIO, "interventie=proces_verbaal;zaaksoort=relatief"): (2, 2, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


# --- timing (reaction time, lead time, recidivism, closing reasons), in the cases warehouse ----------
# Persons Q<n> = bsn(200 + n), distinct from the case persons.
# Weekdays: Fri 1-9-2023, Mon 4-9, Wed 6-9, Thu 7-9, Fri 8-9, Mon 11-9, Tue 12-9, Thu 14-9, Fri 15-9,
# Mon 2-10, Fri 13-10, Mon 16-10, Thu 3-8-2023, Mon 8-1-2024.
TIMING_REPORTS = csv(REPORT_HEADER, [
    ("T1", Q[1], "06HO", "00", "01-09-2023", "V3", BREDA, "G", 1, "27-10-2023", "LPA01"),
    ("T2", Q[2], "06HO", "00", "04-09-2023", "V3", BREDA, "G", 1, "31-10-2023", "LPA01"),
    ("T3", Q[3], "06HO", "00", "04-09-2023", "V3", BREDA, "G", 3, "14-09-2023", "LPA02"),
    ("T4", Q[1], "06HO", "00", "06-09-2023", "V3", BREDA, "G", 1, "05-08-2024", "LPA02"),
    ("T5", Q[7], "06HO", "00", "07-09-2023", "V3", BREDA, "B", None, None, "LPA02"),
    ("T6", Q[8], "06HO", "00", "08-09-2023", "V3", BREDA, "B", None, None, "LPA01"),
    ("T7", Q[3], "06HO", "00", "15-09-2023", "V3", BREDA, "I", 2, "20-09-2023", "LPA01"),  # withdrawn
    ("T8", Q[6], "20XY", "01", "02-10-2023", "V3", ALTENA, "G", 1, "01-12-2023", "LPA03"),
    ("T9", Q[4], "06HO", "00", "20-07-2023", "V3", BREDA, "G", 5, "03-08-2023", "LPA01"),  # reported before Y
    ("T10", Q[9], "06HO", "00", "12-09-2023", "V3", BREDA, "B", None, None, "LPA01"),
    ("T11", Q[5], "06HO", "00", "16-10-2023", "V3", BREDA, "G", None, "20-10-2023", None),  # no reason, no staff
    ("T12", Q[1], "06HO", "00", "26-10-2024", "V3", BREDA, "B", None, None, None),  # T1's closing + 365 days
    ("T13", Q[2], "06HO", "00", "31-10-2024", "V3", BREDA, "B", None, None, None),  # T2's closing + 366 days
    ("T14", Q[4], "06HO", "00", "03-08-2023", "V3", BREDA, "B", None, None, None),  # on T9's closing day
    ("T15", Q[5], "20XY", "01", "08-01-2024", "V3", ALTENA, "B", None, None, None),  # after T11, elsewhere
])
TIMING_ACTIONS = csv(("actie_id", "datum", "soort", "zaak_id", "meldingsnummer"), [
    ("AT1", "04-09-2023", "gesprek", None, "T1"),  # Fri -> Mon: 1 working day
    ("AT2", "11-09-2023", "gesprek", None, "T2"),  # Mon -> next Mon: 5
    ("AT3", "12-09-2023", "gesprek", None, "T3"),  # Mon -> next Tue: 6
    ("AT4", "06-09-2023", "gesprek", None, "T4"),  # same day: 0
    ("AT5", "08-09-2023", "gesprek", "ZT5", None),  # in a case about T5, without its meldingsnummer
    ("AT6b", "20-09-2023", "huisbezoek", None, "T6"),  # a later action on T6 ...
    ("AT6a", "11-09-2023", "gesprek", None, "T6"),  # ... the first one: Fri -> Mon = 1
    ("AT7", "18-09-2023", "gesprek", None, "T7"),  # withdrawn report
    ("AT8", "13-10-2023", "gesprek", None, "T8"),  # Mon 2-10 -> Fri 13-10: 9
    ("AT9", "02-08-2023", "gesprek", None, "T9"),  # report before Y
    ("AT10", "14-09-2023", "gesprek", None, "T10"),  # Tue -> Thu: 2
])
TIMING_CASES = csv(("zaak_id", "bsn", "soort", "startdatum", "gemeente_code", "meldingsnummer"),
                   [("ZT5", Q[7], "relatief_verzuim", "08-09-2023", BREDA, "T5")])


@pytest.fixture(scope="module")
def cases_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("absence_cases"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "inschrijvingen.csv": CASE_ENROLMENTS,
        "zaken.csv": ZAKEN, "vrijstellingen.csv": VRIJSTELLINGEN, "acties.csv": ACTIES,
        "verzuimmeldingen_zaken.csv": CASE_REPORTS, "scholen.csv": SCHOLEN,
        # the timing rows below (persons Q<n>)
        "verzuimmeldingen.csv": TIMING_REPORTS, "acties_meldingen.csv": TIMING_ACTIONS,
        "zaken_meldingen.csv": TIMING_CASES,
    })


@pytest.fixture(scope="module")
def timing_wh(cases_wh: KpiWarehouse) -> KpiWarehouse:
    """The timing rows live in the cases warehouse (a load is the slow part); their persons Q<n> differ."""
    return cases_wh


def test_reactietijd(timing_wh: KpiWarehouse) -> None:
    got = timing_wh.rows(Y, "reactietijd")
    # Reports in Y, not withdrawn: Breda T1 T2 T3 T4 T5 T6 T10 T11 T14 (9), Altena T8 T15 (2).
    # Working days to the first action carrying the report's number:
    #   T1 1, T2 5, T3 6, T4 0, T6 1 (first of two actions), T10 2; T5 (only a case action), T11, T14: none.
    #   Altena: T8 9; T15 none.
    # Median over the reports with an action: Breda 0 1 1 2 5 6 -> (1 + 2) / 2 = 1.5 over 6;
    #   Altena 9 over 1; region 0 1 1 2 5 6 9 -> 2 over 7.
    # Within 5 working days, over all reports (no action = late): Breda T1 T2 T4 T6 T10 = 5 / 9;
    #   Altena 0 / 2; region 5 / 11.
    assert_rows(got, {
        (BREDA, ""): (1.5, None, 6),
        (ALTENA, ""): (9.0, None, 1),
        (ETTEN_LEUR, ""): (None, None, 0),
        (REGIO, ""): (2.0, None, 7),
        (BREDA, "binnen_termijn=ja"): (100 * 5 / 9, 5, 9),
        (ALTENA, "binnen_termijn=ja"): (0.0, 0, 2),
        (ETTEN_LEUR, "binnen_termijn=ja"): (None, 0, 0),
        (REGIO, "binnen_termijn=ja"): (100 * 5 / 11, 5, 11),
        # per staff member (reports without one only count in the totals)
        #   LPA01: T1 1, T2 5, T6 1, T10 2 -> median 1.5 over 4, all 4 in time
        #   LPA02: T3 6, T4 0 (T5 no action) -> median 3 over 2; in time T4 only: 1 / 3
        #   LPA03: T8 9 -> 9 over 1; 0 / 1
        (BREDA, "behandelaar=LPA01"): (1.5, None, 4),
        (BREDA, "behandelaar=LPA02"): (3.0, None, 2),
        (BREDA, "behandelaar=LPA01;binnen_termijn=ja"): (100.0, 4, 4),
        (BREDA, "behandelaar=LPA02;binnen_termijn=ja"): (100 / 3, 1, 3),
        (ALTENA, "behandelaar=LPA03"): (9.0, None, 1),
        (ALTENA, "behandelaar=LPA03;binnen_termijn=ja"): (0.0, 0, 1),
        (REGIO, "behandelaar=LPA01"): (1.5, None, 4),
        (REGIO, "behandelaar=LPA02;binnen_termijn=ja"): (100 / 3, 1, 3),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR))


def test_doorlooptijd(timing_wh: KpiWarehouse) -> None:
    got = timing_wh.rows(Y, "doorlooptijd")
    # Reports with a closing date in Y (T4 closes after Y; T7 is withdrawn), calendar days:
    #   Breda: T1 1-9 -> 27-10 = 56, T2 4-9 -> 31-10 = 57, T3 10, T9 (reported before Y) 20-7 -> 3-8 = 14,
    #          T11 16-10 -> 20-10 = 4.  Sorted 4 10 14 56 57: median 14; within 56 days: T1 T3 T9 T11 = 4 / 5.
    #   Altena: T8 2-10 -> 1-12 = 60: median 60; 0 / 1.
    #   Region: 4 10 14 56 57 60 -> (14 + 56) / 2 = 35; 4 / 6.
    assert_rows(got, {
        (BREDA, ""): (14.0, None, 5),
        (ALTENA, ""): (60.0, None, 1),
        (ETTEN_LEUR, ""): (None, None, 0),
        (REGIO, ""): (35.0, None, 6),
        (BREDA, "binnen_termijn=ja"): (80.0, 4, 5),
        (ALTENA, "binnen_termijn=ja"): (0.0, 0, 1),
        (ETTEN_LEUR, "binnen_termijn=ja"): (None, 0, 0),
        (REGIO, "binnen_termijn=ja"): (100 * 4 / 6, 4, 6),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_recidive(timing_wh: KpiWarehouse) -> None:
    got = timing_wh.rows(Y, "recidive")
    # Persons with a report closed in Y: Breda Q1 (T1), Q2 (T2), Q3 (T3), Q4 (T9), Q5 (T11); Altena Q6 (T8).
    # A new report after the closing date and at most 365 days later:
    #   Q1: T12 on 26-10-2024 = 27-10-2023 + 365 days (2024 is a leap year): yes.
    #   Q2: T13 on 31-10-2024 = 31-10-2023 + 366 days: no.
    #   Q3: only T7, which is withdrawn: no.      Q4: T14 on T9's closing day is not after it: no.
    #   Q5: T15 in Altena counts for the Breda closing: yes.      Q6: nothing: no.
    assert_rows(got, {
        (BREDA, ""): (40.0, 2, 5),
        (ALTENA, ""): (0.0, 0, 1),
        (ETTEN_LEUR, ""): (None, 0, 0),
        (REGIO, ""): (100 * 2 / 6, 2, 6),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_sluitredenen(timing_wh: KpiWarehouse) -> None:
    got = timing_wh.rows(Y, "sluitredenen")
    # Reports closed in Y with a closing reason: Breda T1 (1), T2 (1), T3 (3), T9 (5); Altena T8 (1).
    # Not: T11 (no reason), T7 (withdrawn), T4 (closed after Y).
    assert_rows(got, {
        (BREDA, ""): (4, 4, None), (ALTENA, ""): (1, 1, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (5, 5, None),
        (BREDA, "reden=1"): (2, 2, None), (BREDA, "reden=3"): (1, 1, None), (BREDA, "reden=5"): (1, 1, None),
        (BREDA, "reden=1;school=06HO00"): (2, 2, None), (BREDA, "reden=3;school=06HO00"): (1, 1, None),
        (BREDA, "reden=5;school=06HO00"): (1, 1, None),
        (ALTENA, "reden=1"): (1, 1, None), (ALTENA, "reden=1;school=20XY01"): (1, 1, None),
        (REGIO, "reden=1"): (3, 3, None), (REGIO, "reden=3"): (1, 1, None), (REGIO, "reden=5"): (1, 1, None),
        (REGIO, "reden=1;school=06HO00"): (2, 2, None), (REGIO, "reden=1;school=20XY01"): (1, 1, None),
        (REGIO, "reden=3;school=06HO00"): (1, 1, None), (REGIO, "reden=5;school=06HO00"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_breakdown_keys_are_in_alphabetical_order(reports_wh: KpiWarehouse, timing_wh: KpiWarehouse) -> None:
    rows = reports_wh.raw_rows(Y, ["verzuim_per_school"]) + timing_wh.raw_rows(Y, ["reactietijd"])

    def keys(breakdown: str) -> list[str]:
        return [pair.split("=")[0] for pair in breakdown.split(";")]

    assert sorted({r[3] for r in rows if keys(r[3]) != sorted(keys(r[3]))}) == []


def test_source_rows_all_loaded(reports_wh: KpiWarehouse, school_edges_wh: KpiWarehouse,
                                cases_wh: KpiWarehouse) -> None:
    # the hand-written files load without rejects (else the figures above would test the ETL, not the KPIs)
    for wh in (reports_wh, school_edges_wh, cases_wh):
        assert all(f.rejected == 0 for f in wh.result.files)
