"""The KPI `jaarverslag` (the statistical annual report, warehouse/jaarverslag.py) on hand-written rows with
hand-computed figures, and its totals against the registry KPIs it shares its rows with.

School year Y = 2023-2024 (1-8-2023 to 31-7-2024), the year before Y0 = 2022-2023. Persons P<n> = bsn(n), born
on the 1st of a month so the month-only age rule changes nothing. Ages are on 1 January 2024 (Y) / 2023 (Y0).
Column of a person on date d: the enrolment active on d, else the last one followed, else onbekend; "geen"
(maat=geen_onderwijs) = not enrolled on d. Reports take the group of the report itself.

Breda (GM0758):
  P1  9  PO 12AB00 since 2018.
  P2  13 PO until 31-7-2022, VO 06HO00 since 1-8-2022. Signaal report R4 (20-9-2023); V3 report R9 in Y0.
  P3  14 VO 06HO00 until 15-10-2023, again from 20-2-2024. Absoluut verzuim Z1 16-10-2023 - 20-2-2024,
      terug_op_school (more than 3 months: 16-1-2024 < 20-2-2024). Not enrolled on 1-1-2024: VO, geen.
  P4  7  never enrolled; exemption 5 onder b since 2021: onbekend, geen.
  P5  17 MBO 30MB00 since 1-8-2022. V3 report R1 (10-10-2023); case Z2 (relatief) with HALT A1 (1-12-2023).
  P6  19 VO until 31-7-2022, then nothing: 18-22, VO (last followed), geen.
  P7  12 SBO 12AB00 (PO). Luxe reports R6, R7 (R8 withdrawn).
  P8  11 VSO 40SO00 until 29-2-2024; exemption 5 onder a from 1-3-2024: VSO (last followed), geen.
  P9  15 VO 06HO00. LRV case Z3 1-6-2023 - 15-11-2023 terug_op_school; PV A2 on Z3 (1-9-2023), HALT A5 on Z3
      (1-7-2023, Y0); LRV report R10 (Y0) and R11 (1-10-2023), V3 report R2 (5-2-2024).
  P10 16 VO until 31-8-2023; vervangende leerplicht 3a 1-9-2023 - 31-7-2024: VO (last), geen.
Altena (GM1959):
  P11 12 PO until 31-7-2023, VO 20XY01 since 1-8-2023. V3 report R3 (15-1-2024) with PV A3 on the report.
  P12 11 never enrolled; absoluut verzuim Z4 since 1-9-2023 (open: more than 3 months), PV A4 on Z4.
Etten-Leur (GM0777):
  P13 19 MBO 30MB00 (a Breda school) since 2021: 18-22; "16 uur" report R5 (10-11-2023) at 18 = V4.
"""

from __future__ import annotations

import pytest

from tests.kpi_fixtures import (
    ALTENA,
    BREDA,
    ETTEN_LEUR,
    GEMEENTEN,
    REGIO,
    Figure,
    KpiWarehouse,
    assert_rows,
    bsn,
    csv,
    load_sources,
    normalise_breakdown,
)
from warehouse.kpis import KPIS

Y, Y0 = "2023-2024", "2022-2023"
P = {n: bsn(n) for n in range(1, 20)}
ALL = (BREDA, ALTENA, ETTEN_LEUR, REGIO)

BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
    (BREDA, "01-01-2024", 10, "1.000"), (BREDA, "01-01-2024", 19, 300), (BREDA, "01-01-2024", 4, 70),
    (ALTENA, "01-01-2024", 12, 500), (ALTENA, "01-01-2024", 18, 100),
    (ETTEN_LEUR, "01-01-2024", 15, 250), (ETTEN_LEUR, "01-01-2024", 20, 60), (ETTEN_LEUR, "01-01-2024", 23, 40),
    (BREDA, "01-01-2023", 10, 900), (BREDA, "01-01-2023", 20, 280),
    (ALTENA, "01-01-2023", 12, 480), (ETTEN_LEUR, "01-01-2023", 15, 240),
])
SCHOLEN = csv(("brin", "vestiging", "naam", "sector", "gemeente_code"), [
    ("12AB", "00", "Basisschool De Klimop", "PO", BREDA), ("06HO", "00", "Markenhage College", "VO", BREDA),
    ("30MB", "00", "Curio Breda", "MBO", BREDA), ("40SO", "00", "De Ruit", "VSO", BREDA),
    ("20XY", "01", "Altena College", "VO", ALTENA),
])
PERSONEN = csv(("bsn", "geboortedatum", "gemeente_code"), [
    (P[1], "01-03-2014", BREDA), (P[2], "01-05-2010", BREDA), (P[3], "01-02-2009", BREDA),
    (P[4], "01-06-2016", BREDA), (P[5], "01-09-2006", BREDA), (P[6], "01-01-2005", BREDA),
    (P[7], "01-04-2011", BREDA), (P[8], "01-02-2012", BREDA), (P[9], "01-10-2008", BREDA),
    (P[10], "01-07-2007", BREDA), (P[11], "01-05-2011", ALTENA), (P[12], "01-03-2012", ALTENA),
    (P[13], "01-01-2005", ETTEN_LEUR),
])
INSCHRIJVINGEN = csv(("bsn", "brin", "vestiging", "datum_inschrijving", "datum_uitschrijving", "onderwijssoort"), [
    (P[1], "12AB", "00", "01-08-2018", None, "PO"),
    (P[2], "12AB", "00", "01-08-2014", "31-07-2022", "PO"), (P[2], "06HO", "00", "01-08-2022", None, "VO"),
    (P[3], "06HO", "00", "01-08-2021", "15-10-2023", "VO"), (P[3], "06HO", "00", "20-02-2024", None, "VO"),
    (P[5], "30MB", "00", "01-08-2022", None, "MBO"),
    (P[6], "06HO", "00", "01-08-2017", "31-07-2022", "VO"),
    (P[7], "12AB", "00", "01-08-2017", None, "SBO"),
    (P[8], "40SO", "00", "01-08-2020", "29-02-2024", "VSO"),
    (P[9], "06HO", "00", "01-08-2020", None, "VO"),
    (P[10], "06HO", "00", "01-08-2019", "31-08-2023", "VO"),
    (P[11], "12AB", "00", "01-08-2015", "31-07-2023", "PO"), (P[11], "20XY", "01", "01-08-2023", None, "VO"),
    (P[13], "30MB", "00", "01-08-2021", None, "MBO"),
])
VERZUIMMELDINGEN = csv(("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code",
                        "status"), [
    ("R1", P[5], "30MB", "00", "10-10-2023", "V3", BREDA, "B"),
    ("R2", P[9], "06HO", "00", "05-02-2024", "V3", BREDA, "B"),
    ("R3", P[11], "20XY", "01", "15-01-2024", "V3", ALTENA, "B"),
    ("R4", P[2], "06HO", "00", "20-09-2023", "signaal verzuim", BREDA, "G"),
    ("R5", P[13], "30MB", "00", "10-11-2023", "16 uur in 4 opeenvolgende lesweken", ETTEN_LEUR, "B"),
    ("R6", P[7], "12AB", "00", "01-03-2024", "L", BREDA, "G"),
    ("R7", P[7], "12AB", "00", "02-04-2024", "luxe verzuim", BREDA, "B"),
    ("R8", P[7], "12AB", "00", "03-04-2024", "L", BREDA, "I"),  # withdrawn: never counts
    ("R9", P[2], "06HO", "00", "01-03-2023", "V3", BREDA, "G"),  # Y0
    ("R10", P[9], "06HO", "00", "01-06-2023", "LRV", BREDA, "B"),  # Y0
    ("R11", P[9], "06HO", "00", "01-10-2023", "LRV", BREDA, "B"),
])
ZAKEN = csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code", "resultaat"), [
    ("Z1", P[3], "absoluut_verzuim", "16-10-2023", "20-02-2024", BREDA, "terug_op_school"),
    ("Z2", P[5], "relatief_verzuim", "10-10-2023", "01-02-2024", BREDA, None),
    ("Z3", P[9], "langdurig_relatief_verzuim", "01-06-2023", "15-11-2023", BREDA, "terug_op_school"),
    ("Z4", P[12], "absoluut_verzuim", "01-09-2023", None, ALTENA, None),
])
ACTIES = csv(("actie_id", "datum", "soort", "zaak_id", "meldingsnummer"), [
    ("A1", "01-12-2023", "halt", "Z2", None), ("A2", "01-09-2023", "proces_verbaal", "Z3", None),
    ("A3", "01-03-2024", "proces_verbaal", None, "R3"), ("A4", "01-02-2024", "proces_verbaal", "Z4", None),
    ("A5", "01-07-2023", "halt", "Z3", None), ("A6", "05-12-2023", "gesprek", "Z2", None),
])
VRIJSTELLINGEN = csv(("bsn", "artikel", "besluit", "begindatum", "einddatum", "gemeente_code"), [
    (P[4], "5 onder b", "toegekend", "01-08-2021", None, BREDA),
    (P[8], "5 onder a", "toegekend", "01-03-2024", None, BREDA),
    (P[10], "3a", "toegekend", "01-09-2023", "31-07-2024", BREDA),
    (P[1], "5 onder c", "afgewezen", "01-09-2023", None, BREDA),  # refused: never
])
SOURCES = {"gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "scholen.csv": SCHOLEN, "personen.csv": PERSONEN,
           "inschrijvingen.csv": INSCHRIJVINGEN, "verzuimmeldingen.csv": VERZUIMMELDINGEN, "zaken.csv": ZAKEN,
           "acties.csv": ACTIES, "vrijstellingen.csv": VRIJSTELLINGEN}


