"""`python -m warehouse kpis --warehouse DIR --period PERIOD [--kpi ID ...] [--public]`: figures as CSV on stdout.

Header exactly `kpi_id,period,municipality_code,breakdown,value,numerator,denominator,covered_through`:
`covered_through` is the ISO date up to which a partial figure counts (its period runs past the newest event
date of a source it counts, warehouse.coverage), empty for a complete one. Numbers are
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
import sys
from pathlib import Path

from config.settings import load_settings
from warehouse import signals
from warehouse.connection import Warehouse, WarehouseMissing
from warehouse.coverage import covered_through, figure_through
from warehouse.kpi_engine import compute
from warehouse.kpis import KPIS
from warehouse.registry import period_kinds
from warehouse.spreadsheet import safe_text
from warehouse.suppression import suppress

HEADER = ["kpi_id", "period", "municipality_code", "breakdown", "value", "numerator", "denominator",
          "covered_through"]
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


def partial_through(wh: Warehouse, rows: list[tuple]) -> dict[tuple[str, str], str]:
    """{(kpi_id, period): ISO covered-through} for the partial figures among `rows` (warehouse.coverage)."""
    cur = wh.cursor()
    try:
        cover = covered_through(cur)
    finally:
        cur.close()
    out = {}
    for kpi_id, period in {(r[0], r[1]) for r in rows}:
        through = figure_through(KPIS[kpi_id], kind_for(KPIS[kpi_id], period), period, cover)
        if through is not None:
            out[(kpi_id, period)] = through.isoformat()
    return out


def write_csv(rows: list[tuple], out, through: dict[tuple[str, str], str] | None = None) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    through = through or {}
    for kpi_id, period, gm, breakdown, value, num, den in rows:  # text cells as text in a spreadsheet
        writer.writerow([*(safe_text(str(c)) if c is not None else "" for c in (kpi_id, period, gm, breakdown)),
                         number(value), number(num), number(den), through.get((kpi_id, period), "")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="Cijfers uit het warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)
    kpis = sub.add_parser("kpis", help="KPI-waarden als CSV op stdout")
    kpis.add_argument("--warehouse", type=Path, required=True, help="map van het gepubliceerde warehouse")
    kpis.add_argument("--period", required=True,
                      help="2023-2024 (school- of teljaar), 2025 (begroting), 2025-K3 (kwartaal) of 2025-10-01")
    kpis.add_argument("--kpi", nargs="+", metavar="ID", help="alleen deze KPI's (standaard: alle van die periode)")
    kpis.add_argument("--public", action="store_true",
                      help="kleine aantallen onderdrukt, zoals voor portefeuillehouders en publicaties")
    sig = sub.add_parser("signals", help="signalen (trechtergrenzen 99,8 %) als CSV op stdout")
    sig.add_argument("--warehouse", type=Path, required=True, help="map van het gepubliceerde warehouse")
    sig.add_argument("--period", required=True, help="schooljaar of teljaar, bijv. 2023-2024")
    args = parser.parse_args(argv)
    if args.command == "signals":
        return signals_main(args)
    try:
        wh = Warehouse(args.warehouse)
        rows = kpi_rows(wh, args.period, args.kpi)
    except (UsageError, WarehouseMissing) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    write_csv(suppress(rows) if args.public else rows, sys.stdout, partial_through(wh, rows))
    return 0


def signals_main(args: argparse.Namespace) -> int:
    """`python -m warehouse signals`: the signalled units of a period (warehouse.signals), CSV on stdout."""
    if not re.fullmatch(r"\d{4}-\d{4}", args.period) or not fits("schooljaar", args.period):
        print(f"Fout: '{args.period}' is geen schooljaar of teljaar (schrijf bijvoorbeeld 2023-2024)", file=sys.stderr)
        return 2
    try:
        units = signals.signals(Warehouse(args.warehouse), args.period)
    except WarehouseMissing as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    signals.write_csv(units, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
