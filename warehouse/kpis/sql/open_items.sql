-- werkvoorraad, werkvoorraad_per_fte: what is open on the reference date (started on or before it, not
-- closed on or before it); withdrawn reports and reports taken for information (K) never
SELECT p.period, r.municipality_code, 'melding:' || r.meldingsnummer AS unit, 'melding' AS soort,
       r.report_date AS since, r.staff AS behandelaar, r.kind IN ('V4', 'RMC') AS for_coach
FROM periods p JOIN int_reports r ON r.counts AND r.status <> 'K'
                                 AND r.report_date <= p.start_date
                                 AND (r.closing_date IS NULL OR r.closing_date > p.start_date)
UNION ALL
SELECT p.period, c.municipality_code, 'zaak:' || c.zaak_id, 'zaak', c.start_date, c.staff, false
FROM periods p JOIN int_cases c ON c.start_date <= p.start_date AND (c.end_date IS NULL OR c.end_date > p.start_date)
UNION ALL
SELECT p.period, t.municipality_code, 'traject:' || t.traject_id, 'traject', t.start_date, t.staff, true
FROM periods p JOIN int_trajectories t ON t.start_date <= p.start_date
                                      AND (t.end_date IS NULL OR t.end_date > p.start_date)
