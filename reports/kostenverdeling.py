"""Kostenverdeling: each municipality's contribution to a budget year, with its four quarterly advances (XLSX).

The split comes from the KPI `kostenverdeling` (budget lines of the `begroting` source) or, for an amount
entered on the page or with `--bedrag` / `--niveau`, from `warehouse.cost_split.entered_split`: the same SQL
with the amounts as parameters. This module turns the KPI's long rows into the table the page shows and the
workbook carries, and reads amounts written the Dutch way ("1.000.000,01").
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from config.settings import load_settings, small_number_threshold
from presentation import formats as fmt
from presentation import labels
from reports.workbook import Column, Definition, ExportMeta, Sheet, workbook_bytes
from warehouse import cost_split, queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

KPI_ID = "kostenverdeling"
REGION_TOTAL = f"{labels.REGION_NAME} (totaal)"
MAX_CENTS = 100_000_000_000_000  # a trillion euros: anything larger is a typing error
_DUTCH_AMOUNT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")
SHARE_DECIMALS = 4


class AmountError(ValueError):
    """An entered amount that is not a Dutch euro amount; the message (Dutch) says how to write it."""


def parse_amount(text: str | None) -> int:
    """"1.000.000,01" (also "1000000,01", "€ 1.000.000", "0,07") -> whole cents. A dot only groups thousands,
    a comma separates the cents; anything else is refused with a message that shows how to write it."""
    raw = (text or "").strip()
    cleaned = raw.removeprefix("€").strip().replace(" ", "")
    if not cleaned:
        raise AmountError("Vul een bedrag in, bijvoorbeeld 1.000.000,01.")
    match = _DUTCH_AMOUNT.match(cleaned)
    if match is None:
        raise AmountError(f"'{raw}' is geen bedrag. Schrijf het als 1.000.000,01: punten tussen de duizendtallen "
                          "(of geen punten), een komma voor de centen, hoogstens twee cijfers na de komma.")
    euros, cents = match.group(1).replace(".", ""), (match.group(2) or "0").ljust(2, "0")
    total = int(euros) * 100 + int(cents)
    if total <= 0:
        raise AmountError("Het bedrag moet groter zijn dan € 0,00.")
    if total >= MAX_CENTS:
        raise AmountError(f"'{raw}' is te groot voor een begroting.")
    return total


def amount_text(cents: int) -> str:
    """Whole cents as the Dutch write them, without the euro sign: 100000001 -> "1.000.000,01"."""
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def line_label(level: str, capital: bool = False) -> str:
    """"niveau 2A", "totaal" (or "Niveau 2A", "Totaal" at the start of a cell)."""
    word = "totaal" if level == cost_split.TOTAL else f"niveau {level}"
    return word[0].upper() + word[1:] if capital else word


def _line_order(level: str) -> tuple[int, str]:
    return (1, level) if level == cost_split.TOTAL else (0, level)


@dataclass(frozen=True)
class CostSplit:
    """One cost split as the page shows it and the workbook carries it."""

    year: int
    entered: dict[str, int] | None  # level -> cents when the amounts were entered; None: the begroting source
    budget: dict[str, int]  # level -> cents of each budget line (the source's or the entered)
    table: pd.DataFrame  # one row per municipality (and the region), raw numbers
    columns: list[Column]
    lines: pd.DataFrame  # one row per budget line
    line_columns: list[Column]
    defined: bool  # False: no inhabitants on 1 January of the year before, so no split
    adds_up: bool  # every line, contribution and advance adds up to the cent
    notices: list[str] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        text = f"begrotingsjaar {self.year}"
        return f"{text}, ingevoerd bedrag" if self.entered is not None else text


def split_rows(wh: Warehouse, year: int, entered: dict[str, int] | None) -> pd.DataFrame:
    """The KPI's long rows of one budget year: precomputed for the source, or computed for entered amounts."""
    if entered is not None:
        return cost_split.entered_split(wh, year, entered)
    return queries.kpi_values(wh, [KPI_ID], [str(year)], breakdown=None)


