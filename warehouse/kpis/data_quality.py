"""The data-quality figures (section data) of the KPI registry: loads, rejected rows, freshness; internal only."""

from __future__ import annotations

from warehouse.kpi_engine import Custom, Part
from warehouse.kpis._common import LPW, collector, sql

SPECS, _add = collector()

_add(id="laadhistorie", label="Laadhistorie", section="data",
     definition="Per gepubliceerde lading met een laaddatum tot en met de peildatum (lading=N): regels "
                "gelezen, en geladen, bijgewerkt, ongewijzigd en afgekeurd (maat=...); gelezen = geladen + "
                "bijgewerkt + ongewijzigd + afgekeurd. Ongewijzigd: opnieuw aangeleverd zoals het al stond, of "
                "ouder dan de bewaartermijn (de bewaarregel verwijdert het toch). Ladingen van voor deze maat "
                "telden zulke regels als bijgewerkt (ongewijzigd 0). Bestanden, controlegetallen en duur staan "
                "op de pagina Data.",
     numerator="regels", denominator="–", period_kind="peildatum", unit="aantal",
     legal_basis="AVG art. 5 (juistheid, verantwoording)", source="Bron: RBL Monitor", breakdowns=("lading", "maat"),
     decimals=0, suppression="internal",
     event_sources=(),
     compute=(Custom("""
        SELECT p.period, 'REGIO', 'lading=' || h.load_id || m.suffix,
               CASE m.suffix WHEN '' THEN h.rows_read WHEN ';maat=geladen' THEN h.rows_loaded
                    WHEN ';maat=bijgewerkt' THEN h.rows_updated
                    WHEN ';maat=ongewijzigd' THEN coalesce(h.rows_unchanged, 0) ELSE h.rows_rejected END, NULL, NULL
        FROM periods p JOIN load_history h ON h.load_date <= p.start_date,
             (SELECT unnest(['', ';maat=geladen', ';maat=bijgewerkt', ';maat=ongewijzigd', ';maat=afgekeurd'])
                 AS suffix) m"""),))

_add(id="afgekeurde_regels", label="Afgekeurde regels", section="data",
     definition="Afgekeurde regels van de laatste lading van elk bestand (laaddatum tot en met de peildatum), "
                "per bron en reden (bron=...;reden=leeg_veld, bsn_ongeldig, onleesbare_datum, datum_na_laaddatum, "
                "einde_voor_begin, ongeldige_code, ongeldig_getal, onbekende_gemeente, buiten_regio). Bestand en "
                "regelnummer staan op de pagina Data; nooit het BSN.",
     numerator="afgekeurde regels", denominator="–", period_kind="peildatum", unit="aantal",
     legal_basis="AVG art. 5 (juistheid)", source="Bron: RBL Monitor", breakdowns=("bron", "reden"),
     headline=True, decimals=0, suppression="internal",
     event_sources=(),
     compute=(Custom(sql("afgekeurde_regels")),))

_add(id="actualiteit", label="Actualiteit van de bronnen (dagen)", section="data",
     definition="Per bron (bron=...) het aantal dagen tussen de nieuwste datum in haar gegevens (niet na de "
                "peildatum) en de peildatum; een waarschuwing (waarschuwing=ja) boven de drempel (standaard 45 "
                "dagen). Personen en scholen hebben geen eigen datum en staan er niet in.",
     numerator="–", denominator="–", period_kind="peildatum", unit="dagen",
     legal_basis="AVG art. 5 (juistheid)", source="Bron: RBL Monitor", breakdowns=("bron", "waarschuwing"),
     decimals=0, suppression="internal",
     event_sources=(),
     compute=(Custom(sql("actualiteit")),))

_add(id="open_zonder_status", label="Meldingen zonder status", section="data",
     definition="Meldingen die op de peildatum nog de status geregistreerd (R) hebben terwijl er sinds de "
                "melddatum N werkdagen of meer (standaard 10) verstreken zijn.",
     numerator="meldingen met status R, N werkdagen of meer na de melddatum", denominator="–",
     period_kind="peildatum", unit="aantal", legal_basis=f"{LPW} art. 16 en 21a", source="Bron: DUO verzuimregister",
     decimals=0, suppression="internal",
     event_sources=("verzuimmeldingen",),
     compute=(Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit
                      FROM periods p JOIN int_reports r ON r.status = 'R' AND r.report_date <= p.start_date
                       AND working_days(r.report_date, p.start_date) >= {{zonder_status_werkdagen}}"""),))
