-- int_reports: one row per absence report (key meldingsnummer), withdrawn ones (I) included but flagged.
-- municipality: the report's own gemeente_code (DUO routes it to the residence), else the person's.
-- kind: the Besluit's "16 uur" is V3 under 18 on the report date and V4 from 18 (V3 when the age is unknown).
-- education_group: the person's enrolment at that school on the report date (the latest started; a tie to the
-- later stage, macro enrolment_order), else the school's sector.
CREATE TABLE int_reports AS
WITH first_action AS (
    SELECT meldingsnummer, min(datum) AS first_action_date FROM stg_acties
    WHERE meldingsnummer IS NOT NULL GROUP BY ALL
), enrolment AS (
    SELECT r.meldingsnummer, arg_max(e.education_group, enrolment_order(e.start_date, e.education_group)) AS education_group
    FROM stg_verzuimmeldingen r JOIN int_enrolments e
      ON e.person_id = r.person_id AND e.brin = r.brin AND e.vestiging = r.vestiging
     AND e.start_date <= r.melddatum AND (e.end_date IS NULL OR e.end_date >= r.melddatum)
    GROUP BY ALL
)
SELECT r.meldingsnummer, r.person_id, r.brin || r.vestiging AS school_id, r.brin, r.vestiging,
       r.melddatum AS report_date, school_year_of(r.melddatum) AS school_year,
       CASE WHEN r.verzuimsoort <> '16U' THEN r.verzuimsoort
            WHEN age_on(p.birth_year, p.birth_month, r.melddatum) >= 18 THEN 'V4' ELSE 'V3' END AS kind,
       r.status, r.status <> 'I' AS counts, CAST(r.reden_afsluiting AS INTEGER) AS closing_reason,
       r.datum_afsluiting AS closing_date, r.verzuimuren AS hours, r.behandelaar AS staff,
       coalesce(r.gemeente_code, p.municipality_code) AS municipality_code,
       coalesce(en.education_group, s.education_group, 'onbekend') AS education_group,
       age_on(p.birth_year, p.birth_month, r.melddatum) AS age, fa.first_action_date, r.laatste_mutatie
FROM stg_verzuimmeldingen r
LEFT JOIN int_persons p USING (person_id)
LEFT JOIN int_schools s ON s.school_id = r.brin || r.vestiging
LEFT JOIN enrolment en USING (meldingsnummer)
LEFT JOIN first_action fa USING (meldingsnummer);
