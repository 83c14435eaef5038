"""KPIs of the page "Capaciteit", on hand-written rows with hand-computed figures.

Reference date D = 1 October 2024 (a reference date is its own period). School year 2024-2025 =
1 August 2024 to 31 July 2025, 365 days. *Active on d*: begin <= d and (no end or end >= d).
*Open on d*: start <= d and (no end or end > d); reports withdrawn (I) or acknowledged (K) never open.
"""

from __future__ import annotations

import pytest

from tests.kpi_fixtures import (
    ALTENA,
    BREDA,
    ETTEN_LEUR,
    REGIO,
    KpiWarehouse,
    assert_rows,
    bsn,
    csv,
    load_sources,
)

D = "2024-10-01"
Y = "2024-2025"
P = {n: bsn(n) for n in range(1, 40)}
DRIMMELEN = "GM1719"  # takes part, has inhabitants, and nothing else: no staff, no work, no schools

GEMEENTEN = csv(("gemeente_code", "naam", "uitvoeringsniveau"), [
    (BREDA, "Breda", "2"), (ALTENA, "Altena", "1"), (ETTEN_LEUR, "Etten-Leur", "2A"), (DRIMMELEN, "Drimmelen", "2")])

# Inhabitants 5-17 on the latest 1 January on or before D (1-1-2024): Breda 1,200 (age 18 falls
# outside; the 2023 and 2025 counts are not the latest on or before D), Altena 300 + 150 + 150 = 600
# under its predecessor codes, Etten-Leur 400, Drimmelen 100. Region 2,300.
BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
    (BREDA, "01-01-2024", 10, "1.200"), (BREDA, "01-01-2024", 18, 500), (BREDA, "01-01-2023", 10, "1.100"),
    (BREDA, "01-01-2025", 10, "1.300"),
    ("GM0738", "01-01-2024", 8, 300), ("GM0870", "01-01-2024", 8, 150), ("GM0874", "01-01-2024", 8, 150),
    (ETTEN_LEUR, "01-01-2024", 16, 400), (DRIMMELEN, "01-01-2024", 12, 100),
])

MEDEWERKERS = csv(("medewerker", "rol", "gemeente_code", "fte", "begindatum", "einddatum"), [
    ("LPA01", "leerplichtambtenaar", BREDA, "0,8", "01-01-2020", None),  # active on D
    ("LPA02", "leerplichtambtenaar", BREDA, "0,4", "01-01-2024", "01-10-2024"),  # ends on D: active
    ("LPA03", "leerplichtambtenaar", BREDA, "1,0", "02-10-2024", None),  # starts after D
    ("LPA04", "leerplichtambtenaar", BREDA, "0,5", "01-01-2023", "30-09-2024"),  # ended before D
    ("LPA02", "leerplichtambtenaar", ALTENA, "0,6", "01-08-2022", None),  # same person, other municipality
    ("DSC01", "doorstroomcoach", BREDA, "1,0", "01-01-2021", None),
    ("DSC01", "doorstroomcoach", ALTENA, "0,2", "01-01-2021", None),
    ("COO01", "coordinator", BREDA, "0,5", "01-01-2019", None),
    ("ADM01", "administratief", ETTEN_LEUR, "0,25", "01-01-2020", None),
])

