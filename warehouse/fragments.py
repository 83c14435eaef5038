"""The SQL fragments that KPI definitions share (kpis.md "Conventions"), each in one place.

A KPI names the fragments its SQL uses in `Kpi.fragments`; the engine (warehouse.kpi_engine) puts them in:
- a text fragment is written `$name` in the SQL and replaced by its text below;
- a CTE fragment (`pop_leerplicht`) is a relation the engine adds to the query's WITH.
Using a fragment without declaring it, or declaring one that is not used, fails when the registry is
imported (warehouse.kpis), so no SQL relies on something the engine happens to inject.

All of them work over `periods p` (period, start_date, end_date, pop_date). Conventions: a withdrawn report
never counts; *open on d* = started on or before d and not closed on or before d; *active on d* = begin on or
before d and no end or an end on or after d.
"""

from __future__ import annotations

# active on any day of Y: begin <= end of Y, and no end or an end on or after the start of Y
_ACTIVE_IN_Y = "{t}.start_date <= p.end_date AND ({t}.end_date IS NULL OR {t}.end_date >= p.start_date)"

TEXT: dict[str, str] = {
    # reports (r) with a report date in the period; withdrawn reports never count
    "reports_in_y": """FROM periods p JOIN int_reports r ON r.report_date BETWEEN p.start_date AND p.end_date
                  WHERE r.counts""",
    # reports (r) closed in the period
    "closed_in_y": """FROM periods p JOIN int_reports r ON r.closing_date BETWEEN p.start_date AND p.end_date
                 WHERE r.counts""",
    # a case (c) open on any day of Y: some d in Y with start <= d < end
    "case_open_in_y": """c.start_date <= p.end_date
                    AND (c.end_date IS NULL OR (c.end_date > p.start_date AND c.end_date > c.start_date))""",
    "exemption_active_in_y": _ACTIVE_IN_Y.format(t="v"),  # an exemption (v) valid on any day of Y
    "trajectory_active_in_y": _ACTIVE_IN_Y.format(t="t"),  # a trajectory (t) active on any day of Y
    "assignment_active_in_y": _ACTIVE_IN_Y.format(t="a"),  # a staff assignment (a) active on any day of Y
    # a staff assignment (a) active on the reference date (period = start = end = the date)
    "assignment_active_on_d": "a.start_date <= p.start_date AND (a.end_date IS NULL OR a.end_date >= p.start_date)",
}

# CTE fragments: name -> (min age, max age) of the inhabitants per period and municipality (and REGIO) on the
# period's population date, as warehouse.kpi_engine.population_sql counts them; ages are ints or setting names
CTES: dict[str, tuple[int | str, int | str]] = {
    "pop_leerplicht": ("leerplicht_min", "leerplicht_max"),  # inhabitants 5-17
}

NAMES = frozenset(TEXT) | frozenset(CTES)
