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
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from presentation import formats as fmt
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
    place: str = ""  # the municipality or region the sheet is about, for the printed footer (else the export's)
    headings: tuple[int, ...] = ()  # positions in `frame` of heading rows (a block's title), written bold


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
    place: str = ""  # the municipality or region the export is about, for the printed footer
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
                    out.append((name, period, f"Toelichting: {text}"))  # Markdown: each writer renders it
        return out


def workbook_bytes(sheets: list[Sheet], meta: ExportMeta | None) -> bytes:
    """The workbook: "Toelichting" first (unless `meta` is None: a bare table), then the sheets. Every sheet
    is set up to print (see `print_setup`)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = _Styles(book)
    if meta is not None:
        _write_about(book.add_worksheet(ABOUT_SHEET), meta, styles)
    used: set[str] = {ABOUT_SHEET.lower()} if meta is not None else set()
    for sheet in sheets:
        _write_table(book.add_worksheet(sheet_name(sheet.name, used)), sheet, styles, meta)
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
        self.bold = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.header = book.add_format({"bold": True, "valign": "bottom", "text_wrap": True, "bottom": 1})
        self.header_number = book.add_format({"bold": True, "valign": "bottom", "text_wrap": True, "bottom": 1,
                                              "align": "right"})  # over a column of numbers
        self.title = book.add_format({"bold": True, "font_size": 14, "valign": "top", "text_wrap": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.mark = book.add_format({"valign": "top", "align": "right"})  # "<5", "×" in a column of numbers
        self.label = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self._numbers: dict[int, object] = {}

    def number(self, decimals: int):
        if decimals not in self._numbers:
            code = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._numbers[decimals] = self.book.add_format({"num_format": code, "valign": "top"})
        return self._numbers[decimals]


# --- sizes: column widths that fit their labels, row heights that fit wrapped text ---------------------------
# Excel measures a column in characters of the default font (Calibri 11): width w is 7w + 5 pixels. Text is
# narrower than the digit "0" that unit is based on (about 1.3 characters per unit); we count 1.2, on the safe
# side, so a row is sooner one line too tall than a line too short (a cut-off line is lost on paper).
CHARS_PER_UNIT = 1.2
LINE_PT = 15.0  # one line of Calibri 11
TITLE_LINE_PT = 18.75  # one line of the 14 pt titles
TITLE_CHARS = 1.4  # a 14 pt bold character is about 1.4 of an 11 pt one
MIN_WIDTH, MAX_TEXT_WIDTH, MAX_HEADER_LINES = 8.0, 48.0, 3
MIN_TEXT_WIDTH = 16.0  # a text column is not narrowed below this to fit the page (nor below its header)
NUMBER_PAD = 2.0  # room beside the widest number


def text_lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines `text` takes when wrapped at word boundaries in a column of `width` units."""
    capacity = max(1, int(width * CHARS_PER_UNIT / scale))
    lines = 0
    for paragraph in str(text).split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            if line and line + 1 + size <= capacity:
                line += 1 + size
                continue
            if line:
                lines += 1
            lines += (size - 1) // capacity  # a word longer than the column breaks
            line = size % capacity or capacity
    return lines


def label_width(label: str, max_lines: int = MAX_HEADER_LINES) -> float:
    """The narrowest width at which a bold `label` takes at most `max_lines` lines without breaking a word
    (bold is wider: a character per unit)."""
    words = str(label).split() or [""]
    width = float(max(len(w) for w in words) + 1)
    while text_lines(label, width, CHARS_PER_UNIT) > max_lines:
        width += 1
    return width


def column_width(header: str, values: list[object], decimals: int | None) -> float:
    """A column's width: its header in at most three lines, its numbers on one line, its text up to
    MAX_TEXT_WIDTH (longer text wraps). Shared by every XLSX the product writes."""
    width = max(MIN_WIDTH, label_width(header))
    for value in values:
        if fmt.is_missing(value):
            continue
        if decimals is not None and not isinstance(value, str):
            text = fmt.number(value, decimals)
            width = max(width, len(text) + NUMBER_PAD)
        else:
            longest = max((len(line) for line in str(value).split("\n")), default=0)
            width = max(width, min(MAX_TEXT_WIDTH, longest / CHARS_PER_UNIT + 1))
    return round(width, 1)