# Days open on D in brackets; ouderdom 0-27 / 28-84 / 85+.
VERZUIMMELDINGEN = csv(("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code",
                        "status", "datum_afsluiting", "behandelaar"), [
    ("W1", P[1], "06HO", "00", "30-09-2024", "V3", BREDA, "B", None, "LPA01"),  # open [1]
    ("W2", P[2], "06HO", "00", "03-09-2024", "V3", BREDA, "B", None, "LPA01"),  # open [28]
    ("W3", P[3], "06HO", "00", "09-07-2024", "V3", BREDA, "B", None, "LPA02"),  # open [84]
    ("W4", P[4], "06HO", "00", "08-07-2024", "V3", BREDA, "B", None, "LPA02"),  # open [85]
    ("W5", P[5], "06HO", "00", "04-09-2024", "V3", BREDA, "B", None, "LPA01"),  # open [27]
    ("W6", P[6], "06HO", "00", "01-09-2024", "V3", BREDA, "G", "01-10-2024", "LPA01"),  # closed on D: not open
    ("W7", P[7], "06HO", "00", "01-09-2024", "V3", BREDA, "G", "02-10-2024", "LPA01"),  # closed after D: open [30]
    ("W8", P[8], "06HO", "00", "10-09-2024", "V3", BREDA, "K", None, "LPA01"),  # acknowledged: never open
    ("W9", P[9], "06HO", "00", "10-09-2024", "V3", BREDA, "I", None, "LPA01"),  # withdrawn: never
    ("W10", P[10], "06HO", "00", "16-09-2024", "V4", BREDA, "B", None, "DSC01"),  # 18+, open [15]
    ("W11", P[11], "20XY", "01", "01-08-2024", "RMC", ALTENA, "R", None, "DSC01"),  # 18+, open [61]
    ("W12", P[12], "06HO", "00", "02-10-2024", "V3", BREDA, "B", None, "LPA01"),  # after D
    ("W13", P[13], "06HO", "00", "03-06-2024", "V3", BREDA, "G", None, "LPA01"),  # G, no closing date: open [120]
])
ZAKEN = csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code", "behandelaar"), [
    ("C1", P[20], "absoluut_verzuim", "01-05-2024", None, BREDA, "LPA01"),  # open [153]
    ("C2", P[21], "relatief_verzuim", "01-10-2024", "01-10-2024", BREDA, "LPA01"),  # closed the day it opened
    ("C3", P[22], "langdurig_relatief_verzuim", "01-09-2024", "01-10-2024", ALTENA, "LPA02"),  # ends on D
    ("C4", P[23], "absoluut_verzuim", "01-10-2024", None, ALTENA, "LPA02"),  # opened on D: open [0]
    ("C5", P[24], "verlof_aanvraag", "20-09-2024", "05-10-2024", ETTEN_LEUR, None),  # open [11]
])
TRAJECTEN = csv(("traject_id", "bsn", "startdatum", "herkomst", "einddatum", "gemeente_code", "behandelaar"), [
    ("J1", P[30], "01-03-2024", "nieuw_vsv", None, BREDA, "DSC01"),  # open [214]
    ("J2", P[31], "01-09-2024", "oud_vsv", "01-10-2024", BREDA, "DSC01"),  # ends on D: not open
    ("J3", P[32], "15-09-2024", "preventief", "01-12-2024", ALTENA, "DSC01"),  # open [16]
])

SCHOLEN = csv(("brin", "vestiging", "naam", "sector", "gemeente_code"), [
    ("06HO", "00", "Markenhage College", "VO", BREDA),
    ("12AB", "00", "Basisschool De Klimop", "PO", BREDA),
    ("13CD", "00", "SBO 't Kompas", "SBO", BREDA),
    ("30HB", "00", "Avans Hogeschool", "HO", BREDA),  # HO: no leerplicht, left out
    ("20XY", "01", "Altena College", "VO", ALTENA),
    ("21QQ", "00", "Het Mozaïek", "PO", ALTENA),
    ("25EL", "00", "De Linde", "PO", ETTEN_LEUR),
    ("40TB", "00", "Sint-Odulphuslyceum", "VO", "GM0855"),  # Tilburg: outside the region, left out
])
CONTACTPERSONEN = csv(("brin", "vestiging", "medewerker", "begindatum", "einddatum"), [
    ("06HO", "00", "LPA01", "01-01-2020", None),  # exactly one
    ("12AB", "00", "LPA01", "01-01-2020", "01-10-2024"),  # ends on D: still active ...
    ("12AB", "00", "LPA02", "01-10-2024", None),  # ... and a second one starts on D: several
    ("20XY", "01", "LPA02", "01-01-2022", None),  # the same staff member twice: one contact person
    ("20XY", "01", "LPA02", "01-09-2024", None),
    ("21QQ", "00", "LPA02", "01-01-2020", "30-09-2024"),  # ended before D: none
    ("25EL", "00", "COO01", "01-10-2024", None),  # starts on D: one
    ("40TB", "00", "LPA01", "01-01-2020", None),
])


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("capacity"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "medewerkers.csv": MEDEWERKERS,
        "verzuimmeldingen.csv": VERZUIMMELDINGEN, "zaken.csv": ZAKEN, "trajecten.csv": TRAJECTEN,
        "scholen.csv": SCHOLEN, "contactpersonen.csv": CONTACTPERSONEN,
    })


