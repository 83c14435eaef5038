-- kostenverdeling: the budget placeholder is a relation with budget_year, level, amount_cents (put in by
-- warehouse.kpis.cost.split_sql); kosten_min and kosten_max are settings. Output: the KPI engine's columns, in euros.
WITH lines AS (SELECT p.period, b.level, b.amount_cents, p.pop_date, p.start_date, p.end_date
               FROM periods p JOIN {budget} b ON CAST(b.budget_year AS VARCHAR) = p.period),
members AS (
    SELECT l.period, l.level, l.amount_cents, m.gemeente_code AS municipality_code,
           coalesce((SELECT sum(inhabitants) FROM int_population ip
                     WHERE ip.municipality_code = m.gemeente_code AND ip.peildatum = l.pop_date
                       AND ip.age BETWEEN {{kosten_min}} AND {{kosten_max}}), 0) AS inhabitants
    FROM lines l JOIN int_municipalities m
      ON (l.level IN ('1', 'totaal') OR m.uitvoeringsniveau = l.level)
     AND (m.deelname_vanaf IS NULL OR m.deelname_vanaf <= l.end_date)
     AND (m.deelname_tot IS NULL OR m.deelname_tot >= l.start_date)),
exact AS (
    SELECT *, sum(inhabitants) OVER (PARTITION BY period, level) AS total,
           CAST(amount_cents AS HUGEINT) * inhabitants AS product FROM members),
parts AS (
    SELECT *, CASE WHEN total > 0 THEN product // total ELSE 0 END AS floor_cents,
           CASE WHEN total > 0 THEN product % total ELSE 0 END AS remainder FROM exact),
ranked AS (
    SELECT *, amount_cents - sum(floor_cents) OVER (PARTITION BY period, level) AS left_over,
           row_number() OVER (PARTITION BY period, level ORDER BY remainder DESC, municipality_code)
               AS rank FROM parts),
shares AS (  -- no inhabitants known for that date: the split is not defined (NULL), never 0
    SELECT period, level, municipality_code, inhabitants, total,
           CAST(CASE WHEN total > 0 THEN floor_cents + CASE WHEN rank <= left_over THEN 1 ELSE 0 END END
                AS BIGINT) AS cents
    FROM ranked),
per_gm AS (SELECT period, municipality_code, sum(cents) AS cents, max(inhabitants) AS inhabitants,
                  max(total) AS total FROM shares GROUP BY ALL),
quarters AS (SELECT g.*, q.q, CASE WHEN q.q < 4 THEN cents // 4 ELSE cents - 3 * (cents // 4) END AS qc
             FROM per_gm g, (SELECT unnest([1, 2, 3, 4]) AS q) q)
SELECT period, municipality_code, 'uitvoeringsniveau=' || level, cents / 100, inhabitants, total FROM shares
UNION ALL
SELECT period, 'REGIO', 'uitvoeringsniveau=' || level, sum(cents) / 100, max(total), max(total)
FROM shares GROUP BY period, level
UNION ALL
SELECT period, municipality_code, '', cents / 100, inhabitants, total FROM per_gm
UNION ALL
SELECT period, 'REGIO', '', sum(cents) / 100, NULL, NULL FROM per_gm GROUP BY period
UNION ALL
SELECT period, municipality_code, 'kwartaal=' || q, qc / 100, NULL, NULL FROM quarters
UNION ALL
SELECT period, 'REGIO', 'kwartaal=' || q, sum(qc) / 100, NULL, NULL FROM quarters GROUP BY period, q
