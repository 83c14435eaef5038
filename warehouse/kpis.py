"""The KPI registry: every figure of RBL Monitor, defined once (kpis.md; documented in docs/kpis.md).

Each entry says what the figure means (Dutch label, definition, numerator, denominator, legal
basis) and how it is computed (`compute`: parts for warehouse.kpi_engine, SQL over the int_ models
and a `periods` table). Pages, exports and `python -m warehouse kpis` all read from here.
Conventions (kpis.md): a withdrawn report (I) never counts; *open on d* = started on or before d
and not closed on or before d; *active on d* = begin on or before d and no end or an end on or after d.
"""

from __future__ import annotations

from warehouse import cost_split
from warehouse.kpi_engine import Custom, Part, Population
from warehouse.registry import Kpi, Registry

KPIS = Registry()
LEERPLICHTIG = Population("leerplicht_min", "leerplicht_max")
LPW = "Leerplichtwet 1969"
RMC = "RMC-wetgeving (WVO art. 118h e.v., WEB art. 8.3.2); convenant VSV"

# Reusable unit queries -------------------------------------------------------------------------
REPORTS_IN_Y = """FROM periods p JOIN int_reports r ON r.report_date BETWEEN p.start_date AND p.end_date
                  WHERE r.counts"""
CLOSED_IN_Y = """FROM periods p JOIN int_reports r ON r.closing_date BETWEEN p.start_date AND p.end_date
                 WHERE r.counts"""
# open on any day of Y: some d in Y with start <= d < end
CASE_OPEN_IN_Y = """c.start_date <= p.end_date
                    AND (c.end_date IS NULL OR (c.end_date > p.start_date AND c.end_date > c.start_date))"""
# active on any day of Y: begin <= end of Y, and no end or an end on or after the start of Y
ACTIVE_IN_Y = "{t}.start_date <= p.end_date AND ({t}.end_date IS NULL OR {t}.end_date >= p.start_date)"
ACTIVE_ON_D = "{t}.start_date <= p.start_date AND ({t}.end_date IS NULL OR {t}.end_date >= p.start_date)"
OPEN_ON_D = "{s} <= p.start_date AND ({e} IS NULL OR {e} > p.start_date)"
VSV_AGE = """CASE WHEN age BETWEEN 12 AND 15 THEN '12-15' WHEN age BETWEEN 16 AND 17 THEN '16-17'
                  WHEN age BETWEEN 18 AND 20 THEN '18-20' WHEN age BETWEEN 21 AND 22 THEN '21-22' END"""
DSP_AGE = """CASE WHEN {a} BETWEEN 16 AND 17 THEN '16-17' WHEN {a} BETWEEN 18 AND 22 THEN '18-22'
                  WHEN {a} BETWEEN 23 AND 26 THEN '23-26' END"""


def _add(**kwargs) -> Kpi:
    return KPIS.add(Kpi(**kwargs))


# --- Absence -------------------------------------------------------------------------------------
_add(id="relatief_verzuim_per_1000", label="Relatief verzuim per 1.000 leerplichtigen", section="verzuim",
     definition="Leerlingen met minstens één melding van 16 uur (V3, en de oude V1/V2) of langdurig relatief "
                "verzuim in het schooljaar, per 1.000 inwoners van 5 tot en met 17 jaar.",
     numerator="personen met een melding V1, V2, V3 of LRV met melddatum in het schooljaar (niet ingetrokken)",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 21, 21a en 25",
     source="Bron: DUO verzuimregister; CBS", breakdowns=("onderwijssoort",), headline=True,
     compute=(Part(f"""SELECT p.period, r.municipality_code, r.person_id AS unit, r.education_group AS onderwijssoort
                      {REPORTS_IN_Y} AND r.kind IN ('V1', 'V2', 'V3', 'LRV')""",
                   per=LEERPLICHTIG, breakdowns=(("onderwijssoort",),)),))

_add(id="absoluut_verzuim_per_1000", label="Absoluut verzuim per 1.000 leerplichtigen", section="verzuim",
     definition="Jongeren met een zaak absoluut verzuim die op enige dag van het schooljaar open was, per 1.000 "
                "inwoners van 5 tot en met 17 jaar.",
     numerator="personen met een zaak absoluut_verzuim open op enige dag van het schooljaar",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 2, 4 en 25",
     source="Bron: RBL zaaksysteem; CBS",
     compute=(Part(f"""SELECT p.period, c.municipality_code, c.person_id AS unit
                      FROM periods p JOIN int_cases c ON c.kind = 'absoluut_verzuim' AND {CASE_OPEN_IN_Y}""",
                   per=LEERPLICHTIG),))

_add(id="verzuim_meldingen", label="Verzuimmeldingen", section="verzuim",
     definition="Aantal verzuimmeldingen met melddatum in het schooljaar (ingetrokken meldingen tellen niet), en "
                "het aantal personen waarover ze gaan (uitsplitsing maat=personen).",
     numerator="meldingen (maat=personen: verschillende personen)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21 en 21a",
     source="Bron: DUO verzuimregister", breakdowns=("school", "verzuimsoort", "status", "reden"), decimals=0,
     compute=tuple(
         Part(f"""SELECT p.period, r.municipality_code, {unit} AS unit, r.school_id AS school,
                         r.kind AS verzuimsoort, r.status, CAST(r.closing_reason AS VARCHAR) AS reden {REPORTS_IN_Y}""",
              breakdowns=(("school",), ("verzuimsoort",), ("status",), ("reden",)), prefix=prefix)
         for unit, prefix in (("r.meldingsnummer", ""), ("r.person_id", "maat=personen"))))

