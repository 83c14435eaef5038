"""`python -m reports kwartaal --quarter 2025-K3 [--gemeente GM0758] --out pack.pdf`: the meeting pack from the
command line (always suppressed: it is for the joint body).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reports.cli import municipality_code
from reports.kwartaal.pdf import PackUnavailable, pdf_bytes
from reports.kwartaal.view import KIND, build, quarter_label
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.coverage import default_period


def filename(quarter: str, code: str) -> str:
    place = "regio" if code == queries.REGION_CODE else code
    return f"kwartaalrapportage-{quarter}-{place}.pdf"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quarter", "--kwartaal", dest="quarter",
                        help="het kwartaal, bijv. 2025-K3 (standaard: het laatste afgesloten kwartaal met cijfers)")
    parser.add_argument("--gemeente", default=queries.REGION_CODE,
                        help="een gemeentecode (GM0758) voor één gemeente; standaard de hele regio")
    parser.add_argument("--out", type=Path, help="het PDF-bestand (standaard kwartaalrapportage-KWARTAAL-regio.pdf)")


def run(args: argparse.Namespace) -> int:
    """Always suppressed: the pack is for the joint body."""
    wh = Warehouse(args.warehouse)
    quarters = queries.periods(wh, KIND)
    # without --quarter: the latest complete quarter (a running one would look like a fall; warehouse.coverage)
    quarter = (args.quarter or (default_period(wh, "kwartaal") if quarters else "") or "").upper()
    if quarter not in quarters:
        known = f"{quarters[0]} t/m {quarters[-1]}" if quarters else "geen"
        print(f"Fout: geen cijfers voor kwartaal '{args.quarter or ''}' (wel voor: {known}); schrijf het kwartaal "
              "als 2025-K3.", file=sys.stderr)
        return 1
    code = municipality_code(wh, args.gemeente)
    if code is None:
        return 1
    view = build(wh, quarter, code, public=True, profile=True)  # one municipality's pack: with its profile
    out = args.out or Path(filename(quarter, code))
    try:
        content = pdf_bytes(view)
    except PackUnavailable as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(content)
    print(f"Geschreven: {out} ({quarter_label(quarter)}, {view.municipality_name}, kleine aantallen onderdrukt)")
    return 0
