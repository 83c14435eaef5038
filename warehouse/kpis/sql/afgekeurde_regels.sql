-- afgekeurde_regels: the rejected rows of the latest load of each file, by source and a reason code
WITH latest AS (SELECT p.period, f.file, max(f.load_id) AS load_id
                FROM periods p JOIN load_files f ON true
                JOIN load_history h ON h.load_id = f.load_id AND h.load_date <= p.start_date
                GROUP BY ALL),
r AS (SELECT l.period, j.source, CASE WHEN reason LIKE 'verplicht veld%' THEN 'leeg_veld'
            WHEN reason LIKE '%elfproef%' OR reason LIKE '%9 cijfers%' THEN 'bsn_ongeldig'
            WHEN reason LIKE 'onleesbare datum%' THEN 'onleesbare_datum'
            WHEN reason LIKE '%na de laaddatum%' THEN 'datum_na_laaddatum'
            WHEN reason LIKE '%ligt voor%' THEN 'einde_voor_begin'
            WHEN reason LIKE 'onbekende gemeente%' THEN 'onbekende_gemeente'
            WHEN reason LIKE 'onbekende%' OR reason LIKE 'ongeldig%' THEN 'ongeldige_code'
            WHEN reason LIKE '%ligt niet%' OR reason LIKE 'geen %getal%' THEN 'ongeldig_getal'
            WHEN reason LIKE 'woont buiten de regio%' THEN 'buiten_regio' ELSE 'overig' END AS code
      FROM latest l JOIN load_rejects j ON j.load_id = l.load_id AND j.file = l.file)
SELECT p.period, 'REGIO', '', (SELECT count(*) FROM r WHERE r.period = p.period), NULL, NULL FROM periods p
UNION ALL
SELECT period, 'REGIO', 'bron=' || source || ';reden=' || code, count(*), NULL, NULL FROM r GROUP BY ALL