_add(id="verzuim_per_school", label="Verzuim per school (per 100 leerlingen)", section="verzuim",
     definition="Per schoolvestiging (school=BRIN+vestiging): leerlingen met minstens één melding op die vestiging "
                "in het schooljaar per 100 leerlingen die er op 1 oktober ingeschreven stonden; met het aantal "
                "meldingen (maat=meldingen) en per verzuimsoort. Per gemeente, onderwijssoort (onderwijssoort=...) "
                "en voor de regio: verschillende personen over de vestigingen daarvan; de regio per onderwijssoort "
                "is de referentie. Een vestiging hoort bij de gemeente waar zij staat; vestigingen buiten de regio "
                "of onbekend tellen alleen in de regio.",
     numerator="personen met een melding op die vestiging (niet ingetrokken)",
     denominator="leerlingen ingeschreven op die vestiging op 1 oktober van het schooljaar",
     period_kind="schooljaar", unit="per 100 leerlingen", legal_basis=f"{LPW} art. 21",
     source="Bron: DUO verzuimregister en inschrijvingen", breakdowns=("school", "verzuimsoort", "onderwijssoort"),
     compute=(Custom("""
        WITH oct AS (SELECT period, make_date(year(start_date), 10, 1) AS d FROM periods),
        pupils AS (  -- enrolled at the location on 1 October of the school year
            SELECT DISTINCT o.period, e.school_id, e.person_id FROM oct o JOIN int_enrolments e
              ON e.start_date <= o.d AND (e.end_date IS NULL OR e.end_date >= o.d)),
        reps AS (
            SELECT p.period, r.school_id, r.person_id, r.meldingsnummer, r.kind
            FROM periods p JOIN int_reports r ON r.report_date BETWEEN p.start_date AND p.end_date WHERE r.counts),
        schools AS (SELECT period, school_id FROM pupils UNION SELECT period, school_id FROM reps),
        loc AS (  -- a school's own municipality; outside the region or unknown: only in the region's rows
            SELECT sc.period, sc.school_id, CASE WHEN s.in_region THEN s.municipality_code END AS municipality_code,
                   coalesce(s.education_group, 'onbekend') AS grp
            FROM schools sc LEFT JOIN int_schools s USING (school_id)),
        facts AS (
            SELECT l.*, x.person_id, false AS reported FROM loc l JOIN pupils x USING (period, school_id)
            UNION ALL
            SELECT l.*, r.person_id, true FROM loc l JOIN reps r USING (period, school_id)),
        per_school AS (
            SELECT l.period, coalesce(l.municipality_code, 'REGIO') AS municipality_code, l.school_id,
                   count(DISTINCT f.person_id) FILTER (WHERE NOT f.reported) AS n_pupils,
                   count(DISTINCT f.person_id) FILTER (WHERE f.reported) AS n_persons,
                   (SELECT count(*) FROM reps x WHERE x.period = l.period AND x.school_id = l.school_id) AS n_reports
            FROM loc l LEFT JOIN facts f USING (period, school_id)
            GROUP BY l.period, l.municipality_code, l.school_id),
        by_kind AS (
            SELECT l.period, coalesce(l.municipality_code, 'REGIO') AS municipality_code, l.school_id, r.kind,
                   count(*) AS n
            FROM loc l JOIN reps r USING (period, school_id) GROUP BY ALL),
        groups AS (  -- distinct persons over the schools of a municipality, a school type, or the region
            SELECT period, grouping(municipality_code) AS all_gm, municipality_code,
                   CASE WHEN grouping(grp) = 1 THEN '' ELSE 'onderwijssoort=' || grp END AS breakdown,
                   count(DISTINCT person_id) FILTER (WHERE reported) AS n_persons,
                   count(DISTINCT person_id) FILTER (WHERE NOT reported) AS n_pupils
            FROM facts
            GROUP BY GROUPING SETS ((period, municipality_code), (period), (period, municipality_code, grp),
                                    (period, grp)))
        SELECT period, municipality_code, 'school=' || school_id,
               CASE WHEN n_pupils > 0 THEN 100.0 * n_persons / n_pupils END, n_persons, n_pupils FROM per_school
        UNION ALL
        SELECT period, municipality_code, 'maat=meldingen;school=' || school_id, n_reports, n_reports, NULL
        FROM per_school
        UNION ALL
        SELECT period, municipality_code, 'maat=meldingen;school=' || school_id || ';verzuimsoort=' || kind, n, n,
               NULL
        FROM by_kind
        UNION ALL
        SELECT period, CASE WHEN all_gm = 1 THEN 'REGIO' ELSE municipality_code END, breakdown,
               CASE WHEN n_pupils > 0 THEN 100.0 * n_persons / n_pupils END, n_persons, n_pupils
        FROM groups WHERE all_gm = 1 OR municipality_code IS NOT NULL
     """),))

_add(id="luxe_verzuim", label="Luxe verzuim", section="verzuim",
     definition="Meldingen van luxe verzuim (soort L) met melddatum in het schooljaar, en de personen "
                "waarover ze gaan (maat=personen).",
     numerator="meldingen soort L (maat=personen: verschillende personen)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 11 en 13a",
     source="Bron: DUO verzuimregister", breakdowns=("school",), decimals=0,
     compute=tuple(
         Part(f"""SELECT p.period, r.municipality_code, {unit} AS unit, r.school_id AS school
                  {REPORTS_IN_Y} AND r.kind = 'L'""", breakdowns=(("school",),), prefix=prefix)
         for unit, prefix in (("r.meldingsnummer", ""), ("r.person_id", "maat=personen"))))

_add(id="lrv", label="Langdurig relatief verzuim (zaken)", section="verzuim",
     definition="Zaken langdurig relatief verzuim die op enige dag van het schooljaar open waren (totaal), "
                "waarvan open op 1 september (fase=bij_aanvang), later in het schooljaar begonnen (fase=nieuw), "
                "langer dan 3 maanden tot 31 juli of hun einde (fase=langer_dan_3_maanden), en in het "
                "schooljaar beëindigd met de leerling terug op school (fase=opgelost).",
     numerator="zaken langdurig_relatief_verzuim", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21 en 25; Thuiszitterspact",
     source="Bron: RBL zaaksysteem", breakdowns=("fase", "onderwijssoort"), decimals=0,
     compute=(Part(f"""
        WITH f AS (
            SELECT p.period, p.start_date AS y_start, p.end_date AS y_end, c.zaak_id, c.municipality_code,
                   c.education_group, c.start_date, c.end_date, c.result,
                   c.start_date <= make_date(year(p.start_date), 9, 1)
                       AND (c.end_date IS NULL OR c.end_date > make_date(year(p.start_date), 9, 1)) AS at_start
            FROM periods p JOIN int_cases c ON c.kind = 'langdurig_relatief_verzuim' AND {CASE_OPEN_IN_Y})
        SELECT period, municipality_code, zaak_id AS unit, education_group AS onderwijssoort, NULL AS fase FROM f
        UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'bij_aanvang' FROM f WHERE at_start
        UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'nieuw' FROM f
            WHERE NOT at_start AND start_date >= y_start
        UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'langer_dan_3_maanden' FROM f
            WHERE least(coalesce(end_date, y_end), y_end) > start_date + INTERVAL 3 MONTH
        UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'opgelost' FROM f
            WHERE end_date BETWEEN y_start AND y_end AND result IN ('terug_op_school', 'andere_school')""",
        breakdowns=(("fase",), ("fase", "onderwijssoort"))),))

