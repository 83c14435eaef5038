-- verzuim_per_school: persons reported per 100 pupils enrolled on 1 October, per school location.
-- Distinct persons are counted as rows of a set made distinct first (plain aggregates, which spill to disk
-- under the load's memory cap), never as count(DISTINCT) over grouping sets.
WITH oct AS (SELECT period, make_date(year(start_date), 10, 1) AS d FROM periods),
pupils AS (  -- enrolled at the location on 1 October of the school year
    SELECT o.period, e.school_id, e.person_id FROM oct o JOIN int_enrolments e
      ON e.start_date <= o.d AND (e.end_date IS NULL OR e.end_date >= o.d)),
reps AS (
    SELECT p.period, r.school_id, r.person_id, r.meldingsnummer, r.kind
    $reports_in_y),
facts AS (  -- one row per period, location and person: a pupil there on 1 October, reported there, or both
    SELECT period, school_id, person_id, bool_or(NOT reported) AS pupil, bool_or(reported) AS reported
    FROM (SELECT period, school_id, person_id, false AS reported FROM pupils
          UNION ALL SELECT period, school_id, person_id, true FROM reps)
    GROUP BY period, school_id, person_id),
loc AS (  -- a school's own municipality; outside the region or unknown: only in the region's rows
    SELECT sc.period, sc.school_id, CASE WHEN s.in_region THEN s.municipality_code END AS municipality_code,
           coalesce(s.education_group, 'onbekend') AS grp
    FROM (SELECT DISTINCT period, school_id FROM facts) sc LEFT JOIN int_schools s USING (school_id)),
per_school AS (
    SELECT l.period, coalesce(l.municipality_code, 'REGIO') AS municipality_code, l.school_id,
           coalesce(f.n_pupils, 0) AS n_pupils, coalesce(f.n_persons, 0) AS n_persons,
           coalesce(x.n_reports, 0) AS n_reports
    FROM loc l
    LEFT JOIN (SELECT period, school_id, count(person_id) FILTER (WHERE pupil) AS n_pupils,
                      count(person_id) FILTER (WHERE reported) AS n_persons
               FROM facts GROUP BY period, school_id) f USING (period, school_id)
    LEFT JOIN (SELECT period, school_id, count(*) AS n_reports FROM reps GROUP BY period, school_id) x
        USING (period, school_id)),
by_kind AS (
    SELECT l.period, coalesce(l.municipality_code, 'REGIO') AS municipality_code, l.school_id, r.kind,
           count(*) AS n
    FROM loc l JOIN reps r USING (period, school_id) GROUP BY ALL),
persons AS NOT MATERIALIZED (  -- facts with the location's municipality and type of education
    SELECT f.period, l.municipality_code, l.grp, f.person_id, f.pupil, f.reported
    FROM facts f JOIN loc l USING (period, school_id)),
groups AS (  -- distinct persons over the schools of a municipality, a school type, or the region
    SELECT period, 0 AS all_gm, municipality_code, '' AS breakdown,
           count(person_id) FILTER (WHERE reported) AS n_persons, count(person_id) FILTER (WHERE pupil) AS n_pupils
    FROM (SELECT period, municipality_code, person_id, bool_or(pupil) AS pupil, bool_or(reported) AS reported
          FROM persons GROUP BY ALL) GROUP BY period, municipality_code
    UNION ALL
    SELECT period, 1, NULL, '', count(person_id) FILTER (WHERE reported), count(person_id) FILTER (WHERE pupil)
    FROM (SELECT period, person_id, bool_or(pupil) AS pupil, bool_or(reported) AS reported
          FROM persons GROUP BY ALL) GROUP BY period
    UNION ALL
    SELECT period, 0, municipality_code, 'onderwijssoort=' || grp, count(person_id) FILTER (WHERE reported),
           count(person_id) FILTER (WHERE pupil)
    FROM (SELECT period, municipality_code, grp, person_id, bool_or(pupil) AS pupil, bool_or(reported) AS reported
          FROM persons GROUP BY ALL) GROUP BY period, municipality_code, grp
    UNION ALL
    SELECT period, 1, NULL, 'onderwijssoort=' || grp, count(person_id) FILTER (WHERE reported),
           count(person_id) FILTER (WHERE pupil)
    FROM (SELECT period, grp, person_id, bool_or(pupil) AS pupil, bool_or(reported) AS reported
          FROM persons GROUP BY ALL) GROUP BY period, grp)
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
