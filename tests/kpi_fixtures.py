"""Hand-written source rows for the KPI tests (jaffle-shop style: real files, a real load, real DuckDB).

A test module writes a handful of rows per source as small `;`-separated CSV files, loads them with
`load_sources` (through `etl.load.run_load`, exactly as the bureau would) and reads figures back with
`KpiWarehouse.rows(period, kpi_id)`: a dict keyed by (municipality_code, breakdown) holding
(value, numerator, denominator). Breakdowns are normalised to their `key=value` pairs in alphabetical
order, so a test states each breakdown one way; `raw_rows` gives the rows exactly as the CLI writes them.

Expected values in the tests are computed by hand from docs/kpis.md, the registry's Dutch definitions
and /work/shared/spec/kpis.md, never copied from the code's output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from etl.load import LoadResult, run_load
from warehouse.cli import kpi_rows
from warehouse.connection import Warehouse

LOAD_DATE = date(2025, 11, 15)
BREDA, ALTENA, ETTEN_LEUR = "GM0758", "GM1959", "GM0777"
REGIO = "REGIO"

Number = float | int | None
Figure = tuple[Number, Number, Number]  # (value, numerator, denominator)
Figures = dict[tuple[str, str], Figure]


# --- person numbers ------------------------------------------------------------------------------
def elfproef(number: str) -> bool:
    """The BSN eleven test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11."""
    if len(number) != 9 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
    return total % 11 == 0


@cache
def _test_bsns() -> tuple[str, ...]:
    # Only numbers from the government's test range 9999xxxxx (never issued to a real person):
    # every number from 999990000 upward that passes the eleven test, e.g. 999990019
    # (9*9 + 8*9 + 7*9 + 6*9 + 5*9 + 4*0 + 3*0 + 2*1 - 9 = 308 = 28 * 11).
    return tuple(str(n) for n in range(999_990_000, 1_000_000_000) if elfproef(str(n)))


def bsn(i: int) -> str:
    """The i-th test BSN (0-based); distinct i give distinct persons."""
    return _test_bsns()[i]


# --- writing source files ------------------------------------------------------------------------
def csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A `;`-separated file: None and '' are empty cells."""
    lines = [";".join(header)]
    lines += [";".join("" if v is None else str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


# The three municipalities most tests use (uitvoeringsniveau 2, 1 and 2A).
GEMEENTEN = csv(("gemeente_code", "naam", "uitvoeringsniveau"),
                [(BREDA, "Breda", "2"), (ALTENA, "Altena", "1"), (ETTEN_LEUR, "Etten-Leur", "2A")])


def normalise_breakdown(breakdown: str) -> str:
    return ";".join(sorted(breakdown.split(";"))) if breakdown else ""


@dataclass
class KpiWarehouse:
    path: Path
    result: LoadResult

    def raw_rows(self, period: str, ids: list[str] | None = None) -> list[tuple]:
        """Rows exactly as `python -m warehouse kpis` computes them."""
        return kpi_rows(Warehouse(self.path), period, ids)

    def rows(self, period: str, kpi_id: str, where: Callable[[str, str], bool] | None = None) -> Figures:
        """Figures keyed by (municipality_code, normalised breakdown); `where(gm, breakdown)` keeps a subset.
        Two rows for one key fail the test: the output has one row per municipality and breakdown."""
        out: Figures = {}
        for kid, per, gm, breakdown, value, num, den in self.raw_rows(period, [kpi_id]):
            assert (kid, per) == (kpi_id, period)
            key = (gm, normalise_breakdown(breakdown))
            if where is not None and not where(*key):
                continue
            assert key not in out, f"{kpi_id} {period}: more than one row for {key}: {out[key]} and {(value, num, den)}"
            out[key] = (value, num, den)
        return out


def load_sources(folder: Path, files: dict[str, str], load_date: date = LOAD_DATE,
                 allow_rejects: bool = False) -> KpiWarehouse:
    """Write `files` (name -> content) into folder/bronnen, load them into folder/warehouse."""
    src = folder / "bronnen"
    src.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (src / name).write_text(content, encoding="utf-8")
    result = run_load(src, folder / "warehouse", quiet=True, load_date=load_date)
    assert result.published, result.message
    if not allow_rejects:
        assert not result.rejects, f"hand-written rows were rejected: {result.rejects}"
    return KpiWarehouse(folder / "warehouse", result)


# --- comparing ------------------------------------------------------------------------------------
def _same(got: Number, expected: Number) -> bool:
    if expected is None:
        return got is None
    return got is not None and got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def _empty_cell(figure: Figure) -> bool:
    value, numerator, _ = figure
    return value in (0, None) and numerator in (0, None)


def assert_rows(got: Figures, expected: dict[tuple[str, str], Figure],
                complete_for: Iterable[str] = ()) -> None:
    """Every expected row is there with exactly these (value, numerator, denominator); for the
    municipalities in `complete_for` there are no other rows either, except empty cells: a category
    breakdown seen anywhere in the period is written for every municipality, with 0 where nothing
    happened (issue #9: an empty cell is a 0, not a missing row)."""
    problems = []
    for key, exp in expected.items():
        if key not in got:
            problems.append(f"missing row {key}: expected {exp}")
        elif not all(_same(g, e) for g, e in zip(got[key], exp, strict=True)):
            problems.append(f"row {key}: expected {exp}, got {got[key]}")
    complete = set(complete_for)
    extra = sorted(k for k in got if k[0] in complete and k not in expected and not _empty_cell(got[k]))
    if extra:
        problems.append("unexpected rows: " + ", ".join(f"{k}={got[k]}" for k in extra))
    assert not problems, "\n".join(problems)
