"""One load: read every file of a folder, validate, merge by key into the staged data, rebuild the
models, check invariants, and publish atomically.

A published version is never written in place. A load builds a new version folder
`versions/<load id>/` (database and Parquet facts; attaching the published database read-only for what
earlier loads brought) and publishes it in one atomic step: a new `current` symlink renamed over the old
one (warehouse/connection.py describes the layout). A load that fails or is killed at any point leaves
the published version byte for byte as it was; its leftovers are swept by the next load. Old versions
are removed once no reader holds them.

Fault points (`fault`) let tests kill a load or fill its disk at a named step, deterministically.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from config.settings import load_settings
from etl.limits import check_file, check_rejects
from etl.pseudonym import Pseudonymiser
from etl.publish import (
    export_facts,
    fault,
    link_facts,
    new_version,
    publish,
    sweep_leftovers,
)
from etl.read import DATA_SUFFIXES, FileRefused, RawFile, read_file
from etl.read_duckdb import TABLE as RAW_STAGED
from etl.read_duckdb import VALUES as RAW_VALUES
from etl.read_duckdb import Staged, drop_staged, stage_csv
from etl.retention import AGE_OF_ROW, PERSON_TABLES, apply_retention, cutoff
from etl.sources import LOAD_ORDER, SOURCES, Field, Source, source_for_filename
from etl.validate import Context, municipality_code, parse
from warehouse import checks
from warehouse.build import build_models, carry_forward_figures
from warehouse.checks import InvariantFailed
from warehouse.connection import (
    DB_FILENAME,
    published_database,
    sql_path,
)

SQL_TYPES = {"date": "DATE", "datetime": "TIMESTAMP", "int": "BIGINT", "decimal": "DOUBLE", "bool": "BOOLEAN"}
META_COLUMNS = {"_seq": "BIGINT", "_file": "VARCHAR", "_line": "INTEGER", "_load_id": "INTEGER"}
EXIT_BUSY = 4  # another load of this warehouse is running; this one did nothing
EXIT_WRITE = 5  # the disk is full (or memory ran out): nothing published, the published version unchanged
WORK_MEMORY = os.environ.get("RBL_LOAD_MEMORY", "512MB")  # DuckDB's share of a load's memory; it spills beyond
LOG_NAME = "load_log.jsonl"  # every attempt, also failed ones (the published database cannot hold those)


@dataclass
class FileReport:
    name: str
    source: str
    checksum: str
    read: int = 0
    loaded: int = 0
    updated: int = 0
    rejected: int = 0
    unchanged: int = 0  # a known key delivered again with the same values
    reader: str = ""  # "duckdb", or "csv: <why not DuckDB's reader>", or "xlsx" (load_log.jsonl)


def read_one(loader: Loader, report: FileReport, path: Path, source: Source, implied: dict[str, str],
             pseudonymiser: Pseudonymiser, index: int, rejects: list[tuple[str, int, str, str]]) -> None:
    """Read and validate one file into the load: DuckDB's reader when it is exact, else the csv module (or
    openpyxl) in batches; the rejects are the same either way (etl/read_duckdb.py)."""
    staged, file_rejects = loader.read_fast(path, source, implied, pseudonymiser, index)
    if staged.rows_read is not None:
        report.reader, report.read, report.rejected = "duckdb", staged.rows_read, len(file_rejects)
        rejects.extend(file_rejects)
        return
    report.reader = "xlsx" if staged.why_not == "xlsx" else f"csv: {staged.why_not}"
    for batch in read_file(path, source, implied, pseudonymiser, encoding=staged.encoding):
        file_rejects = loader.add_file(batch, index)
        report.read += batch.rows_read
        report.rejected += len(file_rejects)
        rejects.extend(file_rejects)


@dataclass
class LoadResult:
    published: bool
    exit_code: int
    message: str
    load_id: int | None = None
    files: list[FileReport] = field(default_factory=list)
    rejects: list[tuple[str, int, str, str]] = field(default_factory=list)  # file, line, source, reason
    duration_s: float = 0.0
    phases: dict[str, dict[str, float]] = field(default_factory=dict)  # phase -> cpu_s, wall_s (load_log.jsonl)


class Phases:
    """CPU (this process, DuckDB's threads included) and wall seconds per phase of a load, for the load log:
    what reading costs apart from building the marts (docs/performance.md)."""

    def __init__(self) -> None:
        self.times: dict[str, dict[str, float]] = {}
        self._cpu, self._wall = time.process_time(), time.monotonic()

    def mark(self, phase: str) -> None:
        cpu, wall = time.process_time(), time.monotonic()
        self.times[phase] = {"cpu_s": round(cpu - self._cpu, 2), "wall_s": round(wall - self._wall, 2)}
        self._cpu, self._wall = cpu, wall


def stored_columns(source: Source) -> dict[str, str]:
    """The columns of `stg_<source>` with their SQL types."""
    cols: dict[str, str] = {}
    for f in source.fields:
        if f.kind == "person":
            cols["person_id"] = "VARCHAR"
        elif f.kind == "birthdate":
            cols["geboortejaar"], cols["geboortemaand"] = "INTEGER", "INTEGER"
        else:
            cols[f.name] = SQL_TYPES.get(f.kind, "VARCHAR")
    for extra in source.stored_extra:
        cols[extra] = "VARCHAR"
    return cols


def _ddl(table: str, source: Source) -> str:
    cols = {**stored_columns(source), **META_COLUMNS}
    return f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in cols.items())})"


def discover(source_dir: Path) -> tuple[list[tuple[Path, Source, dict[str, str]]], list[str]]:
    """The data files of a folder in load order, and notes on what was skipped."""
    if not source_dir.is_dir():
        raise FileRefused(source_dir, "de map bestaat niet", "Geef een bestaande map met bronbestanden op")
    found, notes = [], []
    for path in sorted(source_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        check_file(path, source_dir)  # no links out of the folder, no files over the size limit
        if path.suffix.lower() not in DATA_SUFFIXES:
            notes.append(f"{path.name}: overgeslagen (geen .csv, .txt, .tsv of .xlsx)")
            continue
        match = source_for_filename(path.name)
        if match is None:
            raise FileRefused(path, "de naam hoort bij geen enkele bron",
                              "Laat de bestandsnaam beginnen met een bronnaam (bijv. verzuimmeldingen_2024-03.csv, "
                              "zie docs/sources.md) of haal het bestand uit de map")
        found.append((path, *match))
    found.sort(key=lambda item: (LOAD_ORDER.index(item[1].name), reading_order(item[0].name)))
    return found, notes


def reading_order(name: str) -> str:
    """Files of one source load as a person reads their names: `Verzuimmeldingen 2016-2017.csv` after
    `verzuimmeldingen_2015-2016.csv`, whatever the case or the separators."""
    return re.sub(r"[\s_\-.]+", "_", name.lower())


class Loader:
    """The state of one load: an in-memory work database with the published warehouse attached."""

    def __init__(self, warehouse_dir: Path, load_date: date) -> None:
        self.dir = warehouse_dir
        self.published = published_database(warehouse_dir)
        # The work database lives on disk beside the warehouse and DuckDB's memory is capped, so it evicts
        # and spills instead of growing: a load's memory stays flat whatever the size of the delivery
        # (docs/performance.md). The file is named so that its catalog is `memory`, as an in-memory one's.
        self.work_dir = warehouse_dir / f".work-{uuid.uuid4().hex}"
        self.work_dir.mkdir()
        self.work = duckdb.connect(str(self.work_dir / "memory.duckdb"), config={
            "memory_limit": WORK_MEMORY, "temp_directory": str(self.work_dir / "spill"),
            "preserve_insertion_order": False})
        self.has_old = self.published.exists()
        if self.has_old:
            self.work.execute(f"ATTACH {sql_path(self.published)} AS old (READ_ONLY)")
        self.load_id = self._next_load_id()
        self.ctx = Context(load_date)
        for source in SOURCES:
            self.work.execute(_ddl(f"new_{source.name}", source))
        self._refresh_municipalities()
        self.work.execute("CREATE TABLE rejects (file VARCHAR, line INTEGER, source VARCHAR, reason VARCHAR)")

    def _next_load_id(self) -> int:
        if not self.has_old:
            return 1
        return self.work.execute("SELECT coalesce(max(load_id), 0) + 1 FROM old.load_history").fetchone()[0]

    def _refresh_municipalities(self) -> None:
        """Participating municipalities: from loaded `gemeenten` (earlier loads and this one)."""
        union = "SELECT gemeente_code, naam, _seq FROM new_gemeenten"
        if self.has_old:
            union += " UNION ALL SELECT gemeente_code, naam, _seq FROM old.stg_gemeenten"
        rows = self.work.execute(
            f"SELECT gemeente_code, arg_max(naam, _seq) FROM ({union}) GROUP BY gemeente_code").fetchall()
        if rows:
            self.ctx.participating = dict(rows)

    def add_file(self, raw: RawFile, file_index: int) -> list[tuple[str, int, str, str]]:
        """Validate one batch read by the csv module or openpyxl into new_<source>; returns its rejects
        (file, line, source, reason)."""
        self._register_raw(raw)
        return self._validate("raw_file", raw.path, raw.source, file_index)

    def read_fast(self, path: Path, source: Source, implied: dict[str, str], pseudonymiser: Pseudonymiser,
                  file_index: int) -> tuple[Staged, list[tuple[str, int, str, str]]]:
        """Read and validate a whole CSV through DuckDB's reader when that is exact (etl/read_duckdb.py); when
        it is not, nothing is added and `Staged.why_not` says why."""
        staged = stage_csv(self.work, path, source, implied, pseudonymiser, self.work_dir)
        if staged.rows_read is None:
            return staged, []
        try:
            return staged, self._validate(RAW_STAGED, path, source, file_index, values_from=RAW_VALUES)
        finally:
            drop_staged(self.work)

    def _validate(self, relation: str, path: Path, source: Source, file_index: int,
                  values_from: str | None = None) -> list[tuple[str, int, str, str]]:
        """Parse and check the raw rows of `relation` in SQL and insert the good ones into new_<source>; each
        column's distinct values are collected from `values_from` (the same raw text), else `relation`."""
        names = [f.name for f in source.fields if f.kind != "person"]
        reason_parts = []
        for f in source.fields:
            if f.kind == "person":
                reason_parts.append("r._person_error")
                continue
            self._register_mapping(values_from or relation, f)
            reason_parts.append(f"m_{f.name}.err")
        joins = " ".join(f"LEFT JOIN map_{n} m_{n} ON m_{n}.raw IS NOT DISTINCT FROM r.{n}" for n in names)
        selects = ", ".join(f"m_{n}.val AS {n}" for n in names)
        if "gemeente_code_bron" in source.stored_extra:
            # the delivered code, before Altena's predecessors are restated (they would share one key)
            self._register_delivered_codes(values_from or relation)
            selects += ", m_bron.val AS gemeente_code_bron"
            joins += " LEFT JOIN map_bron m_bron ON m_bron.raw IS NOT DISTINCT FROM r.gemeente_code"
        cross = self._cross_checks(source)
        reason = f"coalesce({', '.join(reason_parts)}{', ' + cross if cross else ''})"
        self.work.execute(f"""CREATE OR REPLACE TEMP TABLE checked AS
            SELECT r._line, r.person_id, {selects}, {reason} AS reason FROM {relation} r {joins}""")
        rejects = self.work.execute("SELECT _line, reason FROM checked WHERE reason IS NOT NULL ORDER BY _line") \
            .fetchall()
        seq0 = self.load_id * 10**12 + file_index * 10**7
        typed = ", ".join(self._typed(source))
        self.work.execute(f"""INSERT INTO new_{source.name} BY NAME
            SELECT {typed}, {seq0} + _line AS _seq, ? AS _file, _line, {self.load_id} AS _load_id
            FROM checked WHERE reason IS NULL""", [path.name])
        if source.name == "gemeenten":
            self._refresh_municipalities()
        return [(path.name, line, source.name, r) for line, r in rejects]

    def _register_raw(self, raw: RawFile) -> None:
        arrays = {"_line": pa.array(raw.lines, pa.int32())}
        arrays.update({n: pa.array(v, pa.string()) for n, v in raw.columns.items()})
        n = raw.rows_read
        arrays["person_id"] = pa.array(raw.person_ids or [None] * n, pa.string())
        arrays["_person_error"] = pa.array(raw.person_errors or [None] * n, pa.string())
        self.work.register("raw_file", pa.table(arrays))

    def _register_mapping(self, relation: str, f: Field) -> None:
        """Parse each distinct raw value of a column once; rows join the result back in SQL."""
        distinct = [r[0] for r in self.work.execute(f"SELECT DISTINCT {f.name} FROM {relation}").fetchall()]
        parsed = [(v, *parse(f, v, self.ctx)) for v in distinct]
        table = pa.table({"raw": pa.array([p[0] for p in parsed], pa.string()),
                          "val": pa.array([p[1] for p in parsed], pa.string()),
                          "err": pa.array([p[2] for p in parsed], pa.string())})
        self.work.register(f"map_{f.name}", table)

    def _register_delivered_codes(self, relation: str) -> None:
        distinct = [r[0] for r in self.work.execute(
            f"SELECT DISTINCT gemeente_code FROM {relation} WHERE gemeente_code <> ''").fetchall()]
        self.work.register("map_bron", pa.table({
            "raw": pa.array(distinct, pa.string()),
            "val": pa.array([municipality_code(v, self.ctx, restate=False) for v in distinct], pa.string())}))

    @staticmethod
    def _cross_checks(source: Source) -> str:
        parts = [f"CASE WHEN CAST(m_{end}.val AS DATE) < CAST(m_{start}.val AS DATE) THEN "
                 f"'{end} (' || strftime(CAST(m_{end}.val AS DATE), '%d-%m-%Y') || ') ligt voor {start} (' || "
                 f"strftime(CAST(m_{start}.val AS DATE), '%d-%m-%Y') || ')' END"
                 for start, end in source.date_pairs]
        if source.name == "acties":
            parts.append("CASE WHEN m_zaak_id.val IS NULL AND m_meldingsnummer.val IS NULL THEN "
                         "'actie hoort bij geen zaak en geen melding: vul zaak_id of meldingsnummer' END")
        return ", ".join(parts)

    @staticmethod
    def _typed(source: Source) -> list[str]:
        out = []
        for f in source.fields:
            if f.kind == "person":
                out.append("person_id")
            elif f.kind == "birthdate":
                out.append(f"CAST(substr({f.name}, 1, 4) AS INTEGER) AS geboortejaar")
                out.append(f"CAST(substr({f.name}, 6, 2) AS INTEGER) AS geboortemaand")
            else:
                out.append(f"CAST({f.name} AS {SQL_TYPES.get(f.kind, 'VARCHAR')}) AS {f.name}")
        out.extend(source.stored_extra)  # derived columns, already computed in `checked`
        return out

    # --- merging and publishing ---

    def retention(self) -> tuple[date, int]:
        """The retention rule of this load: the first day kept, and the Doorstroompunt's upper age."""
        settings = load_settings()
        return (cutoff(self.ctx.load_date, int(settings.get("privacy", "bewaartermijn_schooljaren"))),
                int(settings.get("leeftijden", "doorstroompunt_max")))

    def merge_counts(self) -> dict[str, tuple[int, int, int]]:
        """Per file: (loaded, updated, unchanged). A row of a key not published before is loaded (the first
        of its key in this load) or an update (a later one). A row of a published key is unchanged when the
        key's row after the merge holds the published values (a delivery again, or an older state that the
        published one wins against), else an update. Onto a published version, a row of a new key that the
        retention rule removes in this same load (etl/retention.py) is unchanged too: it leaves the published
        version as it was, so the demo folder loaded again changes nothing (docs/operations.md)."""
        counts: dict[str, tuple[int, int, int]] = {}
        keep_from, max_age = self.retention()
        for source in SOURCES:
            key = ", ".join(source.key)
            values = f"hash({', '.join(stored_columns(source))})"
            on = " AND ".join(f"n.{k} IS NOT DISTINCT FROM {{t}}.{k}" for k in source.key)
            has_old = self.has_old and self._old_has(f"stg_{source.name}")
            comparable = has_old and self._old_columns(f"stg_{source.name}") == set(stored_columns(source))
            order = f"({source.order_by}) DESC NULLS LAST, " if source.order_by else ""
            if comparable:
                union = f"SELECT * FROM old.stg_{source.name} UNION ALL BY NAME SELECT * FROM new_{source.name}"
                joins = f"""
                    LEFT JOIN (SELECT DISTINCT ON ({key}) {key}, {values} AS h FROM old.stg_{source.name}) o
                        ON {on.format(t='o')}
                    LEFT JOIN (SELECT {key}, h FROM (SELECT {key}, {values} AS h, row_number() OVER (
                        PARTITION BY {key} ORDER BY {order}_seq DESC) AS r FROM ({union})) WHERE r = 1) w
                        ON {on.format(t='w')}"""
                present, same = "o.h IS NOT NULL", "w.h = o.h"
            elif has_old:
                joins = f"LEFT JOIN (SELECT DISTINCT {key}, true AS h FROM old.stg_{source.name}) o " \
                        f"ON {on.format(t='o')}"
                present, same = "o.h IS NOT NULL", "false"
            else:
                joins, present, same = "", "false", "false"
            expired = self._expired(source, keep_from, max_age) if self.has_old else "false"
            rows = self.work.execute(f"""
                SELECT n._file, count(*) FILTER (WHERE NOT ({present}) AND NOT n.earlier AND NOT n.gone),
                       count(*) FILTER (WHERE ({present} AND {same}) OR (NOT ({present}) AND n.gone)), count(*)
                FROM (SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY _seq) > 1 AS earlier,
                             coalesce(bool_or(_win = 1 AND _expired) OVER (PARTITION BY {key}), false) AS gone
                      FROM (SELECT *, ({expired}) AS _expired,
                                   row_number() OVER (PARTITION BY {key} ORDER BY {order}_seq DESC) AS _win
                            FROM new_{source.name})) n {joins}
                GROUP BY n._file""").fetchall()
            for name, loaded, unchanged, total in rows:
                counts[name] = (loaded, total - loaded - unchanged, unchanged)
        return counts

    def _expired(self, source: Source, keep_from: date, max_age: int) -> str:
        """SQL over a row of new_<source>: true when the retention rule removes it in this load, were it the
        row of its key after the merge (only asked of keys not published before). For a person: nothing of them
        can remain (no published row in any person table, no new row there that the rule keeps) and they were
        past the Doorstroompunt's age at the cutoff; when in doubt, false (the load then rebuilds)."""
        keep = f"DATE '{keep_from.isoformat()}'"
        table = f"stg_{source.name}"
        if table in AGE_OF_ROW:
            return f"{AGE_OF_ROW[table]} < {keep}"
        if source.name != "personen":
            return "false"
        remains = [f"SELECT person_id FROM new_{t.removeprefix('stg_')} WHERE NOT coalesce({AGE_OF_ROW[t]} < {keep}, "
                   "false)" for t in PERSON_TABLES]
        remains += [f"SELECT person_id FROM old.{t}" for t in PERSON_TABLES if self._old_has(t)]
        return (f"person_id NOT IN ({' UNION '.join(remains)}) AND year({keep}) - geboortejaar - "
                f"CASE WHEN month({keep}) < geboortemaand THEN 1 ELSE 0 END > {int(max_age)}")

    def _old_columns(self, table: str) -> set[str]:
        return {r[0] for r in self.work.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' AND table_name = ? "
            "AND column_name NOT LIKE '\\_%' ESCAPE '\\'", [table]).fetchall()}

    def build(self, build_path: Path, history: dict) -> None:
        self.work.execute(f"ATTACH {sql_path(build_path)} AS nw")
        for source in SOURCES:
            self._merge_source(source)
        keep_from, max_age = self.retention()
        self.retention_removed = apply_retention(self.work, "nw", keep_from, max_age)
        self._write_history(history)
        self._write_fingerprint(history["fingerprint"])
        fault("merged")
        build_models(self.work, "nw", self.ctx.load_date, "old" if self.has_old else None)
        carry_forward_figures(self.work, "nw", "old", keep_from)
        check_invariants(self.work, "nw")
        self.work.execute("CHECKPOINT nw")
        self.work.execute("DETACH nw")

    def _merge_source(self, source: Source) -> None:
        self.work.execute(_ddl(f"nw.stg_{source.name}", source))
        union = f"SELECT * FROM new_{source.name}"
        if self.has_old and self._old_has(f"stg_{source.name}"):
            if not self.work.execute(f"SELECT count(*) FROM new_{source.name}").fetchone()[0]:
                # nothing delivered for this source: the published rows, one per key already (incremental loads)
                self.work.execute(f"INSERT INTO nw.stg_{source.name} BY NAME SELECT * FROM old.stg_{source.name}")
                return
            union = f"SELECT * FROM old.stg_{source.name} UNION ALL BY NAME " + union
        order = f"({source.order_by}) DESC NULLS LAST, " if source.order_by else ""
        self.work.execute(f"""INSERT INTO nw.stg_{source.name} BY NAME
            SELECT * EXCLUDE (_rank) FROM (
                SELECT *, row_number() OVER (PARTITION BY {', '.join(source.key)}
                                             ORDER BY {order}_seq DESC) AS _rank
                FROM ({union})) WHERE _rank = 1""")

    def _old_has(self, table: str) -> bool:
        return bool(self.work.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' AND table_name = ?", [table]
        ).fetchone()[0])

    def unchanged_since_publish(self, fingerprint: str) -> bool:
        """True when the published version was built by the same code, settings and load date from the same
        rows: this load only delivered rows again as they were (or rejected ones)."""
        if not (self.has_old and self._old_has("load_build")):
            return False
        return self.work.execute("SELECT any_value(fingerprint) FROM old.load_build").fetchone()[0] == fingerprint

    def reuse(self, build_path: Path, history: dict) -> None:
        """The published version again, with this load in its history: nothing to merge, model or compute
        (incremental publishing: docs/performance.md)."""
        shutil.copyfile(self.published, build_path)
        self.work.execute(f"ATTACH {sql_path(build_path)} AS nw")
        for table in ("load_history", "load_files"):  # a version from before this column
            self.work.execute(f"ALTER TABLE nw.{table} ADD COLUMN IF NOT EXISTS rows_unchanged BIGINT")
        self._append_history(history)
        self.work.execute("CHECKPOINT nw")
        self.work.execute("DETACH nw")

    def _write_fingerprint(self, fingerprint: str) -> None:
        self.work.execute("CREATE TABLE nw.load_build AS SELECT ? AS fingerprint", [fingerprint])

    def _write_history(self, history: dict) -> None:
        w = self.work
        w.execute("""CREATE TABLE nw.load_history (load_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP,
            load_date DATE, source_dir VARCHAR, files INTEGER, rows_read BIGINT, rows_loaded BIGINT,
            rows_updated BIGINT, rows_rejected BIGINT, duration_s DOUBLE, result VARCHAR, rows_unchanged BIGINT)""")
        w.execute("""CREATE TABLE nw.load_files (load_id INTEGER, file VARCHAR, source VARCHAR, checksum VARCHAR,
            rows_read BIGINT, rows_loaded BIGINT, rows_updated BIGINT, rows_rejected BIGINT, rows_unchanged BIGINT)""")
        w.execute("CREATE TABLE nw.load_rejects (load_id INTEGER, file VARCHAR, line INTEGER, source VARCHAR, "
                  "reason VARCHAR)")
        if self.has_old:
            for t in ("load_history", "load_files", "load_rejects"):
                w.execute(f"INSERT INTO nw.{t} BY NAME SELECT * FROM old.{t}")  # older ones lack rows_unchanged
        self._append_history(history)

    def _append_history(self, history: dict) -> None:
        w = self.work
        w.execute("INSERT INTO nw.load_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'gepubliceerd', ?)",
                  [self.load_id, history["started_at"], datetime.now(), self.ctx.load_date, history["source_dir"],
                   len(history["files"]), *history["totals"][:4], time.monotonic() - history["t0"],
                   history["totals"][4]])
        for fr in history["files"]:
            w.execute("INSERT INTO nw.load_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [self.load_id, fr.name, fr.source, fr.checksum, fr.read, fr.loaded, fr.updated, fr.rejected,
                       fr.unchanged])
        w.execute(f"INSERT INTO nw.load_rejects SELECT {self.load_id}, file, line, source, reason FROM rejects")

    def close(self) -> None:
        self.work.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)


