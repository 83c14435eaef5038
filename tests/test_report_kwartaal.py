"""The quarter view and the PDF meeting pack (/kwartaal, `python -m reports kwartaal`): quarter figures by hand on
a small loaded warehouse, the pack read back text by text, the command line, who gets what, and the page in
headless Chromium on the demo warehouse.

Given (hand-computed; load date 15-11-2025). Quarter Q = 2025-K3 (1 July - 30 September 2025), the quarter
before PREV = 2025-K2, the same quarter a year before YEAR = 2024-K3. Inhabitants 5-17 on 1 January 2025:
Breda 1,000, Altena 500, Etten-Leur 200, region 1,700; on 1 January 2024: 800, 400, 200, region 1,400.

Reports (V3 unless said otherwise; none has a closing reason):
  Q     Breda B1 P1 1-7 (first day), B2 P1 30-9 (last day), B3 P2 15-7 closed 1-8, B4 P3, B5 P4, B6 P5,
        B7 P6 (L: a report, not relatief verzuim), B8 P7 withdrawn (never); Altena A1 P20 LRV 1-8;
        Etten-Leur E1 P30 1-10 (the next quarter).
  PREV  Breda B9 P8 1-4 closed 15-6, B10-B14 P9-P13 (B14 on 30-6, the last day); Altena A2 P21 5-5.
  YEAR  Breda C1 P14 5-7 closed 15-10-2024, C2 P15 closed 20-9-2024, C3 P16, C4 P17 30-9; Etten-Leur C5 P18.
Case Z1 P40 absoluut verzuim in Breda from 1-5-2025, still open. Leerplichtambtenaren: LPA01 Breda 0,8 fte
since 2020; LPA02 Altena 0,5 fte from 1-7-2025.

relatief_verzuim_per_1000 (persons with V1-V3/LRV in the quarter per 1,000):
  Q     Breda P1-P5 = 5 -> 5,0; Altena P20 = 1 -> 2,0; Etten-Leur 0 -> 0,0; region 6 -> 6000/1700 = 3,53
  PREV  Breda P8-P13 = 6 -> 6,0; Altena 1 -> 2,0; region 7 -> 7000/1700 = 4,12
  YEAR  Breda 4 -> 4000/800 = 5,0; Etten-Leur 1 -> 5,0; Altena 0; region 5 -> 5000/1400 = 3,57
verzuim_meldingen: Q Breda 7 (B1-B7), Altena 1, region 8; PREV Breda 6, Altena 1, region 7; YEAR Breda 4,
  Etten-Leur 1, region 5.
werkvoorraad (open on the quarter's last day; withdrawn never):
  30-09-2025 Breda B1 B2 B4-B7 (6) + B10-B14 (5) + C3 C4 (2) + Z1 = 14; Altena A1 A2 = 2; Etten-Leur C5 = 1;
             region 17 (B3 closed 1-8, B9 15-6, C1 15-10-2024, C2 20-9-2024; E1 comes later)
  30-06-2025 Breda B10-B14 + C3 C4 + Z1 = 8; Altena A2 = 1; Etten-Leur C5 = 1; region 10
  30-09-2024 Breda C1 (closed after it) C3 C4 = 3; Etten-Leur C5 = 1; region 4
absoluut_verzuim_per_1000: Z1 in Q and PREV: Breda 1,0, region 1000/1700 = 0,59; YEAR 0.
leerplichtigen_per_fte: 30-09-2025 Breda 1000/0,8 = 1.250, Altena 500/0,5 = 1.000, region 1700/1,3 = 1.308;
  30-06-2025 Breda 1.250, Altena none (no fte), region 1700/0,8 = 2.125; 30-09-2024 region 1400/0,8 = 1.750.

Suppressed (threshold 5): the region's figures stand; Altena's meldingen 1 -> <5; Breda's meldingen and relatief
verzuim in Q become × (with Altena's one hidden cell, total minus Breda would give Altena away); every rate on
a numerator of 1 (absoluut verzuim, Altena's relatief verzuim) -> –; the region's werkvoorraad on 30-09-2024
(4) -> <5, so its difference is not shown either.
"""

from __future__ import annotations

import base64
import io
import re
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import create_app
from config.settings import Settings, load_settings
from presentation import formats as fmt
from reports import cli
from reports import kwartaal as report
from tests.conftest import login_client, start_and_login
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
from tests.test_access import router_body
from warehouse import queries
from warehouse.build import started_quarters
from warehouse.connection import Warehouse
from warehouse.coverage import default_period
from warehouse.kpi_engine import rows_sql
from warehouse.kpis import KPIS
from warehouse.periods import period_bounds, quarter_bounds, quarter_of, shift_quarter
from warehouse.registry import Kpi, Registry

Q, PREV, YEAR = "2025-K3", "2025-K2", "2024-K3"
P = {n: bsn(n) for n in range(1, 45)}
DATA_DATE = "15-11-2025"

BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
    (BREDA, "01-01-2024", 10, 800), (ALTENA, "01-01-2024", 10, 400), (ETTEN_LEUR, "01-01-2024", 10, 200),
    (BREDA, "01-01-2025", 10, "1.000"), (ALTENA, "01-01-2025", 10, 500), (ETTEN_LEUR, "01-01-2025", 10, 200),
])


