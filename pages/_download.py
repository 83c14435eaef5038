"""Downloads of exactly the figures on screen, as CSV and XLSX: Dutch headers, Dutch number formats.

A page builds the table it shows as a frame of raw values (numbers, or for a portfolio holder the
suppression marks "<5", "–", "×" that `queries.kpi_values(..., public=True)` gives) and passes it here
with (field, Dutch header, decimals) columns; decimals None means text. No callbacks here: the page's
own `secured_callback` recomputes the frame on the server (never from what the browser sends) and
returns `send_table(...)` to its `dcc.Download`.

- CSV: `;`-separated, UTF-8 with BOM (Excel in Dutch opens it as is), numbers written as on screen
  (`1.234,5`); a text cell that a spreadsheet would run as a formula gets an apostrophe in front
  (warehouse/spreadsheet.py), a negative number stays a number.
- XLSX: numbers stay numbers (rounded to the shown decimals) with a `#.##0,0` format, so Excel shows them
  the Dutch way and can still compute with them; suppression marks stay text.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from dash import dcc, html

from config.settings import small_number_threshold
from pages._data import warehouse
from presentation import formats as fmt
from reports.workbook import Definition, ExportMeta, Sheet, workbook_bytes
from warehouse import queries
from warehouse.kpis import KPIS
from warehouse.queries import REGION_CODE
from warehouse.spreadsheet import safe_text

Column = tuple[str, str, int | None]  # field, Dutch header, decimals (None: text)
FORMATS = ("csv", "xlsx")


def buttons(download_id: str, csv_id: str, xlsx_id: str) -> html.Div:
    """The two download buttons and the dcc.Download they feed."""
    return html.Div(
        [
            html.Button("Download CSV", id=csv_id, className="btn btn-outline-primary btn-sm"),
            html.Button("Download Excel", id=xlsx_id, className="btn btn-outline-primary btn-sm"),
            dcc.Download(id=download_id),
        ],
        className="rbl-download d-flex gap-2 my-2",
    )


def dutch_frame(frame: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """The table as text, written the way the screen writes it, under Dutch headers; a text cell that a
    spreadsheet would run as a formula is escaped (a number written as text, `-1,5`, is not text)."""
    out = pd.DataFrame(index=frame.index)
    for field, header, decimals in columns:
        out[header] = frame[field].map(lambda x, d=decimals: _text(x, d) if _is_number(x, d) else
                                       safe_text(_text(x, d)))
    return out.reset_index(drop=True)


def csv_bytes(frame: pd.DataFrame, columns: list[Column]) -> bytes:
    return dutch_frame(frame, columns).to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def _is_number(value: object, decimals: int | None) -> bool:
    return decimals is not None and not isinstance(value, str) and not fmt.is_missing(value)


def xlsx_bytes(frame: pd.DataFrame, columns: list[Column], sheet: str = "Tabel") -> bytes:
    """The table alone, as one sheet (reports.workbook writes every XLSX of the product)."""
    return workbook_bytes([Sheet(sheet, frame, columns)], None)


def send_table(frame: pd.DataFrame, columns: list[Column], filename: str, kind: str,
               meta: ExportMeta | None = None) -> dict:
    """What a page's download callback returns to its dcc.Download: `filename` without extension. With
    `meta`, the XLSX opens with the sheet "Toelichting" (period, data date, definitions, sources,
    suppression; reports.workbook); the CSV stays the bare table, so it reads back as what the screen shows."""
    if kind not in FORMATS:
        raise ValueError(f"unknown download format {kind!r}")
    content = csv_bytes(frame, columns) if kind == "csv" else workbook_bytes([Sheet("Tabel", frame, columns)], meta)
    return dcc.send_bytes(content, f"{filename}.{kind}")


def export_meta(title: str, kpi_ids: list[str], period_kind: str, period: str, data_date: date | None,
                public: bool, municipality_code: str | None = None, through: date | None = None) -> ExportMeta:
    """The account a page's XLSX download carries, for the KPIs its table shows; `through`: the figures are partial,
    counted up to that day (warehouse.coverage.figures_through), and the period says "t/m <datum>" as on screen."""
    label = fmt.period_label(period_kind, period) + (f", t/m {fmt.date_nl(through)}" if through else "")
    return ExportMeta(title=title, period=label, data_date=data_date,
                      suppressed=public, definitions=[Definition.of(KPIS[k]) for k in kpi_ids], kpi_ids=kpi_ids,
                      periods=[period], municipality_code=municipality_code,
                      threshold=small_number_threshold())


def _text(value: object, decimals: int | None) -> str:
    if isinstance(value, str):
        return value
    if decimals is None:
        return fmt.MISSING if fmt.is_missing(value) else str(value)
    return fmt.number(value, decimals)


def send_selection(frame: pd.DataFrame, columns: list[Column], name: str, period: str, municipality: str,
                   csv: bool, meta: ExportMeta | None = None) -> dict:
    """`send_table` for a page's selection: `<name>-<period>-<gemeente or regio>`, CSV or XLSX; the XLSX's
    printed footer names the municipality or the region."""
    place = "regio" if municipality == REGION_CODE else municipality
    if meta is not None and not meta.place:
        meta = replace(meta, place=place_name(municipality))
    return send_table(frame, columns, f"{name}-{period}-{place}", "csv" if csv else "xlsx", meta)


def place_name(municipality: str) -> str:
    """The name of the municipality (or the region) a download is about, for its printed footer."""
    if municipality == REGION_CODE:
        return "Regio West-Brabant"
    names = queries.municipalities(warehouse())
    found = names.loc[names["gemeente_code"] == municipality, "naam"]
    return str(found.iloc[0]) if len(found) else municipality