_add(id="thuiszitters_breed_per_1000", label="Thuiszitters (breed) per 1.000 leerplichtigen", section="verzuim",
     definition="Jongeren die op enige dag van het schooljaar een open zaak absoluut verzuim, een open zaak "
                "langdurig relatief verzuim of een geldige vrijstelling 5 onder a hadden, per 1.000 inwoners van "
                "5 tot en met 17 jaar; elk van de drie apart (groep=...).",
     numerator="verschillende personen in minstens één van de drie groepen",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 5 onder a en 25; Thuiszitterspact",
     source="Bron: RBL zaaksysteem; CBS", breakdowns=("groep",),
     compute=(Part(f"""
        SELECT p.period, c.municipality_code, c.person_id AS unit,
               CASE c.kind WHEN 'absoluut_verzuim' THEN 'absoluut_verzuim' ELSE 'lrv' END AS groep
        FROM periods p JOIN int_cases c ON c.kind IN ('absoluut_verzuim', 'langdurig_relatief_verzuim')
                                       AND {CASE_OPEN_IN_Y}
        UNION ALL
        SELECT p.period, v.municipality_code, v.person_id, 'vrijstelling_5_onder_a'
        FROM periods p JOIN int_exemptions v ON v.article = '5 onder a' AND v.decision = 'toegekend'
                                            AND {ACTIVE_IN_Y.format(t="v")}""",
        per=LEERPLICHTIG, breakdowns=(("groep",),)),))

_add(id="vrijstellingen", label="Vrijstellingen", section="verzuim",
     definition="Jongeren met een toegekende vrijstelling die op enige dag van het schooljaar gold (de stand op "
                "1 augustus plus de nieuwe), per artikel: 3a, 3b (vervangende leerplicht), 5 onder a, 5 onder b, "
                "5 onder c, 5a en 15.",
     numerator="personen met een geldige toegekende vrijstelling", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 3a, 3b, 5, 5a en 15",
     source="Bron: RBL zaaksysteem", breakdowns=("artikel",), decimals=0,
     compute=(Part(f"""SELECT p.period, v.municipality_code, v.person_id AS unit, v.article AS artikel
                      FROM periods p JOIN int_exemptions v ON v.decision = 'toegekend'
                                                          AND {ACTIVE_IN_Y.format(t="v")}""",
                   breakdowns=(("artikel",),)),))

_add(id="reactietijd", label="Reactietijd op meldingen (werkdagen)", section="verzuim",
     definition="Over de meldingen met melddatum in het schooljaar: de mediaan van het aantal werkdagen van "
                "melddatum tot de eerste actie op die melding (alleen meldingen met een actie); en het aandeel "
                "van alle meldingen met een eerste actie binnen de termijn (binnen_termijn=ja; zonder actie = te "
                "laat). Werkdagen: ma-vr na de melddatum tot en met de actiedatum; feestdagen tellen mee.",
     numerator="mediaan: –; binnen_termijn: meldingen met eerste actie binnen N werkdagen",
     denominator="mediaan: meldingen met een actie; binnen_termijn: alle meldingen",
     period_kind="schooljaar", unit="werkdagen", legal_basis=f"{LPW} art. 16 en 18; werkafspraken MAS",
     source="Bron: DUO verzuimregister; RBL zaaksysteem", breakdowns=("binnen_termijn", "behandelaar"),
     compute=(
         Part(f"""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit, r.staff AS behandelaar,
                         greatest(working_days(r.report_date, r.first_action_date), 0) AS measure
                  {REPORTS_IN_Y} AND r.first_action_date IS NOT NULL""",
              how="median", breakdowns=(("behandelaar",),)),
         Part(f"""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit, r.staff AS behandelaar,
                         coalesce(working_days(r.report_date, r.first_action_date) <= {{{{reactie_werkdagen}}}},
                                  false) AS hit
                  {REPORTS_IN_Y}""",
              how="share", breakdowns=(("behandelaar",),), prefix="binnen_termijn=ja"),
     ))

_add(id="doorlooptijd", label="Doorlooptijd van meldingen (dagen)", section="verzuim",
     definition="Over de meldingen met een afsluitdatum in het schooljaar: de mediaan van het aantal "
                "kalenderdagen van melddatum tot afsluitdatum, en het aandeel afgesloten binnen de termijn "
                "(binnen_termijn=ja, standaard 56 dagen).",
     numerator="mediaan: –; binnen_termijn: meldingen afgesloten binnen N dagen",
     denominator="meldingen met een afsluitdatum in het schooljaar",
     period_kind="schooljaar", unit="dagen", legal_basis=f"{LPW} art. 16; werkafspraken MAS",
     source="Bron: DUO verzuimregister", breakdowns=("binnen_termijn",),
     compute=(
         Part(f"""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                         r.closing_date - r.report_date AS measure {CLOSED_IN_Y}""", how="median"),
         Part(f"""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                         r.closing_date - r.report_date <= {{{{doorlooptijd_dagen}}}} AS hit {CLOSED_IN_Y}""",
              how="share", prefix="binnen_termijn=ja"),
     ))

_add(id="recidive", label="Recidive", section="verzuim",
     definition="Aandeel van de personen met een in het schooljaar afgesloten melding dat binnen 365 dagen na "
                "die afsluiting een nieuwe melding krijgt.",
     numerator="personen met een nieuwe melding binnen 365 dagen na een afsluiting in het schooljaar",
     denominator="personen met een melding afgesloten in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=f"{LPW} art. 25 (verantwoording); werkafspraken MAS",
     source="Bron: DUO verzuimregister",
     compute=(Part(f"""SELECT p.period, r.municipality_code, r.person_id AS unit,
                             EXISTS (SELECT 1 FROM int_reports n WHERE n.counts AND n.person_id = r.person_id
                                     AND n.report_date > r.closing_date
                                     AND n.report_date <= r.closing_date + 365) AS hit {CLOSED_IN_Y}""",
                   how="share"),))

