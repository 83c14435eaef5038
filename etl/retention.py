"""Retention: person-level rows older than N school years are removed on every load (security.md).

"Older than N school years": the school year of a row lies more than N school years before the school
year of the load date (N = `privacy.bewaartermijn_schooljaren`). A row's age is taken from its last
date: a report from its report date, a case, enrolment, exemption or trajectory from its end date
(still open: kept), an action from its date, a VSV or start-population row from the end of its count
year. A person is removed when nothing of them remains and they were past the Doorstroompunt's
upper age at the cutoff. The figures of removed years stay: they are carried forward from the
published warehouse (warehouse.build.carry_forward_figures), so aggregates outlive the rows they were made from.
"""

from __future__ import annotations

from datetime import date

import duckdb

FAR = "DATE '9999-12-31'"
# table -> the date that says how old a row is
AGE_OF_ROW = {
    "stg_verzuimmeldingen": "melddatum",
    "stg_zaken": f"coalesce(einddatum, {FAR})",
    "stg_acties": "datum",
    "stg_inschrijvingen": f"coalesce(datum_uitschrijving, {FAR})",
    "stg_vrijstellingen": f"coalesce(einddatum, {FAR})",
    "stg_trajecten": f"coalesce(einddatum, {FAR})",
    "stg_vsv": "make_date(CAST(right(teljaar, 4) AS INTEGER), 9, 30)",
    "stg_startpopulatie": "make_date(CAST(right(teljaar, 4) AS INTEGER), 9, 30)",
}
PERSON_TABLES = ("stg_verzuimmeldingen", "stg_zaken", "stg_inschrijvingen", "stg_vrijstellingen", "stg_trajecten",
                 "stg_vsv", "stg_startpopulatie")


def cutoff(load_date: date, school_years: int) -> date:
    """The first day that is kept: 1 August of the school year N years before the load date's."""
    current_start = load_date.year - (1 if load_date.month < 8 else 0)
    return date(current_start - school_years, 8, 1)


def apply_retention(con: duckdb.DuckDBPyConnection, catalog: str, keep_from: date, max_age: int) -> int:
    """Delete person-level rows from before `keep_from`; returns how many rows were removed."""
    removed = 0
    for table, when in AGE_OF_ROW.items():
        removed += con.execute(f"DELETE FROM {catalog}.{table} WHERE {when} < ?", [keep_from]).fetchone()[0]
    still_there = " UNION ".join(f"SELECT person_id FROM {catalog}.{t}" for t in PERSON_TABLES)
    removed += con.execute(f"""
        DELETE FROM {catalog}.stg_personen WHERE person_id NOT IN ({still_there})
           AND year(?::DATE) - geboortejaar - CASE WHEN month(?::DATE) < geboortemaand THEN 1 ELSE 0 END > ?""",
        [keep_from, keep_from, max_age]).fetchone()[0]
    return removed
