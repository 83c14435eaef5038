"""Small-number suppression (kpis.md "Small numbers"; docs/kpis_intro.md "Kleine aantallen").

The rules are checked on small hand-made row lists (no database); the command line, the query layer and
a property check run on a warehouse loaded from a generated folder with many small figures.
"""

from __future__ import annotations

import csv
import io
import math
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from etl.pseudonym import elfproef
from tests.etl_helpers import load, write_files
from warehouse import cli, queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS
from warehouse.registry import Kpi
from warehouse.suppression import (
    KINDS,
    MEASURE_KEYS,
    RATE_HIDDEN,
    SECONDARY_HIDDEN,
    kind_of,
    parse_breakdown,
    suppress,
)

ROOT = Path(__file__).resolve().parents[1]
Y = "2023-2024"
LT5, DASH, X = "<5", RATE_HIDDEN, SECONDARY_HIDDEN
GMS = ["GM0744", "GM0748", "GM0758", "GM0777", "GM0779", "GM0826", "GM0840", "GM0851", "GM0873", "GM0879",
       "GM1655", "GM1674", "GM1709", "GM1719", "GM1723", "GM1959"]


def c(gm: str, breakdown: str, value: float, kpi: str = "verzuim_meldingen") -> tuple:
    """A count row as the engine writes it: numerator = value, no denominator."""
    return (kpi, Y, gm, breakdown, value, value, None)


def r(gm: str, breakdown: str, num: float | None, den: float | None, kpi: str = "recidive",
      scale: float = 100) -> tuple:
    value = scale * num / den if num is not None and den else None
    return (kpi, Y, gm, breakdown, value, num, den)


def values(rows: list[tuple]) -> dict[tuple[str, str], object]:
    return {(row[2], row[3]): row[4] for row in rows}


# --- kinds ----------------------------------------------------------------------------------------
def test_every_kpi_has_a_valid_kind_and_the_exceptions_are_declared() -> None:
    kinds = {k.id: kind_of(k) for k in KPIS.values()}
    assert set(kinds.values()) <= set(KINDS)
    assert {i for i, k in kinds.items() if k == "internal"} == {
        "laadhistorie", "afgekeurde_regels", "actualiteit", "open_zonder_status"}
    assert {i for i, k in kinds.items() if k == "none"} == {
        "fte", "leerplichtigen_per_fte", "kostenverdeling", "contactpersoon_dekking"}
    for kpi in KPIS.values():
        if kpi.unit == "aantal" and kinds[kpi.id] != "internal":
            assert kinds[kpi.id] == "count", kpi.id
    assert kinds["recidive"] == kinds["reactietijd"] == kinds["relatief_verzuim_per_1000"] == "rate"
    assert kinds["werkvoorraad_per_fte"] == kinds["verzuim_per_school"] == "rate"


def test_the_docs_name_every_kpi_that_is_not_suppressed_or_never_public() -> None:
    text = (ROOT / "docs" / "kpis_intro.md").read_text()
    section = text[text.index("## Kleine aantallen (onderdrukking)"):]
    for kpi in KPIS.values():
        if kind_of(kpi) in ("none", "internal"):
            assert f"`{kpi.id}`" in section, kpi.id
    assert "`privacy.kleine_aantallen`" in section and "0 is not a small number" in section
    for symbol in (LT5, DASH, X):
        assert f"| `{symbol}` |" in section


def test_the_kind_follows_the_unit_unless_declared() -> None:
    base = dict(label="x", section="verzuim", definition="x", numerator="x", denominator="x",
                period_kind="schooljaar", legal_basis="x", source="x")
    assert kind_of(Kpi(id="a", unit="aantal", **base)) == "count"
    assert kind_of(Kpi(id="b", unit="%", **base)) == "rate"
    assert kind_of(Kpi(id="c", unit="euro", **base)) == "none"
    assert kind_of(Kpi(id="d", unit="inwoners per fte", **base)) == "none"
    assert kind_of(Kpi(id="e", unit="aantal", suppression="internal", **base)) == "internal"
    with pytest.raises(ValueError, match="unknown suppression kind"):
        kind_of(Kpi(id="f", unit="aantal", suppression="geheim", **base))


