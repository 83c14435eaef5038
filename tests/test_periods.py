"""warehouse.periods: bounds, previous period, a year earlier and like-for-like, against hand-computed dates."""

from __future__ import annotations

from datetime import date

import pytest

from warehouse import periods
from warehouse.periods import like_for_like, period_bounds, period_of, previous, year_earlier


def test_bounds_of_every_kind() -> None:
    assert period_bounds("schooljaar", "2024-2025") == (date(2024, 8, 1), date(2025, 7, 31), date(2025, 1, 1))
    assert period_bounds("teljaar", "2022-2023") == (date(2022, 10, 1), date(2023, 9, 30), date(2023, 1, 1))
    assert period_bounds("kwartaal", "2025-K3") == (date(2025, 7, 1), date(2025, 9, 30), date(2025, 1, 1))
    assert period_bounds("kwartaal", "2024-K4") == (date(2024, 10, 1), date(2024, 12, 31), date(2024, 1, 1))
    assert period_bounds("begrotingsjaar", "2026") == (date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1))
    assert period_bounds("peildatum", "2025-10-01") == (date(2025, 10, 1),) * 3
    with pytest.raises(ValueError):
        period_bounds("maand", "2025-01")
    with pytest.raises(ValueError):
        period_bounds("kwartaal", "2025-Q3")


def test_period_of_a_date() -> None:
    assert period_of("schooljaar", date(2025, 7, 31)) == "2024-2025"
    assert period_of("schooljaar", date(2025, 8, 1)) == "2025-2026"
    assert period_of("teljaar", date(2025, 9, 30)) == "2024-2025"
    assert period_of("kwartaal", date(2025, 11, 15)) == "2025-K4"
    assert period_of("begrotingsjaar", date(2025, 11, 15)) == "2025"


def test_previous_and_a_year_earlier() -> None:
    assert previous("schooljaar", "2024-2025") == "2023-2024"
    assert previous("teljaar", "2022-2023") == "2021-2022"
    assert previous("kwartaal", "2025-K1") == "2024-K4"
    assert previous("begrotingsjaar", "2026") == "2025"
    assert previous("peildatum", "2025-10-01") is None  # a reference date has no previous of its own
    assert year_earlier("kwartaal", "2025-K3") == "2024-K3"
    assert year_earlier("schooljaar", "2025-2026") == "2024-2025"
    assert year_earlier("peildatum", "2024-02-29") == "2023-02-28"
    assert periods.shift("peildatum", "2024-02-29", 4) == "2028-02-29"
    assert periods.shift("peildatum", "2024-02-29", 1) == "2025-02-28"


def test_like_for_like_cuts_the_year_before_at_the_same_day() -> None:
    # the brief's example: 2025-2026 with data up to 15 November 2025
    assert like_for_like("schooljaar", "2025-2026", date(2025, 11, 15)) == (date(2024, 8, 1), date(2024, 11, 15))
    assert periods.cut("schooljaar", "2025-2026", date(2025, 11, 15)) == (date(2025, 8, 1), date(2025, 11, 15))
    # a quarter cut in its second month
    assert like_for_like("kwartaal", "2025-K4", date(2025, 11, 15)) == (date(2024, 10, 1), date(2024, 11, 15))
    # a whole period: the whole period a year earlier
    assert like_for_like("schooljaar", "2023-2024", date(2025, 11, 15)) == (date(2022, 8, 1), date(2023, 7, 31))
    # 29 February cuts the year before at 28 February
    assert like_for_like("begrotingsjaar", "2024", date(2024, 2, 29)) == (date(2023, 1, 1), date(2023, 2, 28))
    with pytest.raises(ValueError):
        like_for_like("schooljaar", "2025-2026", date(2025, 7, 1))  # before the period began
