-- int_schools: one row per school location (key school_id = BRIN + vestiging), with its group.
CREATE TABLE int_schools AS
SELECT brin || vestiging AS school_id, brin, vestiging, naam, sector, education_group(sector) AS education_group,
       gemeente_code AS municipality_code, plaats,
       gemeente_code IN (SELECT gemeente_code FROM int_municipalities) AS in_region
FROM stg_scholen;