# --- rule 1: primary ------------------------------------------------------------------------------
def test_counts_from_1_to_4_become_less_than_5_and_0_and_5_stay() -> None:
    rows = [c(gm, "", v) for gm, v in zip(GMS, [0, 1, 2, 3, 4, 5, 120], strict=False)]  # no REGIO: no table
    out = suppress(rows, threshold=5)
    assert [row[4] for row in out] == [0, LT5, LT5, LT5, LT5, 5, 120]
    assert [row[5:] for row in out] == [(0, None), (None, None), (None, None), (None, None), (None, None),
                                        (5, None), (120, None)]


def test_a_rate_is_hidden_by_a_small_numerator_or_denominator_and_shown_with_numerator_0() -> None:
    rows = [r("GM0744", "", 3, 40), r("GM0748", "", 10, 3), r("GM0758", "", 0, 40), r("GM0777", "", 0, 0),
            r("GM0779", "", 5, 5), r("GM0826", "", 12, 1000)]
    out = suppress(rows, threshold=5)
    assert out[0][4:] == (DASH, None, None)
    assert out[1][4:] == (DASH, None, None)
    assert out[2] == rows[2] and out[2][4] == 0  # 0 of 40 reveals nobody
    assert out[3] == rows[3] and out[3][4] is None  # nothing to divide by: already empty
    assert out[4] == rows[4] and out[5] == rows[5]


def test_a_rate_per_1000_inhabitants_and_a_median() -> None:
    rows = [r("GM0744", "", 2, 900, kpi="relatief_verzuim_per_1000", scale=1000),
            r("GM0748", "", 40, 4, kpi="relatief_verzuim_per_1000", scale=1000),
            ("reactietijd", Y, "GM0758", "", 3.5, None, 4), ("reactietijd", Y, "GM0777", "", 3.0, None, 25)]
    out = suppress(rows, threshold=5)
    assert [row[4] for row in out] == [DASH, DASH, DASH, 3.0]


def test_per_fte_the_denominator_is_staff_capacity_not_persons() -> None:
    rows = [r("GM0744", "", 20, 2.5, kpi="werkvoorraad_per_fte", scale=1),
            r("GM0748", "", 3, 2.5, kpi="werkvoorraad_per_fte", scale=1)]
    out = suppress(rows, threshold=5)
    assert out[0] == rows[0] and out[0][4] == 8.0
    assert out[1][4:] == (DASH, None, None)  # 3 open cases is a small number


def test_a_plain_count_row_in_a_rate_kpi_follows_the_count_rule() -> None:
    rows = [r("GM0758", "school=06HO00", 3, 200, kpi="verzuim_per_school"),
            c("GM0758", "school=06HO00;maat=meldingen", 4, kpi="verzuim_per_school"),
            c("GM0758", "school=07AB00;maat=meldingen", 9, kpi="verzuim_per_school")]
    out = suppress(rows, threshold=5)
    assert [row[4] for row in out] == [DASH, LT5, 9]


def test_nan_from_a_dataframe_counts_as_empty() -> None:
    nan = float("nan")
    rows = [("verzuim_per_school", Y, "GM0758", "school=06HO00;maat=meldingen", 3.0, 3.0, nan),
            ("reactietijd", Y, "GM0758", "", 4.0, nan, 12.0), ("reactietijd", Y, "GM0744", "", nan, nan, 0.0)]
    out = suppress(rows, threshold=5)
    assert out[0][4] == LT5  # a plain count, not a rate
    assert out[1] == rows[1] and out[2] == rows[2]


def test_none_kpis_are_shown_as_they_are() -> None:
    rows = [("fte", "2025-10-01", "GM0744", "rol=administratief", 0.4, 0.4, None),
            ("kostenverdeling", "2025", "GM0744", "kwartaal=1", 1234.56, None, None),
            ("leerplichtigen_per_fte", "2025-10-01", "GM0744", "", 1500.0, 3000, 2.0)]
    assert suppress(rows, threshold=5) == rows


