"""Write docs/kpis.md from the registry, so the documentation cannot drift from the definitions.

`python -m warehouse.docs` rewrites the file; tests/test_docs.py fails when it is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from warehouse.kpis import KPIS
from warehouse.registry import PERIOD_KINDS, QUARTER, SECTIONS

DOCS = Path(__file__).resolve().parents[1] / "docs"
INTRO = DOCS / "kpis_intro.md"  # the hand-written part: conventions and every choice made


def render() -> str:
    lines = [INTRO.read_text().rstrip(), "", "## The figures", "",
             "Generated from `warehouse/kpis/` by `python -m warehouse.docs`; do not edit below this line.", ""]
    for key, title in SECTIONS:
        lines += [f"### {title}", ""]
        for kpi in KPIS.in_section(key):
            breakdowns = ", ".join(["gemeente", *kpi.breakdowns])
            lines += [
                f"#### `{kpi.id}`: {kpi.label}", "",
                kpi.definition, "",
                "| | |", "|---|---|",
                f"| teller (numerator) | {kpi.numerator} |",
                f"| noemer (denominator) | {kpi.denominator} |",
                f"| periode | {_periods(kpi)} |",
                f"| eenheid | {kpi.unit} |",
                f"| uitsplitsingen | {breakdowns} |",
                f"| wettelijke basis | {kpi.legal_basis} |",
                f"| bron | {kpi.source.removeprefix('Bron: ')} |",
                f"| gebeurtenisbronnen (event sources) | {', '.join(kpi.event_sources) or '– (alleen standen)'} |",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def _periods(kpi) -> str:
    """The period kind, and for a quarterly figure that it is also given per calendar quarter."""
    own = PERIOD_KINDS[kpi.period_kind]
    return f"{own}; ook per {PERIOD_KINDS[QUARTER]}" if kpi.quarterly else own


def main() -> int:
    (DOCS / "kpis.md").write_text(render())
    print(f"docs/kpis.md: {len(KPIS)} KPI's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