_add(id="interventies", label="HALT-verwijzingen en processen-verbaal", section="verzuim",
     definition="Acties HALT en proces-verbaal met datum in het schooljaar, per soort zaak (absoluut, relatief "
                "(ook LRV en 18+), luxe): interventie=halt|proces_verbaal;zaaksoort=....",
     numerator="acties van soort halt of proces_verbaal", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 26 en 27; Wetboek van Strafrecht art. 77e",
     source="Bron: RBL zaaksysteem", breakdowns=("interventie", "zaaksoort"), decimals=0,
     compute=(Part("""SELECT p.period, a.municipality_code, a.actie_id AS unit, a.kind AS interventie,
                             a.case_group AS zaaksoort
                      FROM periods p JOIN int_actions a ON a.action_date BETWEEN p.start_date AND p.end_date
                      WHERE a.kind IN ('halt', 'proces_verbaal')""",
                   breakdowns=(("interventie",), ("interventie", "zaaksoort"))),))

_add(id="sluitredenen", label="Sluitredenen van meldingen", section="verzuim",
     definition="Meldingen met een afsluitdatum in het schooljaar, verdeeld over DUO's zeven redenen "
                "(reden=1 terug naar school ... 7 geoorloofd afwezig).",
     numerator="afgesloten meldingen met die reden", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21a; Regeling verzuimregister DUO",
     source="Bron: DUO verzuimregister", breakdowns=("reden", "school"), decimals=0,
     compute=(Part(f"""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                             CAST(r.closing_reason AS VARCHAR) AS reden, r.school_id AS school
                      {CLOSED_IN_Y} AND r.closing_reason IS NOT NULL""",
                   breakdowns=(("reden",), ("school", "reden"))),))

# --- Early school leaving ------------------------------------------------------------------------
VSV_UNITS = f"""
    SELECT p.period, v.municipality_code, v.person_id AS unit, {{hit}} AS hit, {{den}} AS den,
           v.education_type AS onderwijssoort, v.mbo_level AS niveau, {VSV_AGE} AS leeftijd, v.sex AS geslacht
    FROM periods p JOIN {{table}} v ON v.count_year = p.period"""
VSV_BREAKDOWNS = (("onderwijssoort",), ("onderwijssoort", "niveau"), ("leeftijd",), ("geslacht",))

_add(id="vsv_aantal", label="Nieuwe voortijdig schoolverlaters", section="vsv",
     definition="Nieuwe voortijdig schoolverlaters in het teljaar volgens DUO (definitieve lijst waar die er is, "
                "anders de voorlopige; status=definitief|voorlopig zegt welke).",
     numerator="personen op de VSV-lijst van het teljaar", denominator="–",
     period_kind="teljaar", unit="aantal", legal_basis=RMC, source="Bron: DUO (NenR)",
     breakdowns=("onderwijssoort", "niveau", "leeftijd", "geslacht", "status"), decimals=0,
     compute=(
         Part(VSV_UNITS.format(hit="true", den="true", table="int_vsv"), breakdowns=VSV_BREAKDOWNS),
         Part("SELECT p.period, v.municipality_code, v.person_id AS unit, v.status "
              "FROM periods p JOIN int_vsv v ON v.count_year = p.period",
              breakdowns=(("status",),), totals=False),
     ))

_add(id="vsv_percentage", label="VSV-percentage", section="vsv",
     definition="100 × nieuwe voortijdig schoolverlaters in het teljaar / deelnemers VO en MBO in de "
                "startpopulatie op 1 oktober, met dezelfde uitsplitsing; MBO-niveaus tegen de landelijke norm.",
     numerator="nieuwe voortijdig schoolverlaters (vsv_aantal)",
     denominator="deelnemers VO + MBO in de startpopulatie van het teljaar (DUO NRSP)",
     period_kind="teljaar", unit="%", legal_basis=RMC, source="Bron: DUO (NenR, NRSP)",
     breakdowns=("onderwijssoort", "niveau", "leeftijd", "geslacht"), headline=True, decimals=2,
     compute=(Part(VSV_UNITS.format(hit="true", den="false", table="int_vsv") + " UNION ALL "
                   + VSV_UNITS.format(hit="false", den="true", table="int_start_population"),
                   how="ratio", scale=100, breakdowns=VSV_BREAKDOWNS),))

_add(id="vsv_trend", label="VSV-percentage door de jaren", section="vsv",
     definition="Het VSV-percentage (totaal) voor elk geladen teljaar, voor de regio en per gemeente; "
                "landelijke referentie 2,4 % (BBV 2023).",
     numerator="zie vsv_percentage", denominator="zie vsv_percentage",
     period_kind="teljaar", unit="%", legal_basis=RMC, source="Bron: DUO (NenR, NRSP)", decimals=2,
     compute=(Part(VSV_UNITS.format(hit="true", den="false", table="int_vsv") + " UNION ALL "
                   + VSV_UNITS.format(hit="false", den="true", table="int_start_population"),
                   how="ratio", scale=100),))

# --- Capacity and work in progress (reference date: period = start = end = the date) -------------
ASSIGNED = "FROM periods p JOIN int_staff_assignments a ON " + ACTIVE_ON_D.format(t="a")
OPEN_ITEMS = f"""
    SELECT p.period, r.municipality_code, 'melding:' || r.meldingsnummer AS unit, 'melding' AS soort,
           r.report_date AS since, r.staff AS behandelaar, r.kind IN ('V4', 'RMC') AS for_coach
    FROM periods p JOIN int_reports r ON r.counts AND r.status <> 'K'
                                     AND {OPEN_ON_D.format(s="r.report_date", e="r.closing_date")}
    UNION ALL
    SELECT p.period, c.municipality_code, 'zaak:' || c.zaak_id, 'zaak', c.start_date, c.staff, false
    FROM periods p JOIN int_cases c ON {OPEN_ON_D.format(s="c.start_date", e="c.end_date")}
    UNION ALL
    SELECT p.period, t.municipality_code, 'traject:' || t.traject_id, 'traject', t.start_date, t.staff, true
    FROM periods p JOIN int_trajectories t ON {OPEN_ON_D.format(s="t.start_date", e="t.end_date")}"""

