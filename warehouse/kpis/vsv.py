"""The early-school-leaving figures (section vsv) of the KPI registry: DUO's lists per count year."""

from __future__ import annotations

from warehouse.kpi_engine import Part
from warehouse.kpis._common import RMC, collector

VSV_AGE = """CASE WHEN age BETWEEN 12 AND 15 THEN '12-15' WHEN age BETWEEN 16 AND 17 THEN '16-17'
                  WHEN age BETWEEN 18 AND 20 THEN '18-20' WHEN age BETWEEN 21 AND 22 THEN '21-22' END"""
VSV_UNITS = f"""
    SELECT p.period, v.municipality_code, v.person_id AS unit, {{hit}} AS hit, {{den}} AS den,
           v.education_type AS onderwijssoort, v.mbo_level AS niveau, {VSV_AGE} AS leeftijd, v.sex AS geslacht
    FROM periods p JOIN {{table}} v ON v.count_year = p.period"""
VSV_BREAKDOWNS = (("onderwijssoort",), ("onderwijssoort", "niveau"), ("leeftijd",), ("geslacht",))
# early school leavers (hit) over the start population (den) of the count year
RATE_UNITS = (VSV_UNITS.format(hit="true", den="false", table="int_vsv") + " UNION ALL "
              + VSV_UNITS.format(hit="false", den="true", table="int_start_population"))

SPECS, _add = collector()

_add(id="vsv_aantal", label="Nieuwe voortijdig schoolverlaters", section="vsv",
     definition="Nieuwe voortijdig schoolverlaters in het teljaar volgens DUO (definitieve lijst waar die er is, "
                "anders de voorlopige; status=definitief|voorlopig zegt welke).",
     numerator="personen op de VSV-lijst van het teljaar", denominator="–",
     period_kind="teljaar", unit="aantal", legal_basis=RMC, source="Bron: DUO (NenR)",
     breakdowns=("onderwijssoort", "niveau", "leeftijd", "geslacht", "status"), decimals=0,
     event_sources=("vsv",),
     compute=(
         Part(VSV_UNITS.format(hit="true", den="true", table="int_vsv"), breakdowns=VSV_BREAKDOWNS),
         Part("SELECT p.period, v.municipality_code, v.person_id AS unit, v.status "
              "FROM periods p JOIN int_vsv v ON v.count_year = p.period",
              breakdowns=(("status",),), totals=False),
     ))

_add(id="vsv_percentage", label="VSV-percentage", section="vsv",
     definition="100 × nieuwe voortijdig schoolverlaters in het teljaar / deelnemers VO en MBO in de "
                "startpopulatie op 1 oktober, met dezelfde uitsplitsing; MBO-niveaus tegen de landelijke norm.",
     numerator="nieuwe voortijdig schoolverlaters (vsv_aantal)",
     denominator="deelnemers VO + MBO in de startpopulatie van het teljaar (DUO NRSP)",
     period_kind="teljaar", unit="%", legal_basis=RMC, source="Bron: DUO (NenR, NRSP)",
     breakdowns=("onderwijssoort", "niveau", "leeftijd", "geslacht"), headline=True, decimals=2,
     event_sources=("vsv",),
     compute=(Part(RATE_UNITS,
                   how="ratio", scale=100, breakdowns=VSV_BREAKDOWNS),))

_add(id="vsv_trend", label="VSV-percentage door de jaren", section="vsv",
     definition="Het VSV-percentage (totaal) voor elk geladen teljaar, voor de regio en per gemeente; "
                "landelijke referentie 2,4 % (BBV 2023).",
     numerator="zie vsv_percentage", denominator="zie vsv_percentage",
     period_kind="teljaar", unit="%", legal_basis=RMC, source="Bron: DUO (NenR, NRSP)", decimals=2,
     event_sources=("vsv",),
     compute=(Part(RATE_UNITS,
                   how="ratio", scale=100),))
