"""Statistisch jaarverslag leerplicht (art. 25 Lpw) per gemeente en voor de regio, als XLSX of CSV.

The rows are defined once in warehouse/jaarverslag.py as breakdowns of the KPI `jaarverslag` (precomputed at
load); this module lays them out: one table per municipality and one for the region, a column per type of
education, "waarvan geen onderwijs", the total and the previous school year's total where it is loaded. The
XLSX has the sheet "Toelichting" (period, date of the data, suppression, sources, time-series notes and the
coordinator's explanations), a sheet for the region, one per municipality and one with every row's
definition; the CSV is the same report in the long format of `python -m warehouse kpis`. By default small
numbers are suppressed (for publication); `--intern` writes everything, for internal use only.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from config.settings import load_settings, small_number_threshold
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from reports.workbook import Column, Definition, ExportMeta, Sheet, workbook_bytes
from warehouse import jaarverslag as jv
from warehouse import notes, periods, queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

KIND = "schooljaar"
TITLE = "Statistisch jaarverslag leerplicht"
# registry KPIs whose time-series notes and explanations also belong to the report (their rows are in it)
RELATED_KPIS = ["absoluut_verzuim_per_1000", "lrv", "vrijstellingen", "relatief_verzuim_per_1000",
                "verzuim_meldingen", "luxe_verzuim", "interventies"]
DEFINITION_COLUMNS: list[Column] = [
    ("blok", "Blok", None), ("rij", "Rij", None), ("code", "Code (uitsplitsing in de CSV)", None),
    ("definitie", "Definitie", None), ("teller", "Telt", None), ("wettelijke_basis", "Wettelijke basis", None),
    ("bron", "Bron", None)]
REPORT_DEFINITION = (
    "De registratiecijfers van het schooljaar per gemeente en voor de regio (art. 25 Leerplichtwet): inwoners, "
    "absoluut verzuim, langdurig relatief verzuim, vrijstellingen, vervangende leerplicht, relatief en luxe "
    "verzuim, HALT-verwijzingen en processen-verbaal, met een kolom per soort onderwijs en het totaal van het "
    "vorige schooljaar. De regio telt elke persoon één keer, ook als hij in twee gemeenten voorkwam. De "
    "definitie van elke rij staat op het tabblad Definities.")
EXPLANATION_COLUMNS: list[Column] = [("gemeente", "Gemeente", None), ("cijfer", "Cijfer", None),
                                     ("periode", "Periode", None), ("tekst", "Toelichting", None)]


@dataclass(frozen=True)
class Scope:
    """What one export may hold: the municipalities (code -> name, in name order), whether the region's
    table is in it, and whether small numbers are suppressed."""

    municipalities: dict[str, str]
    region: bool
    public: bool

    @property
    def areas(self) -> list[tuple[str, str]]:
        """(code, name) of the tables in report order: the region first, then the municipalities."""
        return ([(queries.REGION_CODE, REGION_NAME)] if self.region else []) + list(self.municipalities.items())


def previous_year(years: list[str], year: str) -> str | None:
    """The school year before `year` when its figures are loaded, else None."""
    before = periods.previous(KIND, year)
    return before if before in years else None


def deadline(year: str) -> date:
    """The report of school year Y goes to the councils before this date (setting deadlines.jaarverslag,
    "MM-DD", in the calendar year in which Y ends): for 2023-2024 and "10-01", 1 October 2024."""
    month, day = (int(x) for x in str(load_settings().get("deadlines", "jaarverslag")).split("-"))
    return date(int(year[:4]) + 1, month, day)


def long_rows(wh: Warehouse, year: str, scope: Scope) -> pd.DataFrame:
    """The report's figures in the long format (queries.KPI_COLUMNS) for `year` and the year before (when
    loaded), for the areas of `scope` only; suppressed over the whole region when `scope.public`."""
    previous = previous_year(queries.periods(wh, KIND), year)
    periods = [year] + ([previous] if previous else [])
    frame = queries.kpi_values(wh, [jv.KPI_ID], periods, breakdown=None, public=scope.public)
    return frame[frame["municipality_code"].isin([c for c, _ in scope.areas])].reset_index(drop=True)


def table_columns(year: str, previous: str | None) -> list[Column]:
    """(field, Dutch header, decimals) of an area's table."""
    cols: list[Column] = [("omschrijving", "Omschrijving", None)]
    cols += [(c, header, 0) for c, header in jv.COLUMNS]
    cols += [("totaal", f"Totaal {year}", 0), ("geen_onderwijs", "Waarvan geen onderwijs", 0)]
    return cols + ([("vorig_jaar", f"Totaal {previous}", 0)] if previous else [])


