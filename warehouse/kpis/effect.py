"""The Doorstroompunt effect-report figures (section effectrapportage) of the KPI registry: trajectories and
reports of young people aged 18 and over."""

from __future__ import annotations

from warehouse.kpi_engine import Part
from warehouse.kpis._common import LPW, RMC, collector, reports_and_persons

DSP_AGE = """CASE WHEN {a} BETWEEN 16 AND 17 THEN '16-17' WHEN {a} BETWEEN 18 AND 22 THEN '18-22'
                  WHEN {a} BETWEEN 23 AND 26 THEN '23-26' END"""
# age when the trajectory comes into view: at the start of the school year, or of the trajectory if later
IN_VIEW_AGE = "age_on(t.birth_year, t.birth_month, greatest(t.start_date, p.start_date))"

SPECS, _add = collector()

_add(id="vsv_in_beeld", label="Jongeren in beeld bij het Doorstroompunt", section="effectrapportage",
     definition="Personen met een traject van het Doorstroompunt dat op enige dag van het schooljaar actief was, "
                "naar herkomst (herkomst=nieuw_vsv, oud_vsv, verzuim_18plus, preventief) en leeftijd (16-17, "
                "18-22, 23-26; leeftijd bij het begin van het schooljaar of van het traject als dat later is).",
     numerator="personen met een actief traject", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     breakdowns=("herkomst", "leeftijd"), decimals=0,
     event_sources=("trajecten",), fragments=("trajectory_active_in_y",),
     compute=(Part(f"""SELECT p.period, t.municipality_code, t.person_id AS unit, t.origin AS herkomst,
                             {DSP_AGE.format(a=IN_VIEW_AGE)}
                                 AS leeftijd
                      FROM periods p JOIN int_trajectories t ON $trajectory_active_in_y""",
                   breakdowns=(("herkomst",), ("leeftijd",))),))

_add(id="contact_binnen_termijn", label="Contact binnen termijn", section="effectrapportage",
     definition="Aandeel van de trajecten die in het schooljaar begonnen waarvan het eerste contact binnen N "
                "kalenderdagen (standaard 28) na de start lag; zonder contact telt als te laat.",
     numerator="trajecten met eerste contact binnen N dagen na de start",
     denominator="trajecten gestart in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     event_sources=("trajecten",),
     compute=(Part("""SELECT p.period, t.municipality_code, t.traject_id AS unit,
                             coalesce(t.first_contact_date <= t.start_date + {{contact_dagen}}, false) AS hit
                      FROM periods p JOIN int_trajectories t ON t.start_date BETWEEN p.start_date AND p.end_date""",
                   how="share"),))

_add(id="trajecten_resultaat", label="Beëindigde trajecten naar resultaat", section="effectrapportage",
     definition="Trajecten met een einddatum in het schooljaar, in totaal en per resultaat (resultaat=onderwijs, "
                "werk, onderwijs_en_werk, zorg_dagbesteding, uitkering_of_elders, verhuisd, niet_bereikbaar, "
                "geen_begeleiding_gewenst) en leeftijd bij het einde.",
     numerator="beëindigde trajecten", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=RMC, source="Bron: RBL trajectregistratie",
     breakdowns=("resultaat", "leeftijd"), decimals=0,
     event_sources=("trajecten",),
     compute=(Part(f"""SELECT p.period, t.municipality_code, t.traject_id AS unit, t.result AS resultaat,
                             {DSP_AGE.format(a="age_on(t.birth_year, t.birth_month, t.end_date)")} AS leeftijd
                      FROM periods p JOIN int_trajectories t ON t.end_date BETWEEN p.start_date AND p.end_date""",
                   breakdowns=(("resultaat",), ("leeftijd",))),))

_add(id="positief_resultaat", label="Trajecten met positief resultaat", section="effectrapportage",
     definition="Aandeel van de in het schooljaar beëindigde trajecten met resultaat onderwijs, werk of "
                "onderwijs_en_werk (een traject zonder resultaat telt als niet positief).",
     numerator="beëindigde trajecten met resultaat onderwijs, werk of onderwijs_en_werk",
     denominator="trajecten beëindigd in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=RMC, source="Bron: RBL trajectregistratie", headline=True,
     event_sources=("trajecten",),
     compute=(Part("""SELECT p.period, t.municipality_code, t.traject_id AS unit,
                             coalesce(t.result IN ('onderwijs', 'werk', 'onderwijs_en_werk'), false) AS hit
                      FROM periods p JOIN int_trajectories t ON t.end_date BETWEEN p.start_date AND p.end_date""",
                   how="share"),))

_add(id="verzuim_18plus", label="Verzuimmeldingen 18+", section="effectrapportage",
     definition="Meldingen van 18-plussers (V4 en RMC) met melddatum in het schooljaar, naar status en, als ze "
                "zijn afgesloten, reden; en de personen waarover ze gaan (maat=personen).",
     numerator="meldingen V4 en RMC", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{RMC}; {LPW} art. 21 (kwalificatieplicht)",
     source="Bron: DUO verzuimregister", breakdowns=("status", "reden"), decimals=0,
     event_sources=("verzuimmeldingen",), fragments=("reports_in_y",),
     compute=reports_and_persons("""SELECT p.period, r.municipality_code, {unit} AS unit, r.status,
                         CAST(r.closing_reason AS VARCHAR) AS reden $reports_in_y AND r.kind IN ('V4', 'RMC')""",
                                 (("status",), ("reden",))))
