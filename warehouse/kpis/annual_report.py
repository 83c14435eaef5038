"""The statistical annual report (section verzuim) of the KPI registry: one KPI, `jaarverslag`, a breakdown per
row. Its rows, columns and texts are defined in warehouse/jaarverslag.py; this module computes them.

Where a registry KPI already counts a row, the row takes that KPI's own units (lrv, interventies: the parts in
warehouse.kpis.absence) or the same fragments (reports in Y, cases open in Y, exemptions valid in Y), and
tests/test_kpis_jaarverslag.py checks that the totals are equal.
"""

from __future__ import annotations

from config.settings import Settings
from warehouse.jaarverslag import GROUPS, KPI_DEFINITION, KPI_ID, NOT_ENROLLED
from warehouse.kpi_engine import Custom, Part, Population, population_sql
from warehouse.kpis._common import LPW, collector, sql
from warehouse.kpis.absence import INTERVENTIONS_PART, LRV_PART


def _classify(base: str, unique: bool) -> str:
    """CTEs `b` (the base rows) and `c` (period, unit, onderwijssoort, not_enrolled): a unit's column is that
    of its person on its earliest reference date d in the period: the enrolment active on d, else the last
    one followed before d, else onbekend; not_enrolled = the person is known and not enrolled on d.
    `base` has period, municipality_code, unit, person_id, d (and a member column); `unique`: it has one
    row per period and unit already (the BRP rows), so it needs no grouping."""
    first = "SELECT period, unit, person_id, d FROM b" if unique else \
        "SELECT period, unit, min(person_id) AS person_id, min(d) AS d FROM b GROUP BY period, unit"
    return sql("jaarverslag_classify").format(base=base, first=first)


def _classified(base: str, member: str | None = None) -> str:
    """Units of a person-level group for the engine, with their column (see `_classify`); a unit whose
    person is not enrolled on d is also a `maat=geen_onderwijs` unit."""
    m = f"b.{member}" if member else "NULL"
    return f"""{_classify(base, unique=False)}
        SELECT b.period, b.municipality_code, b.unit, c.onderwijssoort, {m} AS member, NULL AS maat
        FROM b JOIN c USING (period, unit)
        UNION ALL
        SELECT b.period, b.municipality_code, b.unit, c.onderwijssoort, {m}, '{NOT_ENROLLED}'
        FROM b JOIN c USING (period, unit) WHERE c.not_enrolled"""


def _persons_part(group: str, base: str) -> Custom:
    """The BRP rows, as the engine would write them but with plain counts: every person is one row per
    period with one municipality (the BRP extract holds one residence), so counting rows counts distinct
    persons, also for the region; ten times faster than the engine's distinct counts over a million rows."""
    return Custom(f"""{_classify(base, unique=True)},
        g AS (
            SELECT b.period, CASE WHEN grouping(b.municipality_code) = 1 THEN 'REGIO' ELSE b.municipality_code END
                       AS municipality_code,
                   CASE WHEN grouping(c.onderwijssoort) = 0 THEN c.onderwijssoort END AS col,
                   count(*) AS n, count(*) FILTER (WHERE c.not_enrolled) AS n_not_enrolled
            FROM b JOIN c USING (period, unit)
            GROUP BY GROUPING SETS ((b.period, b.municipality_code), (b.period),
                                    (b.period, b.municipality_code, c.onderwijssoort), (b.period, c.onderwijssoort))),
        totals AS (
            SELECT p.period, m.code AS municipality_code, coalesce(g.n, 0) AS n, g.n_not_enrolled
            FROM periods p CROSS JOIN (SELECT gemeente_code AS code FROM int_municipalities UNION ALL SELECT 'REGIO') m
            LEFT JOIN g ON g.period = p.period AND g.municipality_code = m.code AND g.col IS NULL)
        SELECT period, municipality_code, 'rij={group}', n, n, NULL FROM totals
        UNION ALL
        SELECT period, municipality_code, 'maat={NOT_ENROLLED};rij={group}', n_not_enrolled, n_not_enrolled, NULL
        FROM totals WHERE n_not_enrolled > 0
        UNION ALL
        SELECT period, municipality_code, 'onderwijssoort=' || col || ';rij={group}', n, n, NULL
        FROM g WHERE col IS NOT NULL AND municipality_code IS NOT NULL""")


def _reports(where: str, unit: str, member: bool) -> str:
    """Report-level units: the column is the report's own education group; no `geen_onderwijs`."""
    return f"""SELECT p.period, r.municipality_code, {unit} AS unit, r.education_group AS onderwijssoort,
                      {'r.kind' if member else 'NULL'} AS member, NULL AS maat
               $reports_in_y AND {where}"""


def _part(group: str, units: str, member_key: str | None) -> Part:
    """The engine part of one group: total, per column, per member, per member and column, and
    `maat=geen_onderwijs` (total and per member). The member column is renamed to its key."""
    cols = f"period, municipality_code, unit, onderwijssoort, member AS {member_key or 'member'}, maat"
    combos: list[tuple[str, ...]] = [("onderwijssoort",), ("maat",)]
    if member_key:
        combos += [(member_key,), (member_key, "onderwijssoort"), (member_key, "maat")]
    return Part(f"SELECT {cols} FROM ({units})", breakdowns=tuple(combos), prefix=f"rij={group}")


