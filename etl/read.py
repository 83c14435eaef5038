"""Read one source file into columns of raw text, pseudonymising person numbers as it goes.

Takes what real exports bring: `;`, `,` or tab separated CSV with quoted fields (separators and
line breaks inside), UTF-8 with or without BOM or Windows-1252, `.xlsx` (the sheet named after
the source, else the first), header names in any spelling, DUO's `#` header. Columns the source
does not know (names, addresses, free text) are dropped here and never stored. A BSN is replaced
by its pseudonym before the row leaves this module. This is the reference reader and the fallback:
a CSV whose every record is one physical line is read by DuckDB's own reader instead
(etl/read_duckdb.py), with the same result.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from etl.pseudonym import PersonNumberError, Pseudonymiser
from etl.sources import DUO_COLUMNS, DUO_FILE, PERSON_FALLBACK, Source, normalise_header

DATA_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx"}


class FileRefused(Exception):
    """A file that cannot be loaded as a whole; nothing of the load is published."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path, self.problem, self.fix = path, problem, fix
        super().__init__(f"{path.name}: {problem}. {fix}")


@dataclass
class RawFile:
    """A file's rows as raw text per known column, with the physical line each row starts on."""

    path: Path
    source: Source
    columns: dict[str, list[str | None]]
    lines: list[int] = field(default_factory=list)
    person_ids: list[str | None] = field(default_factory=list)
    person_errors: list[str | None] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.lines)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel on Windows writes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


CHUNK = 1 << 20


def file_encoding(path: Path) -> str:
    """What `decode` would choose, without holding the file: UTF-8 (BOM skipped) when every byte decodes,
    else Windows-1252. One streamed pass through an incremental decoder."""
    return scan_bytes(path).encoding


@dataclass(frozen=True)
class ByteScan:
    """What one streamed pass over a file's bytes tells: its encoding, and whether every record is one
    physical line that DuckDB's reader splits exactly as the `csv` module would (`why_not` says why not)."""

    encoding: str
    newline: str = "\n"
    lines: int = 0  # physical lines, the last one counted also without a line break at its end
    why_not: str | None = None