# --- print setup: A4, the orientation that fits, one page wide, the header on every page, a footer --------------
A4 = 9  # xlsxwriter's paper code
MARGIN_IN = {"left": 0.5, "right": 0.5, "top": 0.5, "bottom": 0.75}  # the footer's two lines fit below
FOOTER_MARGIN_IN = 0.3
PAGE_PT = {"portrait": (595.3, 841.9), "landscape": (841.9, 595.3)}
MIN_SCALE = 0.65  # below this a printed 11 pt figure is smaller than about 7 pt: rather take more pages


@dataclass(frozen=True)
class PrintPlan:
    landscape: bool
    scale: float  # the estimated fit-to-width scale
    pages: int  # the estimated number of pages


def width_pt(widths: list[float]) -> float:
    return sum(7 * w + 5 for w in widths) * 0.75


def print_plan(widths: list[float], heights: list[float], repeated_pt: float = 0.0) -> PrintPlan:
    """Portrait or landscape: the one with the fewest pages at a readable scale (at least MIN_SCALE), then
    the larger scale. `heights` are the rows' heights in points, `repeated_pt` the rows printed on every page."""
    plans = []
    for orientation, (page_w, page_h) in PAGE_PT.items():
        usable_w = page_w - 72 * (MARGIN_IN["left"] + MARGIN_IN["right"])
        usable_h = page_h - 72 * (MARGIN_IN["top"] + MARGIN_IN["bottom"])
        scale = min(1.0, usable_w / max(width_pt(widths), 1.0))
        pages, used = 1, 0.0
        for height in heights:
            if used and (used + height) * scale > usable_h:
                pages, used = pages + 1, repeated_pt
            used += height
        plans.append(PrintPlan(orientation == "landscape", scale, pages))
    readable = [p for p in plans if p.scale >= MIN_SCALE] or [max(plans, key=lambda p: p.scale)]
    return min(readable, key=lambda p: (p.pages, -p.scale))


def footer_text(meta: ExportMeta | None, sheet_title: str, place: str) -> str:
    """The footer: report, municipality, period and data date on the left; the sheet's name and "pagina x van
    y" on the right. Excel's codes: &L/&R sections, &8 the font size, &A the sheet, &P and &N the page numbers
    (of the whole workbook when it is printed whole); a literal & is &&."""
    def escape(text: str) -> str:
        return text.replace("&", "&&")

    title = meta.title if meta else sheet_title
    first = " – ".join(p for p in (title, place) if p)
    second = ""
    if meta:
        date_text = fmt.date_nl(meta.data_date) if meta.data_date else "geen gegevens geladen"
        version = "" if meta.suppressed else " · intern, niet publiceren"
        second = f"{meta.period} · gegevens van {date_text}{version}"
    left = escape(first[:110]) + (("\n" + escape(second[:110])) if second else "")
    return f"&L&8{left}&R&8&A · pagina &P van &N"


def print_setup(ws, plan: PrintPlan, repeat: tuple[int, int] | None, footer: str) -> None:
    """A sheet ready to print: A4, the orientation of `plan`, fit to one page wide (as many pages tall as it
    takes), rows `repeat` (first, last; 0-based) on every page, and the footer."""
    ws.set_paper(A4)
    if plan.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGIN_IN)
    ws.fit_to_pages(1, 0)
    if repeat:
        ws.repeat_rows(*repeat)
    ws.set_footer(footer, {"margin": FOOTER_MARGIN_IN, "scale_with_doc": False})


class _Rows:
    """The height of each written row, in points, for the row heights and the print plan."""

    def __init__(self) -> None:
        self.heights: dict[int, float] = {}

    def fit(self, row: int, height: float) -> None:
        self.heights[row] = max(self.heights.get(row, LINE_PT), height)

    def apply(self, ws, last_row: int) -> list[float]:
        for row, height in self.heights.items():
            if height > LINE_PT:
                ws.set_row(row, height)
        return [self.heights.get(r, LINE_PT) for r in range(last_row + 1)]


def _write_title(ws, rows: _Rows, row: int, text: str, widths: list[float], styles: _Styles) -> None:
    """A title across the table's columns, wrapped when longer."""
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, text, styles.title)
    else:
        ws.write_string(row, 0, text, styles.title)
    rows.fit(row, text_lines(text, sum(widths), TITLE_CHARS) * TITLE_LINE_PT)


