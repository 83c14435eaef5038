"""Signals (warehouse/signals.py, kpis.md "Signals"): funnel limits and signals computed by hand.

Schools (verzuim_per_school rows: persons with a report k, pupils on 1 October n), target p0 = 150 / 1500 = 0,1
over the region's schools with pupils, so p0 (1 - p0) = 0,09:
  A Breda      n=900 k=54  p=0,06   se=sqrt(0,09/900)=0,01    99,8 %: 0,1 -/+ 0,0309    -> [0,0691; 0,1309]  lager
  B Breda      n=100 k=25  p=0,25   se=0,03                   99,8 %: 0,1 -/+ 0,0927    -> [0,0073; 0,1927]  hoger
  C Altena     n=20  k=0   p=0      se=sqrt(0,09/20)=0,067082 99,8 %: 0,1 - 0,207283 < 0 -> clipped to 0: p is
                                                                           exactly on the lower limit: no signal
  D Altena     n=19  k=10  p=0,526  under the minimum size 20: neither ranked nor signalled (but in p0)
  E Etten-Leur n=461 k=61  p=0,1323 se=sqrt(0,09/461)=0,013972 99,8 %: upper 0,143175, 95 %: upper 0,127386
                                                                           -> outside 95 % only: a warning
  F outside the region (REGIO) n=50 k=50, and G Breda without pupils: left out.

Municipalities (relatief verzuim; region row 1000 of 100.000, p0 = 0,01, p0 (1 - p0) = 0,0099), ten of
n = 10.000 each (se = sqrt(0,0099 / 10.000) = 0,000994987), k = 100 + d with
d = -6, 8, -8, 10, -10, -6, 12, -12, -38, 50; z = d / (10.000 se) = d * w with w^2 = 1 / 99 (0,0001^2 / 0,0099e-4).
Ordered d: -38 -12 -10 -8 -6 -6 8 10 12 50; 10th percentile at index 0,9: -38 + 0,9 * 26 = -14,6; 90th at index
8,1: 12 + 0,1 * 38 = 15,8. Winsorised squares: 36 64 64 100 100 36 144 144 213,16 249,64 = 1150,8; mean 115,08;
phi = 115,08 / 99 = 1,162424... > 1, so the limits widen: 0,01 -/+ 3,09 sqrt(phi 0,0099 / 10.000) =
0,01 -/+ 0,0033148 -> [0,0066852; 0,0133148]: the tenth (k=150, p=0,015) is hoger, the ninth (k=62,
p=0,0062) lager.
"""

from __future__ import annotations

import csv
import io
import math

import pytest

from warehouse import cli, signals
from warehouse.connection import Warehouse
from warehouse.signals import Unit, limits, municipal_funnel, overdispersion, school_funnel

SCHOOL_ROWS = [  # (municipality_code, breakdown, numerator, denominator) as mart_kpi_values holds them
    ("GM0758", "school=A", 54, 900), ("GM0758", "school=B", 25, 100), ("GM1959", "school=C", 0, 20),
    ("GM1959", "school=D", 10, 19), ("GM0777", "school=E", 61, 461), ("REGIO", "school=F", 50, 50),
    ("GM0758", "school=G", 0, 0), ("GM0758", "", 79, 1000), ("REGIO", "", 200, 1550),
    ("GM0758", "maat=meldingen;school=A", 70, None),
]
D = [-6, 8, -8, 10, -10, -6, 12, -12, -38, 50]
MUNICIPAL_ROWS = [(f"GM{i:04d}", 100 + d, 10_000) for i, d in enumerate(D)] + [("REGIO", 1000, 100_000)]


def by_code(units: list[Unit]) -> dict[str, Unit]:
    return {u.code: u for u in units}


def test_school_limits_and_signals() -> None:
    units = by_code(school_funnel(SCHOOL_ROWS, "2024-2025", min_size=20))
    assert set(units) == {"A", "B", "C", "D", "E"}  # F outside the region, G without pupils
    assert all(u.target == pytest.approx(0.1) for u in units.values())
    a, b, c, d, e = (units[k] for k in "ABCDE")
    assert (a.value, a.lower, a.upper, a.n) == (pytest.approx(0.06), pytest.approx(0.0691), pytest.approx(0.1309), 900)
    assert (a.lower95, a.upper95) == (pytest.approx(0.0804), pytest.approx(0.1196))
    assert a.signal == "lager"
    assert (b.lower, b.upper, b.signal) == (pytest.approx(0.0073), pytest.approx(0.1927), "hoger")
    # exactly on the (clipped) lower limit: "below the lower limit" is not met, so no signal
    assert (c.value, c.lower, c.upper) == (0.0, 0.0, pytest.approx(0.1 + 3.09 * math.sqrt(0.09 / 20)))
    assert c.signal == "" and not c.too_small
    # under the minimum size: far above its upper limit, yet no signal
    assert d.too_small and d.value > d.upper and d.signal == ""
    assert (e.upper, e.upper95) == (pytest.approx(0.143175, abs=1e-6), pytest.approx(0.127386, abs=1e-6))
    assert e.signal == "" and e.warning
    assert units["A"].municipality_code == "GM0758" and units["E"].municipality_code == "GM0777"


