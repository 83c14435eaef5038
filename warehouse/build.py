"""Build the models (int_ from stg_) and the marts (mart_ from int_ and the KPI registry) in a
database that is being prepared for publishing."""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from config.municipalities import DEFAULT_MUNICIPALITIES
from config.settings import DEFAULT_FILE, load_settings
from warehouse.kpi_engine import rows_sql
from warehouse.kpis import KPIS
from warehouse.periods import QUARTER, period_bounds, quarter_bounds, quarter_of, shift_quarter
from warehouse.registry import Kpi, period_kinds

MODELS_DIR = Path(__file__).resolve().parent / "models"
# person-level facts that are also written as Parquet (pseudonymised)
PARQUET_MODELS = ("int_persons", "int_enrolments", "int_reports", "int_cases", "int_actions", "int_exemptions",
                  "int_trajectories", "int_vsv", "int_start_population")


def build_models(con: duckdb.DuckDBPyConnection, catalog: str, load_date: date, published: str | None = None) -> None:
    """The models and the marts in `catalog`. `published`: the attached published database, whose figures the
    marts take over where this build's rows cannot change them (incremental marts, `build_marts`)."""
    con.execute(f"USE {catalog}")
    for sql_file in sorted(MODELS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
        if sql_file.name.startswith("10_"):
            _default_municipalities(con)
    build_marts(con, load_date, published)
    con.execute("USE memory")


def _default_municipalities(con: duckdb.DuckDBPyConnection) -> None:
    """Until a `gemeenten` file is loaded, the 16 municipalities of domain.md take part."""
    if con.execute("SELECT count(*) FROM int_municipalities").fetchone()[0]:
        return
    con.executemany("INSERT INTO int_municipalities VALUES (?, ?, ?, NULL, NULL)",
                    [(c, n, lvl) for c, (n, lvl) in DEFAULT_MUNICIPALITIES.items()])


def standard_periods(con: duckdb.DuckDBPyConnection, load_date: date) -> dict[str, list[str]]:
    """The periods precomputed for the pages: every school year with reports, cases or trajectories up to
    the load date (and population, where any is loaded), every count year and budget year loaded, every
    calendar quarter of a school year with events that began on or before the load date (the running one
    too: it is shown as partial, warehouse.coverage), and as reference dates 1 October of each of those
    school years and the last day of each of those quarters up to the load date, and the load date."""
    # school years with events up to the load date; where population is loaded, only those it covers
    rows = con.execute("""
        WITH events AS (
            SELECT DISTINCT school_year_of(d) AS sy FROM (
                SELECT report_date AS d FROM int_reports UNION ALL SELECT start_date FROM int_cases
                UNION ALL SELECT start_date FROM int_trajectories)
            WHERE d <= ?),
        counted AS (SELECT DISTINCT school_year_of(peildatum) AS sy FROM int_population)
        SELECT sy, sy IN (SELECT sy FROM counted) OR NOT EXISTS (SELECT 1 FROM counted)
        FROM events ORDER BY 1""", [load_date]).fetchall()
    school_years = [sy for sy, counted in rows if counted]
    count_years = [r[0] for r in con.execute(
        "SELECT DISTINCT count_year FROM int_start_population UNION SELECT DISTINCT count_year FROM int_vsv "
        "ORDER BY 1").fetchall()]
    budget_years = [str(r[0]) for r in con.execute(
        "SELECT DISTINCT budget_year FROM int_budget ORDER BY 1").fetchall()]
    # a quarter takes the population of 1 January of its own year, so the current school year's quarters have
    # figures before that school year's population (1 January inside it) exists
    quarters = started_quarters([sy for sy, _ in rows], load_date)
    ends = {quarter_bounds(q)[1] for q in quarters}
    dates = sorted({f"{sy[:4]}-10-01" for sy in school_years if date(int(sy[:4]), 10, 1) <= load_date}
                   | {d.isoformat() for d in ends if d <= load_date} | {load_date.isoformat()})
    return {"schooljaar": school_years, "teljaar": count_years, "begrotingsjaar": budget_years, "peildatum": dates,
            QUARTER: quarters}


def started_quarters(school_years: list[str], load_date: date) -> list[str]:
    """The calendar quarters inside the given school years that began on or before the load date. The running
    quarter is among them: its figures are partial and say so ("t/m <datum>", warehouse.coverage), and pages
    open on the latest complete one."""
    out: list[str] = []
    for sy in school_years:
        q = quarter_of(date(int(sy[:4]), 8, 1))  # K3: July lies before the school year, August in it
        while quarter_bounds(q)[0] <= date(int(sy[:4]) + 1, 7, 31) and quarter_bounds(q)[0] <= load_date:
            if q not in out:
                out.append(q)
            q = shift_quarter(q, 1)
    return out


# Incremental marts. A figure of a period is a function of the period and the rows its SQL reads, so where no row
# it can reach changed since the published version (built by the same code and settings), its published value is
# taken over instead of computed again. Which periods a changed row can reach: every period that ends on or after
# the first day the row can count for (below). A period that ends before that day cannot see the row: every
# figure counts a row in periods from its earliest date on (reported, started, active on, enrolled on, counted
# on, ...); a KPI that looks at rows after its period's end says how far (`Kpi.reaches_back_days`, recidive).
# A model table that is not listed, and every other table (stg_, load_), reaches all periods when it changed.
FIRST_DAY = {
    "int_reports": "least(report_date, closing_date, first_action_date)",
    "int_cases": "least(start_date, end_date)",
    "int_actions": "action_date",
    "int_exemptions": "least(start_date, end_date, requested_on)",
    "int_trajectories": "least(start_date, first_contact_date, end_date)",
    "int_enrolments": "least(start_date, end_date)",  # "the last enrolment before d" reaches every later period
    "int_staff_assignments": "least(start_date, end_date)",
    "int_contact_persons": "least(start_date, end_date)",
    "int_population": "peildatum",  # a period's population date lies on or before its end
    "int_persons": "make_date(birth_year, birth_month, 1)",  # counted from an age of at least 0 on
    "int_vsv": "make_date(CAST(left(count_year, 4) AS INTEGER), 10, 1)",  # the count year's first day
    "int_start_population": "make_date(CAST(left(count_year, 4) AS INTEGER), 10, 1)",
    "int_budget": "make_date(CAST(budget_year AS INTEGER), 1, 1)",
}
EVER = date(1, 1, 1)  # a change that reaches every period
BUILD_LOG = """CREATE TABLE mart_build_log (kpi_id VARCHAR, period_kind VARCHAR, computed VARCHAR[], taken_over INTEGER,
                                          seconds DOUBLE)"""


def marts_fingerprint() -> str:
    """What figures depend on besides the rows: the warehouse's code and SQL, the settings and DuckDB's version.
    Published figures are only taken over from a version with the same fingerprint."""
    project = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(duckdb.__version__.encode())
    code = sorted(p for folder in ("warehouse", "config") for p in (project / folder).rglob("*")
                  if p.is_file() and p.suffix in (".py", ".sql", ".csv", ".toml"))
    for path in [*code, Path(os.environ.get("RBL_SETTINGS") or DEFAULT_FILE)]:
        digest.update(str(path.relative_to(project) if path.is_relative_to(project) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


@dataclass
class Reuse:
    """What the published version (attached as `published`) offers this build: per table the first day a
    changed row can count for (absent: the table is unchanged), and the periods it holds figures of."""

    published: str
    first_day: dict[str, date] = field(default_factory=dict)
    periods: set[tuple[str, str]] = field(default_factory=set)


def tables_read(sql: str, tables: list[str]) -> set[str]:
    """Which of `tables` the SQL reads (found by name: models and tables are named int_, stg_, load_...)."""
    return {t for t in tables if re.search(rf"\b{t}\b", sql)}


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
                       "ORDER BY column_index", [catalog, table]).fetchall()


def _first_changed_day(con: duckdb.DuckDBPyConnection, published: str, table: str) -> date | None:
    """The first day a row of `table` that differs from the published one can count for: None when the table
    holds exactly the published rows, EVER when any period may be reached (or the table is not a dated model)."""
    here = con.execute("SELECT current_database()").fetchone()[0]
    columns = _columns(con, here, table)
    if not table.startswith("int_") or columns != _columns(con, published, table):
        return EVER
    # one scan per side first: the row count and two sums of row hashes (a multiset fingerprint); equal -> the
    # same rows (a false match needs two 64-bit hash sums to collide at once)
    row = ", ".join(f'"{c}"' for c, _ in columns)
    sums = f"SELECT count(*), sum(hash({row})::HUGEINT), sum(hash({row}, 'rbl')::HUGEINT) FROM {{t}}"
    if con.execute(sums.format(t=table)).fetchone() == con.execute(sums.format(t=f"{published}.{table}")).fetchone():
        return None
    first = FIRST_DAY.get(table)
    if first is None:
        return EVER
    diff = f"""(SELECT * FROM {table} EXCEPT ALL SELECT * FROM {published}.{table})
               UNION ALL (SELECT * FROM {published}.{table} EXCEPT ALL SELECT * FROM {table})"""
    changed, day = con.execute(f"SELECT count(*) > 0, min(coalesce({first}, DATE '0001-01-01')) FROM ({diff})") \
        .fetchone()
    return day if changed else None


def plan_reuse(con: duckdb.DuckDBPyConnection, published: str | None, fingerprint: str,
               tables: set[str]) -> Reuse | None:
    """What can be taken over from the published version for figures that read `tables`, or None when nothing
    can: there is none, or it was built by other code or settings (or before incremental marts)."""
    if published is None or not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'mart_build'",
            [published]).fetchone()[0]:
        return None
    if con.execute(f"SELECT any_value(fingerprint) FROM {published}.mart_build").fetchone()[0] != fingerprint:
        return None
    reuse = Reuse(published, periods=set(con.execute(f"SELECT * FROM {published}.mart_periods").fetchall()))
    old = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                     [published]).fetchall()}
    for table in sorted(tables):
        day = _first_changed_day(con, published, table) if table in old else EVER
        if day is not None:
            reuse.first_day[table] = day
    return reuse