# --- rule 2: never public -------------------------------------------------------------------------
def test_rows_about_a_staff_member_are_dropped() -> None:
    rows = [("reactietijd", Y, "GM0758", "", 3.0, None, 80),
            ("reactietijd", Y, "GM0758", "behandelaar=LPA01", 2.0, None, 40),
            ("reactietijd", Y, "GM0758", "behandelaar=LPA01;binnen_termijn=ja", 90.0, 36, 40),
            ("werkvoorraad", "2025-10-01", "REGIO", "behandelaar=LPA02", 12, 12, None)]
    assert suppress(rows, threshold=5) == rows[:1]


def test_internal_kpis_and_unknown_ids_are_dropped() -> None:
    rows = [("laadhistorie", "2025-11-15", "REGIO", "lading=1", 300, None, None),
            ("afgekeurde_regels", "2025-11-15", "REGIO", "", 2, None, None),
            ("actualiteit", "2025-11-15", "REGIO", "bron=zaken", 3, None, None),
            ("open_zonder_status", "2025-11-15", "GM0758", "", 7, 7, None),
            ("bestaat_niet", Y, "GM0758", "", 7, 7, None),
            c("GM0758", "", 7)]
    assert suppress(rows, threshold=5) == rows[-1:]


# --- rule 3: secondary ----------------------------------------------------------------------------
def test_secondary_in_a_breakdown_table() -> None:
    rows = [c("GM0758", "", 20), c("GM0758", "verzuimsoort=L", 3), c("GM0758", "verzuimsoort=V3", 7),
            c("GM0758", "verzuimsoort=V4", 10)]
    out = values(suppress(rows, threshold=5))
    assert out == {("GM0758", ""): 20, ("GM0758", "verzuimsoort=L"): LT5, ("GM0758", "verzuimsoort=V3"): X,
                   ("GM0758", "verzuimsoort=V4"): 10}


def test_secondary_ties_go_to_the_first_in_breakdown_order_and_zeros_are_skipped() -> None:
    rows = [c("GM0758", "", 20), c("GM0758", "verzuimsoort=V4", 7), c("GM0758", "verzuimsoort=L", 3),
            c("GM0758", "verzuimsoort=LRV", 0), c("GM0758", "verzuimsoort=V3", 7)]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "verzuimsoort=V3")] == X
    assert out[("GM0758", "verzuimsoort=V4")] == 7
    assert out[("GM0758", "verzuimsoort=LRV")] == 0


def test_when_the_only_other_cell_is_0_the_total_is_hidden() -> None:
    # 12 reports, 3 closed with reason 1; reason 2 written as 0; the rest has no reason (not in a cell)
    rows = [c("GM0758", "", 12), c("GM0758", "reden=1", 3), c("GM0758", "reden=2", 0)]
    out = values(suppress(rows, threshold=5))
    assert out == {("GM0758", ""): X, ("GM0758", "reden=1"): LT5, ("GM0758", "reden=2"): 0}


def test_the_second_measure_has_its_own_tables() -> None:
    rows = [c("GM0758", "", 40), c("GM0758", "verzuimsoort=L", 3), c("GM0758", "verzuimsoort=V3", 37),
            c("GM0758", "maat=personen", 30), c("GM0758", "maat=personen;verzuimsoort=L", 6),
            c("GM0758", "maat=personen;verzuimsoort=V3", 24)]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "verzuimsoort=V3")] == X
    assert [out[("GM0758", b)] for b in ("maat=personen", "maat=personen;verzuimsoort=L",
                                         "maat=personen;verzuimsoort=V3")] == [30, 6, 24]


