-- thuiszitters_breed_per_1000: persons in one of the three groups on any day of the school year
SELECT p.period, c.municipality_code, c.person_id AS unit,
       CASE c.kind WHEN 'absoluut_verzuim' THEN 'absoluut_verzuim' ELSE 'lrv' END AS groep
FROM periods p JOIN int_cases c ON c.kind IN ('absoluut_verzuim', 'langdurig_relatief_verzuim')
                               AND $case_open_in_y
UNION ALL
SELECT p.period, v.municipality_code, v.person_id, 'vrijstelling_5_onder_a'
FROM periods p JOIN int_exemptions v ON v.article = '5 onder a' AND v.decision = 'toegekend'
                                    AND $exemption_active_in_y
