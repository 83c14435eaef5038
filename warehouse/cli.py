"""`python -m warehouse kpis --warehouse DIR --period PERIOD [--kpi ID ...] [--public]`: figures as CSV on stdout.

Header exactly `kpi_id,period,municipality_code,breakdown,value,numerator,denominator`. Numbers are
written for machines: decimal point, no thousands separator, at most 6 decimals, empty when not
defined. Figures are computed on demand by the same registry SQL that fills the pages' mart.
`--public` applies small-number suppression (warehouse.suppression): a hidden value is written as
its symbol ("<5", "–", "×") with empty numerator and denominator.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import signal
import sys
from pathlib import Path

from config.settings import load_settings
from warehouse.connection import Warehouse, WarehouseMissing
from warehouse.kpi_engine import compute
from warehouse.kpis import KPIS
from warehouse.registry import period_kinds
from warehouse.spreadsheet import safe_text
from warehouse.suppression import suppress

HEADER = ["kpi_id", "period", "municipality_code", "breakdown", "value", "numerator", "denominator"]
PERIOD_FORMS = {"schooljaar": r"\d{4}-\d{4}", "teljaar": r"\d{4}-\d{4}", "begrotingsjaar": r"\d{4}",
                "peildatum": r"\d{4}-\d{2}-\d{2}", "kwartaal": r"\d{4}-K[1-4]"}
EXAMPLES = {"schooljaar": "2023-2024", "teljaar": "2022-2023", "begrotingsjaar": "2025", "peildatum": "2025-10-01",
            "kwartaal": "2025-K3"}


class UsageError(Exception):
    pass


def number(value: float | str | None) -> str:
    if isinstance(value, str):  # a suppression symbol (--public)
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def fits(kind: str, period: str) -> bool:
    if not re.fullmatch(PERIOD_FORMS[kind], period):
        return False
    return kind not in ("schooljaar", "teljaar") or int(period[5:]) == int(period[:4]) + 1


def kind_for(kpi, period: str) -> str | None:
    """The period kind of `kpi` (its own, or kwartaal for a quarterly figure) that `period` is written in."""
    return next((kind for kind in period_kinds(kpi) if fits(kind, period)), None)


def select_kpis(period: str, ids: list[str] | None) -> list:
    if ids:
        unknown = [i for i in ids if i not in KPIS]
        if unknown:
            raise UsageError(f"onbekende KPI: {', '.join(unknown)} (zie docs/kpis.md)")
        chosen = [KPIS[i] for i in ids]
        wrong = [k for k in chosen if kind_for(k, period) is None]
        if wrong:
            k = wrong[0]
            raise UsageError(f"{k.id} heeft als periode een {k.period_kind} (bijv. {EXAMPLES[k.period_kind]}), "
                             f"niet '{period}'")
        return chosen
    chosen = [k for k in KPIS.values() if kind_for(k, period) is not None]
    if not chosen:
        raise UsageError(f"'{period}' is geen schooljaar/teljaar (2023-2024), begrotingsjaar (2025), kwartaal "
                         "(2025-K3) of datum (2025-10-01)")
    return chosen


def kpi_rows(wh: Warehouse, period: str, ids: list[str] | None) -> list[tuple]:
    kpis = select_kpis(period, ids)
    settings, rows = load_settings(), []
    cur = wh.cursor()
    try:
        for kind in dict.fromkeys(kind_for(k, period) for k in kpis):
            rows.extend(compute(cur, [k for k in kpis if kind_for(k, period) == kind], kind, [period], settings))
    finally:
        cur.close()
    return rows


def write_csv(rows: list[tuple], out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for kpi_id, period, gm, breakdown, value, num, den in rows:  # text cells as text in a spreadsheet
        writer.writerow([*(safe_text(str(c)) if c is not None else "" for c in (kpi_id, period, gm, breakdown)),
                         number(value), number(num), number(den)])


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="Cijfers uit het warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)
    kpis = sub.add_parser("kpis", help="KPI-waarden als CSV op stdout")
    kpis.add_argument("--warehouse", type=Path, required=True, help="map van het gepubliceerde warehouse")
    kpis.add_argument("--period", required=True,
                      help="2023-2024 (school- of teljaar), 2025 (begroting), 2025-K3 (kwartaal) of 2025-10-01")
    kpis.add_argument("--kpi", nargs="+", metavar="ID", help="alleen deze KPI's (standaard: alle van die periode)")
    kpis.add_argument("--public", action="store_true",
                      help="kleine aantallen onderdrukt, zoals voor portefeuillehouders en publicaties")
    args = parser.parse_args(argv)
    try:
        rows = kpi_rows(Warehouse(args.warehouse), args.period, args.kpi)
    except (UsageError, WarehouseMissing) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    write_csv(suppress(rows) if args.public else rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