def periods_to_compute(reuse: Reuse | None, tables: set[str], kpi: Kpi, kind: str, periods: list[str]) -> list[str]:
    """The periods whose figures of this KPI must be computed: all without a published version to take over
    from; else those the published version lacks and those that end on or after the first day a changed row
    of a table the KPI reads can count for (less the days the KPI reaches back)."""
    if reuse is None:
        return list(periods)
    days = [reuse.first_day[t] for t in tables if t in reuse.first_day]
    first = min(days, default=None)
    if first is not None and first != EVER:
        first -= timedelta(days=kpi.reaches_back_days)
    return [p for p in periods if (kind, p) not in reuse.periods
            or (first is not None and period_bounds(kind, p)[1] >= first)]


def build_marts(con: duckdb.DuckDBPyConnection, load_date: date, published: str | None = None) -> None:
    """Every KPI over the standard periods into `mart_kpi_values`, and `mart_build_log` saying per KPI and period
    kind which periods were computed and how many taken over from the published version (`published`)."""
    settings = load_settings()
    periods = standard_periods(con, load_date)
    fingerprint = marts_fingerprint()
    jobs = [(kpi, kind) for kpi in KPIS.values() for kind in period_kinds(kpi) if periods[kind]]
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
    reads = {(kpi.id, kind): tables_read(rows_sql(kpi, kind, periods[kind][:1], settings), tables)
             for kpi, kind in jobs}
    reuse = plan_reuse(con, published, fingerprint, set().union(*reads.values()))
    con.execute("CREATE TABLE mart_periods (period_kind VARCHAR, period VARCHAR)")
    con.executemany("INSERT INTO mart_periods VALUES (?, ?)", [(k, p) for k, ps in periods.items() for p in ps])
    con.execute("""CREATE TABLE mart_kpi_values (kpi_id VARCHAR, period VARCHAR, municipality_code VARCHAR,
                   breakdown VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE)""")
    con.execute(BUILD_LOG)
    # the tables found unchanged since the published version (their Parquet facts can be linked, etl.publish)
    con.execute("CREATE TABLE mart_build_tables (table_name VARCHAR, changed BOOLEAN, first_day DATE)")
    if reuse is not None:
        read = sorted(set().union(*reads.values()))
        con.executemany("INSERT INTO mart_build_tables VALUES (?, ?, ?)",
                        [(t, t in reuse.first_day, reuse.first_day.get(t)) for t in read])
    for kpi, kind in jobs:  # straight from SQL into the mart: no rows through Python
        t0 = time.perf_counter()
        todo = periods_to_compute(reuse, reads[(kpi.id, kind)], kpi, kind, periods[kind])
        if todo:
            con.execute(f"INSERT INTO mart_kpi_values {rows_sql(kpi, kind, todo, settings)}")
        kept = [p for p in periods[kind] if p not in todo]
        if reuse is not None and kept:
            con.execute(f"""INSERT INTO mart_kpi_values SELECT * FROM {reuse.published}.mart_kpi_values
                            WHERE kpi_id = ? AND list_contains(?, period)""", [kpi.id, kept])
        con.execute("INSERT INTO mart_build_log VALUES (?, ?, ?, ?, ?)",
                    [kpi.id, kind, todo, len(kept), time.perf_counter() - t0])
    con.execute("CREATE TABLE mart_meta AS SELECT ? AS load_date", [load_date])
    con.execute("CREATE TABLE mart_build AS SELECT ? AS fingerprint", [fingerprint])