def _report(number: str, person: int, day: str, kind: str = "V3", gm: str = BREDA, status: str = "B",
            closed: str | None = None) -> tuple:
    school = {BREDA: ("06HO", "00"), ALTENA: ("20XY", "01"), ETTEN_LEUR: ("25EL", "00")}[gm]
    return (number, P[person], *school, day, kind, gm, status, closed)


VERZUIMMELDINGEN = csv(
    ("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "gemeente_code", "status",
     "datum_afsluiting"), [
        _report("B1", 1, "01-07-2025"), _report("B2", 1, "30-09-2025"),
        _report("B3", 2, "15-07-2025", status="G", closed="01-08-2025"), _report("B4", 3, "20-08-2025"),
        _report("B5", 4, "01-09-2025"), _report("B6", 5, "02-09-2025"), _report("B7", 6, "03-09-2025", "L"),
        _report("B8", 7, "04-09-2025", status="I"), _report("A1", 20, "01-08-2025", "LRV", ALTENA),
        _report("E1", 30, "01-10-2025", gm=ETTEN_LEUR),
        _report("B9", 8, "01-04-2025", status="G", closed="15-06-2025"), _report("B10", 9, "02-05-2025"),
        _report("B11", 10, "15-05-2025"), _report("B12", 11, "02-06-2025"), _report("B13", 12, "16-06-2025"),
        _report("B14", 13, "30-06-2025"), _report("A2", 21, "05-05-2025", gm=ALTENA),
        _report("C1", 14, "05-07-2024", status="G", closed="15-10-2024"),
        _report("C2", 15, "05-08-2024", status="G", closed="20-09-2024"), _report("C3", 16, "05-09-2024"),
        _report("C4", 17, "30-09-2024"), _report("C5", 18, "15-08-2024", gm=ETTEN_LEUR),
    ])
ZAKEN = csv(("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code"),
            [("Z1", P[40], "absoluut_verzuim", "01-05-2025", None, BREDA)])
MEDEWERKERS = csv(("medewerker", "rol", "gemeente_code", "fte", "begindatum", "einddatum"), [
    ("LPA01", "leerplichtambtenaar", BREDA, "0,8", "01-01-2020", None),
    ("LPA02", "leerplichtambtenaar", ALTENA, "0,5", "01-07-2025", None),
])


@pytest.fixture(scope="module")
def quarter_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("kwartaal"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "verzuimmeldingen.csv": VERZUIMMELDINGEN,
        "zaken.csv": ZAKEN, "medewerkers.csv": MEDEWERKERS,
    })


