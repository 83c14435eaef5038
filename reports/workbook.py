"""Every XLSX export of the product is written here, so each carries the same account of itself (issue 5):
the period, the date of the data (the last load), whether small numbers were suppressed, the definitions
of its figures with their sources, and the time-series notes and coordinator explanations of the period.

A report builds its `Sheet`s (a frame of raw values plus (field, Dutch header, decimals) columns, the
same `Column` as `pages._download`) and an `ExportMeta`; `workbook_bytes` writes them after a first
sheet "Toelichting". Numbers stay numbers with a Dutch-looking format (`#.##0,0` in a Dutch Excel);
suppression marks ("<5", "–", "×") stay text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from pages import _format as fmt
from warehouse import notes
from warehouse.kpis import KPIS
from warehouse.registry import Kpi

Column = tuple[str, str, int | None]  # field, Dutch header, decimals (None: text)
ABOUT_SHEET = "Toelichting"
SUPPRESSED_TEXT = ("Ja: aantallen van 1 tot en met {m} staan als <{n}, een verhouding met een teller of noemer onder "
                   "{n} als –, en een tweede cel als × waar een totaal de verborgen cel zou verraden.")
UNSUPPRESSED_TEXT = "Nee: alle aantallen zijn getoond. Alleen voor intern gebruik, niet publiceren."


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters (Excel); unique in the workbook
    frame: pd.DataFrame
    columns: list[Column]
    title: str = ""  # written above the table when given


@dataclass(frozen=True)
class Definition:
    """One row of the definitions table: a KPI from the registry, or a report row defined elsewhere."""

    name: str
    definition: str
    numerator: str = ""
    denominator: str = ""
    legal_basis: str = ""
    source: str = ""

    @classmethod
    def of(cls, kpi: Kpi) -> Definition:
        return cls(kpi.label, kpi.definition, kpi.numerator, kpi.denominator, kpi.legal_basis, kpi.source)


@dataclass(frozen=True)
class ExportMeta:
    title: str
    period: str  # as the pages write it: "schooljaar 2023-2024", "teljaar 2023", "begrotingsjaar 2026"
    data_date: date | None
    suppressed: bool
    definitions: list[Definition] = field(default_factory=list)
    kpi_ids: list[str] = field(default_factory=list)  # for their time-series notes and explanations
    periods: list[str] = field(default_factory=list)  # the raw periods those notes are looked up for
    municipality_code: str | None = None  # for a municipality's own explanation
    threshold: int = 5
    made_at: datetime = field(default_factory=datetime.now)

    @property
    def sources(self) -> list[str]:
        """The distinct source attributions of the definitions, in first-seen order."""
        seen: dict[str, None] = {}
        for d in self.definitions:
            for part in d.source.removeprefix("Bron:").split(";"):
                if part.strip():
                    seen.setdefault(part.strip(), None)
        return list(seen)

    def suppression_text(self) -> str:
        return SUPPRESSED_TEXT.format(n=self.threshold, m=self.threshold - 1) if self.suppressed else UNSUPPRESSED_TEXT

    def lines(self) -> list[tuple[str, str]]:
        """The account of the export as (label, text) pairs, for the XLSX sheet and the PDF pages alike."""
        return [
            ("Rapport", self.title),
            ("Periode", self.period),
            ("Datum van de gegevens", fmt.date_nl(self.data_date) if self.data_date else "geen gegevens geladen"),
            ("Gemaakt op", self.made_at.strftime("%d-%m-%Y %H:%M")),
            ("Kleine aantallen onderdrukt", self.suppression_text()),
            ("Bronnen", "; ".join(self.sources) or fmt.MISSING),
        ]

    def notes(self) -> list[tuple[str, str, str]]:
        """(figure, period, text) of every time-series note and explanation that applies to this export."""
        out = []
        for kpi_id in self.kpi_ids:
            name = _kpi_label(kpi_id) or kpi_id
            series = notes.series_notes(kpi_id)
            for period in self.periods:
                if period in series:
                    out.append((name, period, f"Reeksnotitie: {series[period]}"))
                text = notes.explanation(kpi_id, period, self.municipality_code)
                if text:
                    out.append((name, period, f"Toelichting: {text}"))
        return out


def workbook_bytes(sheets: list[Sheet], meta: ExportMeta | None) -> bytes:
    """The workbook: "Toelichting" first (unless `meta` is None: a bare table), then the sheets."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = _Styles(book)
    if meta is not None:
        _write_about(book.add_worksheet(ABOUT_SHEET), meta, styles)
    used: set[str] = {ABOUT_SHEET.lower()} if meta is not None else set()
    for sheet in sheets:
        _write_table(book.add_worksheet(sheet_name(sheet.name, used)), sheet, styles)
    book.close()
    return buffer.getvalue()


