-- verzuim_per_school: persons reported per 100 pupils enrolled on 1 October, per school location
WITH oct AS (SELECT period, make_date(year(start_date), 10, 1) AS d FROM periods),
pupils AS (  -- enrolled at the location on 1 October of the school year
    SELECT DISTINCT o.period, e.school_id, e.person_id FROM oct o JOIN int_enrolments e
      ON e.start_date <= o.d AND (e.end_date IS NULL OR e.end_date >= o.d)),
reps AS (
    SELECT p.period, r.school_id, r.person_id, r.meldingsnummer, r.kind
    $reports_in_y),
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
