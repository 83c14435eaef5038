"""Downloads of exactly the figures on screen, as CSV and XLSX: Dutch headers, Dutch number formats.

A page builds the table it shows as a frame of raw values (numbers, or for a portfolio holder the
suppression marks "<5", "–", "×" that `queries.kpi_values(..., public=True)` gives) and passes it here
with (field, Dutch header, decimals) columns; decimals None means text. No callbacks here: the page's
own `secured_callback` recomputes the frame on the server (never from what the browser sends) and
returns `send_table(...)` to its `dcc.Download`.

- CSV: `;`-separated, UTF-8 with BOM (Excel in Dutch opens it as is), numbers written as on screen
  (`1.234,5`).
- XLSX: numbers stay numbers (rounded to the shown decimals) with a `#.##0,0` format, so Excel shows them
  the Dutch way and can still compute with them; suppression marks stay text.
"""

from __future__ import annotations

import io

import pandas as pd
from dash import dcc, html

from pages import _format as fmt
from warehouse.queries import REGION_CODE

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
    """The table as text, written the way the screen writes it, under Dutch headers."""
    out = pd.DataFrame(index=frame.index)
    for field, header, decimals in columns:
        values = frame[field]
        out[header] = values.map(lambda x, d=decimals: _text(x, d))
    return out.reset_index(drop=True)


def csv_bytes(frame: pd.DataFrame, columns: list[Column]) -> bytes:
    return dutch_frame(frame, columns).to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, columns: list[Column], sheet: str = "Tabel") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        book = writer.book
        sheet_ = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        number_formats = {}
        for c, (_, header, decimals) in enumerate(columns):
            sheet_.write_string(0, c, header, bold)
            sheet_.set_column(c, c, max(12, len(header) + 2))
            if decimals is not None:
                code = "#,##0" + ("." + "0" * decimals if decimals else "")
                number_formats[c] = book.add_format({"num_format": code})
        for r, row in enumerate(frame[[f for f, _, _ in columns]].itertuples(index=False), start=1):
            for c, ((_, _, decimals), value) in enumerate(zip(columns, row, strict=True)):
                if fmt.is_missing(value):
                    continue
                if decimals is not None and not isinstance(value, str):
                    sheet_.write_number(r, c, _rounded(value, decimals), number_formats[c])
                else:
                    sheet_.write_string(r, c, str(value))
    return buffer.getvalue()


def send_table(frame: pd.DataFrame, columns: list[Column], filename: str, kind: str) -> dict:
    """What a page's download callback returns to its dcc.Download: `filename` without extension."""
    if kind not in FORMATS:
        raise ValueError(f"unknown download format {kind!r}")
    content = csv_bytes(frame, columns) if kind == "csv" else xlsx_bytes(frame, columns)
    return dcc.send_bytes(content, f"{filename}.{kind}")


def _rounded(value: float, decimals: int) -> float:
    # half up, as the screen rounds (pages._format), not Python's half-to-even
    return float(fmt.number(value, decimals).replace(".", "").replace(",", "."))


def _text(value: object, decimals: int | None) -> str:
    if isinstance(value, str):
        return value
    if decimals is None:
        return fmt.MISSING if fmt.is_missing(value) else str(value)
    return fmt.number(value, decimals)


def send_selection(frame: pd.DataFrame, columns: list[Column], name: str, period: str, municipality: str,
                   csv: bool) -> dict:
    """`send_table` for a page's selection: `<name>-<period>-<gemeente or regio>`, CSV or XLSX."""
    place = "regio" if municipality == REGION_CODE else municipality
    return send_table(frame, columns, f"{name}-{period}-{place}", "csv" if csv else "xlsx")
