-- int_enrolments: one row per enrolment spell (key person_id, school_id, start_date).
CREATE TABLE int_enrolments AS
SELECT e.person_id, e.brin || e.vestiging AS school_id, e.brin, e.vestiging,
       e.datum_inschrijving AS start_date, e.datum_uitschrijving AS end_date,
       e.onderwijssoort AS education_type, education_group(e.onderwijssoort) AS education_group,
       e.niveau AS level, e.leerjaar AS grade, e.leerweg AS track
FROM stg_inschrijvingen e;
