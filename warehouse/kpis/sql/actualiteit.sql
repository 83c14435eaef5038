-- actualiteit: days between each source's newest date (not after the reference date) and that date
WITH dated AS (
            SELECT 'verzuimmeldingen' AS source, melddatum AS d FROM stg_verzuimmeldingen
            UNION ALL SELECT 'zaken', startdatum FROM stg_zaken
            UNION ALL SELECT 'acties', datum FROM stg_acties
            UNION ALL SELECT 'trajecten', startdatum FROM stg_trajecten
            UNION ALL SELECT 'vrijstellingen', coalesce(aanvraagdatum, begindatum) FROM stg_vrijstellingen
            UNION ALL SELECT 'inschrijvingen', datum_inschrijving FROM stg_inschrijvingen
            UNION ALL SELECT 'bevolking', peildatum FROM stg_bevolking
            UNION ALL SELECT 'medewerkers', begindatum FROM stg_medewerkers
            UNION ALL SELECT 'contactpersonen', begindatum FROM stg_contactpersonen
            UNION ALL SELECT 'vsv', make_date(CAST(right(teljaar, 4) AS INTEGER), 9, 30) FROM stg_vsv
            UNION ALL SELECT 'startpopulatie', make_date(CAST(left(teljaar, 4) AS INTEGER), 10, 1)
                      FROM stg_startpopulatie),
days AS (SELECT DISTINCT source, d FROM dated),  -- each date once: the join below compares thousands, not millions
newest AS (  -- never a date after the reference date (planned assignments lie in the future)
            SELECT p.period, d.source, p.start_date - max(d.d) AS days
            FROM periods p JOIN days d ON d.d <= p.start_date GROUP BY p.period, p.start_date, d.source)
SELECT period, 'REGIO', 'bron=' || source, days, NULL, NULL FROM newest
UNION ALL
SELECT period, 'REGIO', 'bron=' || source || ';waarschuwing=ja', days, NULL, NULL FROM newest
WHERE days > {{actualiteit_dagen}}