def _write_wide(ws, rows: _Rows, row: int, first: int, widths: list[float], text: str, fmt_) -> None:
    """Text in column `first`, merged over the columns to the right of it, wrapped; the row made tall enough."""
    if first < len(widths) - 1:
        ws.merge_range(row, first, row, len(widths) - 1, text, fmt_)
    else:
        ws.write_string(row, first, text, fmt_)
    rows.fit(row, text_lines(text, sum(widths[first:])) * LINE_PT)


# the sheet "Toelichting": label, then the account and definitions over columns B-F
ABOUT_WIDTHS = [24.0, 34.0, 22.0, 22.0, 22.0, 22.0]


def _write_about(ws, meta: ExportMeta, styles: _Styles) -> None:
    widths = ABOUT_WIDTHS
    rows = _Rows()
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _write_title(ws, rows, 0, meta.title, widths, styles)
    row = 2
    for label, text in meta.lines():
        ws.write_string(row, 0, label, styles.label)
        _write_wide(ws, rows, row, 1, widths, text, styles.wrap)
        rows.fit(row, text_lines(label, widths[0]) * LINE_PT)
        row += 1
    row += 1
    ws.write_string(row, 0, "Definities", styles.title)
    rows.fit(row, TITLE_LINE_PT)
    row += 1
    _write_row(ws, rows, row, widths, ["Cijfer", "Definitie", "Teller", "Noemer", "Wettelijke basis", "Bron"],
               styles.header)
    for d in meta.definitions:
        row += 1
        _write_row(ws, rows, row, widths, [plain_text(t or "") for t in (d.name, d.definition, d.numerator,
                                                                      d.denominator, d.legal_basis, d.source)],
                   styles.wrap)
    found = meta.notes()
    if found:
        row += 2
        ws.write_string(row, 0, "Notities en toelichtingen", styles.title)
        rows.fit(row, TITLE_LINE_PT)
        row += 1
        _write_row(ws, rows, row, widths[:2], ["Cijfer", "Periode"], styles.header)
        _write_wide(ws, rows, row, 2, widths, "Tekst", styles.header)
        for name, period, text in found:
            row += 1
            _write_row(ws, rows, row, widths[:2], [name, period], styles.wrap)
            _write_wide(ws, rows, row, 2, widths, plain_text(text), styles.wrap)  # no Markdown signs in a cell
    heights = rows.apply(ws, row)
    print_setup(ws, print_plan(widths, heights, heights[0]), (0, 0), footer_text(meta, meta.title, meta.place))


def _write_row(ws, rows: _Rows, row: int, widths: list[float], texts: list[str], fmt_) -> None:
    for c, text in enumerate(texts):
        ws.write_string(row, c, text or "", fmt_)
        rows.fit(row, text_lines(text or "", widths[c]) * LINE_PT)


def natural_widths(sheet: Sheet) -> tuple[list[float], list[float], list[float]]:
    """Each column's width (`column_width` of its header and values), how narrow it may get (a number column
    keeps its width, a text column may wrap down to MIN_TEXT_WIDTH or its header's width) and its demand: the
    mean length of its text, so the columns with the longest texts stay the widest."""
    widths, floors, demand = [], [], []
    for name, header, decimals in sheet.columns:
        values = list(sheet.frame[name]) if name in sheet.frame else []
        width = column_width(header, values, decimals)
        texts = [str(v) for v in values if not fmt.is_missing(v)]
        widths.append(width)
        floors.append(width if decimals is not None else min(width, max(MIN_TEXT_WIDTH, label_width(header))))
        demand.append(max(1.0, sum(map(len, texts)) / max(1, len(texts))))
    return widths, floors, demand


def budget(landscape: bool, scale: float) -> float:
    """The sum of column widths that prints at `scale` across the page."""
    page_w = PAGE_PT["landscape" if landscape else "portrait"][0]
    usable_px = (page_w - 72 * (MARGIN_IN["left"] + MARGIN_IN["right"])) / 0.75 / scale
    return (usable_px - 5 * 8) / 7  # minus the 5 pixels of padding of (about) eight columns


