-- nieuwe_zaken_per_fte: reports, cases and trajectories that started in the school year, by the role they are for
SELECT p.period, r.municipality_code, 'melding:' || r.meldingsnummer AS unit,
       CASE WHEN r.kind IN ('V4', 'RMC') THEN 'doorstroomcoach' ELSE 'leerplichtambtenaar' END AS rol
$reports_in_y
UNION ALL
SELECT p.period, c.municipality_code, 'zaak:' || c.zaak_id, 'leerplichtambtenaar'
FROM periods p JOIN int_cases c ON c.start_date BETWEEN p.start_date AND p.end_date
UNION ALL
SELECT p.period, t.municipality_code, 'traject:' || t.traject_id, 'doorstroomcoach'
FROM periods p JOIN int_trajectories t ON t.start_date BETWEEN p.start_date AND p.end_date
