"""Build the models (int_ from stg_) and the marts (mart_ from int_ and the KPI registry) in a
database that is being prepared for publishing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from config.municipalities import DEFAULT_MUNICIPALITIES
from config.settings import load_settings
from warehouse.kpi_engine import rows_sql
from warehouse.kpis import KPIS
from warehouse.periods import QUARTER, period_bounds, quarter_bounds, quarter_of, shift_quarter
from warehouse.registry import period_kinds

MODELS_DIR = Path(__file__).resolve().parent / "models"
# person-level facts that are also written as Parquet (pseudonymised)
PARQUET_MODELS = ("int_persons", "int_enrolments", "int_reports", "int_cases", "int_actions", "int_exemptions",
                  "int_trajectories", "int_vsv", "int_start_population")


def build_models(con: duckdb.DuckDBPyConnection, catalog: str, load_date: date) -> None:
    con.execute(f"USE {catalog}")
    for sql_file in sorted(MODELS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
        if sql_file.name.startswith("10_"):
            _default_municipalities(con)
    build_marts(con, load_date)
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


def build_marts(con: duckdb.DuckDBPyConnection, load_date: date) -> None:
    settings = load_settings()
    periods = standard_periods(con, load_date)
    con.execute("CREATE TABLE mart_periods (period_kind VARCHAR, period VARCHAR)")
    con.executemany("INSERT INTO mart_periods VALUES (?, ?)", [(k, p) for k, ps in periods.items() for p in ps])
    con.execute("""CREATE TABLE mart_kpi_values (kpi_id VARCHAR, period VARCHAR, municipality_code VARCHAR,
                   breakdown VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE)""")
    for kpi in KPIS.values():  # straight from SQL into the mart: no rows through Python
        for kind in period_kinds(kpi):
            if periods[kind]:
                con.execute(f"INSERT INTO mart_kpi_values {rows_sql(kpi, kind, periods[kind], settings)}")
    con.execute("CREATE TABLE mart_meta AS SELECT ? AS load_date", [load_date])


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