@pytest.fixture(scope="module")
def pack_text(quarter_wh: KpiWarehouse, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The region's suppressed pack for Q (made on 15-11-2025), one text per page, with two explanations."""
    folder = tmp_path_factory.mktemp("toelichtingen")
    (folder / "relatief_verzuim_per_1000").mkdir()
    (folder / "relatief_verzuim_per_1000" / f"{Q}.md").write_text("Minder meldingen in de **zomer**.")
    (folder / "werkvoorraad").mkdir()
    (folder / "werkvoorraad" / "2025-09-30.md").write_text("Veel meldingen staan nog open na de zomer.")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RBL_TOELICHTINGEN", str(folder))
        view = report.build(Warehouse(quarter_wh.path), Q, REGIO, public=True)
        content = report.pdf_bytes(view, today=date(2025, 11, 15))
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


# --- periods ----------------------------------------------------------------------------------------------
def test_quarter_periods() -> None:
    assert period_bounds("kwartaal", "2025-K3") == (date(2025, 7, 1), date(2025, 9, 30), date(2025, 1, 1))
    assert period_bounds("kwartaal", "2024-K1") == (date(2024, 1, 1), date(2024, 3, 31), date(2024, 1, 1))
    assert quarter_bounds("2024-K4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert [shift_quarter("2025-K1", -1), shift_quarter(Q, -4), shift_quarter("2024-K4", 1)] == [
        "2024-K4", YEAR, "2025-K1"]
    assert [quarter_of(date(2025, 3, 31)), quarter_of(date(2025, 4, 1)), quarter_of(date(2025, 12, 31))] == [
        "2025-K1", "2025-K2", "2025-K4"]
    with pytest.raises(ValueError, match="geen kwartaal"):
        quarter_bounds("2025-Q3")
    # quarters inside the school years that began by the load date; K3 holds July before the year. The running
    # quarter is in (issue #9: shown as partial, "t/m <datum>"), one that has not begun is not
    assert started_quarters(["2024-2025"], date(2025, 11, 15)) == [YEAR, "2024-K4", "2025-K1", PREV, Q]
    assert started_quarters(["2024-2025"], date(2025, 9, 29)) == [YEAR, "2024-K4", "2025-K1", PREV, Q]
    assert started_quarters(["2024-2025"], date(2025, 6, 30)) == [YEAR, "2024-K4", "2025-K1", PREV]
    assert report.quarter_label(Q) == "3e kwartaal 2025"
    assert report.quarter_span("2024-K1") == "1 januari t/m 31 maart 2024"
    assert fmt.period_label("kwartaal", Q) == "kwartaal 2025-K3"


def test_only_a_school_year_figure_can_be_quarterly() -> None:
    registry = Registry()
    fte = KPIS["fte"]
    with pytest.raises(ValueError, match="only a schooljaar figure"):
        registry.add(Kpi(**{**fte.__dict__, "quarterly": True}))
    with pytest.raises(ValueError, match="not kwartaal"):
        rows_sql(KPIS["lrv"], "kwartaal", [Q], load_settings())  # phases on 1 September: not per quarter
    assert {k.id for k in KPIS.quarterly()} >= {"relatief_verzuim_per_1000", "verzuim_meldingen", "reactietijd"}
    assert not {"lrv", "verzuim_per_school", "recidive", "vsv_percentage"} & {k.id for k in KPIS.quarterly()}


def test_the_load_precomputes_started_quarters_and_their_last_days(quarter_wh: KpiWarehouse) -> None:
    wh = Warehouse(quarter_wh.path)
    # C1 (5-7-2024) puts school year 2023-2024 in too (its population, 1-1-2024, is loaded): from July 2023;
    # events after 1 August 2025 add the running quarter 2025-K4 (partial, issue #9), never its last day
    assert queries.periods(wh, "kwartaal") == ["2023-K3", "2023-K4", "2024-K1", "2024-K2", YEAR, "2024-K4",
                                               "2025-K1", PREV, Q, "2025-K4"]
    assert "2025-12-31" not in queries.periods(wh, "peildatum")
    assert {"2024-09-30", "2025-06-30", "2025-09-30", "2025-11-15"} <= set(queries.periods(wh, "peildatum"))


# --- quarter figures by hand ------------------------------------------------------------------------------
def test_relatief_verzuim_per_quarter(quarter_wh: KpiWarehouse) -> None:
    def totals(gm: str, breakdown: str) -> bool:
        return breakdown == ""

    assert_rows(quarter_wh.rows(Q, "relatief_verzuim_per_1000", totals), {
        (BREDA, ""): (5.0, 5, 1000), (ALTENA, ""): (2.0, 1, 500), (ETTEN_LEUR, ""): (0.0, 0, 200),
        (REGIO, ""): (6000 / 1700, 6, 1700)}, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))
    assert_rows(quarter_wh.rows(PREV, "relatief_verzuim_per_1000", totals), {
        (BREDA, ""): (6.0, 6, 1000), (ALTENA, ""): (2.0, 1, 500), (REGIO, ""): (7000 / 1700, 7, 1700)})
    assert_rows(quarter_wh.rows(YEAR, "relatief_verzuim_per_1000", totals), {  # population of 1 January 2024
        (BREDA, ""): (5.0, 4, 800), (ETTEN_LEUR, ""): (5.0, 1, 200), (ALTENA, ""): (0.0, 0, 400),
        (REGIO, ""): (5000 / 1400, 5, 1400)})


def test_meldingen_and_absoluut_verzuim_per_quarter(quarter_wh: KpiWarehouse) -> None:
    got = quarter_wh.rows(Q, "verzuim_meldingen", lambda gm, b: b in ("", "maat=personen", "verzuimsoort=L"))
    assert_rows(got, {(BREDA, ""): (7, 7, None), (ALTENA, ""): (1, 1, None), (ETTEN_LEUR, ""): (0, 0, None),
                      (REGIO, ""): (8, 8, None), (BREDA, "maat=personen"): (6, 6, None),
                      (BREDA, "verzuimsoort=L"): (1, 1, None)})
    assert quarter_wh.rows(YEAR, "verzuim_meldingen", lambda gm, b: b == "")[(REGIO, "")] == (5, 5, None)
    absolute = quarter_wh.rows(Q, "absoluut_verzuim_per_1000", lambda gm, b: b == "")
    assert_rows(absolute, {(BREDA, ""): (1.0, 1, 1000), (REGIO, ""): (1000 / 1700, 1, 1700)})
    assert quarter_wh.rows(YEAR, "absoluut_verzuim_per_1000")[(REGIO, "")] == (0.0, 0, 1400)


def test_stock_figures_on_the_quarters_last_day(quarter_wh: KpiWarehouse) -> None:
    frame = queries.quarter_values(Warehouse(quarter_wh.path), ["werkvoorraad", "leerplichtigen_per_fte"],
                                   [YEAR, PREV, Q])
    got = {(r.kpi_id, r.period, r.municipality_code): (r.value, r.read_on) for r in frame.itertuples()}
    assert got[("werkvoorraad", Q, BREDA)] == (14, "2025-09-30")
    assert [got[("werkvoorraad", q, REGIO)][0] for q in (Q, PREV, YEAR)] == [17, 10, 4]
    assert [got[("werkvoorraad", q, ALTENA)][0] for q in (Q, PREV, YEAR)] == [2, 1, 0]
    assert got[("leerplichtigen_per_fte", Q, BREDA)][0] == pytest.approx(1250)
    assert got[("leerplichtigen_per_fte", Q, REGIO)][0] == pytest.approx(1700 / 1.3)
    assert fmt.is_missing(got[("leerplichtigen_per_fte", PREV, ALTENA)][0])  # no fte before 1 July
    assert got[("leerplichtigen_per_fte", YEAR, REGIO)][0] == pytest.approx(1750)
    with pytest.raises(ValueError, match="lrv"):
        queries.quarter_values(Warehouse(quarter_wh.path), ["lrv"], [Q])


