"""`python -m etl load SOURCE_DIR --warehouse DIR [--report FILE] [--quiet]`: a thin CLI over etl.load.

Exit codes: 0 published (rejected rows included), 2 a file or the folder was refused as a whole and
nothing was published, 3 an invariant check failed and nothing was published, 4 another load of the same
warehouse is running (this one did not start), 5 the disk is full (nothing was published).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from etl.load import LoadResult, run_load

HEADER = ("bestand", "bron", "gelezen", "geladen", "bijgewerkt", "ongewijzigd", "afgekeurd")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Laad bronbestanden in het warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="laad alle bestanden van een map en publiceer het warehouse")
    load.add_argument("source_dir", type=Path, help="map met bronbestanden (zie docs/sources.md)")
    load.add_argument("--warehouse", type=Path, required=True, help="map van het gepubliceerde warehouse")
    load.add_argument("--report", type=Path, help="schrijf de afgekeurde regels als CSV: file,line,source,reason")
    load.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    load.add_argument("--load-date", type=date.fromisoformat,
                      help="laaddatum (JJJJ-MM-DD) voor de controle op datums in de toekomst; standaard vandaag")
    return parser


def print_table(result: LoadResult, out=sys.stdout) -> None:
    rows = [HEADER] + [(f.name, f.source, str(f.read), str(f.loaded), str(f.updated), str(f.unchanged),
                                 str(f.rejected))
                       for f in result.files]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for row in rows:
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip(), file=out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # the warehouse, its facts and the report of rejected rows: readable by the service account only
    os.umask(0o077)
    args.warehouse.mkdir(parents=True, exist_ok=True)
    args.warehouse.chmod(0o700)  # also a folder made before this rule
    result = run_load(args.source_dir, args.warehouse, report_path=args.report, quiet=args.quiet,
                      load_date=args.load_date)
    if result.files:
        print_table(result)
    stream = sys.stdout if result.published else sys.stderr
    print(result.message, file=stream)
    if result.published and args.report is not None:
        print(f"Afgekeurde regels: {args.report}", file=stream)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