def build(wh: Warehouse, year: int, entered: dict[str, int] | None = None,
          visible: set[str] | None = None, region: bool = True) -> CostSplit:
    """The split of budget year `year`; `visible` limits the municipality rows (staff: their own), `region`
    adds the region's total row."""
    rows = split_rows(wh, year, entered)
    budget = dict(entered) if entered is not None else cost_split.budget_lines(wh, year)
    levels = sorted({b.removeprefix("uitvoeringsniveau=") for b in rows["breakdown"]
                     if b.startswith("uitvoeringsniveau=")} | set(budget), key=_line_order)
    cents = {(gm, b): _cents(v) for gm, b, v in zip(rows["municipality_code"], rows["breakdown"], rows["value"],
                                                     strict=True)}
    inhabitants = {(gm, b): n for gm, b, n in zip(rows["municipality_code"], rows["breakdown"], rows["numerator"],
                                                   strict=True)}
    totals = {b: d for gm, b, d in zip(rows["municipality_code"], rows["breakdown"], rows["denominator"], strict=True)
              if gm == queries.REGION_CODE and b.startswith("uitvoeringsniveau=")}
    defined = bool(len(rows)) and all(v is not None for v in cents.values())
    names = queries.municipalities(wh).set_index("gemeente_code")
    codes = sorted({gm for gm in rows["municipality_code"] if gm != queries.REGION_CODE},
                   key=lambda c: (str(names["naam"].get(c, c)), c))
    if visible is not None:
        codes = [c for c in codes if c in visible]
    columns = _columns(year, levels)
    records = [_municipality_row(c, names, levels, cents, inhabitants, totals) for c in codes]
    if region and codes:
        records.append(_region_row(records, levels, cents, totals))
    table = pd.DataFrame(records, columns=[f for f, _, _ in columns], dtype=object)
    lines, line_columns = _lines(rows, levels, budget, cents, totals)
    notices = [f"Geen gemeente neemt deel aan {line_label(level)}: dat bedrag is niet te verdelen."
               for level in levels if f"uitvoeringsniveau={level}" not in totals]
    if not defined and len(rows):
        notices.append(f"Er zijn geen inwonertallen op {fmt.date_nl(date(year - 1, 1, 1))}: de kosten van "
                       f"{year} zijn nog niet te verdelen.")
    return CostSplit(year, entered, budget, table, columns, lines, line_columns, defined,
                     defined and _adds_up(rows, budget, cents, levels), notices)


def _cents(value: object) -> int | None:
    return None if fmt.is_missing(value) or isinstance(value, str) else int(round(float(value) * 100))


def _euro(c: int | None) -> float | None:
    return None if c is None else c / 100


def _columns(year: int, levels: list[str]) -> list[Column]:
    settings = load_settings()
    ages = f"{settings.get('leeftijden', 'kosten_min')}-{settings.get('leeftijden', 'kosten_max')}"
    columns: list[Column] = [("gemeente", "Gemeente", None), ("gemeente_code", "Code", None),
                             ("niveau", "Niveau", None),
                             ("inwoners", f"Inwoners {ages} op {fmt.date_nl(date(year - 1, 1, 1))}", 0)]
    for level in levels:
        columns += [(f"aandeel_{level}", f"Aandeel {line_label(level)} (%)", SHARE_DECIMALS),
                    (f"bijdrage_{level}", f"Bijdrage {line_label(level)} (€)", 2)]
    columns += [("jaarbijdrage", "Jaarbijdrage (€)", 2)]
    columns += [(f"kwartaal_{q}", f"Voorschot kwartaal {q} (€)", 2) for q in (1, 2, 3, 4)]
    return columns