def per_fte(items: str, fte: str) -> str:
    """Work per FTE by role: `items` (period, municipality_code, unit, rol) over `fte` (period,
    municipality_code, rol, fte); per municipality and REGIO, per role and in total (both roles), with a
    total row for every participating municipality."""
    return f"""
        WITH work AS (
            SELECT period, CASE WHEN grouping(municipality_code) = 1 THEN 'REGIO' ELSE municipality_code END
                       AS municipality_code, CASE WHEN grouping(rol) = 1 THEN '' ELSE rol END AS rol,
                   count(DISTINCT unit) AS n
            FROM ({items})
            GROUP BY GROUPING SETS ((period, municipality_code, rol), (period, rol), (period, municipality_code),
                                    (period))),
        cap AS (
            SELECT period, CASE WHEN grouping(municipality_code) = 1 THEN 'REGIO' ELSE municipality_code END
                       AS municipality_code, CASE WHEN grouping(rol) = 1 THEN '' ELSE rol END AS rol,
                   sum(fte) AS fte
            FROM ({fte})
            GROUP BY GROUPING SETS ((period, municipality_code, rol), (period, rol), (period, municipality_code),
                                    (period))),
        keys AS (
            SELECT period, municipality_code, rol FROM work UNION SELECT period, municipality_code, rol FROM cap
            UNION SELECT p.period, g.code, '' FROM periods p,
                  (SELECT gemeente_code AS code FROM int_municipalities UNION ALL SELECT 'REGIO') g)
        SELECT k.period, k.municipality_code, CASE WHEN k.rol = '' THEN '' ELSE 'rol=' || k.rol END,
               CASE WHEN cap.fte > 0 THEN coalesce(work.n, 0) / cap.fte END, coalesce(work.n, 0),
               coalesce(cap.fte, 0)
        FROM keys k LEFT JOIN work USING (period, municipality_code, rol)
        LEFT JOIN cap USING (period, municipality_code, rol)
        WHERE k.municipality_code IS NOT NULL /* work without a municipality counts in REGIO only */"""


_add(id="fte", label="Formatie (fte)", section="capaciteit",
     definition="FTE van de toewijzingen die op de peildatum actief zijn, per rol (rol=leerplichtambtenaar, "
                "doorstroomcoach, coordinator, administratief).",
     numerator="som van de fte", denominator="–",
     period_kind="peildatum", unit="fte", legal_basis="Gemeenschappelijke regeling; regionale capaciteitsafspraken",
     source="Bron: RBL personeelsoverzicht", breakdowns=("rol",), decimals=2,
     compute=(Part(f"""SELECT p.period, a.municipality_code, a.staff || '|' || a.role AS unit, a.role AS rol,
                              a.fte AS measure {ASSIGNED}""", how="sum", breakdowns=(("rol",),)),))

_add(id="leerplichtigen_per_fte", label="Leerplichtigen per fte leerplichtambtenaar", section="capaciteit",
     definition="Inwoners van 5 tot en met 17 jaar per fte leerplichtambtenaar dat op de peildatum aan de "
                "gemeente is toegewezen (bevolking op de laatste 1 januari op of voor de peildatum).",
     numerator="inwoners 5-17 jaar (CBS)", denominator="fte leerplichtambtenaar actief op de peildatum",
     period_kind="peildatum", unit="inwoners per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: CBS; RBL personeelsoverzicht", headline=True, decimals=0,
     compute=(Custom("""
        WITH pop AS (SELECT * FROM pop_leerplicht),
        f AS (SELECT p.period, coalesce(a.municipality_code, 'REGIO') AS municipality_code, sum(a.fte) AS fte
              FROM periods p JOIN int_staff_assignments a ON a.role = 'leerplichtambtenaar'
               AND a.start_date <= p.start_date AND (a.end_date IS NULL OR a.end_date >= p.start_date)
              GROUP BY GROUPING SETS ((p.period, a.municipality_code), (p.period)))
        SELECT pop.period, pop.municipality_code, '',
               CASE WHEN f.fte > 0 THEN pop.inhabitants / f.fte END, pop.inhabitants, coalesce(f.fte, 0)
        FROM pop LEFT JOIN f USING (period, municipality_code)"""),))

_add(id="werkvoorraad", label="Werkvoorraad", section="capaciteit",
     definition="Wat op de peildatum open staat: meldingen (melddatum tot afsluitdatum; ingetrokken en ter "
                "kennisgeving aangenomen nooit), zaken en trajecten; per soort (soort=melding|zaak|traject) en "
                "naar ouderdom (ouderdom=0-27, 28-84, 85+ dagen).",
     numerator="open meldingen, zaken en trajecten", denominator="–",
     period_kind="peildatum", unit="aantal", legal_basis="Gemeenschappelijke regeling; stap 3 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem", breakdowns=("soort", "ouderdom", "behandelaar"),
     decimals=0,
     compute=(Part(f"""SELECT period, municipality_code, unit, soort, behandelaar,
                             CASE WHEN days < 28 THEN '0-27' WHEN days <= 84 THEN '28-84' ELSE '85+' END AS ouderdom
                      FROM (SELECT o.*, p.start_date - o.since AS days FROM ({OPEN_ITEMS}) o
                            JOIN periods p USING (period))""",
                   breakdowns=(("soort",), ("ouderdom",), ("soort", "ouderdom"), ("behandelaar",))),))

_add(id="werkvoorraad_per_fte", label="Werkvoorraad per fte", section="capaciteit",
     definition="Open meldingen en zaken op de peildatum per fte leerplichtambtenaar (rol=leerplichtambtenaar; "
                "zonder 18+-meldingen V4/RMC); open trajecten en 18+-meldingen per fte doorstroomcoach "
                "(rol=doorstroomcoach); het totaal over beide rollen.",
     numerator="open werk van die rol", denominator="fte van die rol op de peildatum",
     period_kind="peildatum", unit="per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem en personeelsoverzicht", breakdowns=("rol",),
     compute=(Custom(per_fte(
         items=f"""SELECT period, municipality_code, unit,
                          CASE WHEN for_coach THEN 'doorstroomcoach' ELSE 'leerplichtambtenaar' END AS rol
                   FROM ({OPEN_ITEMS})""",
         fte=f"""SELECT p.period, a.municipality_code, a.role AS rol, a.fte {ASSIGNED}
                 AND a.role IN ('leerplichtambtenaar', 'doorstroomcoach')""")),))

