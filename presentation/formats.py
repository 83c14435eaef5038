"""Dutch number, date and period formatting: the one place where figures become text.

Rounding is half up (23,45 -> 23,5), as people check figures by hand, not Python's half-to-even.
A missing value (None, NaN, NaT) is shown as an en dash, never as "nan" or "None".
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from presentation.labels import PERIOD_WORDS

MISSING = "–"


def is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # pd.isna of a list or array is not one truth value
        return False


def number(x: float | int | None, decimals: int = 1) -> str:
    """1234.5 -> "1.234,5": a dot groups thousands, a comma separates decimals."""
    if is_missing(x) or (isinstance(x, float) and math.isinf(x)):
        return MISSING
    # str() first, so 2.675 rounds as written (2,68) rather than as its binary approximation.
    rounded = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    english = f"{rounded:,.{decimals}f}"
    return english.translate(str.maketrans(",.", ".,"))


def percentage(x: float | None, decimals: int = 1) -> str:
    """A share on the 0-100 scale (kpis.md): 23.45 -> "23,5%"."""
    return MISSING if is_missing(x) else f"{number(x, decimals)}%"


def euro(x: float | None, decimals: int = 2) -> str:
    """1234567.891 -> "€ 1.234.567,89"."""
    return MISSING if is_missing(x) else f"€ {number(x, decimals)}"


def by_unit(x: float | str | None, unit: str, decimals: int = 1) -> str:
    """A KPI value in its registry unit: "%" and "euro" carry their sign, other units stand beside it.
    A suppressed value ("<5", "–", "×" from warehouse.suppression) is shown as it is."""
    if isinstance(x, str):
        return x
    if unit == "%":
        return percentage(x, decimals)
    if unit == "euro":
        return euro(x, decimals)
    return number(x, decimals)


def unit_suffix(unit: str) -> str:
    """The unit text shown after a value; empty where `by_unit` already wrote the sign."""
    return "" if unit in ("%", "euro") else unit


def suppressed_text() -> str:
    """What a portfolio holder reads beside suppressed figures (the marks: warehouse/suppression.py)."""
    from config.settings import small_number_threshold

    n = small_number_threshold()
    return (f"Kleine aantallen zijn onderdrukt: 1 tot en met {n - 1} staat als <{n}, een verhouding met een kleine "
            "teller of noemer als –, en × verbergt een tweede cel.")


def date_nl(d: date | datetime | str | None) -> str:
    """date(2026, 11, 23) or "2026-11-23" -> "23-11-2026"."""
    if is_missing(d):
        return MISSING
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def datetime_nl(d: datetime | None) -> str:
    """datetime(2026, 11, 23, 9, 5) -> "23-11-2026 09:05"."""
    if is_missing(d):
        return MISSING
    return f"{date_nl(d)} {d.hour:02d}:{d.minute:02d}"


def period_label(kind: str, period: str | None) -> str:
    """("schooljaar", "2023-2024") -> "schooljaar 2023-2024"; a reference date is written 01-10-2025."""
    if kind not in PERIOD_WORDS:
        raise ValueError(f"unknown period kind {kind!r}")
    if is_missing(period):
        return MISSING
    written = date_nl(period) if kind == "peildatum" else str(period)
    return f"{PERIOD_WORDS[kind]} {written}"


def previous_period_word(kind: str) -> str:
    """How the period before the shown one is called beside a figure."""
    return "vorige peildatum" if kind == "peildatum" else "vorig jaar"


def citation(source: str) -> str:
    """A cited source as a reader sees it: without its web address, which a screen cannot follow and a printed page
    cannot use (the full citations are in warehouse/reference/landelijke_referenties.csv)."""
    return re.sub(r"[:,]?\s*https?://\S+", "", source).strip()