def test_a_value_exactly_on_the_upper_limit_is_no_signal() -> None:
    # p0 = 72 / 80 = 0,9; X (30 of 30) has upper limit 0,9 + 3,09 sqrt(0,09 / 30) = 1,069, clipped to 1: its rate
    # 1 is exactly on it, so not above it
    units = by_code(school_funnel([("GM0758", "school=X", 30, 30), ("GM0758", "school=Y", 42, 50)], "P", 20))
    x = units["X"]
    assert (x.value, x.upper, x.target) == (1.0, 1.0, pytest.approx(0.9))
    assert x.signal == ""


def test_overdispersion_factor_by_hand() -> None:
    w = math.sqrt(0.0001 ** 2 / (0.0099 / 10_000))  # z of one report more in a municipality of 10.000
    assert w ** 2 == pytest.approx(1 / 99)
    phi = overdispersion([(100 + d) / 10_000 for d in D], [10_000] * 10, 0.01)
    assert phi == pytest.approx(115.08 / 99)
    # with fewer units than percentiles need: a single unit is its own 10th and 90th percentile
    assert overdispersion([0.02], [100], 0.01) == pytest.approx((0.01 / math.sqrt(0.0099 / 100)) ** 2)
    assert overdispersion([], [], 0.01) == 1.0


def test_municipal_limits_widened_by_phi() -> None:
    units = municipal_funnel("relatief_verzuim_per_1000", MUNICIPAL_ROWS, "2024-2025")
    assert len(units) == 10
    half = 3.09 * math.sqrt(115.08 / 99 * 0.0099 / 10_000)
    assert half == pytest.approx(0.0033148, abs=1e-7)
    for u in units:
        assert (u.target, u.phi) == (pytest.approx(0.01), pytest.approx(115.08 / 99))
        assert (u.lower, u.upper) == (pytest.approx(0.01 - half), pytest.approx(0.01 + half))
    got = {u.code: u.signal for u in units if u.signal}
    assert got == {"GM0009": "hoger", "GM0008": "lager"}  # p = 0,015 and 0,0062


def test_phi_at_most_one_is_not_applied() -> None:
    # every municipality exactly on target: z = 0, phi = 0, limits as without over-dispersion
    rows = [("GM0001", 100, 10_000), ("GM0002", 50, 5_000), ("REGIO", 150, 15_000)]
    units = municipal_funnel("vsv_percentage", rows, "2023-2024")
    assert units[0].phi == 0.0
    assert units[0].upper == pytest.approx(0.01 + 3.09 * math.sqrt(0.0099 / 10_000))
    assert limits(0.01, 5_000, 1.96) == (pytest.approx(0.01 - 1.96 * math.sqrt(0.0099 / 5_000)),
                                         pytest.approx(0.01 + 1.96 * math.sqrt(0.0099 / 5_000)))


def test_command_line_on_the_demo(demo_warehouse, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["signals", "--warehouse", str(demo_warehouse), "--period", "2024-2025"]) == 0
    text = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "kpi_id,period,level,code,value,target,lower,upper,n,signal"
    assert rows, "the demo has signals"
    for r in rows:
        value, lower, upper = float(r["value"]), float(r["lower"]), float(r["upper"])
        assert r["signal"] == ("hoger" if value > upper else "lager") and (value > upper or value < lower)
        assert r["level"] in ("school", "gemeente") and 0 <= lower <= float(r["target"]) <= upper <= 1
        if r["level"] == "school":
            assert int(r["n"]) >= 20
    expected = signals.signals(Warehouse(demo_warehouse), "2024-2025")
    assert [(r["kpi_id"], r["code"], r["signal"]) for r in rows] == [(u.kpi_id, u.code, u.signal) for u in expected]
    assert cli.main(["signals", "--warehouse", str(demo_warehouse), "--period", "2024"]) == 2