def check_invariants(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """The warehouse's invariants (warehouse.checks), with the staging tables' keys from the source contract."""
    checks.check_invariants(con, catalog, {f"stg_{s.name}": s.key for s in SOURCES})


def _checksum(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:16]


def _log_attempt(warehouse_dir: Path, record: dict) -> None:
    with open(warehouse_dir / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")


def build_fingerprint(load_date: date) -> str:
    """What a published version's figures depend on besides its rows: the load date, the code that validates,
    models and computes (etl/, warehouse/), the settings and DuckDB's version. Equal fingerprints and no
    changed row mean equal figures."""
    from config.settings import DEFAULT_FILE

    project = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{load_date.isoformat()}|{duckdb.__version__}".encode())
    settings = Path(os.environ.get("RBL_SETTINGS") or DEFAULT_FILE)
    code = sorted(p for folder in ("etl", "warehouse", "config") for p in (project / folder).rglob("*")
                  if p.is_file() and p.suffix in (".py", ".sql", ".csv", ".toml") and "demo" not in p.parts)
    for path in [*code, settings]:
        digest.update(str(path.relative_to(project) if path.is_relative_to(project) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def _progress(quiet: bool) -> Callable[[str], None]:
    if quiet or os.environ.get("CI"):
        return lambda _msg: None
    return lambda msg: print(msg, file=sys.stderr, flush=True)


def run_load(source_dir: Path | str, warehouse_dir: Path | str, report_path: Path | str | None = None,
             quiet: bool = False, load_date: date | None = None) -> LoadResult:
    """Load every file of `source_dir` into the warehouse in `warehouse_dir` and publish it."""
    source_dir, warehouse_dir = Path(source_dir), Path(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    t0, started = time.monotonic(), datetime.now()
    say = _progress(quiet)
    with open(warehouse_dir / ".load.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return LoadResult(False, EXIT_BUSY, f"Er loopt al een lading in {warehouse_dir}; deze lading is niet "
                              "gestart. Wacht tot de andere lading klaar is en start deze daarna opnieuw.")
        phases = Phases()
        try:
            result = _run_locked(source_dir, warehouse_dir, load_date or date.today(), say, t0, started, phases)
        except OSError as exc:
            if not _disk_full(exc):
                raise
            result = _disk_full_result(warehouse_dir)
        except duckdb.OutOfMemoryException:
            sweep_leftovers(warehouse_dir)
            result = LoadResult(False, EXIT_WRITE, f"Te weinig geheugen voor deze lading (grens {WORK_MEMORY}): er is "
                                "niets gepubliceerd; het warehouse is ongewijzigd. Zet RBL_LOAD_MEMORY hoger (bijv. "
                                "RBL_LOAD_MEMORY=8GB) en laad opnieuw.")
        except duckdb.Error as exc:
            if not _disk_full(exc):
                raise
            result = _disk_full_result(warehouse_dir)
    result.duration_s = time.monotonic() - t0
    result.phases = phases.times
    if report_path is not None:
        write_report(Path(report_path), result.rejects)
    try:
        _log_attempt(warehouse_dir, {"load_id": result.load_id, "started_at": started, "result": result.exit_code,
                                     "message": result.message, "phases": result.phases,
                                     "files": [f.__dict__ for f in result.files]})
    except OSError as exc:  # a full disk may refuse even this line; the result still says what happened
        if not _disk_full(exc):
            raise
    return result


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return any(s in str(exc) for s in ("No space left on device", "Disk quota exceeded"))


def _disk_full_result(warehouse_dir: Path) -> LoadResult:
    sweep_leftovers(warehouse_dir)  # frees what the failed build wrote
    return LoadResult(False, EXIT_WRITE, f"De schijf van {warehouse_dir} is vol: de lading is gestopt en er is niets "
                      "gepubliceerd; het warehouse is ongewijzigd. Maak ruimte vrij (een lading heeft ongeveer "
                      "twee keer de grootte van het warehouse nodig) en laad opnieuw.")


def _run_locked(source_dir: Path, warehouse_dir: Path, load_date: date, say: Callable[[str], None],
                t0: float, started: datetime, phases: Phases) -> LoadResult:
    loader: Loader | None = None
    reports: list[FileReport] = []
    rejects: list[tuple[str, int, str, str]] = []
    sweep_leftovers(warehouse_dir)  # a load that was killed cannot clean up after itself
    try:
        files, notes = discover(source_dir)
        for note in notes:
            say(note)
        loader = Loader(warehouse_dir, load_date)
        pseudonymiser = Pseudonymiser()  # one per load: a person number is hashed once, whatever file it is in
        phases.mark("start")
        for index, (path, source, implied) in enumerate(files):
            say(f"[{index + 1}/{len(files)}] {path.name} ({source.name}) ...")
            try:
                report = FileReport(path.name, source.name, _checksum(path))
                read_one(loader, report, path, source, implied, pseudonymiser, index, rejects)
            except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:  # moved or locked by another
                raise FileRefused(path, "het bestand is tijdens het laden verdwenen of niet meer leesbaar",
                                  "Zet het bestand terug (of haal het uit de map) en laad opnieuw") from exc
            check_rejects(path, report.rejected)
            reports.append(report)
            fault("read")
        phases.mark("read_validate")
        if rejects:
            loader.work.executemany("INSERT INTO rejects VALUES (?, ?, ?, ?)", rejects)
        counts = loader.merge_counts()
        phases.mark("compare")
        for fr in reports:
            fr.loaded, fr.updated, fr.unchanged = counts.get(fr.name, (0, 0, 0))
        totals = [sum(getattr(f, a) for f in reports) for a in ("read", "loaded", "updated", "rejected", "unchanged")]
        version = new_version(warehouse_dir, loader.load_id)
        history = {"started_at": started, "source_dir": source_dir.name, "files": reports, "totals": totals,
                   "t0": t0, "fingerprint": build_fingerprint(load_date)}
        previous = loader.published.parent
        if totals[1] == totals[2] == 0 and loader.unchanged_since_publish(history["fingerprint"]):
            say("niets veranderd: de gepubliceerde cijfers blijven, alleen de laadhistorie groeit ...")
            loader.reuse(version / DB_FILENAME, history)
            loader.close()
            loader = None
            phases.mark("reuse")
            fault("built")
            link_facts(previous, version)
        else:
            say("modellen en KPI's opbouwen ...")
            loader.build(version / DB_FILENAME, history)
            loader.close()
            loader = None
            phases.mark("build")
            fault("built")
            export_facts(version, previous)
        phases.mark("facts")
        fault("facts")
        publish(warehouse_dir, version)
        phases.mark("publish")
        return LoadResult(True, 0, f"Gepubliceerd: lading {version.name}, {len(reports)} bestanden, "
                          f"{totals[0]} regels gelezen, {totals[1]} geladen, {totals[2]} bijgewerkt, "
                          f"{totals[4]} ongewijzigd, {totals[3]} afgekeurd.", int(version.name), reports, rejects)
    except FileRefused as exc:
        return LoadResult(False, 2, f"Bestand geweigerd, er is niets gepubliceerd. {exc.path.name}: "
                          f"{exc.problem}. {exc.fix}.", None, reports, rejects)
    except InvariantFailed as exc:
        return LoadResult(False, 3, f"Controle mislukt, er is niets gepubliceerd: {exc}", None, reports, rejects)
    finally:
        if loader is not None:
            loader.close()
        sweep_leftovers(warehouse_dir)


def write_report(path: Path, rejects: list[tuple[str, int, str, str]]) -> None:
    """The rejected rows as CSV `file,line,source,reason` (never a person number)."""
    import csv

    from warehouse.spreadsheet import safe_text

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "line", "source", "reason"])
        writer.writerows((safe_text(f), line, safe_text(s), safe_text(r)) for f, line, s, r in rejects)