def scan_bytes(path: Path) -> ByteScan:
    """Encoding and record layout in one pass of C-speed byte counts. A file takes DuckDB's reader only when it
    holds no quote character at all (so no field spans lines and no quoting rule can differ), no NUL, no
    \\x01 (the reader's separator for whole lines), and one kind of line break (\\n, or \\r\\n throughout)."""
    counts = dict.fromkeys((b'"', b"\x00", b"\x01", b"\r", b"\n", b"\r\n"), 0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, bom, last = True, False, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if not bom and not last and chunk.startswith(b"\xef\xbb\xbf"):
                bom = True
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            for needle in counts:
                counts[needle] += chunk.count(needle)
            if last == b"\r" and chunk.startswith(b"\n"):  # a \r\n split over two chunks
                counts[b"\r\n"] += 1
            last = chunk[-1:]
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    encoding = "utf-8-sig" if bom else "utf-8" if utf8 else "cp1252"
    lines = counts[b"\n"] + (1 if last not in (b"", b"\n") else 0)
    crlf = counts[b"\r"] > 0
    why_not = ("quote characters" if counts[b'"'] else "NUL or \\x01 bytes" if counts[b"\x00"] or counts[b"\x01"]
               else "line breaks other than \\n or \\r\\n throughout"
               if crlf and not counts[b"\r"] == counts[b"\r\n"] == counts[b"\n"]
               else "not valid UTF-8 after its BOM" if bom and not utf8 else None)
    return ByteScan(encoding, "\r\n" if crlf else "\n", lines, why_not)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_rows(path: Path, encoding: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV with the physical line each starts on, streamed from disk."""
    _refuse_empty(path)
    encoding = encoding or file_encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as text:
        delimiter = _sniff_delimiter(text.readline())
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        start = 1
        try:
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileRefused(path, f"regel {start} is geen geldige CSV ({exc})",
                              "Controleer aanhalingstekens rond velden en sla het bestand opnieuw op als CSV") from exc


def _refuse_empty(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
    if not head.strip() and path.stat().st_size <= CHUNK:
        raise FileRefused(path, "het bestand is leeg (0 bytes)", "Lever het bestand opnieuw aan, met kopregel")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # written with a decimal comma, so the parser never mistakes 1.125 for thousands
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def _xlsx_rows(path: Path, source: Source) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(path, f"het Excel-bestand kan niet worden geopend ({type(exc).__name__})",
                          "Open het in Excel, sla het opnieuw op als .xlsx en lever het opnieuw aan") from exc
    try:
        names = {n.lower(): n for n in book.sheetnames}
        sheet = book[names.get(source.name, book.sheetnames[0])]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    finally:
        book.close()


def _map_header(path: Path, source: Source, header: list[str]) -> dict[int, str]:
    """Column position -> field name (or the person fallback); unknown columns are left out."""
    by_name: dict[str, str] = {}
    for f in source.fields:
        for name in (f.name, *f.aliases):
            by_name[normalise_header(name)] = f.name
    by_name[PERSON_FALLBACK] = PERSON_FALLBACK
    if DUO_FILE.match(path.name):
        by_name.update(DUO_COLUMNS)
    mapping: dict[int, str] = {}
    for i, raw in enumerate(header):
        name = by_name.get(normalise_header(raw))
        if name is not None and name not in mapping.values():
            mapping[i] = name
    return mapping


def _check_required(path: Path, source: Source, found: set[str], implied: dict[str, str]) -> None:
    missing = [n for n in source.required if n not in found and n not in implied
               and not (n == "bsn" and PERSON_FALLBACK in found)]
    if missing:
        names = ", ".join(missing)
        raise FileRefused(path, f"verplichte kolom(men) ontbreken: {names}",
                          f"Voeg de kolom(men) {names} toe aan de kopregel (zie docs/sources.md, bron "
                          f"'{source.name}')")


BATCH_ROWS = 50_000  # rows per batch: memory stays flat whatever the file's size


def read_file(path: Path, source: Source, implied: dict[str, str], pseudonymiser: Pseudonymiser,
              batch_rows: int = BATCH_ROWS, encoding: str | None = None) -> Iterator[RawFile]:
    """The file's rows in batches of `batch_rows`, read as they stream from disk. The header is checked
    before the first batch comes (a refused file yields nothing)."""
    rows = _xlsx_rows(path, source) if path.suffix.lower() == ".xlsx" else _csv_rows(path, encoding)
    _, header = _header(path, rows)
    mapping = _map_header(path, source, header)
    _check_required(path, source, set(mapping.values()), implied)
    return _batches(path, source, implied, pseudonymiser, mapping, rows, batch_rows)


def _header(path: Path, rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first row that is not blank, and its line: the header."""
    for line, row in rows:
        if "".join(row).strip():
            return line, row
    raise FileRefused(path, "het bestand heeft geen kopregel", "Zet de kolomnamen op de eerste regel")


def _batches(path: Path, source: Source, implied: dict[str, str], pseudonymiser: Pseudonymiser,
             mapping: dict[int, str], rows: Iterator[tuple[int, list[str]]], batch_rows: int) -> Iterator[RawFile]:
    batch: list[tuple[int, list[str]]] = []
    for line, row in rows:
        if not "".join(row).strip():
            continue  # blank lines and Excel's empty ;;;; rows are not rows
        batch.append((line, row))
        if len(batch) >= batch_rows:
            yield _collect(path, source, implied, pseudonymiser, mapping, batch)
            batch = []
    if batch:
        yield _collect(path, source, implied, pseudonymiser, mapping, batch)


def _collect(path: Path, source: Source, implied: dict[str, str], pseudonymiser: Pseudonymiser,
             mapping: dict[int, str], batch: list[tuple[int, list[str]]]) -> RawFile:
    """One batch as columns of raw text (empty cells as None, or the value the file name implies)."""
    names = [f.name for f in source.fields if f.kind != "person"]
    positions = {name: i for i, name in mapping.items()}
    body = [row for _, row in batch]
    raw = RawFile(path, source, {}, [line for line, _ in batch])
    for name in names:
        raw.columns[name] = _column(body, positions.get(name), implied.get(name))
    if any(f.kind == "person" for f in source.fields):
        bsn = _column(body, positions.get("bsn"), None, empty="")
        fallback = _column(body, positions.get(PERSON_FALLBACK), None, empty="")
        results = {pair: _person(pseudonymiser, *pair) for pair in set(zip(bsn, fallback, strict=True))}
        pairs = [results[pair] for pair in zip(bsn, fallback, strict=True)]  # once per distinct person number
        raw.person_ids = [p for p, _ in pairs]
        raw.person_errors = [e for _, e in pairs]
    return raw


def _column(body: list[list[str]], i: int | None, fill: str | None, empty: str | None = None) -> list[str | None]:
    """Column `i` of every row; a missing or (unless `empty` is given) blank cell becomes `fill`."""
    if i is None:
        return [fill] * len(body)
    if empty is not None:
        return [row[i] if i < len(row) else None for row in body]
    return [(row[i] if i < len(row) else None) or fill for row in body]


def _person(pseudonymiser: Pseudonymiser, bsn: str | None, fallback: str | None) -> tuple[str | None, str | None]:
    try:
        return pseudonymiser.person(bsn, fallback), None
    except PersonNumberError as exc:
        return None, str(exc)
