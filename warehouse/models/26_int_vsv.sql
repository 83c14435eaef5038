-- int_vsv and int_start_population: one row per person per count year. A definitive list replaces
-- the provisional one of the same count year as a whole: persons only on the provisional list drop out.
-- Age is taken on 1 October at the start of the count year; the MBO level is the digit in `niveau`.
CREATE TABLE int_vsv AS
SELECT v.person_id, v.teljaar AS count_year, v.gemeente_code AS municipality_code, v.onderwijssoort AS education_type,
       CASE WHEN v.onderwijssoort = 'MBO' THEN regexp_extract(v.niveau, '([1-4])', 1) END AS mbo_level,
       age_on(v.geboortejaar, v.geboortemaand, make_date(CAST(left(v.teljaar, 4) AS INTEGER), 10, 1)) AS age,
       coalesce(v.geslacht, 'X') AS sex, v.status, v.brin, v.vestiging
FROM stg_vsv v
WHERE v.status = 'definitief'
   OR v.teljaar NOT IN (SELECT teljaar FROM stg_vsv WHERE status = 'definitief');
CREATE TABLE int_start_population AS
SELECT v.person_id, v.teljaar AS count_year, v.gemeente_code AS municipality_code, v.onderwijssoort AS education_type,
       CASE WHEN v.onderwijssoort = 'MBO' THEN regexp_extract(v.niveau, '([1-4])', 1) END AS mbo_level,
       age_on(v.geboortejaar, v.geboortemaand, make_date(CAST(left(v.teljaar, 4) AS INTEGER), 10, 1)) AS age,
       coalesce(v.geslacht, 'X') AS sex, v.status, v.brin, v.vestiging
FROM stg_startpopulatie v
WHERE v.status = 'definitief'
   OR v.teljaar NOT IN (SELECT teljaar FROM stg_startpopulatie WHERE status = 'definitief');
