-- int_trajectories: one row per Doorstroompunt trajectory (key traject_id).
CREATE TABLE int_trajectories AS
SELECT t.traject_id, t.person_id, t.startdatum AS start_date, t.herkomst AS origin,
       t.datum_eerste_contact AS first_contact_date, t.einddatum AS end_date, t.resultaat AS result,
       coalesce(t.gemeente_code, p.municipality_code) AS municipality_code, t.behandelaar AS staff,
       p.birth_year, p.birth_month
FROM stg_trajecten t LEFT JOIN int_persons p USING (person_id);