def test_the_view_compares_with_the_quarter_before_and_a_year_before(quarter_wh: KpiWarehouse) -> None:
    view = report.build(Warehouse(quarter_wh.path), Q, BREDA, public=False)
    cards = {c.kpi.id: c for c in view.cards}
    relative = cards["relatief_verzuim_per_1000"]
    assert (relative.value, relative.previous, relative.year_before) == (5.0, 6.0, 5.0)
    kpi = relative.kpi
    assert report.change_text(kpi, relative.value, relative.previous) == "-1,0"
    assert report.change_text(kpi, relative.value, relative.year_before) == "0,0"
    stock = cards["werkvoorraad"]
    assert (stock.value, stock.previous, stock.year_before, stock.read_on) == (14, 8, 3, date(2025, 9, 30))
    assert report.change_text(stock.kpi, stock.value, stock.previous) == "+6"
    assert (view.municipality_name, view.previous, view.year_before) == ("Breda", PREV, YEAR)
    table = view.table.set_index("code")
    assert table.loc[ALTENA, "verzuim_meldingen"] == 1 and table.loc[REGIO, "gemeente"] == "Regio West-Brabant"
    assert list(table.index) == [ALTENA, BREDA, ETTEN_LEUR, REGIO]  # by name, the region last


def test_the_public_view_is_suppressed(quarter_wh: KpiWarehouse) -> None:
    view = report.build(Warehouse(quarter_wh.path), Q, REGIO, public=True)
    table = view.table.set_index("code")
    assert table.loc[ALTENA, "verzuim_meldingen"] == "<5"
    assert table.loc[BREDA, "verzuim_meldingen"] == "×"  # else 8 - 7 - 0 would give Altena's 1 away
    assert table.loc[REGIO, "verzuim_meldingen"] == 8
    assert table.loc[BREDA, "relatief_verzuim_per_1000"] == "×"
    assert table.loc[ALTENA, "relatief_verzuim_per_1000"] == "–"
    stock = next(c for c in view.cards if c.kpi.id == "werkvoorraad")
    assert (stock.value, stock.previous, stock.year_before) == (17, 10, "<5")
    assert report.change_text(stock.kpi, stock.value, stock.year_before) == fmt.MISSING


def test_change_text_signs_and_units() -> None:
    share = KPIS["positief_resultaat"]
    assert report.change_text(share, 55.0, 50.0) == "+5,0 %-punt"
    assert report.change_text(KPIS["verzuim_meldingen"], 3, 10) == "-7"
    assert report.change_text(KPIS["verzuim_meldingen"], 3, None) == fmt.MISSING
    assert report.change_text(KPIS["verzuim_meldingen"], "×", 3) == fmt.MISSING


def test_deadlines_from_the_settings() -> None:
    got = [(d.key, d.due, d.school_year, d.days) for d in report.deadlines(date(2025, 11, 15))]
    assert got == [
        ("effectrapportage", date(2025, 12, 1), "2024-2025", 16),
        ("concept_jaarverslag", date(2026, 9, 1), "2025-2026", 290),
        ("inhoudelijk_jaarverslag", date(2026, 10, 1), "2025-2026", 320),
        ("jaarverslag", date(2026, 10, 1), "2025-2026", 320),
        ("leerplichttelling", date(2026, 11, 1), "2025-2026", 351),
    ]
    # DUO's April date: the report on the school year that ended the summer before; due today is 0 days
    april = Settings({"deadlines": {"effectrapportage": "04-01"}})
    assert [(d.due, d.school_year, d.days) for d in report.deadlines(date(2026, 4, 1), april)] == [
        (date(2026, 4, 1), "2024-2025", 0)]
    assert report.days_text(0) == "vandaag" and report.days_text(1) == "1 dag"


