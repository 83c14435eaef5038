-- lrv: the cases open in the school year, once in total and once per phase
WITH f AS (
        SELECT p.period, p.start_date AS y_start, p.end_date AS y_end, c.zaak_id, c.municipality_code,
               c.education_group, c.start_date, c.end_date, c.result,
               c.start_date <= make_date(year(p.start_date), 9, 1)
                   AND (c.end_date IS NULL OR c.end_date > make_date(year(p.start_date), 9, 1)) AS at_start
        FROM periods p JOIN int_cases c ON c.kind = 'langdurig_relatief_verzuim' AND $case_open_in_y)
SELECT period, municipality_code, zaak_id AS unit, education_group AS onderwijssoort, NULL AS fase FROM f
UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'bij_aanvang' FROM f WHERE at_start
UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'nieuw' FROM f
        WHERE NOT at_start AND start_date >= y_start
UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'langer_dan_3_maanden' FROM f
        WHERE least(coalesce(end_date, y_end), y_end) > start_date + INTERVAL 3 MONTH
UNION ALL SELECT period, municipality_code, zaak_id, education_group, 'opgelost' FROM f
        WHERE end_date BETWEEN y_start AND y_end AND result IN ('terug_op_school', 'andere_school')
