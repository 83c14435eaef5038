"""`python -m reports <report> ...`: the statutory outputs and the meeting pack without the browser.

Each report module in REPORTS has `add_arguments(parser)` and `run(args) -> int` (the exit code; a
missing warehouse may simply raise `WarehouseMissing`); this file only dispatches, so `python -m reports
--help` lists every report. Exit codes: 0 written, 1 bad arguments or nothing to report on (the message
says what to do), 2 no warehouse.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from warehouse import queries
from warehouse.connection import Warehouse, WarehouseMissing

# report name -> module; the module's docstring's first line is its help text
REPORTS = {
    "jaarverslag": "reports.jaarverslag",
    "webjaarverslag": "reports.webjaarverslag",
    "effectrapportage": "reports.effectrapportage",
    "kostenverdeling": "reports.kostenverdeling",
    "kwartaal": "reports.kwartaal",
}
DEFAULT_WAREHOUSE = os.environ.get("RBL_WAREHOUSE", "data/warehouse")


def municipality_code(wh: Warehouse, given: str) -> str | None:
    """The code a report is asked for (`REGIO` is the region), or None after telling the user it is unknown."""
    code = given.upper()
    if code == queries.REGION_CODE or code in set(queries.municipalities(wh)["gemeente_code"]):
        return code
    print(f"Fout: onbekende gemeente '{given}'; geef een code als GM0758, of laat --gemeente weg voor de hele regio.",
          file=sys.stderr)
    return None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m reports", description=__doc__.splitlines()[0])
    sub = main.add_subparsers(dest="report", required=True, metavar="REPORT")
    for name, module_name in REPORTS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a report not built yet
        doc = (module.__doc__ or name).strip().splitlines()[0]
        report = sub.add_parser(name, help=doc, description=doc)
        report.add_argument("--warehouse", default=DEFAULT_WAREHOUSE,
                            help="the warehouse folder (default: $RBL_WAREHOUSE or data/warehouse)")
        module.add_arguments(report)
        report.set_defaults(run=module.run)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)  # a written report is readable by the service account only (docs/security.md)
    try:
        return int(args.run(args))
    except WarehouseMissing as exc:  # every report needs the warehouse: one message, one exit code
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