def carry_forward_figures(con: duckdb.DuckDBPyConnection, catalog: str, published: str, keep_from: date) -> None:
    """Figures of periods whose rows fell out of the retention window stay as they were published: copy them
    from the published database (attached as `published`) into the marts being built in `catalog`. A period
    that ended before `keep_from` lost its rows, so its figures stay; one that merely has no data any more (a
    corrected delivery) is gone for good. The period's end is warehouse.periods' own definition."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
                       [published, "mart_kpi_values"]).fetchone()[0]:
        return
    gone = con.execute(f"""SELECT o.period_kind, o.period FROM {published}.mart_periods o
        WHERE NOT EXISTS (SELECT 1 FROM {catalog}.mart_periods n WHERE n.period_kind = o.period_kind
                                                                  AND n.period = o.period)""").fetchall()
    retired = [(kind, period) for kind, period in gone if period_bounds(kind, period)[1] < keep_from]
    if not retired:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE retired (period_kind VARCHAR, period VARCHAR)")
    con.executemany("INSERT INTO retired VALUES (?, ?)", retired)
    con.execute("CREATE OR REPLACE TEMP TABLE kpi_kinds (kpi_id VARCHAR, period_kind VARCHAR)")
    con.executemany("INSERT INTO kpi_kinds VALUES (?, ?)",
                    [(k.id, kind) for k in KPIS.values() for kind in period_kinds(k)])
    con.execute(f"INSERT INTO {catalog}.mart_periods SELECT * FROM retired")
    con.execute(f"""INSERT INTO {catalog}.mart_kpi_values SELECT k.* FROM {published}.mart_kpi_values k
                    JOIN kpi_kinds USING (kpi_id) JOIN retired r USING (period_kind, period)""")
    con.execute("DROP TABLE retired; DROP TABLE kpi_kinds")
