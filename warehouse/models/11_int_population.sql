-- int_population: one row per municipality (restated to today's), peildatum (1 January) and age.
-- Altena's predecessors are summed into GM1959. Where a delivery gives counts per sex, the rows
-- without a sex for the same municipality and date are left out, so nobody is counted twice.
CREATE TABLE int_population AS
WITH split AS (
    SELECT gemeente_code_bron, peildatum, bool_or(geslacht IS NOT NULL) AS by_sex
    FROM stg_bevolking GROUP BY ALL
)
SELECT b.gemeente_code AS municipality_code, b.peildatum, b.leeftijd AS age, sum(b.aantal) AS inhabitants
FROM stg_bevolking b JOIN split s USING (gemeente_code_bron, peildatum)
WHERE (b.geslacht IS NOT NULL) = s.by_sex
GROUP BY ALL;
