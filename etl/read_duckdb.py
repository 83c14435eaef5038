"""The fast path for reading a CSV: DuckDB's own `read_csv` straight into a staging table, with each row's
physical line, for the files where that gives exactly what `etl.read` (Python's `csv` module) gives.

That is a file in which every record is one physical line: no quote character at all (so no field spans
lines and no quoting rule can differ between the two readers), no NUL, and one kind of line break
(`scan_bytes` decides in one streamed pass of byte counts). DuckDB then reads each whole line as one
value (separator `\\x01`, which the file does not hold; quoting off), numbers the lines in file order, and
splits them on the file's separator in SQL: a missing cell is NULL and extra cells are ignored, as the
`csv` module path does. Blank rows are skipped by Python's own definition of white space. The result is
table `raw_staged` with the same columns as `etl.read.RawFile` (`_line`, one raw text column per field,
`person_id`, `_person_error`), validated by the same SQL (`etl.load.Loader.add_staged`).

Everything else (quotes, odd line breaks, UTF-16, a line longer than the `csv` module's field limit, a line
count that does not match the bytes, any DuckDB error) goes the `csv` module way, so the rejection report
keeps the same reasons and line numbers. Windows-1252 files are transcoded to a temporary UTF-8 copy with
Python's own codec first (undefined bytes become U+FFFD, as on the `csv` module path).
"""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.pseudonym import Pseudonymiser
from etl.read import (
    CHUNK,
    _check_required,
    _csv_rows,
    _header,
    _map_header,
    _sniff_delimiter,
    scan_bytes,
)
from etl.sources import PERSON_FALLBACK, Source
from warehouse.connection import sql_path

TABLE = "raw_staged"  # a view: the rows with their pseudonyms (what the validation reads)
VALUES = "raw_split"  # the raw text per field (where the validation collects each column's distinct values)
LINE_SEPARATOR = "\x01"  # never in a file that takes this path (scan_bytes)
# Python's str.isspace(): a row whose cells hold only these is blank and skipped, as on the csv module path
BLANK = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace()) + "]*"
FORCE_CSV_MODULE = "RBL_CSV_READER"  # =csv: every file through the csv module (a way out, docs/operations.md)


@dataclass(frozen=True)
class Staged:
    """The outcome: rows staged in `raw_staged`, or None and why the `csv` module reads the file instead."""

    rows_read: int | None
    why_not: str | None = None
    encoding: str | None = None  # when known: the csv module path need not scan the file again