def test_a_cross_table_protects_each_row_and_column() -> None:
    rows = [c("GM0758", "", 60, "interventies"),
            c("GM0758", "interventie=halt", 30, "interventies"),
            c("GM0758", "interventie=proces_verbaal", 30, "interventies"),
            c("GM0758", "interventie=halt;zaaksoort=absoluut", 3, "interventies"),
            c("GM0758", "interventie=halt;zaaksoort=relatief", 27, "interventies"),
            c("GM0758", "interventie=proces_verbaal;zaaksoort=absoluut", 12, "interventies"),
            c("GM0758", "interventie=proces_verbaal;zaaksoort=relatief", 18, "interventies")]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "interventie=halt;zaaksoort=absoluut")] == LT5
    assert out[("GM0758", "interventie=halt;zaaksoort=relatief")] == X  # its row: halt = 30
    assert out[("GM0758", "interventie=halt")] == 30
    assert_nothing_derivable(rows, suppress(rows, threshold=5))


def test_secondary_across_municipalities_with_regio_as_total() -> None:
    counts = dict(zip(GMS, [2, 0, 40, 9, 30, 25, 11, 8, 0, 14, 19, 33, 21, 17, 12, 26], strict=True))
    rows = [c(gm, "", v) for gm, v in counts.items()] + [c("REGIO", "", sum(counts.values()))]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0744", "")] == LT5
    assert out[("GM0851", "")] == X  # 8: the smallest non-zero of the others
    assert out[("REGIO", "")] == sum(counts.values())
    assert [gm for gm in GMS if isinstance(out[(gm, "")], str)] == ["GM0744", "GM0851"]


def test_when_no_other_municipality_has_a_value_regio_is_hidden() -> None:
    rows = [c(gm, "verzuimsoort=L", 3 if gm == "GM0758" else 0) for gm in GMS] + [c("REGIO", "verzuimsoort=L", 3)]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "verzuimsoort=L")] == LT5 and out[("REGIO", "verzuimsoort=L")] == LT5
    rows = [c(gm, "", 7 if gm == "GM0758" else 0) for gm in GMS] + [c("REGIO", "", 7)]
    rows[GMS.index("GM0758")] = c("GM0758", "", 3)  # not additive (e.g. persons in two municipalities)
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "")] == LT5 and out[("REGIO", "")] == X


def test_secondary_is_repeated_until_nothing_can_be_derived() -> None:
    """One pass each is not enough: B's V3, hidden for the municipal table, would be 30 - 18 (B's only
    other cell), and then A's V3 = REGIO 15 - 12. The next round hides B's V4 as well."""
    a, b = "GM0744", "GM0758"
    rows = [c(a, "", 20), c(a, "verzuimsoort=V3", 3), c(a, "verzuimsoort=L", 17),
            c(b, "", 30), c(b, "verzuimsoort=V3", 12), c(b, "verzuimsoort=V4", 18),
            c("REGIO", "", 50), c("REGIO", "verzuimsoort=V3", 15), c("REGIO", "verzuimsoort=L", 17),
            c("REGIO", "verzuimsoort=V4", 18)]
    out = suppress(rows, threshold=5)
    got = values(out)
    assert got[(a, "verzuimsoort=V3")] == LT5
    assert got[(a, "verzuimsoort=L")] == X and got[(b, "verzuimsoort=V3")] == X
    assert got[(b, "verzuimsoort=V4")] == X
    assert [got[(g, "")] for g in (a, b, "REGIO")] == [20, 30, 50]
    assert_nothing_derivable(rows, out)


def test_a_rate_table_protects_the_numerator_too() -> None:
    rows = [r("GM0758", "", 60, 400), r("GM0758", "onderwijssoort=PO", 3, 100),
            r("GM0758", "onderwijssoort=VO", 20, 150), r("GM0758", "onderwijssoort=MBO", 37, 150)]
    out = values(suppress(rows, threshold=5))
    assert out[("GM0758", "onderwijssoort=PO")] == DASH
    assert out[("GM0758", "onderwijssoort=VO")] == X  # else PO's numerator is 60 - 20 - 37
    assert out[("GM0758", "")] == 15.0


def test_the_threshold_is_a_parameter() -> None:
    rows = [c("GM0744", "", 7), c("GM0748", "", 10), c("GM0758", "", 4), r("GM0777", "", 9, 50),
            r("GM0779", "", 10, 50)]
    assert [row[4] for row in suppress(rows, threshold=10)] == ["<10", 10, "<10", DASH, 20.0]
    assert [row[4] for row in suppress(rows, threshold=1)] == [row[4] for row in rows]
    with pytest.raises(ValueError):
        suppress(rows, threshold=0)