@pytest.fixture(scope="module")
def jv_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("jaarverslag"), SOURCES)


def row(gm: str, rij: str, total: int, cols: dict[str, int] | None = None, geen: int = 0,
        member: str = "") -> dict[tuple[str, str], Figure]:
    """The expected rows of one report row in one area: its total, its type-of-education cells and its
    `maat=geen_onderwijs` cell (written only where they are not 0), as counts (value = numerator)."""
    base = [f"rij={rij}"] + ([member] if member else [])
    out = {(gm, normalise_breakdown(";".join(base))): (total, total, None)}
    for col, n in (cols or {}).items():
        out[(gm, normalise_breakdown(";".join(base + [f"onderwijssoort={col}"])))] = (n, n, None)
    if geen:
        out[(gm, normalise_breakdown(";".join(base + ["maat=geen_onderwijs"])))] = (geen, geen, None)
    return out


def rows(*parts: dict) -> dict:
    out: dict = {}
    for part in parts:
        assert not set(part) & set(out), set(part) & set(out)
        out.update(part)
    return out


def zeros(rij: str, *areas: str) -> dict:
    return rows(*(row(gm, rij, 0) for gm in areas))


def test_jaarverslag(jv_wh: KpiWarehouse) -> None:
    got = jv_wh.rows(Y, "jaarverslag")
    expected = rows(
        # CBS on 1-1-2024: 5-17 and 18-22 (ages 4 and 23 fall outside); a total only
        row(BREDA, "inwoners_5_17", 1000), row(ALTENA, "inwoners_5_17", 500), row(ETTEN_LEUR, "inwoners_5_17", 250),
        row(REGIO, "inwoners_5_17", 1750),
        row(BREDA, "inwoners_18_22", 300), row(ALTENA, "inwoners_18_22", 100), row(ETTEN_LEUR, "inwoners_18_22", 60),
        row(REGIO, "inwoners_18_22", 460),
        # BRP 5-17 on 1-1-2024: Breda P1 P7 (PO), P8 (VSO), P2 P3 P9 P10 (VO), P5 (MBO), P4 (onbekend);
        # not enrolled that day: P3, P10 (VO last followed), P4. Altena P11 (VO), P12 (onbekend, geen).
        row(BREDA, "leerplichtigen", 9, {"PO": 2, "VSO": 1, "VO": 4, "MBO": 1, "onbekend": 1}, geen=3),
        row(ALTENA, "leerplichtigen", 2, {"VO": 1, "onbekend": 1}, geen=1),
        row(ETTEN_LEUR, "leerplichtigen", 0),
        row(REGIO, "leerplichtigen", 11, {"PO": 2, "VSO": 1, "VO": 5, "MBO": 1, "onbekend": 2}, geen=4),
        # BRP 18-22: P6 (Breda, VO last followed, geen), P13 (Etten-Leur, MBO)
        row(BREDA, "jongeren_18_22", 1, {"VO": 1}, geen=1), row(ALTENA, "jongeren_18_22", 0),
        row(ETTEN_LEUR, "jongeren_18_22", 1, {"MBO": 1}), row(REGIO, "jongeren_18_22", 2, {"VO": 1, "MBO": 1}, geen=1),
        # absoluut verzuim: P3 (Z1: back at school, > 3 months), P12 (Z4: still open, > 3 months)
        row(BREDA, "absoluut_verzuim", 1, {"VO": 1}, geen=1),
        row(BREDA, "absoluut_verzuim", 1, {"VO": 1}, geen=1, member="fase=terug_op_school"),
        row(BREDA, "absoluut_verzuim", 1, {"VO": 1}, geen=1, member="fase=langer_dan_3_maanden"),
        row(ALTENA, "absoluut_verzuim", 1, {"onbekend": 1}, geen=1),
        row(ALTENA, "absoluut_verzuim", 1, {"onbekend": 1}, geen=1, member="fase=langer_dan_3_maanden"),
        row(ETTEN_LEUR, "absoluut_verzuim", 0),
        row(REGIO, "absoluut_verzuim", 2, {"VO": 1, "onbekend": 1}, geen=2),
        row(REGIO, "absoluut_verzuim", 1, {"VO": 1}, geen=1, member="fase=terug_op_school"),
        row(REGIO, "absoluut_verzuim", 2, {"VO": 1, "onbekend": 1}, geen=2, member="fase=langer_dan_3_maanden"),
        # LRV: Z3 (P9, VO on 1-8-2023): open on 1 September, > 3 months (to 15-11), solved
        *(row(gm, "lrv", 1, {"VO": 1}, member=m) for gm in (BREDA, REGIO)
          for m in ("", "fase=bij_aanvang", "fase=langer_dan_3_maanden", "fase=opgelost")),
        zeros("lrv", ALTENA, ETTEN_LEUR),
        # exemptions: P4 5 onder b (never enrolled), P8 5 onder a from 1-3-2024 (VSO until 29-2); P1 refused
        *(rows(row(gm, "vrijstellingen", 2, {"VSO": 1, "onbekend": 1}, geen=2),
               row(gm, "vrijstellingen", 1, {"VSO": 1}, geen=1, member="artikel=5 onder a"),
               row(gm, "vrijstellingen", 1, {"onbekend": 1}, geen=1, member="artikel=5 onder b"))
          for gm in (BREDA, REGIO)),
        zeros("vrijstellingen", ALTENA, ETTEN_LEUR),
        # vervangende leerplicht: P10 3a from 1-9-2023, VO until 31-8-2023
        *(rows(row(gm, "vervangende_leerplicht", 1, {"VO": 1}, geen=1),
               row(gm, "vervangende_leerplicht", 1, {"VO": 1}, geen=1, member="artikel=3a")) for gm in (BREDA, REGIO)),
        zeros("vervangende_leerplicht", ALTENA, ETTEN_LEUR),
        # relatief verzuim, persons (V1 V2 V3 LRV): Breda P5 (R1 MBO), P9 (R2 V3, R11 LRV, VO); Altena P11 (R3)
        row(BREDA, "relatief_verzuim_personen", 2, {"VO": 1, "MBO": 1}),
        row(BREDA, "relatief_verzuim_personen", 2, {"VO": 1, "MBO": 1}, member="verzuimsoort=V3"),
        row(BREDA, "relatief_verzuim_personen", 1, {"VO": 1}, member="verzuimsoort=LRV"),
        row(ALTENA, "relatief_verzuim_personen", 1, {"VO": 1}),
        row(ALTENA, "relatief_verzuim_personen", 1, {"VO": 1}, member="verzuimsoort=V3"),
        row(ETTEN_LEUR, "relatief_verzuim_personen", 0),
        row(REGIO, "relatief_verzuim_personen", 3, {"VO": 2, "MBO": 1}),
        row(REGIO, "relatief_verzuim_personen", 3, {"VO": 2, "MBO": 1}, member="verzuimsoort=V3"),
        row(REGIO, "relatief_verzuim_personen", 1, {"VO": 1}, member="verzuimsoort=LRV"),
        # the same reports: R1 R2 R11 (Breda), R3 (Altena)
        row(BREDA, "relatief_verzuim_meldingen", 3, {"VO": 2, "MBO": 1}),
        row(BREDA, "relatief_verzuim_meldingen", 2, {"VO": 1, "MBO": 1}, member="verzuimsoort=V3"),
        row(BREDA, "relatief_verzuim_meldingen", 1, {"VO": 1}, member="verzuimsoort=LRV"),
        row(ALTENA, "relatief_verzuim_meldingen", 1, {"VO": 1}),
        row(ALTENA, "relatief_verzuim_meldingen", 1, {"VO": 1}, member="verzuimsoort=V3"),
        row(ETTEN_LEUR, "relatief_verzuim_meldingen", 0),
        row(REGIO, "relatief_verzuim_meldingen", 4, {"VO": 3, "MBO": 1}),
        row(REGIO, "relatief_verzuim_meldingen", 3, {"VO": 2, "MBO": 1}, member="verzuimsoort=V3"),
        row(REGIO, "relatief_verzuim_meldingen", 1, {"VO": 1}, member="verzuimsoort=LRV"),
        # other reports: R4 signaal (Breda, VO), R5 V4 (Etten-Leur, at a Breda MBO school)
        row(BREDA, "overige_meldingen", 1, {"VO": 1}),
        row(BREDA, "overige_meldingen", 1, {"VO": 1}, member="verzuimsoort=signaal"),
        row(ALTENA, "overige_meldingen", 0),
        row(ETTEN_LEUR, "overige_meldingen", 1, {"MBO": 1}),
        row(ETTEN_LEUR, "overige_meldingen", 1, {"MBO": 1}, member="verzuimsoort=V4"),
        row(REGIO, "overige_meldingen", 2, {"VO": 1, "MBO": 1}),
        row(REGIO, "overige_meldingen", 1, {"VO": 1}, member="verzuimsoort=signaal"),
        row(REGIO, "overige_meldingen", 1, {"MBO": 1}, member="verzuimsoort=V4"),
        # luxe: R6 R7 of P7 (SBO = PO); R8 withdrawn
        row(BREDA, "luxe_verzuim_meldingen", 2, {"PO": 2}), row(REGIO, "luxe_verzuim_meldingen", 2, {"PO": 2}),
        zeros("luxe_verzuim_meldingen", ALTENA, ETTEN_LEUR),
        row(BREDA, "luxe_verzuim_personen", 1, {"PO": 1}), row(REGIO, "luxe_verzuim_personen", 1, {"PO": 1}),
        zeros("luxe_verzuim_personen", ALTENA, ETTEN_LEUR),
        # HALT: A1 on Z2 (P5, MBO on 1-12-2023); A5 is in Y0, A6 is a talk
        row(BREDA, "halt", 1, {"MBO": 1}), row(REGIO, "halt", 1, {"MBO": 1}), zeros("halt", ALTENA, ETTEN_LEUR),
        # PV: A2 on Z3 (LRV = relatief, P9 VO), A3 on report R3 (V3 = relatief, P11 VO), A4 on Z4 (absoluut, P12)
        row(BREDA, "proces_verbaal", 1, {"VO": 1}),
        row(BREDA, "proces_verbaal", 1, {"VO": 1}, member="zaaksoort=relatief"),
        row(ALTENA, "proces_verbaal", 2, {"VO": 1, "onbekend": 1}, geen=1),
        row(ALTENA, "proces_verbaal", 1, {"onbekend": 1}, geen=1, member="zaaksoort=absoluut"),
        row(ALTENA, "proces_verbaal", 1, {"VO": 1}, member="zaaksoort=relatief"),
        row(ETTEN_LEUR, "proces_verbaal", 0),
        row(REGIO, "proces_verbaal", 3, {"VO": 2, "onbekend": 1}, geen=1),
        row(REGIO, "proces_verbaal", 1, {"onbekend": 1}, geen=1, member="zaaksoort=absoluut"),
        row(REGIO, "proces_verbaal", 2, {"VO": 2}, member="zaaksoort=relatief"),
    )
    assert_rows(got, expected, complete_for=ALL)


