-- int_persons: one row per person (pseudonym); birth as year and month only.
CREATE TABLE int_persons AS
SELECT person_id, geboortejaar AS birth_year, geboortemaand AS birth_month, gemeente_code AS municipality_code,
       coalesce(geslacht, 'X') AS sex, postcode AS postcode4, datum_vestiging AS settled_on,
       datum_vertrek AS left_on, datum_overlijden AS died_on, datum_startkwalificatie AS qualified_on
FROM stg_personen;