def test_the_threshold_defaults_to_the_setting(tmp_path: Path, monkeypatch) -> None:
    text = (ROOT / "config" / "settings.toml").read_text()
    assert "kleine_aantallen = 5" in text
    settings = tmp_path / "settings.toml"
    settings.write_text(text.replace("kleine_aantallen = 5", "kleine_aantallen = 3"))
    monkeypatch.setenv("RBL_SETTINGS", str(settings))
    assert [row[4] for row in suppress([c("GM0744", "", 2), c("GM0748", "", 4)])] == ["<3", 4]


def test_rows_keep_their_shape_and_order_and_the_input_is_not_changed() -> None:
    rows = [c("GM0758", "", 20), c("GM0758", "verzuimsoort=L", 3), c("GM0758", "verzuimsoort=V3", 17)]
    before = list(rows)
    out = suppress(rows, threshold=5)
    assert rows == before
    assert [row[:4] for row in out] == [row[:4] for row in rows] and all(len(row) == 7 for row in out)


def test_breakdowns_are_parsed_whatever_their_order() -> None:
    assert parse_breakdown("school=06HO00;maat=meldingen") == (("maat", "meldingen"), ("school", "06HO00"))
    assert parse_breakdown("") == ()
    # verzuim_per_school writes school=...;maat=meldingen: the table still finds its total
    rows = [c("GM0758", "school=06HO00;maat=meldingen", 20, "verzuim_per_school"),
            c("GM0758", "school=06HO00;maat=meldingen;verzuimsoort=L", 3, "verzuim_per_school"),
            c("GM0758", "school=06HO00;maat=meldingen;verzuimsoort=V3", 17, "verzuim_per_school")]
    assert [row[4] for row in suppress(rows, threshold=5)] == [20, LT5, X]


def test_fifty_thousand_rows_in_well_under_a_second() -> None:
    rng = random.Random(7)
    rows: list[tuple] = []
    school = 0
    while len(rows) < 50_000:
        school += 1
        for gm in [*GMS, "REGIO"]:
            kinds = {k: rng.choice([0, 1, 3, 6, 12, 40]) for k in ("L", "V3", "V4", "LRV", "RMC")}
            rows.append(c(gm, f"school=S{school:04d}", sum(kinds.values())))
            rows += [c(gm, f"school=S{school:04d};verzuimsoort={k}", v) for k, v in kinds.items()]
    rows = rows[:50_000]
    start = time.process_time()  # CPU time: not what other processes on the machine do
    out = suppress(rows, threshold=5)
    elapsed = time.process_time() - start
    assert len(out) == 50_000 and sum(isinstance(row[4], str) for row in out) > 10_000
    assert elapsed < 1.0, f"{elapsed:.2f} s"


# --- a property check ----------------------------------------------------------------------------
def _class(row: tuple) -> str:
    kind = kind_of(KPIS[row[0]])
    if kind == "rate" and row[6] is None and row[5] is not None and row[5] == row[4]:
        return "count"
    return kind


def _tables(rows: list[tuple]) -> list[tuple[list[int], int]]:
    """Every (cells, total) a reader could add up: cells with the same keys and their measure-only total,
    cells that differ in one key and the row without that key, and the municipalities with REGIO."""
    index = {(row[0], row[1], row[2], parse_breakdown(row[3])): i for i, row in enumerate(rows)}
    groups: dict[tuple, list[int]] = {}
    totals: dict[tuple, tuple] = {}
    for i, row in enumerate(rows):
        cls = _class(row)
        if cls not in ("count", "rate"):
            continue
        kpi_id, period, gm, pairs = row[0], row[1], row[2], parse_breakdown(row[3])
        fixed = tuple(p for p in pairs if p[0] in MEASURE_KEYS)
        varying = tuple(p for p in pairs if p[0] not in MEASURE_KEYS)
        wanted = []
        if varying:
            wanted.append((("keys", tuple(k for k, _ in varying)), (kpi_id, period, gm, fixed)))
        if len(varying) > 1:
            for j, (key, _) in enumerate(varying):
                rest = tuple(sorted(fixed + varying[:j] + varying[j + 1:]))
                wanted.append((("one", key), (kpi_id, period, gm, rest)))
        if gm != "REGIO":
            wanted.append((("gm",), (kpi_id, period, "REGIO", pairs)))
        for how, total in wanted:
            groups.setdefault((cls, how, total), []).append(i)
            totals[(cls, how, total)] = total
    out = []
    for key, cells in groups.items():
        total = index.get(totals[key])
        if total is not None and _class(rows[total]) == key[0]:
            out.append((cells, total))
    return out