def _units() -> dict[str, tuple[str, str | None]]:
    """group -> (units SQL, member key); the rows a registry KPI already counts take that KPI's own units."""
    brp = """SELECT p.period, ps.municipality_code, ps.person_id AS unit, ps.person_id, p.pop_date AS d
             FROM periods p JOIN int_persons ps
               ON age_on(ps.birth_year, ps.birth_month, p.pop_date) BETWEEN {lo} AND {hi}
              AND (ps.settled_on IS NULL OR ps.settled_on <= p.pop_date)
              AND (ps.left_on IS NULL OR ps.left_on > p.pop_date)
              AND (ps.died_on IS NULL OR ps.died_on > p.pop_date)"""
    absolute = """
        WITH f AS (
            SELECT p.period, p.start_date AS y_start, p.end_date AS y_end, c.municipality_code, c.person_id,
                   c.start_date, c.end_date, c.result
            FROM periods p JOIN int_cases c ON c.kind = 'absoluut_verzuim' AND $case_open_in_y)
        SELECT period, municipality_code, person_id AS unit, person_id, greatest(start_date, y_start) AS d,
               NULL AS fase FROM f
        UNION ALL
        SELECT period, municipality_code, person_id, person_id, greatest(start_date, y_start), 'terug_op_school'
        FROM f WHERE end_date BETWEEN y_start AND y_end AND result IN ('terug_op_school', 'andere_school')
        UNION ALL
        SELECT period, municipality_code, person_id, person_id, greatest(start_date, y_start), 'langer_dan_3_maanden'
        FROM f WHERE least(coalesce(end_date, y_end), y_end) > start_date + INTERVAL 3 MONTH"""
    lrv = f"""SELECT u.period, u.municipality_code, u.unit, c.person_id, greatest(c.start_date, p.start_date) AS d,
                     u.fase
              FROM ({LRV_PART.units}) u JOIN int_cases c ON c.zaak_id = u.unit
              JOIN periods p ON p.period = u.period"""
    exemptions = """SELECT p.period, v.municipality_code, v.person_id AS unit, v.person_id,
                            greatest(v.start_date, p.start_date) AS d, v.article AS artikel
                     FROM periods p JOIN int_exemptions v ON v.decision = 'toegekend'
                                                         AND $exemption_active_in_y
                     WHERE v.article IN ({articles})"""
    actions = f"""SELECT u.period, u.municipality_code, u.unit, a.person_id, a.action_date AS d, u.zaaksoort
                  FROM ({INTERVENTIONS_PART.units}) u JOIN int_actions a ON a.actie_id = u.unit
                  WHERE u.interventie = '{{kind}}'"""
    relative = "r.kind IN ('V1', 'V2', 'V3', 'LRV')"
    return {
        "leerplichtigen": (brp.format(lo="{{leerplicht_min}}", hi="{{leerplicht_max}}"), None),
        "jongeren_18_22": (brp.format(lo=18, hi=22), None),
        "absoluut_verzuim": (_classified(absolute, "fase"), "fase"),
        "lrv": (_classified(lrv, "fase"), "fase"),
        "vrijstellingen": (_classified(exemptions.format(articles="'5 onder a', '5 onder b', '5 onder c', '5a', '15'"),
                                       "artikel"), "artikel"),
        "vervangende_leerplicht": (_classified(exemptions.format(articles="'3a', '3b'"), "artikel"), "artikel"),
        "relatief_verzuim_personen": (_reports(relative, "r.person_id", True), "verzuimsoort"),
        "relatief_verzuim_meldingen": (_reports(relative, "r.meldingsnummer", True), "verzuimsoort"),
        "overige_meldingen": (_reports("r.kind NOT IN ('V1', 'V2', 'V3', 'LRV', 'L')", "r.meldingsnummer", True),
                              "verzuimsoort"),
        "luxe_verzuim_meldingen": (_reports("r.kind = 'L'", "r.meldingsnummer", False), None),
        "luxe_verzuim_personen": (_reports("r.kind = 'L'", "r.person_id", False), None),
        "halt": (_classified(actions.format(kind="halt")), None),
        "proces_verbaal": (_classified(actions.format(kind="proces_verbaal"), "zaaksoort"), "zaaksoort"),
    }


def _population(group: str, pop: str) -> Custom:
    """A CBS row: the total only, for every municipality and the region (no type of education in CBS)."""
    return Custom(f"SELECT period, municipality_code, 'rij={group}', inhabitants, inhabitants, NULL FROM ({pop})")


def kpi_parts() -> tuple:
    """The compute parts of the KPI `jaarverslag`, one per group, in report order."""
    units = _units()
    parts: list = []
    for group in GROUPS:
        if group == "inwoners_5_17":
            parts.append(_population(group, "SELECT * FROM pop_leerplicht"))
        elif group == "inwoners_18_22":
            parts.append(_population(group, population_sql(Population(18, 22), "schooljaar", Settings({}))))
        elif group in ("leerplichtigen", "jongeren_18_22"):
            parts.append(_persons_part(group, units[group][0]))
        else:
            group_sql, member_key = units[group]
            parts.append(_part(group, group_sql, member_key))
    return tuple(parts)


SPECS, _add = collector()

_add(id=KPI_ID, label="Statistisch jaarverslag leerplicht", section="verzuim",
     definition=KPI_DEFINITION,
     numerator="per rij: personen, zaken, meldingen of acties (zie de rij)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 25",
     source="Bron: CBS; BRP-uittreksel; DUO verzuimregister en inschrijvingen; RBL zaaksysteem",
     breakdowns=("rij", "onderwijssoort", "maat", "fase", "artikel", "verzuimsoort", "zaaksoort"), decimals=0,
     event_sources=("verzuimmeldingen", "zaken", "acties", "vrijstellingen"),
     fragments=("case_open_in_y", "exemption_active_in_y", "pop_leerplicht", "reports_in_y"),
     compute=kpi_parts())
