"""Read-only access to the published warehouse, safe across threads and atomic swaps.

The ETL never writes the live file: it builds a new one and `os.replace`s it. Readers keep one
in-memory DuckDB per process with the published file ATTACHed read-only, and re-attach when the
file's inode or mtime changes (platform.md: a plain `duckdb.connect(path)` would return a cached,
stale database after a swap). Each call runs on its own cursor, because a DuckDB connection
cannot be shared between threads.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

DB_FILENAME = "warehouse.duckdb"


class WarehouseMissing(RuntimeError):
    """No warehouse has been published in this folder yet."""


def sql_path(path: str | os.PathLike[str]) -> str:
    """A file path as a SQL string literal (DuckDB's ATTACH and COPY take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def database_path(warehouse_dir: str | os.PathLike[str]) -> Path:
    return Path(warehouse_dir) / DB_FILENAME


class Warehouse:
    """One published warehouse folder, opened read-only; reopened after every new publish."""

    def __init__(self, warehouse_dir: str | os.PathLike[str]) -> None:
        self.dir = Path(warehouse_dir)
        self.path = database_path(self.dir)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None

    def _file_stamp(self) -> tuple[int, int]:
        try:
            st = self.path.stat()
        except FileNotFoundError as exc:
            raise WarehouseMissing(
                f"Er is nog geen warehouse in {self.dir}: laad eerst bronbestanden met "
                f"`python -m etl load MAP --warehouse {self.dir}` (of `make run` voor de demo)."
            ) from exc
        return st.st_ino, st.st_mtime_ns

    @property
    def version(self) -> str:
        """Changes with every publish: a cache key for anything derived from the warehouse."""
        ino, mtime = self._file_stamp()
        return f"{ino}-{mtime}"

    def _connection(self) -> duckdb.DuckDBPyConnection:
        stamp = self._file_stamp()
        with self._lock:
            if self._con is None or stamp != self._stamp:
                if self._con is not None:
                    self._con.close()
                con = duckdb.connect()
                con.execute(f"ATTACH {sql_path(self.path)} AS wh (READ_ONLY)")
                con.execute("USE wh")
                self._con, self._stamp = con, stamp
            return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._connection().cursor()
        cur.execute("USE wh")
        return cur

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con, self._stamp = None, None