def fit_widths(widths: list[float], floors: list[float], demand: list[float], total: float) -> list[float]:
    """Narrow the columns, one unit at a time and never below their floor, until they add up to `total` (or
    every column is at its floor): each time the one widest for its demand, so widths end up in proportion to
    the length of their texts."""
    out = list(widths)
    while sum(out) > total:
        room = [i for i, (w, f) in enumerate(zip(out, floors, strict=True)) if w - f >= 1]
        if not room:
            break
        out[max(room, key=lambda i: out[i] / demand[i])] -= 1
    return out


def table_heights(sheet: Sheet, widths: list[float]) -> list[float]:
    """Each row's height in points: the title (row 0, with a blank row 1), the header and the rows, each as
    tall as its most wrapped cell."""
    heights = []
    if sheet.title:
        heights += [text_lines(sheet.title, sum(widths), TITLE_CHARS) * TITLE_LINE_PT, LINE_PT]
    heights.append(max(text_lines(h, w, CHARS_PER_UNIT) for (_, h, _), w in zip(sheet.columns, widths, strict=True))
                   * LINE_PT)
    text_columns = [(field, c) for c, (field, _, decimals) in enumerate(sheet.columns) if decimals is None]
    for row in sheet.frame.to_dict("records"):
        lines = [text_lines(str(row[f]), widths[c]) for f, c in text_columns if not fmt.is_missing(row.get(f))]
        heights.append(max([1, *lines]) * LINE_PT)
    return heights


def table_layout(sheet: Sheet) -> tuple[list[float], list[float], PrintPlan]:
    """The columns' widths, the rows' heights and the print plan with the fewest pages at a readable
    scale: a text column wraps narrower when that lets the table print larger (tried for both orientations
    at 100, 85 and MIN_SCALE per cent)."""
    natural, floors, demand = natural_widths(sheet)
    header = 2 if sheet.title else 0
    best: tuple[list[float], list[float], PrintPlan] | None = None
    for landscape in (False, True):
        for scale in (1.0, 0.85, MIN_SCALE):
            widths = fit_widths(natural, floors, demand, budget(landscape, scale))
            heights = table_heights(sheet, widths)
            plan = print_plan(widths, heights, heights[header])
            if best is None or (plan.pages, -plan.scale) < (best[2].pages, -best[2].scale):
                best = (widths, heights, plan)
    assert best is not None
    return best


def _write_table(ws, sheet: Sheet, styles: _Styles, meta: ExportMeta | None = None) -> None:
    widths, heights, plan = table_layout(sheet)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    top = 0
    if sheet.title:
        if len(widths) > 1:
            ws.merge_range(0, 0, 0, len(widths) - 1, sheet.title, styles.title)
        else:
            ws.write_string(0, 0, sheet.title, styles.title)
        top = 2
    for c, (_, header, decimals) in enumerate(sheet.columns):
        ws.write_string(top, c, header, styles.header if decimals is None else styles.header_number)
    fields = [f for f, _, _ in sheet.columns]
    for i, row in enumerate(sheet.frame[fields].itertuples(index=False)):
        r = top + 1 + i
        for c, ((_, _, decimals), value) in enumerate(zip(sheet.columns, row, strict=True)):
            if fmt.is_missing(value):
                continue
            if decimals is not None and not isinstance(value, str):
                ws.write_number(r, c, rounded(value, decimals), styles.number(decimals))
            elif i in sheet.headings:
                ws.write_string(r, c, str(value), styles.bold)
            else:
                ws.write_string(r, c, str(value), styles.wrap if decimals is None else styles.mark)
    for r, height in enumerate(heights):
        if height != LINE_PT:
            ws.set_row(r, height)
    ws.freeze_panes(top + 1, 0)
    place = sheet.place or (meta.place if meta else "")
    print_setup(ws, plan, (top, top), footer_text(meta, sheet.title or sheet.name, place))


def plain_text(markdown: str) -> str:
    """The coordinator's Markdown as plain text for a cell: no `**`, `*`, `#` or link syntax in a file."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^\s*#+\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*[-*]\s+", "• ", text, flags=re.M)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m[1] or m[2], text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)[*_](?!\w)", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def rounded(value: float, decimals: int) -> float:
    """Half up, as the screen rounds (presentation.formats), not Python's half-to-even."""
    return float(fmt.number(value, decimals).replace(".", "").replace(",", "."))


def _kpi_label(kpi_id: str) -> str | None:
    kpi = KPIS.get(kpi_id)
    return kpi.label if kpi else None
