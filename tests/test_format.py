"""Given/expect for every Dutch formatter in presentation/formats.py."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from presentation import formats as fmt

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT]


@pytest.mark.parametrize(
    ("given", "decimals", "expect"),
    [
        (1234.5, 1, "1.234,5"),
        (23.4, 1, "23,4"),
        (0, 1, "0,0"),
        (7, 0, "7"),
        (1234567.891, 2, "1.234.567,89"),
        (1000000, 0, "1.000.000"),
        (23.45, 1, "23,5"),  # half up, as people round by hand
        (31.25, 1, "31,3"),  # Python's own format would give 31,2 (half to even)
        (2.675, 2, "2,68"),  # rounded as written, not as its binary approximation
        (-1234.5, 1, "-1.234,5"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (np.float64(12.34), 1, "12,3"),
        (np.int64(12), 0, "12"),
        (999.95, 1, "1.000,0"),
        (0.5, 0, "1"),
        (float("inf"), 1, "–"),
    ],
)
def test_number(given, decimals, expect):
    assert fmt.number(given, decimals) == expect


def test_number_default_is_one_decimal():
    assert fmt.number(1234) == "1.234,0"


@pytest.mark.parametrize("missing", MISSING_VALUES)
def test_missing_values_are_an_en_dash(missing):
    assert fmt.number(missing, 1) == "–"
    assert fmt.percentage(missing) == "–"
    assert fmt.euro(missing) == "–"
    assert fmt.date_nl(missing) == "–"
    assert fmt.by_unit(missing, "per 1.000", 1) == "–"


@pytest.mark.parametrize(
    ("given", "decimals", "expect"),
    [(23.45, 1, "23,5%"), (1.7, 1, "1,7%"), (100, 0, "100%"), (0, 1, "0,0%"), (12.345, 2, "12,35%")],
)
def test_percentage_takes_a_share_on_the_0_to_100_scale(given, decimals, expect):
    assert fmt.percentage(given, decimals) == expect


@pytest.mark.parametrize(
    ("given", "decimals", "expect"),
    [
        (1234567.891, 2, "€ 1.234.567,89"),
        (0.005, 2, "€ 0,01"),
        (250, 2, "€ 250,00"),
        (1500, 0, "€ 1.500"),
        (-12.5, 2, "€ -12,50"),
    ],
)
def test_euro(given, decimals, expect):
    assert fmt.euro(given, decimals) == expect


def test_euro_default_is_cents():
    assert fmt.euro(4512345.67) == "€ 4.512.345,67"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expect_value", "expect_suffix"),
    [
        (23.4, "per 1.000", 1, "23,4", "per 1.000"),
        (1.7, "%", 1, "1,7%", ""),
        (1234.5, "inwoners per fte", 1, "1.234,5", "inwoners per fte"),
        (4512345.67, "euro", 2, "€ 4.512.345,67", ""),
        (17, "aantal", 0, "17", "aantal"),
        (3.5, "werkdagen", 1, "3,5", "werkdagen"),
    ],
)
def test_by_unit_and_unit_suffix(value, unit, decimals, expect_value, expect_suffix):
    assert fmt.by_unit(value, unit, decimals) == expect_value
    assert fmt.unit_suffix(unit) == expect_suffix


@pytest.mark.parametrize(
    ("given", "expect"),
    [
        (date(2026, 11, 23), "23-11-2026"),
        (date(2025, 1, 5), "05-01-2025"),
        (datetime(2026, 11, 23, 14, 30), "23-11-2026"),
        (pd.Timestamp("2024-08-01 09:00"), "01-08-2024"),
        ("2025-10-01", "01-10-2025"),
        ("2025-10-01T12:00:00", "01-10-2025"),
    ],
)
def test_date_nl(given, expect):
    assert fmt.date_nl(given) == expect


@pytest.mark.parametrize(
    ("kind", "period", "expect"),
    [
        ("schooljaar", "2023-2024", "schooljaar 2023-2024"),
        ("teljaar", "2022-2023", "teljaar 2022-2023"),
        ("peildatum", "2025-10-01", "peildatum 01-10-2025"),
        ("peildatum", date(2025, 10, 1), "peildatum 01-10-2025"),
        ("begrotingsjaar", "2025", "begroting 2025"),
        ("begrotingsjaar", 2026, "begroting 2026"),
        ("kwartaal", "2025-K3", "kwartaal 2025-K3"),
        ("schooljaar", None, "–"),
    ],
)
def test_period_label(kind, period, expect):
    assert fmt.period_label(kind, period) == expect


def test_period_label_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="maand"):
        fmt.period_label("maand", "2025-01")


def test_every_registry_period_kind_has_a_label():
    from warehouse.registry import PERIOD_KINDS

    for kind in PERIOD_KINDS:
        assert fmt.period_label(kind, "2025-10-01" if kind == "peildatum" else "2025").startswith(
            "begroting" if kind == "begrotingsjaar" else kind
        )


@pytest.mark.parametrize(
    ("kind", "expect"),
    [("schooljaar", "vorig jaar"), ("teljaar", "vorig jaar"), ("begrotingsjaar", "vorig jaar"),
     ("peildatum", "vorige peildatum")],
)
def test_previous_period_word(kind, expect):
    assert fmt.previous_period_word(kind) == expect


def test_is_missing():
    assert all(fmt.is_missing(x) for x in MISSING_VALUES)
    assert not any(fmt.is_missing(x) for x in [0, 0.0, "", "2025", math.pi])


def test_a_citation_is_shown_without_its_web_address() -> None:
    source = ("Ingrado/DUO via waarstaatjegemeente.nl (jaar 2016), overgenomen uit Begroting 2024 Neder-Betuwe, "
              "beleidsindicatoren: https://nederbetuwe.begroting-2024.nl/p7478/beleidsindicatoren")
    assert fmt.citation(source) == ("Ingrado/DUO via waarstaatjegemeente.nl (jaar 2016), overgenomen uit "
                                    "Begroting 2024 Neder-Betuwe, beleidsindicatoren")
    assert fmt.citation("NJi (bron: DUO)") == "NJi (bron: DUO)"
