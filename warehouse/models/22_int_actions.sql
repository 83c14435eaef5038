-- int_actions: one row per action (key actie_id), with the kind of absence and municipality of its
-- case, else of its report (a report of kind L is luxe, any other kind relatief).
CREATE TABLE int_actions AS
SELECT a.actie_id, a.datum AS action_date, a.soort AS kind, a.zaak_id, a.meldingsnummer, a.behandelaar AS staff,
       coalesce(c.case_group, CASE WHEN r.kind = 'L' THEN 'luxe' WHEN r.kind IS NOT NULL THEN 'relatief' END,
                'overig') AS case_group,
       coalesce(c.municipality_code, r.municipality_code) AS municipality_code,
       coalesce(c.person_id, r.person_id) AS person_id
FROM stg_acties a
LEFT JOIN int_cases c USING (zaak_id)
LEFT JOIN int_reports r ON r.meldingsnummer = a.meldingsnummer;
