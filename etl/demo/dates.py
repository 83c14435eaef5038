"""Dates as int day numbers (days since 1970-01-01), with lookup tables for speed.

Everything person-level is vectorised with numpy, so dates are plain int64 arrays; `NONE` marks a
missing date. Text forms come from tables indexed by day number, which is far faster than
formatting hundreds of thousands of dates one by one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

NONE = -10**6  # a missing date
FIRST_YEAR, LAST_YEAR = 1980, 2060
_EPOCH = dt.date(1970, 1, 1)


def day(y: int, m: int, d: int) -> int:
    return (dt.date(y, m, d) - _EPOCH).days


def to_date(n: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(n))


BASE = day(FIRST_YEAR, 1, 1)
LAST = day(LAST_YEAR, 12, 31)
LOAD_DATE = day(2025, 11, 15)  # the day the demo data pretends to be exported
WINDOW_START = day(2015, 8, 1)  # first school year: 2015-2016
MERGER_ALTENA = day(2019, 1, 1)
SCHOOL_YEARS = tuple(range(2015, 2026))  # first calendar year of 2015-2016 .. 2025-2026 (running: up to LOAD_DATE)

_ALL = np.arange(BASE, LAST + 1).astype("M8[D]")
YEAR = _ALL.astype("M8[Y]").astype(np.int64) + 1970
MONTH = _ALL.astype("M8[M]").astype(np.int64) % 12 + 1
DOM = (_ALL - _ALL.astype("M8[M]")).astype(np.int64) + 1
MD = MONTH * 100 + DOM  # month-day as one comparable number
_AUG1 = np.array([day(y, 8, 1) for y in range(FIRST_YEAR, LAST_YEAR + 1)], dtype=np.int64)
_JAN1 = np.array([day(y, 1, 1) for y in range(FIRST_YEAR, LAST_YEAR + 1)], dtype=np.int64)

_STYLES = {
    "dmy": "{d:02d}-{m:02d}-{y:04d}",  # 05-03-2024, the common Dutch export
    "dmy_short": "{d}-{m}-{y:04d}",  # 5-3-2024
    "iso": "{y:04d}-{m:02d}-{d:02d}",  # 2024-03-05
    "compact": "{y:04d}{m:02d}{d:02d}",  # 20240305, DUO
}
_TABLES: dict[str, np.ndarray] = {}
_CLOCK: np.ndarray | None = None


def _table(style: str) -> np.ndarray:
    if style not in _TABLES:
        pattern = _STYLES[style]
        _TABLES[style] = np.array(
            [pattern.format(y=y, m=m, d=d)
             for y, m, d in zip(YEAR.tolist(), MONTH.tolist(), DOM.tolist(), strict=True)],
            dtype=object)
    return _TABLES[style]


def _idx(days: np.ndarray) -> np.ndarray:
    idx = np.asarray(days, dtype=np.int64) - BASE
    if idx.size and (idx.min() < 0 or idx.max() > LAST - BASE):
        raise ValueError("date outside the supported range")
    return idx


def fmt(days: np.ndarray, style: str) -> np.ndarray:
    """Text form of each day; missing dates become empty strings."""
    days = np.asarray(days, dtype=np.int64)
    out = np.full(days.shape, "", dtype=object)
    ok = days != NONE
    out[ok] = _table(style)[_idx(days[ok])]
    return out


def fmt_datetime(days: np.ndarray, seconds: np.ndarray, style: str) -> np.ndarray:
    """`<date> HH:MM:SS`; the date part follows the file's date style."""
    global _CLOCK
    if _CLOCK is None:
        _CLOCK = np.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)],
                          dtype=object)
    out = fmt(days, style) + " " + _CLOCK[np.asarray(seconds, dtype=np.int64) % 86400]
    out[np.asarray(days) == NONE] = ""
    return out


def year_of(days: np.ndarray) -> np.ndarray:
    return YEAR[_idx(days)]


def md_of(days: np.ndarray) -> np.ndarray:
    return MD[_idx(days)]


def aug1(years: np.ndarray | int) -> np.ndarray:
    return _AUG1[np.asarray(years, dtype=np.int64) - FIRST_YEAR]


def jul31(years: np.ndarray | int) -> np.ndarray:
    """31 July of the given calendar years (the end of the school year that started a year earlier)."""
    return aug1(years) - 1


def jan1(years: np.ndarray | int) -> np.ndarray:
    return _JAN1[np.asarray(years, dtype=np.int64) - FIRST_YEAR]


def age(birth: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Age in whole years on the given dates."""
    return year_of(at) - year_of(birth) - (md_of(at) < md_of(birth))


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar day `years` later (29 February becomes 1 March)."""
    y = year_of(days) + years
    md = md_of(days)
    months = (y - 1970) * 12 + md // 100 - 1
    return months.astype("M8[M]").astype("M8[D]").astype(np.int64) + md % 100 - 1


def weekday_forward(days: np.ndarray) -> np.ndarray:
    """Roll weekend days to the next Monday."""
    return np.busday_offset(np.asarray(days, dtype=np.int64).astype("M8[D]"), 0,
                            roll="forward").astype(np.int64)


def add_workdays(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    return np.busday_offset(np.asarray(days, dtype=np.int64).astype("M8[D]"), n,
                            roll="forward").astype(np.int64)


def school_year_of(days: np.ndarray) -> np.ndarray:
    """First calendar year of the school year (1 August to 31 July) holding each day."""
    return year_of(days) - (MONTH[_idx(days)] < 8)


def first_of_next_month(days: np.ndarray) -> np.ndarray:
    months = np.asarray(days, dtype=np.int64).astype("M8[D]").astype("M8[M]") + 1
    return months.astype("M8[D]").astype(np.int64)
