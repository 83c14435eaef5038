"""Writing the folder: CSV in its variants, xlsx, deliberately bad rows, and the manifest.

Line numbers of bad rows are physical lines (header = line 1), so quoted fields with line breaks
before a bad row shift it; they are computed from the rows as written.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xlsxwriter

REASONS = ("required_empty", "bsn_elfproef", "date_unreadable", "date_future", "end_before_start",
           "code_unknown", "fte_range", "outside_region")
FIXED_TIMESTAMP = dt.datetime(2025, 11, 15, 6, 0, 0)  # xlsx document properties: no wall clock


@dataclass
class Bad:
    """A deliberately bad row: its values by written header, why the ETL must reject it, and where
    it goes (a fraction of the file's rows)."""

    values: dict[str, str]
    reason: str
    at: float


@dataclass
class Extra:
    """A row added to a file that is not bad (a second delivery of a key inside the same file)."""

    values: dict[str, str]
    at: float


@dataclass
class Folder:
    out: Path
    seed: int
    scale: float
    files: list[dict] = field(default_factory=list)
    bad_rows: list[dict] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    duplicate_details: list[dict] = field(default_factory=list)

    def csv(self, name: str, source: str, columns: dict[str, np.ndarray], *, sep: str = ";",
            encoding: str = "utf-8", date_format: str = "dmy", variants: tuple[str, ...] = (),
            bad: list[Bad] | None = None, extra: list[Extra] | None = None, hash_header: bool = False,
            note: str = "") -> None:
        header = list(columns)
        cols = [_as_text(np.asarray(v, dtype=object)) for v in columns.values()]
        cols, bad_at = _insert(header, cols, bad or [], extra or [])
        lines = _physical_lines(cols)
        cols = [_quoted(c, sep) for c in cols]
        body = "\n".join(map(sep.join, zip(*cols, strict=True)))
        text = ("#" if hash_header else "") + sep.join(header) + "\n" + body + ("\n" if body else "")
        (self.out / name).write_bytes(text.encode(encoding))
        for row, b in bad_at:
            self.bad_rows.append({"file": name, "line": int(lines[row]), "reason_code": b.reason})
        rows = len(cols[0]) if cols else 0
        self._register(name, source, "csv", rows, encoding, sep, date_format, variants, note)

    def xlsx(self, name: str, source: str, sheets: list[tuple[str, list[str], list[list]]],
             variants: tuple[str, ...] = (), bad: dict[int, str] | None = None, note: str = "",
             data_sheet: str = "") -> None:
        """Sheets of (name, header, rows); dates as real Excel date cells, numbers as numbers.
        `bad` maps a row index of the data sheet to its reason (Excel row = index + 2)."""
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        book.set_properties({"created": FIXED_TIMESTAMP, "author": "RBL Monitor demo"})
        date_cell = book.add_format({"num_format": "dd-mm-yyyy"})
        money = book.add_format({"num_format": "#,##0.00"})
        n_rows = 0
        for sheet_name, header, rows in sheets:
            sheet = book.add_worksheet(sheet_name)
            sheet.write_row(0, 0, header)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, dt.date):
                        sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_cell)
                    elif isinstance(value, float):
                        sheet.write_number(r, c, value, money if header[c].lower() == "bedrag" else None)
                    elif isinstance(value, int):
                        sheet.write_number(r, c, value)
                    elif value not in (None, ""):
                        sheet.write_string(r, c, str(value))
            if sheet_name == (data_sheet or sheets[0][0]):
                n_rows = len(rows)
        book.close()
        (self.out / name).write_bytes(buffer.getvalue())
        for row, reason in sorted((bad or {}).items()):
            self.bad_rows.append({"file": name, "line": row + 2, "reason_code": reason})
        self._register(name, source, "xlsx", n_rows, "", "", "excel", variants, note)

    def duplicate(self, name: str, rows: int, kind: str, note: str, counted: bool = True) -> None:
        if rows <= 0:
            return
        if counted:
            self.duplicates[name] = self.duplicates.get(name, 0) + rows
        self.duplicate_details.append({"file": name, "rows": rows, "kind": kind, "note": note,
                                       "counted_in_duplicates": counted})

    def _register(self, name: str, source: str, fmt: str, rows: int, encoding: str, sep: str,
                  date_format: str, variants: tuple[str, ...], note: str) -> None:
        self.files.append({"file": name, "source": source, "format": fmt, "rows": rows, "encoding": encoding,
                           "separator": {"\t": "tab"}.get(sep, sep), "date_format": date_format,
                           "variants": list(variants), "note": note})

    def _duplicates_by_source(self) -> dict[str, int]:
        """Totals per source: which file of a pair counts the update depends on the load order, the
        total does not."""
        source = {f["file"]: f["source"] for f in self.files}
        totals: dict[str, int] = {}
        for name, rows in self.duplicates.items():
            totals[source[name]] = totals.get(source[name], 0) + rows
        return totals

    def write_manifest(self) -> Path:
        variants: dict[str, list[str]] = {}
        for f in self.files:
            for v in f["variants"]:
                variants.setdefault(v, []).append(f["file"])
        manifest = {
            "generator": "python -m etl.demo", "seed": self.seed, "scale": self.scale,
            "load_date": "2025-11-15", "school_years": "2015-2016..2025-2026",
            "files": self.files, "variants": dict(sorted(variants.items())),
            "bad_rows": sorted(self.bad_rows, key=lambda b: (b["file"], b["line"])),
            "duplicates": dict(sorted(self.duplicates.items())),
            "duplicates_by_source": self._duplicates_by_source(),
            "duplicate_details": self.duplicate_details,
        }
        path = self.out / "demo_manifest.json"
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def _as_text(values: np.ndarray) -> list[str]:
    out = values.tolist()
    try:
        "".join(out)
    except TypeError:  # not all str yet (None or numbers): convert
        out = ["" if v is None else str(v) for v in out]
    return out


