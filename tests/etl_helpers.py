"""Small helpers for ETL tests: write a folder of source files, load it, look inside."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from etl.load import LoadResult, run_load

LOAD_DATE = date(2025, 11, 15)
# BSNs from the government's test range (9999...), all passing the eleven test.
BSN_A, BSN_B, BSN_C = "999990019", "999990020", "999990032"


def write_files(folder: Path, files: dict[str, str | bytes], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode(encoding)
        (folder / name).write_bytes(data)
    return folder


def load(src: Path, wh: Path, **kwargs) -> LoadResult:
    kwargs.setdefault("load_date", LOAD_DATE)
    return run_load(src, wh, quiet=True, **kwargs)


def query(wh: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