def test_fte(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "fte")
    # Assignments active on D: Breda LPA01 0.8 + LPA02 0.4 (ends on D) = 1.2 lpa, DSC01 1.0, COO01 0.5;
    # Altena LPA02 0.6, DSC01 0.2; Etten-Leur ADM01 0.25. Not LPA03 (from 2-10) or LPA04 (to 30-9).
    assert_rows(got, {
        (BREDA, ""): (2.7, 2.7, None), (ALTENA, ""): (0.8, 0.8, None), (ETTEN_LEUR, ""): (0.25, 0.25, None),
        (REGIO, ""): (3.75, 3.75, None),
        (BREDA, "rol=leerplichtambtenaar"): (1.2, 1.2, None), (BREDA, "rol=doorstroomcoach"): (1.0, 1.0, None),
        (BREDA, "rol=coordinator"): (0.5, 0.5, None),
        (ALTENA, "rol=leerplichtambtenaar"): (0.6, 0.6, None), (ALTENA, "rol=doorstroomcoach"): (0.2, 0.2, None),
        (ETTEN_LEUR, "rol=administratief"): (0.25, 0.25, None),
        (REGIO, "rol=leerplichtambtenaar"): (1.8, 1.8, None), (REGIO, "rol=doorstroomcoach"): (1.2, 1.2, None),
        (REGIO, "rol=coordinator"): (0.5, 0.5, None), (REGIO, "rol=administratief"): (0.25, 0.25, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_leerplichtigen_per_fte(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "leerplichtigen_per_fte")
    # inhabitants 5-17 / FTE leerplichtambtenaar active on D
    assert_rows(got, {
        (BREDA, ""): (1000.0, 1200, 1.2),
        (ALTENA, ""): (1000.0, 600, 0.6),
        (ETTEN_LEUR, ""): (None, 400, 0),  # no leerplichtambtenaar: not defined
        (DRIMMELEN, ""): (None, 100, 0),
        (REGIO, ""): (2300 / 1.8, 2300, 1.8),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_werkvoorraad(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "werkvoorraad")
    # Open on D: Breda reports W1 W2 W3 W4 W5 W7 W10 W13 (8), case C1, trajectory J1 = 10;
    #   Altena W11, C4, J3 = 3; Etten-Leur C5 = 1; region 14.
    # Not: W6 (closed on D), W8 (K), W9 (I), W12 (after D), C2 (closed the day it opened), C3 and J2 (end on D).
    # Age on D: 0-27 W1 1, W5 27, W10 15, C4 0, C5 11, J3 16; 28-84 W2 28, W3 84, W7 30, W11 61;
    #           85+ W4 85, W13 120, C1 153, J1 214.
    assert_rows(got, {
        (BREDA, ""): (10, 10, None), (ALTENA, ""): (3, 3, None), (ETTEN_LEUR, ""): (1, 1, None),
        (REGIO, ""): (14, 14, None),
        (BREDA, "soort=melding"): (8, 8, None), (BREDA, "soort=zaak"): (1, 1, None),
        (BREDA, "soort=traject"): (1, 1, None),
        (BREDA, "ouderdom=0-27"): (3, 3, None), (BREDA, "ouderdom=28-84"): (3, 3, None),
        (BREDA, "ouderdom=85+"): (4, 4, None),
        (BREDA, "ouderdom=0-27;soort=melding"): (3, 3, None), (BREDA, "ouderdom=28-84;soort=melding"): (3, 3, None),
        (BREDA, "ouderdom=85+;soort=melding"): (2, 2, None), (BREDA, "ouderdom=85+;soort=zaak"): (1, 1, None),
        (BREDA, "ouderdom=85+;soort=traject"): (1, 1, None),
        (BREDA, "behandelaar=LPA01"): (6, 6, None),  # W1 W2 W5 W7 W13 C1
        (BREDA, "behandelaar=LPA02"): (2, 2, None),  # W3 W4
        (BREDA, "behandelaar=DSC01"): (2, 2, None),  # W10 J1
        (ALTENA, "soort=melding"): (1, 1, None), (ALTENA, "soort=zaak"): (1, 1, None),
        (ALTENA, "soort=traject"): (1, 1, None),
        (ALTENA, "ouderdom=0-27"): (2, 2, None), (ALTENA, "ouderdom=28-84"): (1, 1, None),
        (ALTENA, "ouderdom=28-84;soort=melding"): (1, 1, None), (ALTENA, "ouderdom=0-27;soort=zaak"): (1, 1, None),
        (ALTENA, "ouderdom=0-27;soort=traject"): (1, 1, None),
        (ALTENA, "behandelaar=DSC01"): (2, 2, None), (ALTENA, "behandelaar=LPA02"): (1, 1, None),
        (ETTEN_LEUR, "soort=zaak"): (1, 1, None), (ETTEN_LEUR, "ouderdom=0-27"): (1, 1, None),
        (ETTEN_LEUR, "ouderdom=0-27;soort=zaak"): (1, 1, None),
        (REGIO, "soort=melding"): (9, 9, None), (REGIO, "soort=zaak"): (3, 3, None),
        (REGIO, "soort=traject"): (2, 2, None),
        (REGIO, "ouderdom=0-27"): (6, 6, None), (REGIO, "ouderdom=28-84"): (4, 4, None),
        (REGIO, "ouderdom=85+"): (4, 4, None),
        (REGIO, "behandelaar=LPA01"): (6, 6, None), (REGIO, "behandelaar=LPA02"): (3, 3, None),
        (REGIO, "behandelaar=DSC01"): (4, 4, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR))


def test_werkvoorraad_per_fte(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "werkvoorraad_per_fte")
    # Leerplichtambtenaar: open reports other than V4/RMC, and open cases; doorstroomcoach: open
    # trajectories and V4/RMC reports. FTE of that role active on D.
    #   Breda: lpa W1 W2 W3 W4 W5 W7 W13 C1 = 8 / 1.2; coach W10 J1 = 2 / 1.0; both 10 / 2.2.
    #   Altena: lpa C4 = 1 / 0.6; coach W11 J3 = 2 / 0.2; both 3 / 0.8.
    #   Etten-Leur: lpa C5 = 1 / no FTE: not defined.
    #   Region: lpa 10 / 1.8; coach 4 / 1.2; both 14 / 3.0.
    assert_rows(got, {
        (BREDA, ""): (10 / 2.2, 10, 2.2),
        (BREDA, "rol=leerplichtambtenaar"): (8 / 1.2, 8, 1.2),
        (BREDA, "rol=doorstroomcoach"): (2.0, 2, 1.0),
        (ALTENA, ""): (3.75, 3, 0.8),
        (ALTENA, "rol=leerplichtambtenaar"): (1 / 0.6, 1, 0.6),
        (ALTENA, "rol=doorstroomcoach"): (10.0, 2, 0.2),
        (ETTEN_LEUR, ""): (None, 1, 0),
        (ETTEN_LEUR, "rol=leerplichtambtenaar"): (None, 1, 0),
        (REGIO, ""): (14 / 3.0, 14, 3.0),
        (REGIO, "rol=leerplichtambtenaar"): (10 / 1.8, 10, 1.8),
        (REGIO, "rol=doorstroomcoach"): (4 / 1.2, 4, 1.2),
    }, complete_for=(BREDA, ALTENA, REGIO))


def test_nieuwe_zaken_per_fte(wh: KpiWarehouse) -> None:
    got = wh.rows(Y, "nieuwe_zaken_per_fte")
    # Opened in 2024-2025 (reports not withdrawn, cases, trajectories):
    #   Breda lpa: W1 W2 W5 W6 W7 W8 (K counts as a report) W12 + case C2 = 8; coach: W10 (V4) + J2 = 2.
    #     (W3 W4 W13 C1 J1 started before 1-8-2024; W9 is withdrawn.)
    #   Altena lpa: C3 C4 = 2; coach: W11 (RMC, on 1-8-2024) + J3 = 2.   Etten-Leur lpa: C5 = 1.
    # Average FTE = sum of FTE x days active in Y / 365:
    #   Breda lpa: LPA01 0.8 x 365 + LPA02 0.4 x 62 (1-8 to 1-10) + LPA03 1.0 x 303 (2-10 to 31-7)
    #              + LPA04 0.5 x 61 (1-8 to 30-9) = 292 + 24.8 + 303 + 30.5 = 650.3 -> 650.3 / 365.
    #   Breda coach 1.0; Altena lpa 0.6, coach 0.2.
    breda_lpa = 650.3 / 365
    region_lpa = (650.3 + 0.6 * 365) / 365
    assert_rows(got, {
        (BREDA, "rol=leerplichtambtenaar"): (8 / breda_lpa, 8, breda_lpa),
        (BREDA, "rol=doorstroomcoach"): (2.0, 2, 1.0),
        (BREDA, ""): (10 / (breda_lpa + 1.0), 10, breda_lpa + 1.0),
        (ALTENA, "rol=leerplichtambtenaar"): (2 / 0.6, 2, 0.6),
        (ALTENA, "rol=doorstroomcoach"): (10.0, 2, 0.2),
        (ALTENA, ""): (5.0, 4, 0.8),
        (ETTEN_LEUR, "rol=leerplichtambtenaar"): (None, 1, 0),
        (ETTEN_LEUR, ""): (None, 1, 0),
        (REGIO, "rol=leerplichtambtenaar"): (11 / region_lpa, 11, region_lpa),
        (REGIO, "rol=doorstroomcoach"): (4 / 1.2, 4, 1.2),
        (REGIO, ""): (15 / (region_lpa + 1.2), 15, region_lpa + 1.2),
    }, complete_for=(BREDA, ALTENA, REGIO))


def test_contactpersoon_dekking(wh: KpiWarehouse) -> None:
    got = wh.rows(D, "contactpersoon_dekking")
    # School locations in the region, HO left out: Breda 06HO00 (one), 12AB00 (two on D: several),
    # 13CD00 (none); Altena 20XY01 (LPA02 twice = one), 21QQ00 (none); Etten-Leur 25EL00 (one).
    assert_rows(got, {
        (BREDA, ""): (100 / 3, 1, 3), (ALTENA, ""): (50.0, 1, 2), (ETTEN_LEUR, ""): (100.0, 1, 1),
        (REGIO, ""): (50.0, 3, 6),
        (BREDA, "sector=VO"): (100.0, 1, 1), (BREDA, "sector=PO"): (0.0, 0, 1), (BREDA, "sector=SBO"): (0.0, 0, 1),
        (ALTENA, "sector=VO"): (100.0, 1, 1), (ALTENA, "sector=PO"): (0.0, 0, 1),
        (ETTEN_LEUR, "sector=PO"): (100.0, 1, 1),
        (REGIO, "sector=VO"): (100.0, 2, 2), (REGIO, "sector=PO"): (100 / 3, 1, 3), (REGIO, "sector=SBO"): (0.0, 0, 1),
        # how many schools have none or several
        (BREDA, "dekking=geen"): (1, 1, None), (BREDA, "dekking=meerdere"): (1, 1, None),
        (ALTENA, "dekking=geen"): (1, 1, None),
        (REGIO, "dekking=geen"): (2, 2, None), (REGIO, "dekking=meerdere"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))


def test_municipality_without_events_gets_total_rows(wh: KpiWarehouse) -> None:
    # Drimmelen has no staff, no open work and no schools: its totals are 0, or not defined for a ratio
    # with nothing to divide by (docs/kpis.md: total rows for every participating municipality).
    assert wh.rows(D, "fte")[(DRIMMELEN, "")] == (0, 0, None)
    assert wh.rows(D, "werkvoorraad")[(DRIMMELEN, "")] == (0, 0, None)
    assert wh.rows(D, "contactpersoon_dekking")[(DRIMMELEN, "")] == (None, 0, 0)
    assert wh.rows(D, "leerplichtigen_per_fte")[(DRIMMELEN, "")] == (None, 100, 0)


def test_municipality_without_events_gets_total_rows_per_fte(wh: KpiWarehouse) -> None:
    assert wh.rows(D, "werkvoorraad_per_fte").get((DRIMMELEN, "")) == (None, 0, 0)
    assert wh.rows(Y, "nieuwe_zaken_per_fte").get((DRIMMELEN, "")) == (None, 0, 0)