_add(id="nieuwe_zaken_per_fte", label="Nieuwe zaken en meldingen per fte", section="capaciteit",
     definition="Zaken en meldingen die in het schooljaar begonnen, per gemiddelde fte in het schooljaar; "
                "leerplichtambtenaar: zaken en meldingen zonder V4/RMC; doorstroomcoach: trajecten en "
                "18+-meldingen (V4/RMC). Gemiddelde fte = som van fte × actieve dagen / dagen in het schooljaar.",
     numerator="nieuwe zaken en meldingen van die rol", denominator="gemiddelde fte van die rol in het schooljaar",
     period_kind="schooljaar", unit="per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem en personeelsoverzicht", breakdowns=("rol",),
     compute=(Custom(per_fte(
         items=f"""
            SELECT p.period, r.municipality_code, 'melding:' || r.meldingsnummer AS unit,
                   CASE WHEN r.kind IN ('V4', 'RMC') THEN 'doorstroomcoach' ELSE 'leerplichtambtenaar' END AS rol
            {REPORTS_IN_Y}
            UNION ALL
            SELECT p.period, c.municipality_code, 'zaak:' || c.zaak_id, 'leerplichtambtenaar'
            FROM periods p JOIN int_cases c ON c.start_date BETWEEN p.start_date AND p.end_date
            UNION ALL
            SELECT p.period, t.municipality_code, 'traject:' || t.traject_id, 'doorstroomcoach'
            FROM periods p JOIN int_trajectories t ON t.start_date BETWEEN p.start_date AND p.end_date""",
         # the average FTE over the school year: FTE x days active in the year / days in the year
         fte=f"""SELECT p.period, a.municipality_code, a.role AS rol,
                        a.fte * greatest(0, least(coalesce(a.end_date, p.end_date), p.end_date)
                                            - greatest(a.start_date, p.start_date) + 1)
                            / (p.end_date - p.start_date + 1) AS fte
                 FROM periods p JOIN int_staff_assignments a ON {ACTIVE_IN_Y.format(t="a")}
                  AND a.role IN ('leerplichtambtenaar', 'doorstroomcoach')""")),))

_add(id="contactpersoon_dekking", label="Dekking contactpersonen scholen", section="capaciteit",
     definition="Aandeel van de schoolvestigingen in de regio (uit `scholen`, zonder HO) met precies één "
                "contactpersoon die op de peildatum actief is (geteld op medewerkerscode); met het aantal "
                "vestigingen zonder (dekking=geen) of met meerdere (dekking=meerdere).",
     numerator="vestigingen met precies één actieve contactpersoon", denominator="vestigingen in de regio",
     period_kind="peildatum", unit="%", legal_basis="Projectvoorstel 2013, stap 2 (één contactpersoon per school)",
     source="Bron: DUO scholen; RBL contactpersonen", breakdowns=("sector", "dekking"), suppression="none",
     compute=(
         Part("""SELECT p.period, s.municipality_code, s.school_id AS unit, s.sector, n = 1 AS hit,
                        CASE WHEN n = 0 THEN 'geen' WHEN n > 1 THEN 'meerdere' END AS dekking
                 FROM periods p CROSS JOIN int_schools s,
                      LATERAL (SELECT count(DISTINCT cp.staff) AS n FROM int_contact_persons cp
                               WHERE cp.school_id = s.school_id AND cp.start_date <= p.start_date
                                 AND (cp.end_date IS NULL OR cp.end_date >= p.start_date))
                 WHERE s.in_region AND s.sector <> 'HO'""", how="share", breakdowns=(("sector",),)),
         Part("""SELECT p.period, s.municipality_code, s.school_id AS unit,
                        CASE WHEN n = 0 THEN 'geen' WHEN n > 1 THEN 'meerdere' END AS dekking
                 FROM periods p CROSS JOIN int_schools s,
                      LATERAL (SELECT count(DISTINCT cp.staff) AS n FROM int_contact_persons cp
                               WHERE cp.school_id = s.school_id AND cp.start_date <= p.start_date
                                 AND (cp.end_date IS NULL OR cp.end_date >= p.start_date))
                 WHERE s.in_region AND s.sector <> 'HO'""", breakdowns=(("dekking",),), totals=False),
     ))

# age when the trajectory comes into view: at the start of the school year, or of the trajectory if later
IN_VIEW_AGE = "age_on(t.birth_year, t.birth_month, greatest(t.start_date, p.start_date))"

# --- Doorstroompunt effect report ----------------------------------------------------------------
_add(id="vsv_in_beeld", label="Jongeren in beeld bij het Doorstroompunt", section="effectrapportage",
     definition="Personen met een traject van het Doorstroompunt dat op enige dag van het schooljaar actief was, "
                "naar herkomst (herkomst=nieuw_vsv, oud_vsv, verzuim_18plus, preventief) en leeftijd (16-17, "
                "18-22, 23-26; leeftijd bij het begin van het schooljaar of van het traject als dat later is).",
     numerator="personen met een actief traject", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     breakdowns=("herkomst", "leeftijd"), decimals=0,
     compute=(Part(f"""SELECT p.period, t.municipality_code, t.person_id AS unit, t.origin AS herkomst,
                             {DSP_AGE.format(a=IN_VIEW_AGE)}
                                 AS leeftijd
                      FROM periods p JOIN int_trajectories t ON {ACTIVE_IN_Y.format(t="t")}""",
                   breakdowns=(("herkomst",), ("leeftijd",))),))

