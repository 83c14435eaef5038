"""Invariants checked on a database before it is published; a failure publishes nothing."""

from __future__ import annotations

import duckdb


class InvariantFailed(Exception):
    pass


def check_invariants(con: duckdb.DuckDBPyConnection, catalog: str, keys: dict[str, tuple[str, ...]]) -> None:
    """`keys`: staging table -> its key columns (the source contract, etl.sources, passed in by the load)."""
    failures: list[str] = []
    for table, key in keys.items():
        dup = con.execute(f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {catalog}.{table} "
                          f"GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
        if dup:
            failures.append(f"{table}: {dup} sleutels komen meer dan eens voor")
    queries = {
        "a person number in clear text": f"""SELECT count(*) FROM {catalog}.int_persons
            WHERE NOT regexp_full_match(person_id, '[0-9a-f]{{32}}')""",
        "negative absence hours": f"SELECT count(*) FROM {catalog}.stg_verzuimmeldingen WHERE verzuimuren < 0",
        "FTE outside 0-1.5": f"SELECT count(*) FROM {catalog}.stg_medewerkers WHERE fte < 0 OR fte > 1.5",
        "cost split not adding up to the budget": f"""
            SELECT count(*) FROM {catalog}.int_budget b JOIN {catalog}.mart_kpi_values k
              ON k.kpi_id = 'kostenverdeling' AND k.period = CAST(b.budget_year AS VARCHAR)
             AND k.municipality_code = 'REGIO' AND k.breakdown = 'uitvoeringsniveau=' || b.level
            WHERE k.value IS NOT NULL AND round(k.value * 100) <> b.amount_cents""",
        "a municipal figure for a municipality that does not take part": f"""
            SELECT count(*) FROM {catalog}.mart_kpi_values WHERE municipality_code <> 'REGIO'
              AND municipality_code NOT IN (SELECT gemeente_code FROM {catalog}.int_municipalities)""",
    }
    for label, sql in queries.items():
        n = con.execute(sql).fetchone()[0]
        if n:
            failures.append(f"{label}: {n}")
    if failures:
        raise InvariantFailed("; ".join(failures))