def _municipality_row(code: str, names: pd.DataFrame, levels: list[str], cents: dict, inhabitants: dict,
                      totals: dict) -> dict:
    row = {"gemeente": str(names["naam"].get(code, code)), "gemeente_code": code,
           "niveau": str(names["uitvoeringsniveau"].get(code, "")), "inwoners": inhabitants.get((code, ""))}
    for level in levels:
        key = f"uitvoeringsniveau={level}"
        if (code, key) in cents:  # not every municipality takes part in every line
            total = totals.get(key)
            n = inhabitants.get((code, key))
            row[f"aandeel_{level}"] = 100 * n / total if total else None
            row[f"bijdrage_{level}"] = _euro(cents[(code, key)])
    row["jaarbijdrage"] = _euro(cents.get((code, "")))
    for q in (1, 2, 3, 4):
        row[f"kwartaal_{q}"] = _euro(cents.get((code, f"kwartaal={q}")))
    return row


def _region_row(records: list[dict], levels: list[str], cents: dict, totals: dict) -> dict:
    region = queries.REGION_CODE
    known = [r["inwoners"] for r in records if not fmt.is_missing(r["inwoners"])]
    row = {"gemeente": REGION_TOTAL, "gemeente_code": region, "niveau": None,
           "inwoners": sum(known) if known else None}
    for level in levels:
        key = f"uitvoeringsniveau={level}"
        row[f"aandeel_{level}"] = 100.0 if totals.get(key) else None
        row[f"bijdrage_{level}"] = _euro(cents.get((region, key)))
    row["jaarbijdrage"] = _euro(cents.get((region, "")))
    for q in (1, 2, 3, 4):
        row[f"kwartaal_{q}"] = _euro(cents.get((region, f"kwartaal={q}")))
    return row


LINE_COLUMNS: list[Column] = [
    ("regel", "Begrotingsregel", None), ("bedrag", "Bedrag (€)", 2), ("gemeenten", "Deelnemende gemeenten", 0),
    ("inwoners", "Inwoners deelnemers", 0), ("som", "Som van de bijdragen (€)", 2),
]


def _lines(rows: pd.DataFrame, levels: list[str], budget: dict[str, int], cents: dict, totals: dict
           ) -> tuple[pd.DataFrame, list[Column]]:
    records = []
    for level in levels:
        key = f"uitvoeringsniveau={level}"
        members = rows[(rows["breakdown"] == key) & (rows["municipality_code"] != queries.REGION_CODE)]
        records.append({"regel": line_label(level, capital=True), "bedrag": _euro(budget.get(level)),
                        "gemeenten": len(members), "inwoners": totals.get(key),
                        "som": _euro(cents.get((queries.REGION_CODE, key)))})
    return pd.DataFrame(records, columns=[f for f, _, _ in LINE_COLUMNS], dtype=object), LINE_COLUMNS


def _adds_up(rows: pd.DataFrame, budget: dict[str, int], cents: dict, levels: list[str]) -> bool:
    """Every budget line is split to the cent, every municipality's lines add up to its contribution, and
    its four advances to that contribution; checked on the rows, in whole cents."""
    codes = {gm for gm in rows["municipality_code"] if gm != queries.REGION_CODE}
    for level in levels:
        key = f"uitvoeringsniveau={level}"
        if sum(c for (gm, b), c in cents.items() if b == key and gm in codes) != budget.get(level):
            return False
    for gm in [*codes, queries.REGION_CODE]:
        lines = sum(c for (g, b), c in cents.items() if g == gm and b.startswith("uitvoeringsniveau="))
        quarters = sum(cents.get((gm, f"kwartaal={q}"), 0) for q in (1, 2, 3, 4))
        if not lines == quarters == cents.get((gm, "")):
            return False
    return cents.get((queries.REGION_CODE, "")) == sum(budget.values())