_add(id="contact_binnen_termijn", label="Contact binnen termijn", section="effectrapportage",
     definition="Aandeel van de trajecten die in het schooljaar begonnen waarvan het eerste contact binnen N "
                "kalenderdagen (standaard 28) na de start lag; zonder contact telt als te laat.",
     numerator="trajecten met eerste contact binnen N dagen na de start",
     denominator="trajecten gestart in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     compute=(Part("""SELECT p.period, t.municipality_code, t.traject_id AS unit,
                             coalesce(t.first_contact_date <= t.start_date + {{contact_dagen}}, false) AS hit
                      FROM periods p JOIN int_trajectories t ON t.start_date BETWEEN p.start_date AND p.end_date""",
                   how="share"),))

_add(id="trajecten_resultaat", label="Beëindigde trajecten naar resultaat", section="effectrapportage",
     definition="Trajecten met een einddatum in het schooljaar, in totaal en per resultaat (resultaat=onderwijs, "
                "werk, onderwijs_en_werk, zorg_dagbesteding, uitkering_of_elders, verhuisd, niet_bereikbaar, "
                "geen_begeleiding_gewenst) en leeftijd bij het einde.",
     numerator="beëindigde trajecten", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     breakdowns=("resultaat", "leeftijd"), decimals=0,
     compute=(Part(f"""SELECT p.period, t.municipality_code, t.traject_id AS unit, t.result AS resultaat,
                             {DSP_AGE.format(a="age_on(t.birth_year, t.birth_month, t.end_date)")} AS leeftijd
                      FROM periods p JOIN int_trajectories t ON t.end_date BETWEEN p.start_date AND p.end_date""",
                   breakdowns=(("resultaat",), ("leeftijd",))),))

_add(id="positief_resultaat", label="Trajecten met positief resultaat", section="effectrapportage",
     definition="Aandeel van de in het schooljaar beëindigde trajecten met resultaat onderwijs, werk of "
                "onderwijs_en_werk (een traject zonder resultaat telt als niet positief).",
     numerator="beëindigde trajecten met resultaat onderwijs, werk of onderwijs_en_werk",
     denominator="trajecten beëindigd in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=RMC, source="Bron: RBL trajectregistratie", headline=True,
     compute=(Part("""SELECT p.period, t.municipality_code, t.traject_id AS unit,
                             coalesce(t.result IN ('onderwijs', 'werk', 'onderwijs_en_werk'), false) AS hit
                      FROM periods p JOIN int_trajectories t ON t.end_date BETWEEN p.start_date AND p.end_date""",
                   how="share"),))

_add(id="verzuim_18plus", label="Verzuimmeldingen 18+", section="effectrapportage",
     definition="Meldingen van 18-plussers (V4 en RMC) met melddatum in het schooljaar, naar status en, als ze "
                "zijn afgesloten, reden; en de personen waarover ze gaan (maat=personen).",
     numerator="meldingen V4 en RMC", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{RMC}; {LPW} art. 21 (kwalificatieplicht)",
     source="Bron: DUO verzuimregister", breakdowns=("status", "reden"), decimals=0,
     compute=tuple(
         Part(f"""SELECT p.period, r.municipality_code, {unit} AS unit, r.status,
                         CAST(r.closing_reason AS VARCHAR) AS reden {REPORTS_IN_Y} AND r.kind IN ('V4', 'RMC')""",
              breakdowns=(("status",), ("reden",)), prefix=prefix)
         for unit, prefix in (("r.meldingsnummer", ""), ("r.person_id", "maat=personen"))))

# --- Cost split ----------------------------------------------------------------------------------
_add(id="kostenverdeling", label="Kostenverdeling", section="kostenverdeling",
     definition="Per begrotingsregel (per uitvoeringsniveau, of één totaal) de bijdrage van elke deelnemende "
                "gemeente: begroting × inwoners 5-23 jaar op 1 januari van het jaar ervoor / de som over de "
                "gemeenten die aan dat niveau deelnemen (niveau 1 en totaal: alle). In hele centen; "
                "afrondingsverschillen naar de grootste restdelen (bij gelijke rest: laagste gemeentecode), zodat "
                "de som precies de begroting is. Voorschot per kwartaal (kwartaal=1..4): een kwart van de "
                "jaarbijdrage, het restant in het laatste kwartaal.",
     numerator="inwoners 5-23 jaar van de gemeente op 1 januari van B-1 (CBS)",
     denominator="inwoners 5-23 jaar van de deelnemende gemeenten op die datum",
     period_kind="begrotingsjaar", unit="euro", legal_basis="Gemeenschappelijke regeling art. 9 en 10",
     source="Bron: RBL begroting; CBS", breakdowns=("uitvoeringsniveau", "kwartaal"), headline=True, decimals=2,
     compute=(Custom(cost_split.KPI_SQL),))  # one definition, also for entered amounts

# --- Data quality (period: a reference date) -----------------------------------------------------
REASON_CODE = """CASE WHEN reason LIKE 'verplicht veld%' THEN 'leeg_veld'
    WHEN reason LIKE '%elfproef%' OR reason LIKE '%9 cijfers%' THEN 'bsn_ongeldig'
    WHEN reason LIKE 'onleesbare datum%' THEN 'onleesbare_datum'
    WHEN reason LIKE '%na de laaddatum%' THEN 'datum_na_laaddatum'
    WHEN reason LIKE '%ligt voor%' THEN 'einde_voor_begin'
    WHEN reason LIKE 'onbekende gemeente%' THEN 'onbekende_gemeente'
    WHEN reason LIKE 'onbekende%' OR reason LIKE 'ongeldig%' THEN 'ongeldige_code'
    WHEN reason LIKE '%ligt niet%' OR reason LIKE 'geen %getal%' THEN 'ongeldig_getal'
    WHEN reason LIKE 'woont buiten de regio%' THEN 'buiten_regio' ELSE 'overig' END"""

_add(id="laadhistorie", label="Laadhistorie", section="data",
     definition="Per gepubliceerde lading met een laaddatum tot en met de peildatum (lading=N): regels "
                "gelezen, en geladen, bijgewerkt en afgekeurd (maat=...). Bestanden, controlegetallen en duur "
                "staan op de pagina Data.",
     numerator="regels", denominator="–", period_kind="peildatum", unit="aantal",
     legal_basis="AVG art. 5 (juistheid, verantwoording)", source="Bron: RBL Monitor", breakdowns=("lading", "maat"),
     decimals=0, suppression="internal",
     compute=(Custom("""
        SELECT p.period, 'REGIO', 'lading=' || h.load_id || m.suffix,
               CASE m.suffix WHEN '' THEN h.rows_read WHEN ';maat=geladen' THEN h.rows_loaded
                    WHEN ';maat=bijgewerkt' THEN h.rows_updated ELSE h.rows_rejected END, NULL, NULL
        FROM periods p JOIN load_history h ON h.load_date <= p.start_date,
             (SELECT unnest(['', ';maat=geladen', ';maat=bijgewerkt', ';maat=afgekeurd']) AS suffix) m"""),))

_add(id="afgekeurde_regels", label="Afgekeurde regels", section="data",
     definition="Afgekeurde regels van de laatste lading van elk bestand (laaddatum tot en met de peildatum), "
                "per bron en reden (bron=...;reden=leeg_veld, bsn_ongeldig, onleesbare_datum, datum_na_laaddatum, "
                "einde_voor_begin, ongeldige_code, ongeldig_getal, onbekende_gemeente, buiten_regio). Bestand en "
                "regelnummer staan op de pagina Data; nooit het BSN.",
     numerator="afgekeurde regels", denominator="–", period_kind="peildatum", unit="aantal",
     legal_basis="AVG art. 5 (juistheid)", source="Bron: RBL Monitor", breakdowns=("bron", "reden"),
     headline=True, decimals=0, suppression="internal",
     compute=(Custom(f"""
        WITH latest AS (SELECT p.period, f.file, max(f.load_id) AS load_id
                        FROM periods p JOIN load_files f ON true
                        JOIN load_history h ON h.load_id = f.load_id AND h.load_date <= p.start_date
                        GROUP BY ALL),
        r AS (SELECT l.period, j.source, {REASON_CODE} AS code
              FROM latest l JOIN load_rejects j ON j.load_id = l.load_id AND j.file = l.file)
        SELECT p.period, 'REGIO', '', (SELECT count(*) FROM r WHERE r.period = p.period), NULL, NULL FROM periods p
        UNION ALL
        SELECT period, 'REGIO', 'bron=' || source || ';reden=' || code, count(*), NULL, NULL FROM r GROUP BY ALL"""),))

_add(id="actualiteit", label="Actualiteit van de bronnen (dagen)", section="data",
     definition="Per bron (bron=...) het aantal dagen tussen de nieuwste datum in haar gegevens (niet na de "
                "peildatum) en de peildatum; een waarschuwing (waarschuwing=ja) boven de drempel (standaard 45 "
                "dagen). Personen en scholen hebben geen eigen datum en staan er niet in.",
     numerator="–", denominator="–", period_kind="peildatum", unit="dagen",
     legal_basis="AVG art. 5 (juistheid)", source="Bron: RBL Monitor", breakdowns=("bron", "waarschuwing"),
     decimals=0, suppression="internal",
     compute=(Custom("""
        WITH dated AS (
            SELECT 'verzuimmeldingen' AS source, melddatum AS d FROM stg_verzuimmeldingen
            UNION ALL SELECT 'zaken', startdatum FROM stg_zaken
            UNION ALL SELECT 'acties', datum FROM stg_acties
            UNION ALL SELECT 'trajecten', startdatum FROM stg_trajecten
            UNION ALL SELECT 'vrijstellingen', coalesce(aanvraagdatum, begindatum) FROM stg_vrijstellingen
            UNION ALL SELECT 'inschrijvingen', datum_inschrijving FROM stg_inschrijvingen
            UNION ALL SELECT 'bevolking', peildatum FROM stg_bevolking
            UNION ALL SELECT 'medewerkers', begindatum FROM stg_medewerkers
            UNION ALL SELECT 'contactpersonen', begindatum FROM stg_contactpersonen
            UNION ALL SELECT 'vsv', make_date(CAST(right(teljaar, 4) AS INTEGER), 9, 30) FROM stg_vsv
            UNION ALL SELECT 'startpopulatie', make_date(CAST(left(teljaar, 4) AS INTEGER), 10, 1)
                      FROM stg_startpopulatie),
        newest AS (  -- never a date after the reference date (planned assignments lie in the future)
            SELECT p.period, d.source, p.start_date - max(d.d) AS days
            FROM periods p JOIN dated d ON d.d <= p.start_date GROUP BY p.period, p.start_date, d.source)
        SELECT period, 'REGIO', 'bron=' || source, days, NULL, NULL FROM newest
        UNION ALL
        SELECT period, 'REGIO', 'bron=' || source || ';waarschuwing=ja', days, NULL, NULL FROM newest
        WHERE days > {{actualiteit_dagen}}"""),))

_add(id="open_zonder_status", label="Meldingen zonder status", section="data",
     definition="Meldingen die op de peildatum nog de status geregistreerd (R) hebben terwijl er sinds de "
                "melddatum N werkdagen of meer (standaard 10) verstreken zijn.",
     numerator="meldingen met status R, N werkdagen of meer na de melddatum", denominator="–",
     period_kind="peildatum", unit="aantal", legal_basis=f"{LPW} art. 16 en 21a", source="Bron: DUO verzuimregister",
     decimals=0, suppression="internal",
     compute=(Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit
                      FROM periods p JOIN int_reports r ON r.status = 'R' AND r.report_date <= p.start_date
                       AND working_days(r.report_date, p.start_date) >= {{zonder_status_werkdagen}}"""),))

