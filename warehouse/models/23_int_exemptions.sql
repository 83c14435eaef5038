-- int_exemptions: one row per exemption decision (key person_id, article, start_date).
CREATE TABLE int_exemptions AS
SELECT v.person_id, v.artikel AS article, v.besluit AS decision, v.begindatum AS start_date,
       v.einddatum AS end_date, v.aanvraagdatum AS requested_on,
       coalesce(v.gemeente_code, p.municipality_code) AS municipality_code
FROM stg_vrijstellingen v LEFT JOIN int_persons p USING (person_id);
