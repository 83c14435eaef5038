-- leerplichtigen_per_fte: inhabitants 5-17 (the fragment pop_leerplicht) per fte leerplichtambtenaar
WITH pop AS (SELECT * FROM pop_leerplicht),
f AS (SELECT p.period, coalesce(a.municipality_code, 'REGIO') AS municipality_code, sum(a.fte) AS fte
      FROM periods p JOIN int_staff_assignments a ON a.role = 'leerplichtambtenaar' AND $assignment_active_on_d
      GROUP BY GROUPING SETS ((p.period, a.municipality_code), (p.period)))
SELECT pop.period, pop.municipality_code, '',
       CASE WHEN f.fte > 0 THEN pop.inhabitants / f.fte END, pop.inhabitants, coalesce(f.fte, 0)
FROM pop LEFT JOIN f USING (period, municipality_code)
