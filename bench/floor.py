"""`python -m bench.floor SRC OUT`: the floor of a load, DuckDB's own `read_csv` -> Parquet of every CSV file."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from warehouse.connection import sql_path


def main(src: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for path in sorted(src.glob("*.csv")):
        con.execute(f"COPY (SELECT * FROM read_csv({sql_path(path)}, all_varchar = true, ignore_errors = true)) "
                    f"TO {sql_path(out / (path.stem + '.parquet'))} (FORMAT parquet)")
    con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