def area_table(rows: pd.DataFrame, code: str, year: str, previous: str | None) -> pd.DataFrame:
    """One area's table: a heading row per section and a row per report row, with `row_id` and `niveau`
    (1 for "waarvan" rows) besides the columns of `table_columns`. Values are numbers, or the marks of
    suppression ("<5", "×"); a cell of a type of education that did not occur is 0; a figure that is not
    defined (no CBS count loaded, "geen onderwijs" for reports) is None."""
    mine = rows[rows["municipality_code"] == code]
    values = {(p, b): None if fmt.is_missing(v) else v
              for p, b, v in zip(mine["period"], mine["breakdown"], mine["value"], strict=True)}

    def total(period: str, row: jv.Row) -> object:
        # a member row that did not occur has no row of its own: 0 when its group was counted
        value = values.get((period, row.breakdown))
        if value is None and row.member and values.get((period, jv.breakdown(row.group))) is not None:
            return 0
        return value

    out: list[dict] = []
    for section in jv.SECTIONS:
        out.append({"row_id": "", "niveau": 0, "omschrijving": section.title})
        for row in section.rows:
            this = total(year, row)
            line = {"row_id": row.id, "niveau": row.level, "omschrijving": row.label, "totaal": this}
            for column, _ in jv.COLUMNS:
                line[column] = values.get((year, row.cell(column)), 0) if row.columns and this is not None else None
            if row.not_enrolled and this is not None:
                line["geen_onderwijs"] = values.get((year, row.cell(jv.NOT_ENROLLED)), 0)
            if previous:
                line["vorig_jaar"] = total(previous, row)
            out.append(line)
    fields = ["row_id", "niveau"] + [f for f, _, _ in table_columns(year, previous)]
    return pd.DataFrame(out, columns=fields, dtype=object)


def _indented(table: pd.DataFrame) -> pd.DataFrame:
    """Labels of "waarvan" rows indented, for the workbook (the page indents with CSS)."""
    labels = [("    " + t if n == 1 else t) for t, n in zip(table["omschrijving"], table["niveau"], strict=True)]
    return table.assign(omschrijving=labels)


def definitions_table() -> pd.DataFrame:
    """Every row's definition, in report order, with its breakdown as the CSV writes it."""
    rows = [{"blok": "Kolommen", "rij": "Soort onderwijs", "code": "onderwijssoort=..., maat=geen_onderwijs",
             "definitie": jv.COLUMN_DEFINITION, "teller": "", "wettelijke_basis": "", "bron": jv.SRC_BRP}]
    for section in jv.SECTIONS:
        for row in section.rows:
            rows.append({"blok": section.title, "rij": row.label, "code": row.breakdown, "definitie": row.definition,
                         "teller": row.numerator, "wettelijke_basis": row.legal_basis, "bron": row.source})
    return pd.DataFrame(rows, columns=[f for f, _, _ in DEFINITION_COLUMNS], dtype=object)


def period_text(year: str, previous: str | None) -> str:
    return fmt.period_label(KIND, year) + (f" (met {previous} ter vergelijking)" if previous else "")


def export_meta(wh: Warehouse, year: str, previous: str | None, scope: Scope,
                made_at: datetime | None = None) -> ExportMeta:
    codes = list(scope.municipalities)
    single = codes[0] if len(codes) == 1 and not scope.region else None
    kpi = KPIS[jv.KPI_ID]
    definitions = [Definition(TITLE, REPORT_DEFINITION, "per rij: personen, zaken, meldingen of acties", "–",
                              kpi.legal_basis, kpi.source),
                   Definition("Kolommen: soort onderwijs", jv.COLUMN_DEFINITION)]
    extra = {"made_at": made_at} if made_at else {}
    return ExportMeta(title=f"{TITLE} {year}", period=period_text(year, previous), data_date=queries.data_date(wh),
                      suppressed=scope.public, definitions=definitions, kpi_ids=[jv.KPI_ID, *RELATED_KPIS],
                      periods=[year] + ([previous] if previous else []), municipality_code=single,
                      threshold=small_number_threshold(), place=export_place(scope), **extra)


def export_place(scope: Scope) -> str:
    """Whom the export is about, for the printed footer: the region, or the municipalities by name."""
    return REGION_NAME if scope.region else ", ".join(scope.municipalities.values())


def municipal_explanations(year: str, scope: Scope) -> pd.DataFrame:
    """The coordinator's explanations written for one municipality (`<kpi>/<year>.<GM>.md`) of the report's
    KPIs; the ones for the whole region are on the sheet "Toelichting"."""
    rows = []
    for code, name in scope.municipalities.items():
        for kpi_id in [jv.KPI_ID, *RELATED_KPIS]:
            own = notes.explanation(kpi_id, year, code)
            if own and own != notes.explanation(kpi_id, year):
                rows.append({"gemeente": name, "cijfer": KPIS[kpi_id].label, "periode": year, "tekst": own})
    return pd.DataFrame(rows, columns=[f for f, _, _ in EXPLANATION_COLUMNS], dtype=object)


