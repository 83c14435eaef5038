"""The cost split (`kostenverdeling`) on hand-written rows, computed by hand in whole cents.

Contribution of municipality g to a budget line = budget x inhabitants 5-23 of g on 1 January of B-1 /
the sum over the municipalities taking part in that level (level 1 and a single total line: all).
Floor in cents, then the cents left over one each to the largest remainders (ties: lowest municipality
code). Quarterly advance: a quarter (rounded down to the cent), the remainder on the last quarter.
"""

from __future__ import annotations

import pytest

from tests.kpi_fixtures import ALTENA, BREDA, ETTEN_LEUR, REGIO, KpiWarehouse, assert_rows, csv, load_sources

DRIMMELEN, ZUNDERT = "GM1719", "GM0879"

GEMEENTEN = csv(("gemeente_code", "naam", "uitvoeringsniveau", "deelname_vanaf", "deelname_tot"), [
    (BREDA, "Breda", "2", None, None), (ALTENA, "Altena", "1", None, None),
    (ETTEN_LEUR, "Etten-Leur", "2A", None, None), (DRIMMELEN, "Drimmelen", "2", None, None),
    (ZUNDERT, "Zundert", "2A", None, "31-12-2024"),  # left the arrangement: no part in 2025 and later
])
# Inhabitants 5-23 on 1-1-2024 (for 2025): Breda 2 (age 5) + 3 (age 23) = 5 (ages 4 and 24 fall outside),
# Altena 1 + 1 + 1 = 3 under its predecessor codes, Etten-Leur 3, Drimmelen 2 (Zundert 4: not taking part).
# On 1-1-2025 (for 2026): Breda 2,000, Altena, Etten-Leur, Drimmelen 1,000 each (Zundert 500: left).
# No count on 1-1-2026: the split of 2027 is not defined.
BEVOLKING = csv(("gemeente_code", "peildatum", "leeftijd", "aantal"), [
    (BREDA, "01-01-2024", 4, 7), (BREDA, "01-01-2024", 5, 2), (BREDA, "01-01-2024", 23, 3),
    (BREDA, "01-01-2024", 24, 9), (BREDA, "01-01-2023", 10, "1.000"),
    ("GM0738", "01-01-2024", 12, 1), ("GM0870", "01-01-2024", 12, 1), ("GM0874", "01-01-2024", 12, 1),
    (ETTEN_LEUR, "01-01-2024", 17, 3), (DRIMMELEN, "01-01-2024", 10, 2), (ZUNDERT, "01-01-2024", 10, 4),
    (BREDA, "01-01-2025", 10, "2.000"), (ALTENA, "01-01-2025", 10, "1.000"), (ETTEN_LEUR, "01-01-2025", 10, "1.000"),
    (DRIMMELEN, "01-01-2025", 10, "1.000"), (ZUNDERT, "01-01-2025", 10, 500),
])
BEGROTING = csv(("jaar", "bedrag", "uitvoeringsniveau"), [
    (2025, "1.000.000,01", "1"), (2025, "100000,00", "2"), (2025, "12345,67", "2A"),
    (2026, "1.000.000,03", None),  # one total line
    (2027, "1000,00", None),
])


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("cost"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "begroting.csv": BEGROTING})


def test_level_lines_split_over_their_level_with_largest_remainders(wh: KpiWarehouse) -> None:
    got = wh.rows("2025", "kostenverdeling")
    # Level 1: 100,000,001 cents over all four taking part (5 + 3 + 3 + 2 = 13 inhabitants):
    #   Breda      100000001 x 5 / 13 = 38461538 rest 11  -> +1 = 38461539
    #   Altena     100000001 x 3 / 13 = 23076923 rest 4
    #   Etten-Leur 100000001 x 3 / 13 = 23076923 rest 4
    #   Drimmelen  100000001 x 2 / 13 = 15384615 rest 7   -> +1 = 15384616
    #   floors add up to 99,999,999: 2 cents left, to the largest rests (11 and 7).
    # Level 2: 10,000,000 cents over Breda and Drimmelen only (5 + 2 = 7):
    #   Breda 50000000 / 7 = 7142857 rest 1; Drimmelen 20000000 / 7 = 2857142 rest 6 -> +1 = 2857143.
    # Level 2A: 1,234,567 cents over Etten-Leur alone (Zundert left on 31-12-2024).
    assert_rows(got, {
        (BREDA, "uitvoeringsniveau=1"): (384615.39, 5, 13),
        (ALTENA, "uitvoeringsniveau=1"): (230769.23, 3, 13),
        (ETTEN_LEUR, "uitvoeringsniveau=1"): (230769.23, 3, 13),
        (DRIMMELEN, "uitvoeringsniveau=1"): (153846.16, 2, 13),
        (REGIO, "uitvoeringsniveau=1"): (1000000.01, 13, 13),
        (BREDA, "uitvoeringsniveau=2"): (71428.57, 5, 7),
        (DRIMMELEN, "uitvoeringsniveau=2"): (28571.43, 2, 7),
        (REGIO, "uitvoeringsniveau=2"): (100000.00, 7, 7),
        (ETTEN_LEUR, "uitvoeringsniveau=2A"): (12345.67, 3, 3),
        (REGIO, "uitvoeringsniveau=2A"): (12345.67, 3, 3),
    })
    assert not any(gm == ZUNDERT for gm, _ in got)  # not taking part in 2025