def test_jaarverslag_previous_year_totals(jv_wh: KpiWarehouse) -> None:
    got = jv_wh.rows(Y0, "jaarverslag", where=lambda gm, b: "onderwijssoort=" not in b and "maat=" not in b)
    expected = rows(
        # CBS on 1-1-2023: 18-22 only in Breda (age 20); the other two have no row (not loaded), not a 0
        row(BREDA, "inwoners_5_17", 900), row(ALTENA, "inwoners_5_17", 480), row(ETTEN_LEUR, "inwoners_5_17", 240),
        row(REGIO, "inwoners_5_17", 1620), row(BREDA, "inwoners_18_22", 280), row(REGIO, "inwoners_18_22", 280),
        # BRP on 1-1-2023: Breda P1 P2 P3 P4 P5 P7 P8 P9 P10 (P6 is 18), Altena P11 P12; 18-22: P6, P13
        row(BREDA, "leerplichtigen", 9), row(ALTENA, "leerplichtigen", 2), row(ETTEN_LEUR, "leerplichtigen", 0),
        row(REGIO, "leerplichtigen", 11),
        row(BREDA, "jongeren_18_22", 1), row(ALTENA, "jongeren_18_22", 0), row(ETTEN_LEUR, "jongeren_18_22", 1),
        row(REGIO, "jongeren_18_22", 2),
        zeros("absoluut_verzuim", *ALL),
        # Z3 started on 1-6-2023: new in Y0
        row(BREDA, "lrv", 1), row(BREDA, "lrv", 1, member="fase=nieuw"), row(REGIO, "lrv", 1),
        row(REGIO, "lrv", 1, member="fase=nieuw"), zeros("lrv", ALTENA, ETTEN_LEUR),
        *(rows(row(gm, "vrijstellingen", 1), row(gm, "vrijstellingen", 1, member="artikel=5 onder b"))
          for gm in (BREDA, REGIO)),
        zeros("vrijstellingen", ALTENA, ETTEN_LEUR), zeros("vervangende_leerplicht", *ALL),
        # R9 (P2 V3), R10 (P9 LRV)
        *(rows(row(gm, rij, 2), row(gm, rij, 1, member="verzuimsoort=V3"), row(gm, rij, 1, member="verzuimsoort=LRV"))
          for gm in (BREDA, REGIO) for rij in ("relatief_verzuim_personen", "relatief_verzuim_meldingen")),
        *(zeros(rij, ALTENA, ETTEN_LEUR) for rij in ("relatief_verzuim_personen", "relatief_verzuim_meldingen")),
        *(zeros(rij, *ALL) for rij in ("overige_meldingen", "luxe_verzuim_meldingen", "luxe_verzuim_personen",
                                       "proces_verbaal")),
        row(BREDA, "halt", 1), row(REGIO, "halt", 1), zeros("halt", ALTENA, ETTEN_LEUR),  # A5
    )
    assert_rows(got, expected, complete_for=ALL)


