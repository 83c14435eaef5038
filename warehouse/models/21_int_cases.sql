-- int_cases: one row per case (key zaak_id); municipality from the case, else the person's residence.
-- case_group: the kind of absence for interventions: absoluut, relatief (incl. LRV and 18+), luxe, overig.
-- education_group: of the person's enrolment on the case's start date (the latest started; a tie to the later
-- stage, macro enrolment_order, so every build picks the same); 'geen' when not enrolled
-- (the annual report's column "geen onderwijs"), 'onbekend' when the person has no enrolments at all.
CREATE TABLE int_cases AS
WITH enrolment AS (
    SELECT z.zaak_id, arg_max(e.education_group, enrolment_order(e.start_date, e.education_group)) AS education_group
    FROM stg_zaken z JOIN int_enrolments e
      ON e.person_id = z.person_id AND e.start_date <= z.startdatum
     AND (e.end_date IS NULL OR e.end_date >= z.startdatum)
    GROUP BY ALL
), known AS (SELECT DISTINCT person_id FROM int_enrolments)
SELECT z.zaak_id, z.person_id, z.soort AS kind, z.startdatum AS start_date, z.einddatum AS end_date,
       coalesce(z.gemeente_code, p.municipality_code) AS municipality_code, z.meldingsnummer, z.behandelaar AS staff,
       z.resultaat AS result,
       CASE WHEN z.soort = 'absoluut_verzuim' THEN 'absoluut'
            WHEN z.soort IN ('relatief_verzuim', 'langdurig_relatief_verzuim', 'verzuim_18plus') THEN 'relatief'
            WHEN z.soort = 'luxe_verzuim' THEN 'luxe' ELSE 'overig' END AS case_group,
       coalesce(en.education_group, CASE WHEN k.person_id IS NOT NULL THEN 'geen' ELSE 'onbekend' END)
           AS education_group,
       p.birth_year, p.birth_month
FROM stg_zaken z
LEFT JOIN int_persons p USING (person_id)
LEFT JOIN enrolment en USING (zaak_id)
LEFT JOIN known k ON k.person_id = z.person_id;