def test_totals_and_quarterly_advances(wh: KpiWarehouse) -> None:
    got = wh.rows("2025", "kostenverdeling")
    # Totals (cents): Breda 38461539 + 7142857 = 45604396; Altena 23076923;
    #   Etten-Leur 23076923 + 1234567 = 24311490; Drimmelen 15384616 + 2857143 = 18241759;
    #   region 111,234,568 = the three budget lines together.
    # Quarters: floor(total / 4) for Q1-Q3, the rest in Q4:
    #   Breda 11401099 x 4 (no rest); Altena 5769230 x 3 + 5769233; Etten-Leur 6077872 x 3 + 6077874;
    #   Drimmelen 4560439 x 3 + 4560442. Region quarters = the municipalities' advances added up:
    #   Q1-Q3 27808640, Q4 27808648.
    values = {k: v[0] for k, v in got.items()}
    expected = {
        (BREDA, ""): 456043.96, (ALTENA, ""): 230769.23, (ETTEN_LEUR, ""): 243114.90, (DRIMMELEN, ""): 182417.59,
        (REGIO, ""): 1112345.68,
        **{(BREDA, f"kwartaal={q}"): 114010.99 for q in (1, 2, 3, 4)},
        **{(ALTENA, f"kwartaal={q}"): 57692.30 for q in (1, 2, 3)}, (ALTENA, "kwartaal=4"): 57692.33,
        **{(ETTEN_LEUR, f"kwartaal={q}"): 60778.72 for q in (1, 2, 3)}, (ETTEN_LEUR, "kwartaal=4"): 60778.74,
        **{(DRIMMELEN, f"kwartaal={q}"): 45604.39 for q in (1, 2, 3)}, (DRIMMELEN, "kwartaal=4"): 45604.42,
        **{(REGIO, f"kwartaal={q}"): 278086.40 for q in (1, 2, 3)}, (REGIO, "kwartaal=4"): 278086.48,
    }
    assert {k: values.get(k) for k in expected} == pytest.approx(expected, abs=1e-6)
    # and the pieces add up exactly, in cents
    for gm in (BREDA, ALTENA, ETTEN_LEUR, DRIMMELEN, REGIO):
        quarters = sum(round(values[(gm, f"kwartaal={q}")] * 100) for q in (1, 2, 3, 4))
        lines = sum(round(v * 100) for (g, b), v in values.items() if g == gm and b.startswith("uitvoeringsniveau="))
        assert quarters == lines == round(values[(gm, "")] * 100)


def test_single_total_line_ties_go_to_the_lowest_code(wh: KpiWarehouse) -> None:
    got = wh.rows("2026", "kostenverdeling")
    # 100,000,003 cents over 5,000 inhabitants on 1-1-2025 (Zundert has left):
    #   Breda  x 2000 / 5000 = 40000001 rest 1000 (of 5000)
    #   Altena, Etten-Leur, Drimmelen x 1000 / 5000 = 20000000 rest 3000 each
    #   floors add up to 100,000,001: 2 cents left for three equal rests -> GM0777 and GM1719 (lowest codes).
    assert_rows(got, {
        (BREDA, "uitvoeringsniveau=totaal"): (400000.01, 2000, 5000),
        (ETTEN_LEUR, "uitvoeringsniveau=totaal"): (200000.01, 1000, 5000),
        (DRIMMELEN, "uitvoeringsniveau=totaal"): (200000.01, 1000, 5000),
        (ALTENA, "uitvoeringsniveau=totaal"): (200000.00, 1000, 5000),
        (REGIO, "uitvoeringsniveau=totaal"): (1000000.03, 5000, 5000),
    })
    # quarters: Breda 10000000 x 3 + 10000001; Etten-Leur 5000000 x 3 + 5000001; Altena 5000000 x 4
    assert [got[(BREDA, f"kwartaal={q}")][0] for q in (1, 2, 3, 4)] == pytest.approx([100000.0] * 3 + [100000.01])
    assert [got[(ETTEN_LEUR, f"kwartaal={q}")][0] for q in (1, 2, 3, 4)] == pytest.approx([50000.0] * 3 + [50000.01])
    assert [got[(ALTENA, f"kwartaal={q}")][0] for q in (1, 2, 3, 4)] == pytest.approx([50000.0] * 4)
    assert not any(gm == ZUNDERT for gm, _ in got)


def test_split_without_population_is_undefined_not_zero(wh: KpiWarehouse) -> None:
    got = wh.rows("2027", "kostenverdeling")
    # No CBS count on 1-1-2026: every contribution is empty (None), never 0.
    for gm in (BREDA, ALTENA, ETTEN_LEUR, DRIMMELEN, REGIO):
        assert got[(gm, "uitvoeringsniveau=totaal")][0] is None
        assert got[(gm, "")][0] is None