# --- the PDF, read back -----------------------------------------------------------------------------------
def values_after(text: str, label: str, n: int = 5) -> list[str]:
    """The n cells after a row label in the extracted text (a row's cells on one line, split at spaces, the
    difference's "%-punt" kept with its number; a long label wraps)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(label))
    rest = " ".join([lines[start][len(label):], *lines[start + 1:]])
    cells = re.findall(r"(?<!\S)([-+]?[\d.,]+(?: %-punt)?|[–×]|<\d+|op \d\d-\d\d-\d{4})(?!\S)", rest)
    return [c for c in cells if not c.startswith("op ")][:n]


def test_every_page_carries_data_date_sources_suppression_and_its_number(pack_text: list[str]) -> None:
    total = len(pack_text)
    assert total >= 3
    for number, text in enumerate(pack_text, start=1):
        assert f"Gegevens van {DATA_DATE}" in text, number
        assert "Bronnen: DUO verzuimregister; CBS; RBL zaaksysteem" in text, number
        assert "Kleine aantallen onderdrukt: 1 t/m 4 als <5" in text, number
        assert f"Pagina {number} van {total}" in text, number
        assert "Kwartaalrapportage 3e kwartaal 2025, Regio West-Brabant" in text, number


def test_the_key_figures_of_the_pack_by_hand(pack_text: list[str]) -> None:
    front = pack_text[0]
    assert "Kwartaalrapportage 3e kwartaal 2025" in front
    assert "Regio West-Brabant · 1 juli t/m 30 september 2025" in front
    # columns: Q, PREV, difference, YEAR, difference
    assert values_after(front, "Relatief verzuim per 1.000") == ["3,5", "4,1", "-0,6", "3,6", "0,0"]
    # the cases stop on 01-05-2025 (Z1), before 2025-K3 begins: the figure is partial and has nothing to compare
    # like for like, so both comparisons are "–" (issue #9; before: the whole 2024-K3, 0,0)
    assert values_after(front, "Absoluut verzuim per 1.000") == ["–", "–", "–", "–", "–"]
    assert values_after(front, "Verzuimmeldingen") == ["8", "7", "+1", "5", "+3"]
    assert values_after(front, "Werkvoorraad") == ["17", "10", "+7", "<5", "–"]
    assert values_after(front, "Leerplichtigen per fte") == ["1.308", "2.125", "-817", "1.750", "-442"]
    assert values_after(front, "Reactietijd") == ["–"] * 5  # no actions: no median
    # the coordinator's explanations, right under their figures (the stock figure's by its reference date)
    lines = front.splitlines()
    for label, note, last in (("Relatief verzuim per 1.000", "Minder meldingen in de zomer.", "0,0"),
                              ("Werkvoorraad", "Veel meldingen staan nog open na de zomer.", "–")):
        row = next(i for i, x in enumerate(lines) if x.startswith(label))
        below = next(i for i in range(row, len(lines)) if lines[i].startswith("Toelichting"))
        assert lines[below] == f"Toelichting: {note}"
        assert lines[below - 1].split()[-1] == last  # the row's last cell, then its explanation


def test_the_municipality_table_and_deadlines_of_the_pack(pack_text: list[str]) -> None:
    text = "\n".join(pack_text)
    assert "Per gemeente, 3e kwartaal 2025" in text
    # relatief, absoluut, meldingen, reactietijd, in beeld, werkvoorraad, leerplichtigen per fte
    assert values_after(text, "Altena", 7) == ["–", "0,0", "<5", "–", "0", "<5", "1.000"]
    assert values_after(text, "Breda", 7) == ["×", "–", "×", "–", "0", "14", "1.250"]
    assert values_after(text, "Etten-Leur", 7) == ["0,0", "0,0", "0", "–", "0", "<5", "–"]
    assert values_after(text.split("Per gemeente")[1], "Regio West-Brabant", 7) == [
        "3,5", "–", "8", "–", "0", "17", "1.308"]
    front = pack_text[0]
    assert "Gerekend vanaf 15-11-2025" in front
    lines = front.splitlines()
    assert "Effectrapportage Doorstroompunt OCW via DUO 2024-2025 01-12-2025 16 dagen" in lines
    flowing = " ".join(text.split())  # lines wrap anywhere
    assert "Definities en bronnen" in flowing and "kalenderkwartaal op de plaats van het schooljaar" in flowing


def test_without_a_browser_the_pack_says_what_is_missing(quarter_wh: KpiWarehouse, monkeypatch) -> None:
    # Changed with issue 11: the tagged PDF is printed by Chromium, so without it there is no pack (it used to come
    # without charts); the message says what to install.
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    view = report.build(Warehouse(quarter_wh.path), Q, REGIO, public=True)
    with pytest.raises(report.PackUnavailable, match="geen Chromium gevonden om de grafieken te tekenen"):
        report.pdf_bytes(view)


def test_the_pack_is_a_tagged_pdf(quarter_wh: KpiWarehouse) -> None:
    """PDF/UA's essentials read back with pypdf: marked content with a structure tree, the language nl, the title
    shown in the title bar, headings and tables as structure, and an alternative text on every figure."""
    view = report.build(Warehouse(quarter_wh.path), Q, REGIO, public=True)
    reader = PdfReader(io.BytesIO(report.pdf_bytes(view, today=date(2025, 11, 15))))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata["/Title"] == "Kwartaalrapportage 3e kwartaal 2025, Regio West-Brabant"
    kinds: list[str] = []
    figures: list[dict] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            kinds.append(str(node["/S"]))
            if node["/S"] == "/Figure":
                figures.append(node)
        kids = node.get("/K") if isinstance(node, dict) else None
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/P"} <= set(kinds)
    assert kinds.index("/H1") < kinds.index("/H2")  # reading order: the title first
    assert len(figures) == 3  # the three charts, each with its finding in words
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert all(alts), alts
    assert alts[0].startswith("Lijngrafiek: Relatief verzuim per 1.000 leerplichtigen per kwartaal")
    # the region: nothing in 2024-K1 (no reports), 3,5 in Q (test_the_key_figures_of_the_pack_by_hand)
    assert "Regio West-Brabant: van 0,0 in 2024-K1 naar 3,5 in 2025-K3." in alts[0]
    assert alts[2].startswith("Staafdiagram: Relatief verzuim per 1.000 leerplichtigen per gemeente")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "settings.toml" not in text and "deadlines." not in text and "**" not in text


# --- command line -----------------------------------------------------------------------------------------
def test_cli_writes_the_pack(quarter_wh: KpiWarehouse, tmp_path: Path, capsys) -> None:
    out = tmp_path / "pack.pdf"
    code = cli.main(["kwartaal", "--warehouse", str(quarter_wh.path), "--quarter", "2025-k3", "--gemeente", "gm0758",
                     "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out.strip() == (f"Geschreven: {out} (3e kwartaal 2025, Breda, kleine aantallen "
                                               "onderdrukt)")
    first = PdfReader(out).pages[0].extract_text()
    assert "Breda · 1 juli t/m 30 september 2025" in first
    assert values_after(first, "Verzuimmeldingen") == ["×", "×", "–", "<5", "–"]  # suppressed, always


def test_cli_defaults_and_errors(quarter_wh: KpiWarehouse, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    # the latest complete quarter, the region: the only case (Z1) starts on 01-05-2025, so the cases are covered
    # through that day and every later quarter of absoluut verzuim is partial (warehouse.coverage): 2025-K1
    assert cli.main(["kwartaal", "--warehouse", str(quarter_wh.path)]) == 0
    assert (tmp_path / "kwartaalrapportage-2025-K1-regio.pdf").exists()
    capsys.readouterr()
    assert cli.main(["kwartaal", "--warehouse", str(quarter_wh.path), "--quarter", "2030-K1"]) == 1
    assert capsys.readouterr().err.strip() == ("Fout: geen cijfers voor kwartaal '2030-K1' (wel voor: 2023-K3 t/m "
                                               "2025-K4); schrijf het kwartaal als 2025-K3.")
    assert cli.main(["kwartaal", "--warehouse", str(quarter_wh.path), "--gemeente", "GM9999"]) == 1
    assert "onbekende gemeente 'GM9999'" in capsys.readouterr().err
    assert cli.main(["kwartaal", "--warehouse", str(tmp_path / "leeg")]) == 2
    assert capsys.readouterr().err.startswith("Fout: Er is nog geen warehouse")


def test_the_warehouse_cli_computes_a_quarter(quarter_wh: KpiWarehouse) -> None:
    rows = quarter_wh.raw_rows(Q, ["verzuim_meldingen"])
    assert (rows[0][0], rows[0][1]) == ("verzuim_meldingen", Q)
    kinds = {r[0] for r in quarter_wh.raw_rows(Q)}
    assert kinds == {k.id for k in KPIS.quarterly()}


# --- who gets what ----------------------------------------------------------------------------------------
def download(client, search: str) -> tuple[int, dict | None]:
    status, response = pack_request(client, search)
    return status, response["kwartaal-download"]["data"] if response else None


def pack_request(client, search: str) -> tuple[int, dict | None]:
    """The PDF button's callback: the download and the status line beside the button."""
    body = {"output": "..kwartaal-download.data...kwartaal-pack-status.children..",
            "outputs": [{"id": "kwartaal-download", "property": "data"},
                        {"id": "kwartaal-pack-status", "property": "children"}],
            "inputs": [{"id": "kwartaal-download-pdf", "property": "n_clicks", "value": 1}],
            "state": [{"id": "kwartaal-url", "property": "search", "value": search}],
            "changedPropIds": ["kwartaal-download-pdf.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return response.status_code, None
    return 200, response.get_json()["response"]


def texts(page: str, component_id: str) -> list[str]:
    """Every text inside the component with this id (or, for "kwartaal", in the whole page) of a router
    response, in order."""
    import json

    def walk(node: object, inside: bool, out: list[str]) -> None:
        if isinstance(node, str):
            if inside:
                out.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child, inside, out)
        elif isinstance(node, dict):
            props = node.get("props", {})
            here = inside or props.get("id") == component_id
            walk(props.get("children"), here, out)

    found: list[str] = []
    content = json.loads(page)["response"]["_pages_content"]["children"]
    walk(content, component_id == "kwartaal", found)
    return found


def render(client, search: str) -> str:
    response = client.post("/_dash-update-component", json=router_body("/kwartaal", search))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("user", ["wethouder", "coordinator"])
def test_the_pack_download_is_always_suppressed(quarter_wh: KpiWarehouse, user: str) -> None:
    status, data = download(login_client(create_app(quarter_wh.path), user), f"?jaar={Q}&gemeente={BREDA}")
    assert status == 200 and data["filename"] == f"kwartaalrapportage-{Q}-{BREDA}.pdf"
    first = PdfReader(io.BytesIO(base64.b64decode(data["content"]))).pages[0].extract_text()
    assert "Kleine aantallen onderdrukt" in first
    assert values_after(first, "Verzuimmeldingen") == ["×", "×", "–", "<5", "–"]
    assert values_after(first, "Werkvoorraad") == ["14", "8", "+6", "<5", "–"]


def test_without_a_browser_the_button_says_why_there_is_no_pack(quarter_wh: KpiWarehouse, monkeypatch) -> None:
    # Found in session 3: the button then showed nothing at all (the callback failed with a server error).
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    status, response = pack_request(login_client(create_app(quarter_wh.path), "coordinator"), f"?kwartaal={Q}")
    assert status == 200 and "kwartaal-download" not in response
    assert response["kwartaal-pack-status"]["children"] == (
        "Het vergaderstuk kan nu niet worden gemaakt: het kwartaalpakket kan niet worden gemaakt: geen Chromium "
        "gevonden om de grafieken te tekenen (installeer Debian's chromium, `make browser`, of zet BROWSER_PATH). "
        "Meld dit aan de beheerder; de cijfers op deze pagina kunt u wel afdrukken (Ctrl+P).")


def test_staff_get_neither_the_page_nor_the_pack(quarter_wh: KpiWarehouse) -> None:
    client = login_client(create_app(quarter_wh.path), "medewerker")
    assert download(client, "")[0] == 403
    assert "geen-toegang" in render(client, "")


def test_the_portfolio_holder_sees_the_page_suppressed(quarter_wh: KpiWarehouse) -> None:
    page = render(login_client(create_app(quarter_wh.path), "wethouder"), f"?jaar={Q}&gemeente={BREDA}")
    assert "Kleine aantallen zijn onderdrukt" in " ".join(texts(page, "kwartaal"))
    assert texts(page, "kpi-verzuim_meldingen")[:5] == [
        "Verzuimmeldingen", "×", "aantal", "vorig kwartaal (2e kwartaal 2025): × ", "(–)"]
    assert texts(page, f"kwartaal-gemeenten-{ALTENA}") == ["Altena", "–", "0,0", "<5", "–", "0", "<5", "1.000"]
    coordinator = render(login_client(create_app(quarter_wh.path), "coordinator"), f"?jaar={Q}&gemeente={BREDA}")
    assert "Op deze pagina staan alle aantallen (niet onderdrukt). Het vergaderstuk (PDF) is altijd onderdrukt, " \
           "zoals de portefeuillehouders het zien." in " ".join(texts(coordinator, "kwartaal"))
    assert texts(coordinator, "kpi-verzuim_meldingen")[:7] == [
        "Verzuimmeldingen", "7", "aantal", "vorig kwartaal (2e kwartaal 2025): 6 ", "(+1)",
        "zelfde kwartaal vorig jaar (3e kwartaal 2024): 4 ", "(+3)"]
    assert texts(coordinator, f"kwartaal-gemeenten-{ALTENA}") == [
        "Altena", "2,0", "0,0", "1", "–", "0", "2", "1.000"]
    unknown = render(login_client(create_app(quarter_wh.path), "coordinator"), "?jaar=2030-K1&gemeente=GM9999")
    assert "Onbekend kwartaal '2030-K1'; hieronder het laatste volledige kwartaal." in unknown
    assert "Onbekende gemeente 'GM9999'; hieronder de cijfers van de hele regio." in unknown


# --- the page in Chromium, on the demo warehouse ---------------------------------------------------------
@pytest.mark.browser
def test_kwartaal_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    # the honest demo's last quarter (2025-K4) runs up to the export day; the one before is the latest complete
    quarter = queries.periods(wh, "kwartaal")[-2]
    assert quarter == default_period(wh, "kwartaal")
    kpi = KPIS["relatief_verzuim_per_1000"]
    drimmelen = "GM1719"

    def card_value(code: str, public: bool = False) -> str:
        rows = queries.quarter_values(wh, [kpi.id], [quarter], municipality_code=code, public=public)
        return report.value_text(kpi, rows["value"].item())

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator",
                    f"/kwartaal?jaar={quarter}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("h1", "Kwartaalrapportage Breda")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", card_value(BREDA))
    stock = queries.quarter_values(wh, ["werkvoorraad"], [quarter], municipality_code=BREDA)["value"].item()
    dash_duo.wait_for_text_to_equal("#kpi-werkvoorraad .kpi-value", fmt.number(stock, 0))
    assert dash_duo.find_element("#kwartaal-gemeenten-REGIO").text.startswith("Regio West-Brabant")
    assert "Effectrapportage Doorstroompunt" in dash_duo.find_element("#kwartaal-deadlines").text

    dash_duo.select_dcc_dropdown("#kwartaal-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Kwartaalrapportage Drimmelen")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", card_value(drimmelen))
    # the quarter the page opens on (the latest complete one, issue #9) stays out of the URL
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/kwartaal?gemeente={drimmelen}"

    # on paper (the print stylesheet): A4, the figures without menu, filters or buttons
    printed = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    paper = PdfReader(io.BytesIO(base64.b64decode(printed["data"])))
    assert [round(float(x)) for x in paper.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    on_paper = "\n".join(p.extract_text() for p in paper.pages)
    assert "Kwartaalrapportage Drimmelen" in on_paper and "Komende deadlines" in on_paper
    assert "Uitloggen" not in on_paper and "Download vergaderstuk" not in on_paper and "Definitie" not in on_paper

    button = dash_duo.wait_for_element("#kwartaal-download-pdf")
    dash_duo.driver.execute_script("arguments[0].click();", button)
    target = Path(dash_duo.download_path) / f"kwartaalrapportage-{quarter}-{drimmelen}.pdf"
    deadline = time.time() + 60  # the charts are drawn in a second Chromium
    while not target.exists() and time.time() < deadline:
        time.sleep(0.2)
    first = PdfReader(target).pages[0].extract_text()
    assert f"Drimmelen · {report.quarter_span(quarter)}" in first
    assert values_after(first, "Relatief verzuim per 1.000")[0] == card_value(drimmelen, public=True)
    assert dash_duo.get_logs() == []


# --- the municipality's profile in its pack (issue #9) -----------------------------------------------------------
# The quarter fixture plus 2024-K4 reports (closed 20-12-2024, so no stock on a quarter's last day changes) that give
# Altena and Etten-Leur enough persons to be shown to a portfolio holder, and a national value. School year
# 2024-2025 (1-8-2024 to 31-7-2025, the latest complete one: the reports reach 01-10-2025), persons with a V3 report:
#   Breda C2 C3 C4 (P15-P17), B9-B14 (P8-P13), B1 (P1), B3 (P2) = 11 of 1.000 -> 11,0 per 1.000
#   Altena A2 (P21) + P22-P25 = 5 of 500 -> 10,0; Etten-Leur C5 (P18) + P31-P35 = 6 of 200 -> 30,0
# so Breda is 2nd of 3 (1 = the lowest), none suppressed (5 and more); the national value is 24,1 (2024-2025).
EXTRA_REPORTS = [_report(f"X{p}", p, "15-10-2024", gm=gm, status="G", closed="20-12-2024")
                 for p, gm in [*((p, ALTENA) for p in range(22, 26)), *((p, ETTEN_LEUR) for p in range(31, 36))]]
REFERENCES = csv(("kpi_id", "periode", "uitsplitsing", "waarde", "bron", "publicatiejaar"),
                 [("relatief_verzuim_per_1000", "2024-2025", "", "24,1", "Testbron landelijk verzuim", 2025)])


@pytest.fixture(scope="module")
def profile_pack(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> list[str]:
    """Breda's pack for Q on the fixture above, one text per page."""
    header, *rows = VERZUIMMELDINGEN.splitlines()
    reports = "\n".join([header, *rows]) + "\n" + csv(header.split(","), EXTRA_REPORTS).split("\n", 1)[1]
    wh = load_sources(tmp_path_factory.mktemp("kwartaal_profiel"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "verzuimmeldingen.csv": reports,
        "zaken.csv": ZAKEN, "medewerkers.csv": MEDEWERKERS, "landelijke_referenties.csv": REFERENCES})
    view = report.build(Warehouse(wh.path), Q, BREDA, public=True, profile=True)
    assert view.profile is not None and view.profile.name == "Breda"
    content = report.pdf_bytes(view, today=date(2025, 11, 15))
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_pack_of_one_municipality_has_its_profile_on_one_page(profile_pack: list[str],
                                                                 pack_text: list[str]) -> None:
    # the region's pack has no profile (16 would be too long; its key figures are the region's); Breda's pack is the
    # same pack with one page more: the profile fits one A4 page
    assert not any("Gemeenteprofiel" in text for text in pack_text)
    assert len(profile_pack) == len(pack_text) + 1
    pages = [i for i, text in enumerate(profile_pack) if "Gemeenteprofiel Breda" in text]
    assert len(pages) == 1
    page = profile_pack[pages[0]]
    assert "Signalen" in page and f"Pagina {pages[0] + 1} van {len(profile_pack)}" in page
    flowing = " ".join(page.split())
    # relatief verzuim 2024-2025: Breda 11,0, the region 22 of 1.700 = 12,9, 2nd of 3, national 24,1 (2024-2025);
    # the year before (Breda 1 person, C1) is suppressed
    assert "schooljaar 2024-2025 11,0 – (–; 2023-2024) 12,9 Plaats 2 van 3 24,1 (2024-2025)" in flowing
    assert "Landelijke waarden: Relatief verzuim per 1.000 leerplichtigen: Testbron landelijk verzuim, 2025." in flowing
    assert "Gegevens van 15-11-2025" in page  # the pack's footer on the profile's page too



def test_a_quarter_in_progress_says_so_on_the_packs_first_page(pack_text: list[str]) -> None:
    # Q's cases stop on 01-05-2025 (Z1), so absoluut verzuim, one of the quarter page's main figures, is partial:
    # the first page says "t/m" as the page /kwartaal does (warehouse.coverage.page_through); it said nothing before
    front = " ".join(pack_text[0].split())
    assert "t/m 01-05-2025: 3e kwartaal 2025 is nog niet compleet; de gegevens lopen tot en met 01-05-2025." in front