def _literal(value: str | None) -> str:
    return "NULL::VARCHAR" if value is None else "'" + value.replace("'", "''") + "'"


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, source: Source, implied: dict[str, str],
              pseudonymiser: Pseudonymiser, scratch: Path) -> Staged:
    """Stage `path` into `raw_staged` with DuckDB's reader when that is exact; else say why not. A file refused
    as a whole (empty, no header, required columns missing) raises FileRefused exactly as `read_file` does."""
    if path.suffix.lower() == ".xlsx":
        return Staged(None, "xlsx")
    if os.environ.get(FORCE_CSV_MODULE) == "csv":
        return Staged(None, f"{FORCE_CSV_MODULE}=csv")
    scan = scan_bytes(path)
    rows = _csv_rows(path, scan.encoding)
    try:
        header_line, header = _header(path, rows)  # refusals first, the same as the csv module path
    finally:
        rows.close()
    mapping = _map_header(path, source, header)
    _check_required(path, source, set(mapping.values()), implied)
    if scan.why_not:
        return Staged(None, scan.why_not, scan.encoding)
    with open(path, encoding=scan.encoding, errors="replace", newline="") as text:
        delimiter = _sniff_delimiter(text.readline())
    readable = path
    if scan.encoding == "cp1252":
        readable = scratch / f"utf8-{os.getpid()}-{path.name}"
        _transcode(path, readable)
    try:
        why_not = _read_lines(con, readable, scan.newline, scan.lines)
    finally:
        if readable != path:
            readable.unlink(missing_ok=True)
    if why_not:
        return Staged(None, why_not, scan.encoding)
    _split(con, source, implied, mapping, header_line, delimiter)
    _pseudonymise(con, source, pseudonymiser)
    return Staged(con.execute(f"SELECT count(*) FROM {VALUES}").fetchone()[0])


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what stage_csv made (the raw lines' numbers go with it)."""
    con.execute(f"DROP VIEW IF EXISTS {TABLE}; DROP TABLE IF EXISTS raw_persons; DROP TABLE IF EXISTS {VALUES}")


def _transcode(path: Path, target: Path) -> None:
    with open(path, encoding="cp1252", errors="replace", newline="") as src, \
            open(target, "w", encoding="utf-8", newline="") as out:
        shutil.copyfileobj(src, out, CHUNK)


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path, newline: str, expected: int) -> str | None:
    """Every physical line as one value with its number, in file order (table `raw_lines`); why not, if not."""
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")  # row_number() OVER () then numbers lines in file order
    try:
        # strict_mode off: DuckDB 2.0's strict mode drops \r\n lines; with quoting off and a separator the file
        # does not hold there is nothing else for it to check, and the line count below catches any surprise
        con.execute(f"""CREATE OR REPLACE TEMP TABLE raw_lines AS
            SELECT row_number() OVER () AS _line, line FROM read_csv({sql_path(path)}, columns = {{'line': 'VARCHAR'}},
                header = false, delim = ?, quote = '', escape = '', new_line = ?, auto_detect = false,
                strict_mode = false, ignore_errors = false)""",
                    [LINE_SEPARATOR, "\\r\\n" if newline == "\r\n" else "\\n"])
    except duckdb.Error as exc:
        return f"DuckDB could not read it ({type(exc).__name__})"
    finally:
        con.execute(f"SET preserve_insertion_order = {order}")
    count, longest = con.execute("SELECT count(*), coalesce(max(length(line)), 0) FROM raw_lines").fetchone()
    if count != expected:
        return f"DuckDB read {count} lines, the file has {expected}"
    if longest > csv.field_size_limit():
        return "a line longer than the csv module's field limit"
    return None


def _split(con: duckdb.DuckDBPyConnection, source: Source, implied: dict[str, str], mapping: dict[int, str],
           header_line: int, delimiter: str) -> None:
    """The lines after the header as raw text per field, as etl.read._collect makes them."""
    positions = {name: i + 1 for i, name in mapping.items()}  # SQL lists count from 1
    columns = []
    for f in source.fields:
        if f.kind == "person":
            continue
        fill = _literal(implied.get(f.name))
        at = positions.get(f.name)
        columns.append(f"{fill} AS {f.name}" if at is None else f"coalesce(nullif(c[{at}], ''), {fill}) AS {f.name}")
    for name, alias in (("bsn", "_bsn"), (PERSON_FALLBACK, "_fallback")):
        at = positions.get(name)
        columns.append(f"{'NULL::VARCHAR' if at is None else f'c[{at}]'} AS {alias}")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {VALUES} AS
        SELECT _line::INTEGER AS _line, {', '.join(columns)}
        FROM (SELECT _line, string_split(line, ?) AS c FROM raw_lines
              WHERE _line > ? AND NOT regexp_full_match(replace(coalesce(line, ''), ?, ''), ?))""",
                [delimiter, header_line, delimiter, BLANK])
    con.execute("DROP TABLE raw_lines")


def _pseudonymise(con: duckdb.DuckDBPyConnection, source: Source, pseudonymiser: Pseudonymiser) -> None:
    """Pseudonyms once per distinct (bsn, onderwijsnummer), in DuckDB (etl/pseudonym.py), joined to the rows by
    the view `raw_staged`; the person numbers go no further than these temporary tables (drop_staged)."""
    if not any(f.kind == "person" for f in source.fields):
        con.execute(f"""CREATE OR REPLACE TEMP VIEW {TABLE} AS SELECT * EXCLUDE (_bsn, _fallback),
            NULL::VARCHAR AS person_id, NULL::VARCHAR AS _person_error FROM {VALUES}""")
        return
    pseudonymiser.persons_in_sql(con, VALUES, "raw_persons")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {TABLE} AS
        SELECT r.* EXCLUDE (_bsn, _fallback), p.person_id, p.err AS _person_error FROM {VALUES} r
        LEFT JOIN raw_persons p
            ON p._bsn IS NOT DISTINCT FROM r._bsn AND p._fallback IS NOT DISTINCT FROM r._fallback""")
