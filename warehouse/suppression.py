"""Small-number suppression (kpis.md "Small numbers"): what portfolio holders and publications may see.

One function, `suppress`, used by every public page, export and `python -m warehouse kpis --public`.
It works on the KPI layer's long rows (kpi_id, period, municipality_code, breakdown, value, numerator,
denominator) and returns rows of the same shape. Plain Python, no database: easy to test, and fast
(one pass to index, then work proportional to what gets hidden). Documented in docs/kpis_intro.md,
section "Kleine aantallen (onderdrukking)".

Every KPI has a `SuppressionKind` (registry field `Kpi.suppression`, derived from the unit when empty):
  count     the value is a count of persons, reports or cases
  rate      a rate, share, median or ratio whose numerator and/or denominator are counts
  none      not about persons (fte, euros, inhabitants per fte, school coverage): shown as it is
  internal  never public (data quality): all its rows are dropped

The rules, with threshold T (setting `privacy.kleine_aantallen`, 5):
1. Primary. A count from 1 to T-1 becomes "<T". A rate whose numerator or denominator is from 1 to
   T-1 becomes "–" (for a figure per fte the denominator is staff capacity, not persons, and is not
   checked). 0 is not a small number. In a rate KPI a plain count row (numerator = value, no
   denominator, such as `maat=meldingen` of verzuim_per_school) follows the count rule.
2. Never public: rows with a `behandelaar=` part (a staff member) and every row of an internal KPI.
3. Secondary. A table is a set of cells of the same kind with one total; a hidden cell must not be
   derivable as total minus the other cells. Whenever exactly one member of a table (a cell or the
   total) is hidden, one more is hidden: the smallest shown non-zero cell (ties: the first in
   breakdown, or municipality, order), or else the total. It is shown as "×". Breakdown tables are
   settled first, then the municipal tables (the municipalities of one breakdown, with REGIO as the
   total), and again in turn until nothing changes: one pass each can leave a cell derivable (a cell
   hidden for the municipal table can be the only hidden cell of its municipality's breakdown table).
   This ends: every round hides at least one more cell, and there are finitely many.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Literal

from config.settings import small_number_threshold
from warehouse.kpis import KPIS
from warehouse.registry import Kpi

SuppressionKind = Literal["count", "rate", "none", "internal"]
KINDS: tuple[str, ...] = ("count", "rate", "none", "internal")
REGION_CODE = "REGIO"
STAFF_KEY = "behandelaar"
# Breakdown keys that mark another measure of the same figure, not a category: they never vary in a table.
MEASURE_KEYS = frozenset({"maat", "binnen_termijn"})
# Units whose denominator is not a count of persons (staff capacity): only the numerator is checked.
NON_COUNT_DENOMINATOR_UNITS = frozenset({"per fte"})
# Row classes whose tables get secondary suppression. A rate's numerator (and a count denominator) adds up
# over a table just like a count, so "total minus the others" would reveal it too.
SECONDARY_CLASSES = frozenset({"count", "rate"})

RATE_HIDDEN = "–"  # en dash: a rate or share that is not shown
SECONDARY_HIDDEN = "×"  # hidden so that another hidden cell cannot be derived (CBS: "geheim")

_UNIT_KINDS = {"aantal": "count", "fte": "none", "euro": "none", "inwoners per fte": "none"}


def kind_of(kpi: Kpi) -> SuppressionKind:
    """The declared kind, or the one that follows from the unit: aantal -> count; fte, euro,
    inwoners per fte -> none; everything else -> rate."""
    kind = kpi.suppression or _UNIT_KINDS.get(kpi.unit, "rate")
    if kind not in KINDS:
        raise ValueError(f"KPI {kpi.id!r}: unknown suppression kind {kind!r} (one of {', '.join(KINDS)})")
    return kind  # type: ignore[return-value]


def count_symbol(threshold: int) -> str:
    return f"<{threshold}"


def parse_breakdown(breakdown: str) -> tuple[tuple[str, str], ...]:
    """'maat=personen;verzuimsoort=V3' -> (('maat', 'personen'), ('verzuimsoort', 'V3')), sorted by key."""
    if not breakdown:
        return ()
    return tuple(sorted(tuple(part.split("=", 1)) if "=" in part else (part, "") for part in breakdown.split(";")))


def _number(x: object) -> float | int | Decimal | None:
    """x when it is a number (not NaN, which a DataFrame uses for NULL), else None."""
    if x is None:
        return None
    if type(x) is float or type(x) is int:  # the common case, fast
        return x if x == x else None
    if isinstance(x, numbers.Real | Decimal) and not isinstance(x, bool) and x == x:
        return x
    return None


class _Breakdown:
    """A parsed breakdown: its pairs, the measure part (`maat=`, `binnen_termijn=`) and the rest, with
    small integer ids (from `ids`) for the tables it can be a cell of."""

    __slots__ = ("pairs", "staff", "pid", "kid", "fid", "parents")

    def __init__(self, breakdown: str, ids: dict) -> None:
        def iid(x: object) -> int:
            return ids.setdefault(x, len(ids))

        self.pairs = parse_breakdown(breakdown)
        self.staff = any(k == STAFF_KEY for k, _ in self.pairs)
        fixed = tuple(kv for kv in self.pairs if kv[0] in MEASURE_KEYS)
        varying = tuple(kv for kv in self.pairs if kv[0] not in MEASURE_KEYS)
        keys = tuple(k for k, _ in varying)
        self.pid = iid(self.pairs)  # this breakdown, as a total
        # the table of all cells with the same keys, and its total: the breakdown reduced to its measure part
        self.kid = iid(("keys", fixed, keys)) if varying else None
        self.fid = iid(fixed)
        # with two or more varying keys, per key: the table of cells that differ in that key only, and its
        # total: the pairs without that key
        self.parents = tuple(
            (iid(("one", rest, key)), iid(rest))
            for rest, key in ((tuple(sorted(fixed + varying[:j] + varying[j + 1:])), key)
                              for j, key in enumerate(keys))) if len(keys) > 1 else ()


def suppress(rows: Iterable[tuple], threshold: int | None = None,
             registry: Mapping[str, Kpi] | None = None) -> list[tuple]:
    """The rows a portfolio holder or a publication may see (see the module docstring for the rules).

    `threshold` defaults to the setting `privacy.kleine_aantallen`; `registry` to warehouse.kpis.KPIS.
    Rows keep their order; dropped rows (staff members, internal KPIs, KPI ids the registry does not
    know) are left out. A hidden value becomes "<T", "–" or "×", and then its numerator and denominator
    become None. The result does not depend on the order of the input rows.
    """
    if threshold is None:
        threshold = small_number_threshold()
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, not {threshold!r}")
    if registry is None:
        registry = KPIS
    kinds = {kpi_id: kind_of(kpi) for kpi_id, kpi in registry.items()}
    den_checked = {kpi_id: kpi.unit not in NON_COUNT_DENOMINATOR_UNITS for kpi_id, kpi in registry.items()}
    parsed: dict[str, _Breakdown] = {}
    ids: dict = {}

    # 1 and 2: drop, classify, primary suppression ----------------------------------------------------
    kept: list[tuple] = []
    breakdowns: list[_Breakdown] = []
    classes: list[str] = []
    sizes: list[float] = []  # what a cell adds to its table: a count's value, a rate's numerator (or count)
    hidden: list[str | None] = []  # None (shown), "primary" or "secondary"
    for row in rows:
        kpi_id, _period, _gm, breakdown, value, num, den = row
        kind = kinds.get(kpi_id)
        if kind is None or kind == "internal":  # unknown KPIs fail closed
            continue
        bd = parsed.get(breakdown or "")
        if bd is None:
            bd = parsed[breakdown or ""] = _Breakdown(breakdown or "", ids)
        if bd.staff:
            continue
        value, num, den = _number(value), _number(num), _number(den)
        if kind == "none":
            cls, size, small = "none", 0, False
        elif kind == "count" or (den is None and num is not None and num == value):
            cls, size = "count", value or 0
            small = 0 < size < threshold
        else:
            cls, size = "rate", (num if num is not None else den) or 0
            small = (num is not None and 0 < num < threshold) or (
                den is not None and den_checked[kpi_id] and 0 < den < threshold)
        kept.append(row)
        breakdowns.append(bd)
        classes.append(cls)
        sizes.append(size)
        hidden.append("primary" if small else None)

    # 3: secondary suppression ----------------------------------------------------------------------
    if any(hidden):
        _secondary(kept, breakdowns, classes, sizes, hidden)

    out: list[tuple] = []
    symbols = {"count": count_symbol(threshold), "rate": RATE_HIDDEN}
    for row, cls, how in zip(kept, classes, hidden, strict=True):
        if how is None:
            out.append(tuple(row))
        else:
            symbol = symbols[cls] if how == "primary" else SECONDARY_HIDDEN
            out.append((*row[:4], symbol, None, None))
    return out


def _tables(kept: list[tuple], breakdowns: list, classes: list[str]) -> tuple:
    """The tables, keyed per phase (0: breakdown tables, 1: municipal tables): (cells per key, total row
    per key or None when there is no total, the (phase, key)s of each row as a cell, the (phase, key)s of
    each row as a total). Rows are visited in (kpi, period, municipality, breakdown) order, so cells come
    in breakdown (or municipality) order and tables in the order of their first cell."""
    heads: dict[tuple, int] = {}
    head = [heads.setdefault((r[0], r[1], r[2]), len(heads)) for r in kept]
    index = {(head[i], bd.pid): i for i, bd in enumerate(breakdowns)}
    groups: tuple[dict, dict] = ({}, {})  # key -> [cells], per phase
    total_of: tuple[dict, dict] = ({}, {})  # key -> total row (or None)
    cell_of: list[list] = [[] for _ in kept]  # row -> [(phase, key), ...]
    for i in sorted(range(len(kept)), key=lambda i: kept[i][:4]):
        cls = classes[i]
        if cls not in SECONDARY_CLASSES:
            continue
        h, bd = head[i], breakdowns[i]
        kpi_id, period, gm = kept[i][:3]
        wanted = [(0, (cls, h, oid), (h, rid)) for oid, rid in bd.parents] if bd.parents else []
        if bd.kid is not None:
            wanted.append((0, (cls, h, bd.kid), (h, bd.fid)))
        if gm != REGION_CODE:
            wanted.append((1, (cls, kpi_id, period, bd.pid), (heads.get((kpi_id, period, REGION_CODE)), bd.pid)))
        for phase, key, total_key in wanted:
            cells = groups[phase].get(key)
            if cells is None:
                cells = groups[phase][key] = []
                total = index.get(total_key)
                total_of[phase][key] = total if total is not None and classes[total] == cls else None
            if total_of[phase][key] is not None:  # no total: nothing to derive from
                cells.append(i)
                cell_of[i].append((phase, key))
    totals: dict[int, list[tuple]] = {}
    for phase in (0, 1):
        for key, total in total_of[phase].items():
            if total is not None:
                totals.setdefault(total, []).append((phase, key))
    return groups, total_of, cell_of, totals


def _secondary(kept: list[tuple], breakdowns: list, classes: list[str], sizes: list[float],
               hidden: list[str | None]) -> None:
    groups, total_of, cell_of, totals = _tables(kept, breakdowns, classes)
    # a table's place in the order in which its first cell was met: the order of the rows
    order = ({key: n for n, key in enumerate(groups[0])}, {key: n for n, key in enumerate(groups[1])})
    pending: tuple[set, set] = (set(), set())

    def touch(i: int) -> None:
        for phase, key in (*cell_of[i], *totals.get(i, ())):
            pending[phase].add(key)

    for i, how in enumerate(hidden):
        if how:
            touch(i)
    while pending[0] or pending[1]:
        for phase in (0, 1):  # breakdown tables settle first, then the municipal tables
            while pending[phase]:
                for key in sorted(pending[phase], key=order[phase].__getitem__):
                    pending[phase].discard(key)
                    cells, total = groups[phase][key], total_of[phase][key]
                    n_hidden = (hidden[total] is not None) + sum(1 for i in cells if hidden[i])
                    if n_hidden != 1:
                        continue
                    shown = [i for i in cells if not hidden[i] and sizes[i] > 0]
                    hide = min(shown, key=sizes.__getitem__) if shown else None  # min keeps the first of equals
                    if hide is None and not hidden[total]:
                        hide = total
                    if hide is not None:
                        hidden[hide] = "secondary"
                        touch(hide)