def assert_nothing_derivable(before: list[tuple], after: list[tuple]) -> None:
    """No hidden cell is the total minus the other (shown) cells of a table, and no hidden total is the
    sum of its shown cells."""
    assert len(before) == len(after)
    hidden = [isinstance(row[4], str) for row in after]
    for cells, total in _tables(before):
        n_hidden = sum(hidden[i] for i in cells)
        if n_hidden == 1 and not hidden[total]:
            (i,) = [i for i in cells if hidden[i]]
            raise AssertionError(f"{after[i][:4]} = {after[total][:4]} minus the other cells")
        if hidden[total] and n_hidden == 0 and any(before[i][4] for i in cells):
            raise AssertionError(f"{after[total][:4]} is the sum of its cells")


# --- on a real warehouse -------------------------------------------------------------------------
def _bsns(n: int) -> list[str]:
    out, x = [], 999_990_000
    while len(out) < n:
        x += 1
        if elfproef(str(x)):
            out.append(str(x))
    return out


def _d(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def generated_sources() -> dict[str, str]:
    """A region with big and very small municipalities, so that every rule has something to do."""
    rng = random.Random(2026)
    weights = {gm: w for gm, w in zip(GMS, [1, 6, 20, 5, 3, 8, 2, 2, 2, 2, 3, 8, 4, 3, 1, 4], strict=True)}
    people = [(bsn, rng.choices(GMS, weights=list(weights.values()))[0]) for bsn in _bsns(520)]
    schools = [("06HO", "00"), ("12AB", "00"), ("12AB", "01"), ("20CD", "00"), ("31EF", "00"), ("44GH", "02")]
    staff = ["LPA01", "LPA02", "LPA03", "DSC01"]
    start = date(2023, 8, 1)

    pop = ["gemeente_code;peildatum;leeftijd;aantal"]
    for gm, w in weights.items():
        for year in (2023, 2024, 2025):
            pop += [f"{gm};01-01-{year};{age};{w * 60 + age}" for age in range(4, 24)]

    reports = ["meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code;reden_afsluiting;"
               "datum_afsluiting;behandelaar;laatste_mutatie"]
    actions = ["actie_id;datum;soort;zaak_id;meldingsnummer;behandelaar"]
    for n in range(900):
        bsn, gm = rng.choice(people)
        brin, vest = rng.choice(schools)
        day = start + timedelta(days=rng.randrange(0, 800))
        kind = rng.choices(["V3", "L", "LRV", "V4", "RMC", "V2", "signaal"], weights=[40, 12, 6, 10, 6, 3, 3])[0]
        status = rng.choices(["B", "G", "K", "R", "I"], weights=[20, 55, 10, 10, 5])[0]
        closed = day + timedelta(days=rng.randrange(0, 120)) if status == "G" else None
        if closed and closed > date(2025, 11, 1):
            closed = date(2025, 11, 1)
        reason = str(rng.randint(1, 7)) if closed and rng.random() < 0.9 else ""
        reports.append(f"M{n};{bsn};{brin};{vest};{_d(day)};{kind};{status};{gm};{reason};"
                       f"{_d(closed) if closed else ''};{rng.choice(staff)};{_d(closed or day)}")
        if rng.random() < 0.7:
            when = min(day + timedelta(days=rng.randrange(0, 15)), date(2025, 11, 1))
            actions.append(f"A{n};{_d(when)};gesprek;;M{n};{rng.choice(staff)}")

    cases = ["zaak_id;bsn;soort;startdatum;einddatum;gemeente_code;behandelaar;resultaat"]
    for n in range(160):
        bsn, gm = rng.choice(people)
        begin = start + timedelta(days=rng.randrange(-60, 700))
        end = begin + timedelta(days=rng.randrange(1, 300)) if rng.random() < 0.6 else None
        if end and end > date(2025, 11, 1):
            end = None
        kind = rng.choice(["absoluut_verzuim", "langdurig_relatief_verzuim", "relatief_verzuim"])
        cases.append(f"Z{n};{bsn};{kind};{_d(begin)};{_d(end) if end else ''};{gm};{rng.choice(staff)};"
                     f"{rng.choice(['terug_op_school', 'andere_school', 'verhuisd', 'zorg'])}")
        if rng.random() < 0.3:
            when = min(begin + timedelta(days=rng.randrange(0, 60)), date(2025, 11, 1))
            actions.append(f"H{n};{_d(when)};{rng.choice(['halt', 'proces_verbaal'])};Z{n};;{rng.choice(staff)}")

    exemptions = ["bsn;artikel;besluit;begindatum;einddatum;gemeente_code"]
    for bsn, gm in rng.sample(people, 70):
        begin = start + timedelta(days=rng.randrange(-200, 500))
        exemptions.append(f"{bsn};{rng.choice(['5 onder a', '5 onder b', '3a', '15'])};toegekend;{_d(begin)};;{gm}")

    assignments = ["medewerker;rol;gemeente_code;fte;begindatum;einddatum"]
    for i, gm in enumerate(GMS):
        assignments.append(f"LPA{i:02d};leerplichtambtenaar;{gm};{min(1.5, 0.4 + weights[gm] / 10):.1f};01-01-2023;")
        if i % 3 == 0:
            assignments.append(f"DSC{i:02d};doorstroomcoach;{gm};0.6;01-01-2023;")

    return {"bevolking.csv": "\n".join(pop) + "\n", "verzuimmeldingen.csv": "\n".join(reports) + "\n",
            "acties.csv": "\n".join(actions) + "\n", "zaken.csv": "\n".join(cases) + "\n",
            "vrijstellingen.csv": "\n".join(exemptions) + "\n", "medewerkers.csv": "\n".join(assignments) + "\n"}


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("suppression")
    result = load(write_files(base / "src", generated_sources()), base / "wh")
    assert result.published, result.message
    return base / "wh"


def _run_cli(capsys, wh: Path, *args: str) -> str:
    """`python -m warehouse kpis` in this process (so both sides of a comparison run the same code)."""
    capsys.readouterr()
    assert cli.main(["kpis", "--warehouse", str(wh), *args]) == 0
    return capsys.readouterr().out


def _number_as_before(value: float | None) -> str:
    """`warehouse.cli.number` as it was before --public existed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@pytest.mark.parametrize("period", [Y, "2025-11-15"])
def test_cli_without_public_is_unchanged(warehouse_dir: Path, period: str, capsys) -> None:
    rows = cli.kpi_rows(Warehouse(warehouse_dir), period, None)
    through = cli.partial_through(Warehouse(warehouse_dir), rows)  # issue #9: the one column added at the end
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(cli.HEADER)
    for row in rows:
        writer.writerow([*row[:4], *(_number_as_before(v) for v in row[4:]), through.get((row[0], row[1]), "")])
    text = _run_cli(capsys, warehouse_dir, "--period", period)
    assert text == expected.getvalue()
    assert "behandelaar=" in text and "<5" not in text and X not in text


@pytest.mark.parametrize("period", [Y, "2024-2025", "2025-11-15"])
def test_cli_public_prints_no_small_count(warehouse_dir: Path, period: str) -> None:
    done = subprocess.run([sys.executable, "-m", "warehouse", "kpis", "--warehouse", str(warehouse_dir),
                           "--period", period, "--public"], cwd=ROOT, capture_output=True, check=True)
    lines = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"))))
    assert lines[0] == cli.HEADER
    body = lines[1:]
    assert body, "no figures"
    symbols = {row[4] for row in body if row[4] and not row[4].replace(".", "").replace("-", "").isdigit()}
    assert symbols <= {LT5, DASH, X}
    for kpi_id, _, _, breakdown, value, num, den, _ in body:
        kind = kind_of(KPIS[kpi_id])
        assert kind != "internal" and "behandelaar=" not in breakdown
        if value in (LT5, DASH, X):
            assert num == den == "", (kpi_id, breakdown)
        elif kind == "count" or (kind == "rate" and den == "" and num == value):
            assert value == "" or not 1 <= float(value) <= 4, (kpi_id, breakdown, value)
        elif kind == "rate":
            checked = [num] + ([den] if KPIS[kpi_id].unit != "per fte" else [])
            assert all(x == "" or not 0 < float(x) < 5 for x in checked), (kpi_id, breakdown, num, den)
    if period == Y:
        assert {LT5, X} <= symbols  # the data really have small numbers


def test_cli_public_uses_the_same_rules_as_the_function(warehouse_dir: Path, capsys) -> None:
    rows = suppress(cli.kpi_rows(Warehouse(warehouse_dir), Y, ["verzuim_meldingen", "recidive"]))
    text = _run_cli(capsys, warehouse_dir, "--period", Y, "--kpi", "verzuim_meldingen", "recidive", "--public")
    out = io.StringIO()
    cli.write_csv(rows, out, cli.partial_through(Warehouse(warehouse_dir), rows))
    assert text == out.getvalue()


def test_every_row_of_the_warehouse_after_suppression(warehouse_dir: Path) -> None:
    wh = Warehouse(warehouse_dir)
    rows = wh.rows("SELECT * FROM mart_kpi_values ORDER BY ALL")
    out = suppress(rows)
    kept = [row for row in rows if kind_of(KPIS[row[0]]) != "internal" and "behandelaar=" not in row[3]]
    assert [row[:4] for row in out] == [row[:4] for row in kept]
    shown = {LT5: 0, DASH: 0, X: 0}
    for before, after in zip(kept, out, strict=True):
        if isinstance(after[4], str):
            shown[after[4]] += 1
            assert after[5:] == (None, None)
            continue
        assert after == before
        if _class(before) == "count":
            assert not 0 < before[4] < 5, before
            assert before[5] == before[4]
        elif _class(before) == "rate":
            assert before[5] is None or not 0 < before[5] < 5, before
            if KPIS[before[0]].unit != "per fte":
                assert before[6] is None or not 0 < before[6] < 5, before
    assert all(shown.values()), shown  # every symbol occurs: the check is not empty
    assert_nothing_derivable(kept, out)
    shuffled = list(rows)
    random.Random(1).shuffle(shuffled)
    assert {row[:4]: row for row in suppress(shuffled)} == {row[:4]: row for row in out}  # order does not matter


def test_kpi_values_public_is_the_same_whatever_the_filter(warehouse_dir: Path) -> None:
    wh = Warehouse(warehouse_dir)
    ids = ["verzuim_meldingen", "relatief_verzuim_per_1000", "werkvoorraad", "reactietijd"]
    full = queries.kpi_values(wh, ids, breakdown=None, public=True)
    assert full["value"].dtype == object
    assert full["numerator"].dtype == float
    assert not full["breakdown"].str.contains("behandelaar=").any()
    assert (full["value"] == LT5).any()
    plain = queries.kpi_values(wh, ids, breakdown=None)
    assert plain["value"].dtype == float and len(plain) > len(full)  # without public: as before
    for gm in ("GM0744", "REGIO"):
        part = queries.kpi_values(wh, ids, municipality_code=gm, public=True)
        expected = full[(full["municipality_code"] == gm) & (full["breakdown"] == "")]
        assert part.reset_index(drop=True).equals(expected.reset_index(drop=True))
