-- int_budget: one row per budget line (key year, level); level 'totaal' is one budget for all.
CREATE TABLE int_budget AS
SELECT jaar AS budget_year, uitvoeringsniveau AS level, CAST(round(bedrag * 100) AS BIGINT) AS amount_cents
FROM stg_begroting;