SHEET_CHARACTERS = str.maketrans({"[": "(", "]": ")", ":": "-", "*": "-", "?": " ", "/": "-", "\\": "-"})


def sheet_name(name: str, used: set[str]) -> str:
    """A name Excel accepts for a sheet: none of `[]:*?/\\`, at most 31 characters, not starting or
    ending with an apostrophe, unique in the workbook (a municipality's name comes from a source file)."""
    base = " ".join(name.translate(SHEET_CHARACTERS).split()).strip("'")[:31].strip() or "Blad"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[:31 - len(str(n)) - 3]} ({n})"
    used.add(candidate.lower())
    return candidate


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.label = book.add_format({"bold": True, "valign": "top"})
        self._numbers: dict[int, object] = {}

    def number(self, decimals: int):
        if decimals not in self._numbers:
            code = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._numbers[decimals] = self.book.add_format({"num_format": code})
        return self._numbers[decimals]


def _write_about(ws, meta: ExportMeta, styles: _Styles) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 5, 40)
    ws.write_string(0, 0, meta.title, styles.title)
    row = 2
    for label, text in meta.lines():
        ws.write_string(row, 0, label, styles.label)
        ws.write_string(row, 1, text, styles.wrap)
        row += 1
    row += 1
    ws.write_string(row, 0, "Definities", styles.title)
    row += 1
    for c, header in enumerate(["Cijfer", "Definitie", "Teller", "Noemer", "Wettelijke basis", "Bron"]):
        ws.write_string(row, c, header, styles.bold)
    for d in meta.definitions:
        row += 1
        for c, text in enumerate([d.name, d.definition, d.numerator, d.denominator, d.legal_basis, d.source]):
            ws.write_string(row, c, text or "", styles.wrap)
    found = meta.notes()
    if found:
        row += 2
        ws.write_string(row, 0, "Notities en toelichtingen", styles.title)
        row += 1
        for c, header in enumerate(["Cijfer", "Periode", "Tekst"]):
            ws.write_string(row, c, header, styles.bold)
        for name, period, text in found:
            row += 1
            for c, value in enumerate([name, period, text]):
                ws.write_string(row, c, value, styles.wrap)


def _write_table(ws, sheet: Sheet, styles: _Styles) -> None:
    top = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, styles.title)
        top = 2
    for c, (_, header, _) in enumerate(sheet.columns):
        ws.write_string(top, c, header, styles.bold)
        ws.set_column(c, c, max(12, min(50, len(header) + 2)))
    fields = [f for f, _, _ in sheet.columns]
    for r, row in enumerate(sheet.frame[fields].itertuples(index=False), start=top + 1):
        for c, ((_, _, decimals), value) in enumerate(zip(sheet.columns, row, strict=True)):
            if fmt.is_missing(value):
                continue
            if decimals is not None and not isinstance(value, str):
                ws.write_number(r, c, rounded(value, decimals), styles.number(decimals))
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(top + 1, 0)


def rounded(value: float, decimals: int) -> float:
    """Half up, as the screen rounds (pages._format), not Python's half-to-even."""
    return float(fmt.number(value, decimals).replace(".", "").replace(",", "."))


def _kpi_label(kpi_id: str) -> str | None:
    kpi = KPIS.get(kpi_id)
    return kpi.label if kpi else None
