-- Work per FTE by role: the items (period, municipality_code, unit, rol) over the fte (period, municipality_code,
-- rol, fte); per municipality and REGIO, per role and in total (both roles), with a total row for every
-- participating municipality. Work without a municipality counts in REGIO only.
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
WHERE k.municipality_code IS NOT NULL
