-- int_staff_assignments: one row per assignment (key staff, municipality, role, start_date).
CREATE TABLE int_staff_assignments AS
SELECT medewerker AS staff, rol AS role, gemeente_code AS municipality_code, fte,
       begindatum AS start_date, einddatum AS end_date
FROM stg_medewerkers;
-- int_contact_persons: one row per contact person of a school (key school_id, staff, start_date).
CREATE TABLE int_contact_persons AS
SELECT brin || vestiging AS school_id, medewerker AS staff, begindatum AS start_date, einddatum AS end_date
FROM stg_contactpersonen;