def sheet_title(year: str, name: str, public: bool) -> str:
    version = "publicatieversie, kleine aantallen onderdrukt" if public else "interne versie, niet publiceren"
    return f"{TITLE} {year}, {name} ({version}). Aan de gemeenteraad vóór {fmt.date_nl(deadline(year))}."


def workbook(wh: Warehouse, year: str, scope: Scope, made_at: datetime | None = None) -> bytes:
    """The whole report as XLSX: Toelichting, the region, each municipality, Definities (and the
    municipalities' own explanations, when there are any)."""
    previous = previous_year(queries.periods(wh, KIND), year)
    rows = long_rows(wh, year, scope)
    columns = table_columns(year, previous)
    sheets = []
    for code, name in scope.areas:
        table = _indented(area_table(rows, code, year, previous))
        sheets.append(Sheet(name[:31], table, columns, title=sheet_title(year, name, scope.public), place=name,
                            headings=tuple(i for i, row_id in enumerate(table["row_id"]) if not row_id)))
    sheets.append(Sheet("Definities", definitions_table(), DEFINITION_COLUMNS,
                        title=f"Definities van de rijen van het {TITLE.lower()}"))
    explained = municipal_explanations(year, scope)
    if len(explained):
        sheets.append(Sheet("Toelichtingen gemeenten", explained, EXPLANATION_COLUMNS,
                            title="Toelichtingen van de coördinator per gemeente"))
    return workbook_bytes(sheets, export_meta(wh, year, previous, scope, made_at))


def csv_bytes(wh: Warehouse, year: str, scope: Scope) -> bytes:
    """The report in the long format of `python -m warehouse kpis` (same header, same number writing)."""
    from warehouse.cli import partial_through, write_csv

    rows = long_rows(wh, year, scope)
    out = io.StringIO()
    plain = [tuple(None if fmt.is_missing(v) else v for v in r) for r in rows.itertuples(index=False)]
    write_csv(plain, out, partial_through(wh, plain))  # covered_through: a year still in progress says so
    return out.getvalue().encode("utf-8")


def filename(year: str, scope: Scope, extension: str) -> str:
    codes = list(scope.municipalities)
    place = "" if scope.region or len(codes) != 1 else f"-{codes[0]}"
    return f"jaarverslag-{year}{place}-{'publicatie' if scope.public else 'intern'}.{extension}"


# --- python -m reports jaarverslag ----------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school-year", "--schooljaar", dest="school_year", required=True,
                        help="het schooljaar van het verslag, bijv. 2023-2024 (het vorige staat ernaast)")
    parser.add_argument("--out", type=Path, required=True,
                        help="het bestand: .xlsx (het hele verslag) of .csv (lang formaat, als warehouse kpis)")
    parser.add_argument("--intern", action="store_true",
                        help="niet onderdrukt, alleen voor intern gebruik (standaard: kleine aantallen onderdrukt, "
                             "voor publicatie)")
    parser.add_argument("--gemeente", nargs="+", metavar="GMxxxx",
                        help="alleen deze gemeenten, zonder de regio (standaard: de regio en alle gemeenten)")


def run(args: argparse.Namespace) -> int:
    extension = args.out.suffix.lower().lstrip(".")
    if extension not in ("xlsx", "csv"):
        print(f"Fout: --out moet eindigen op .xlsx of .csv, niet '{args.out.name}'.", file=sys.stderr)
        return 1
    wh = Warehouse(args.warehouse)
    years = queries.periods(wh, KIND)
    names = queries.municipalities(wh)
    if args.school_year not in years:
        print(f"Fout: geen cijfers voor schooljaar '{args.school_year}' (wel voor: {', '.join(years) or 'geen'}).",
              file=sys.stderr)
        return 1
    all_names = dict(zip(names["gemeente_code"], names["naam"], strict=True))
    wanted = [c.upper() for c in args.gemeente or []]
    unknown = [c for c in wanted if c not in all_names]
    if unknown:
        print(f"Fout: onbekende gemeente {', '.join(unknown)}; geef codes als GM0758.", file=sys.stderr)
        return 1
    chosen = {c: n for c, n in all_names.items() if not wanted or c in wanted}
    scope = Scope(chosen, region=not wanted, public=not args.intern)
    content = workbook(wh, args.school_year, scope) if extension == "xlsx" else csv_bytes(wh, args.school_year, scope)
    args.out.write_bytes(content)
    version = "publicatieversie: kleine aantallen onderdrukt" if scope.public else "interne versie: niet onderdrukt"
    period = period_text(args.school_year, previous_year(years, args.school_year))
    print(f"Geschreven: {args.out} ({TITLE.lower()}, {period}, {len(scope.areas)} tabellen, {version})")
    return 0
