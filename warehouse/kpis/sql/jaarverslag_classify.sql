-- jaarverslag: CTEs b (the base rows) and c (period, unit, onderwijssoort, not_enrolled); see _classify
WITH b AS MATERIALIZED ({base}),
r AS ({first}),
pd AS (SELECT DISTINCT person_id, d FROM r WHERE person_id IS NOT NULL),
edu AS (  -- ties between enrolments: the latest start (end), then the later stage, so the result is fixed
    SELECT pd.person_id, pd.d,
           arg_max(e.education_group, (e.start_date - DATE '1900-01-01') * 8 + e.stage)
               FILTER (WHERE e.end_date IS NULL OR e.end_date >= pd.d) AS now_group,
           arg_max(e.education_group, (coalesce(e.end_date, e.start_date) - DATE '1900-01-01') * 8 + e.stage)
               AS last_group
    FROM pd JOIN (SELECT person_id, start_date, end_date, education_group,
                         CASE education_group WHEN 'PO' THEN 1 WHEN 'VSO' THEN 2 WHEN 'VO' THEN 3
                              WHEN 'MBO' THEN 4 WHEN 'HO' THEN 5 ELSE 0 END AS stage
                  FROM int_enrolments) e ON e.person_id = pd.person_id AND e.start_date <= pd.d
    GROUP BY pd.person_id, pd.d),
c AS MATERIALIZED (
    SELECT r.period, r.unit, coalesce(edu.now_group, edu.last_group, 'onbekend') AS onderwijssoort,
           r.person_id IS NOT NULL AND edu.now_group IS NULL AS not_enrolled
    FROM r LEFT JOIN edu USING (person_id, d))