def meta(split: CostSplit, data_date: date | None, public: bool = False) -> ExportMeta:
    definition = Definition.of(KPIS[KPI_ID])
    if split.entered is not None:  # the amounts come from the person who entered them, not the begroting
        definition = Definition(definition.name, definition.definition, definition.numerator,
                                definition.denominator, definition.legal_basis, "Bron: ingevoerd bedrag; CBS")
    return ExportMeta(title="Kostenverdeling", period=split.period_text, data_date=data_date, suppressed=public,
                      definitions=[definition], kpi_ids=[KPI_ID], periods=[str(split.year)],
                      threshold=small_number_threshold())


def workbook(split: CostSplit, data_date: date | None, public: bool = False) -> bytes:
    title = f"Kostenverdeling {split.period_text}"
    return workbook_bytes([Sheet("Kostenverdeling", split.table, split.columns, title=title),
                           Sheet("Begrotingsregels", split.lines, split.line_columns)],
                          meta(split, data_date, public))


def filename(split: CostSplit) -> str:
    return f"kostenverdeling-{split.year}{'-ingevoerd' if split.entered is not None else ''}.xlsx"


def entered_amounts(total: str | None, per_level: dict[str, str | None]) -> dict[str, int] | None:
    """The amounts typed on the page or the command line, in cents: one total, or some service levels; None
    when nothing was typed. Raises AmountError (Dutch message) for a wrong amount or a total and levels both."""
    levels = {level: text for level, text in per_level.items() if text and text.strip()}
    if total and total.strip() and levels:
        raise AmountError("Vul één totaalbedrag in óf bedragen per uitvoeringsniveau, niet allebei.")
    if total and total.strip():
        return {cost_split.TOTAL: parse_amount(total)}
    out = {}
    for level, text in levels.items():
        try:
            out[level] = parse_amount(text)
        except AmountError as exc:
            raise AmountError(f"Niveau {level}: {exc}") from exc
    return out or None


# --- python -m reports kostenverdeling ----------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budget-year", "--begrotingsjaar", dest="budget_year", type=int, required=True,
                        help="het begrotingsjaar, bijv. 2026 (inwoners op 1 januari van het jaar ervoor)")
    parser.add_argument("--bedrag", help="één totaalbedrag in plaats van de begroting, bijv. 1.000.000,01")
    parser.add_argument("--niveau", action="append", default=[], metavar="NIVEAU=BEDRAG",
                        help="een bedrag per uitvoeringsniveau in plaats van de begroting, bijv. 2=1.600.000,00 "
                             "(herhaal voor 1, 2 en 2A)")
    parser.add_argument("--out", type=Path, required=True, help="het XLSX-bestand dat geschreven wordt")


def run(args: argparse.Namespace) -> int:
    try:
        entered = entered_amounts(args.bedrag, _levels(args.niveau))
    except AmountError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    wh = Warehouse(args.warehouse)
    years = {int(p) for p in queries.periods(wh, cost_split.KIND)}
    possible = years | set(cost_split.population_years(wh))
    year = args.budget_year
    if entered is None and year not in years:
        known = ", ".join(str(y) for y in sorted(years)) or "geen"
        print(f"Fout: de begroting heeft geen regels voor {year} (wel voor: {known}). Geef een bedrag met "
              "--bedrag of --niveau, of kies een ander jaar.", file=sys.stderr)
        return 1
    if year not in possible:
        print(f"Fout: er zijn geen inwonertallen op 1-1-{year - 1}: de kosten van {year} zijn niet te verdelen.",
              file=sys.stderr)
        return 1
    split = build(wh, year, entered)
    args.out.write_bytes(workbook(split, queries.data_date(wh)))
    print(f"Geschreven: {args.out} ({split.period_text}, {len(split.table) - 1} gemeenten)")
    return 0


def _levels(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        level, _, amount = item.partition("=")
        level = level.strip().upper()
        if level not in cost_split.LEVELS or not amount:
            raise AmountError(f"--niveau '{item}': schrijf NIVEAU=BEDRAG met niveau 1, 2 of 2A, "
                              "bijv. 2A=300.000,00.")
        out[level] = amount
    return out