def _quoted(values: list[str], sep: str) -> list[str]:
    """CSV quoting, only where a value holds the separator, a quote or a line break."""
    joined = "\x00".join(values)
    if not any(ch in joined for ch in (sep, '"', "\n", "\r")):
        return values
    special = (sep, '"', "\n", "\r")
    return ['"' + v.replace('"', '""') + '"' if any(ch in v for ch in special) else v for v in values]


def _insert(header: list[str], cols: list[list[str]], bad: list[Bad], extra: list[Extra]
            ) -> tuple[list[list[str]], list[tuple[int, Bad]]]:
    """Put the bad and extra rows at their places; returns the columns and each bad row's final index."""
    if not bad and not extra:
        return cols, []
    n = len(cols[0])
    added = [*bad, *extra]
    places = [min(max(r.at, 0.0), 1.0) * n - 0.5 + i * 1e-6 for i, r in enumerate(added)]
    keys = np.concatenate([np.arange(n, dtype=float), np.array(places)])
    order = np.argsort(keys, kind="stable")
    out = []
    for c, name in enumerate(header):
        full = cols[c] + [str(r.values.get(name, "")) for r in added]
        out.append([full[i] for i in order])
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return out, [(int(position[n + i]), b) for i, b in enumerate(bad)]


def _physical_lines(cols: list[list[str]]) -> np.ndarray:
    """The physical line each record starts on (header = line 1)."""
    n = len(cols[0]) if cols else 0
    breaks = np.zeros(n, dtype=np.int64)
    for values in cols:
        if "\n" in "\x00".join(values):
            breaks += np.array([v.count("\n") for v in values], dtype=np.int64)
    return 2 + np.arange(n) + np.concatenate([[0], np.cumsum(breaks)[:-1]]).astype(np.int64)[:n]