# --- Statistical annual report: one KPI, a breakdown per row (rows defined in warehouse/jaarverslag.py) ---
from warehouse import jaarverslag as _jaarverslag  # noqa: E402  (it reads the fragments above)

_add(id=_jaarverslag.KPI_ID, label="Statistisch jaarverslag leerplicht", section="verzuim",
     definition=_jaarverslag.KPI_DEFINITION,
     numerator="per rij: personen, zaken, meldingen of acties (zie de rij)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 25",
     source="Bron: CBS; BRP-uittreksel; DUO verzuimregister en inschrijvingen; RBL zaaksysteem",
     breakdowns=("rij", "onderwijssoort", "maat", "fase", "artikel", "verzuimsoort", "zaaksoort"), decimals=0,
     compute=_jaarverslag.kpi_parts())

# --- Per calendar quarter (the joint body's meetings; reports/kwartaal.py) --------------------------
# These school-year figures count events or what was open in a period, so the same SQL over a calendar
# quarter (period kind kwartaal, written 2025-K3) is the same figure for that quarter. Left out: lrv (its
# phases hang on 1 September and 31 July), verzuim_per_school (pupils on 1 October), recidive (a year of
# follow-up). Stock figures (werkvoorraad, fte, ...) are reference-date figures, read on the quarter's last day.
KPIS.also_per_quarter(
    "relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000", "verzuim_meldingen",
    "luxe_verzuim", "vrijstellingen", "reactietijd", "doorlooptijd", "interventies", "sluitredenen",
    "nieuwe_zaken_per_fte", "vsv_in_beeld", "contact_binnen_termijn", "trajecten_resultaat", "positief_resultaat",
    "verzuim_18plus")