def registry_totals(wh: KpiWarehouse, period: str) -> dict[tuple[str, str], float]:
    """(municipality, what) -> the registry KPI's count that a report row must equal."""
    out: dict[tuple[str, str], float] = {}
    for kpi_id, gm, breakdown, value, num, _ in (r[0:1] + r[2:] for r in wh.raw_rows(period, [
            "absoluut_verzuim_per_1000", "lrv", "vrijstellingen", "relatief_verzuim_per_1000", "verzuim_meldingen",
            "luxe_verzuim", "interventies"])):
        out[(gm, f"{kpi_id}|{breakdown}")] = num if kpi_id.endswith("_per_1000") else value
    return out


def check_against_registry(wh: KpiWarehouse, period: str) -> None:
    """The report's rows that the registry also counts are the registry's figures, in every area."""
    reg = registry_totals(wh, period)
    jv = {(gm, b): v for _, _, gm, b, v, _, _ in wh.raw_rows(period, ["jaarverslag"])}
    areas = {gm for gm, _ in jv}
    pairs = [("absoluut_verzuim_per_1000|", "rij=absoluut_verzuim"), ("lrv|", "rij=lrv"),
             ("relatief_verzuim_per_1000|", "rij=relatief_verzuim_personen"),
             ("luxe_verzuim|", "rij=luxe_verzuim_meldingen"),
             ("luxe_verzuim|maat=personen", "rij=luxe_verzuim_personen"),
             ("interventies|interventie=halt", "rij=halt"), ("interventies|interventie=proces_verbaal",
                                                             "rij=proces_verbaal")]
    pairs += [(f"lrv|fase={f}", f"fase={f};rij=lrv") for f in ("bij_aanvang", "nieuw", "langer_dan_3_maanden",
                                                               "opgelost")]
    pairs += [(f"vrijstellingen|artikel={a}", f"artikel={a};rij={g}") for a, g in (
        ("5 onder a", "vrijstellingen"), ("5 onder b", "vrijstellingen"), ("5 onder c", "vrijstellingen"),
        ("5a", "vrijstellingen"), ("15", "vrijstellingen"), ("3a", "vervangende_leerplicht"),
        ("3b", "vervangende_leerplicht"))]
    pairs += [(f"interventies|interventie=proces_verbaal;zaaksoort={z}", f"rij=proces_verbaal;zaaksoort={z}")
              for z in ("absoluut", "relatief", "luxe", "overig")]
    for gm in areas:
        for registry_key, breakdown in pairs:
            assert reg.get((gm, registry_key), 0) == jv.get((gm, breakdown), 0), (gm, registry_key, breakdown)
        # relatief + overige + luxe reports are all reports (verzuim_meldingen)
        reports = sum(jv[(gm, f"rij={g}")] for g in ("relatief_verzuim_meldingen", "overige_meldingen",
                                                     "luxe_verzuim_meldingen"))
        assert reports == reg[(gm, "verzuim_meldingen|")], gm


def test_rows_that_the_registry_counts_too_are_equal(jv_wh: KpiWarehouse) -> None:
    check_against_registry(jv_wh, Y)
    check_against_registry(jv_wh, Y0)


def test_rows_equal_the_registry_on_the_demo(demo_warehouse) -> None:
    from warehouse import queries
    from warehouse.connection import Warehouse

    wh = KpiWarehouse(demo_warehouse, None)  # type: ignore[arg-type]
    for year in queries.periods(Warehouse(demo_warehouse), "schooljaar")[-2:]:
        check_against_registry(wh, year)


def test_the_kpi_is_in_the_registry_as_a_count() -> None:
    from warehouse.suppression import kind_of

    kpi = KPIS["jaarverslag"]
    assert kpi.period_kind == "schooljaar" and kind_of(kpi) == "count"
