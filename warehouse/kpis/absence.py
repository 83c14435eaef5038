"""The absence figures (section verzuim) of the KPI registry: reports, cases, exemptions, response times."""

from __future__ import annotations

from warehouse.kpi_engine import Custom, Part
from warehouse.kpis._common import LEERPLICHTIG, LPW, collector, reports_and_persons, sql

# shared with the statistical annual report (warehouse.kpis.annual_report), whose rows count the same units
LRV_PART = Part(sql("lrv_units"), breakdowns=(("fase",), ("fase", "onderwijssoort")))
INTERVENTIONS_PART = Part("""SELECT p.period, a.municipality_code, a.actie_id AS unit, a.kind AS interventie,
                   a.case_group AS zaaksoort
                   FROM periods p JOIN int_actions a ON a.action_date BETWEEN p.start_date AND p.end_date
                   WHERE a.kind IN ('halt', 'proces_verbaal')""",
                breakdowns=(("interventie",), ("interventie", "zaaksoort")))

SPECS, _add = collector()

_add(id="relatief_verzuim_per_1000", label="Relatief verzuim per 1.000 leerplichtigen", section="verzuim",
     definition="Leerlingen met minstens één melding van 16 uur (V3, en de oude V1/V2) of langdurig relatief "
                "verzuim in het schooljaar, per 1.000 inwoners van 5 tot en met 17 jaar.",
     numerator="personen met een melding V1, V2, V3 of LRV met melddatum in het schooljaar (niet ingetrokken)",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 21, 21a en 25",
     source="Bron: DUO verzuimregister; CBS", breakdowns=("onderwijssoort",), headline=True,
     event_sources=("verzuimmeldingen",), fragments=("reports_in_y",),
     compute=(Part("""SELECT p.period, r.municipality_code, r.person_id AS unit, r.education_group AS onderwijssoort
                      $reports_in_y AND r.kind IN ('V1', 'V2', 'V3', 'LRV')""",
                   per=LEERPLICHTIG, breakdowns=(("onderwijssoort",),)),))

_add(id="absoluut_verzuim_per_1000", label="Absoluut verzuim per 1.000 leerplichtigen", section="verzuim",
     definition="Jongeren met een zaak absoluut verzuim die op enige dag van het schooljaar open was, per 1.000 "
                "inwoners van 5 tot en met 17 jaar.",
     numerator="personen met een zaak absoluut_verzuim open op enige dag van het schooljaar",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 2, 4 en 25",
     source="Bron: RBL zaaksysteem; CBS",
     event_sources=("zaken",), fragments=("case_open_in_y",),
     compute=(Part("""SELECT p.period, c.municipality_code, c.person_id AS unit
                      FROM periods p JOIN int_cases c ON c.kind = 'absoluut_verzuim' AND $case_open_in_y""",
                   per=LEERPLICHTIG),))

_add(id="verzuim_meldingen", label="Verzuimmeldingen", section="verzuim",
     definition="Aantal verzuimmeldingen met melddatum in het schooljaar (ingetrokken meldingen tellen niet), en "
                "het aantal personen waarover ze gaan (uitsplitsing maat=personen).",
     numerator="meldingen (maat=personen: verschillende personen)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21 en 21a",
     source="Bron: DUO verzuimregister", breakdowns=("school", "verzuimsoort", "status", "reden"), decimals=0,
     event_sources=("verzuimmeldingen",), fragments=("reports_in_y",),
     compute=reports_and_persons("""SELECT p.period, r.municipality_code, {unit} AS unit, r.school_id AS school,
                         r.kind AS verzuimsoort, r.status, CAST(r.closing_reason AS VARCHAR) AS reden $reports_in_y""",
                                 (("school",), ("verzuimsoort",), ("status",), ("reden",))))

_add(id="verzuim_per_school", label="Verzuim per school (per 100 leerlingen)", section="verzuim",
     definition="Per schoolvestiging (school=BRIN+vestiging): leerlingen met minstens één melding op die vestiging "
                "in het schooljaar per 100 leerlingen die er op 1 oktober ingeschreven stonden; met het aantal "
                "meldingen (maat=meldingen) en per verzuimsoort. Per gemeente, onderwijssoort (onderwijssoort=...) "
                "en voor de regio: verschillende personen over de vestigingen daarvan; de regio per onderwijssoort "
                "is de referentie. Een vestiging hoort bij de gemeente waar zij staat; vestigingen buiten de regio "
                "of onbekend tellen alleen in de regio.",
     numerator="personen met een melding op die vestiging (niet ingetrokken)",
     denominator="leerlingen ingeschreven op die vestiging op 1 oktober van het schooljaar",
     period_kind="schooljaar", unit="per 100 leerlingen", legal_basis=f"{LPW} art. 21",
     source="Bron: DUO verzuimregister en inschrijvingen", breakdowns=("school", "verzuimsoort", "onderwijssoort"),
     event_sources=("verzuimmeldingen",), fragments=("reports_in_y",),
     compute=(Custom(sql("verzuim_per_school")),))

_add(id="luxe_verzuim", label="Luxe verzuim", section="verzuim",
     definition="Meldingen van luxe verzuim (soort L) met melddatum in het schooljaar, en de personen "
                "waarover ze gaan (maat=personen).",
     numerator="meldingen soort L (maat=personen: verschillende personen)", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 11 en 13a",
     source="Bron: DUO verzuimregister", breakdowns=("school",), decimals=0,
     event_sources=("verzuimmeldingen",), fragments=("reports_in_y",),
     compute=reports_and_persons("""SELECT p.period, r.municipality_code, {unit} AS unit, r.school_id AS school
                  $reports_in_y AND r.kind = 'L'""", (("school",),)))

_add(id="lrv", label="Langdurig relatief verzuim (zaken)", section="verzuim",
     definition="Zaken langdurig relatief verzuim die op enige dag van het schooljaar open waren (totaal), "
                "waarvan open op 1 september (fase=bij_aanvang), later in het schooljaar begonnen (fase=nieuw), "
                "langer dan 3 maanden tot 31 juli of hun einde (fase=langer_dan_3_maanden), en in het "
                "schooljaar beëindigd met de leerling terug op school (fase=opgelost).",
     numerator="zaken langdurig_relatief_verzuim", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21 en 25; Thuiszitterspact",
     source="Bron: RBL zaaksysteem", breakdowns=("fase", "onderwijssoort"), decimals=0,
     event_sources=("zaken",), fragments=("case_open_in_y",),
     compute=(LRV_PART,))

_add(id="thuiszitters_breed_per_1000", label="Thuiszitters (breed) per 1.000 leerplichtigen", section="verzuim",
     definition="Jongeren die op enige dag van het schooljaar een open zaak absoluut verzuim, een open zaak "
                "langdurig relatief verzuim of een geldige vrijstelling 5 onder a hadden, per 1.000 inwoners van "
                "5 tot en met 17 jaar; elk van de drie apart (groep=...).",
     numerator="verschillende personen in minstens één van de drie groepen",
     denominator="inwoners 5-17 jaar op 1 januari binnen het schooljaar (CBS)",
     period_kind="schooljaar", unit="per 1.000", legal_basis=f"{LPW} art. 5 onder a en 25; Thuiszitterspact",
     source="Bron: RBL zaaksysteem; CBS", breakdowns=("groep",),
     event_sources=("zaken", "vrijstellingen"), fragments=("case_open_in_y", "exemption_active_in_y"),
     compute=(Part(sql("thuiszitters_units"), per=LEERPLICHTIG, breakdowns=(("groep",),)),))

_add(id="vrijstellingen", label="Vrijstellingen", section="verzuim",
     definition="Jongeren met een toegekende vrijstelling die op enige dag van het schooljaar gold (de stand op "
                "1 augustus plus de nieuwe), per artikel: 3a, 3b (vervangende leerplicht), 5 onder a, 5 onder b, "
                "5 onder c, 5a en 15.",
     numerator="personen met een geldige toegekende vrijstelling", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 3a, 3b, 5, 5a en 15",
     source="Bron: RBL zaaksysteem", breakdowns=("artikel",), decimals=0,
     event_sources=("vrijstellingen",), fragments=("exemption_active_in_y",),
     compute=(Part("""SELECT p.period, v.municipality_code, v.person_id AS unit, v.article AS artikel
                      FROM periods p JOIN int_exemptions v ON v.decision = 'toegekend'
                                                          AND $exemption_active_in_y""",
                   breakdowns=(("artikel",),)),))

_add(id="reactietijd", label="Reactietijd op meldingen (werkdagen)", section="verzuim",
     definition="Over de meldingen met melddatum in het schooljaar: de mediaan van het aantal werkdagen van "
                "melddatum tot de eerste actie op die melding (alleen meldingen met een actie); en het aandeel "
                "van alle meldingen met een eerste actie binnen de termijn (binnen_termijn=ja; zonder actie = te "
                "laat). Werkdagen: ma-vr na de melddatum tot en met de actiedatum; feestdagen tellen mee.",
     numerator="mediaan: –; binnen_termijn: meldingen met eerste actie binnen N werkdagen",
     denominator="mediaan: meldingen met een actie; binnen_termijn: alle meldingen",
     period_kind="schooljaar", unit="werkdagen", legal_basis=f"{LPW} art. 16 en 18; werkafspraken MAS",
     source="Bron: DUO verzuimregister; RBL zaaksysteem", breakdowns=("binnen_termijn", "behandelaar"),
     event_sources=("verzuimmeldingen", "acties"), fragments=("reports_in_y",),
     compute=(
         Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit, r.staff AS behandelaar,
                         greatest(working_days(r.report_date, r.first_action_date), 0) AS measure
                  $reports_in_y AND r.first_action_date IS NOT NULL""",
              how="median", breakdowns=(("behandelaar",),)),
         Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit, r.staff AS behandelaar,
                         coalesce(working_days(r.report_date, r.first_action_date) <= {{reactie_werkdagen}},
                                  false) AS hit
                  $reports_in_y""",
              how="share", breakdowns=(("behandelaar",),), prefix="binnen_termijn=ja"),
     ))

_add(id="doorlooptijd", label="Doorlooptijd van meldingen (dagen)", section="verzuim",
     definition="Over de meldingen met een afsluitdatum in het schooljaar: de mediaan van het aantal "
                "kalenderdagen van melddatum tot afsluitdatum, en het aandeel afgesloten binnen de termijn "
                "(binnen_termijn=ja, standaard 56 dagen).",
     numerator="mediaan: –; binnen_termijn: meldingen afgesloten binnen N dagen",
     denominator="meldingen met een afsluitdatum in het schooljaar",
     period_kind="schooljaar", unit="dagen", legal_basis=f"{LPW} art. 16; werkafspraken MAS",
     source="Bron: DUO verzuimregister", breakdowns=("binnen_termijn",),
     event_sources=("verzuimmeldingen",), fragments=("closed_in_y",),
     compute=(
         Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                         r.closing_date - r.report_date AS measure $closed_in_y""", how="median"),
         Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                         r.closing_date - r.report_date <= {{doorlooptijd_dagen}} AS hit $closed_in_y""",
              how="share", prefix="binnen_termijn=ja"),
     ))

_add(id="recidive", label="Recidive", section="verzuim",
     definition="Aandeel van de personen met een in het schooljaar afgesloten melding dat binnen 365 dagen na "
                "die afsluiting een nieuwe melding krijgt.",
     numerator="personen met een nieuwe melding binnen 365 dagen na een afsluiting in het schooljaar",
     denominator="personen met een melding afgesloten in het schooljaar",
     period_kind="schooljaar", unit="%", legal_basis=f"{LPW} art. 25 (verantwoording); werkafspraken MAS",
     source="Bron: DUO verzuimregister",
     event_sources=("verzuimmeldingen",), fragments=("closed_in_y",), reaches_back_days=365,
     compute=(Part("""SELECT p.period, r.municipality_code, r.person_id AS unit,
                             EXISTS (SELECT 1 FROM int_reports n WHERE n.counts AND n.person_id = r.person_id
                                     AND n.report_date > r.closing_date
                                     AND n.report_date <= r.closing_date + 365) AS hit $closed_in_y""",
                   how="share"),))

_add(id="interventies", label="HALT-verwijzingen en processen-verbaal", section="verzuim",
     definition="Acties HALT en proces-verbaal met datum in het schooljaar, per soort zaak (absoluut, relatief "
                "(ook LRV en 18+), luxe): interventie=halt|proces_verbaal;zaaksoort=....",
     numerator="acties van soort halt of proces_verbaal", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 26 en 27; Wetboek van Strafrecht art. 77e",
     source="Bron: RBL zaaksysteem", breakdowns=("interventie", "zaaksoort"), decimals=0,
     event_sources=("acties",),
     compute=(INTERVENTIONS_PART,))

_add(id="sluitredenen", label="Sluitredenen van meldingen", section="verzuim",
     definition="Meldingen met een afsluitdatum in het schooljaar, verdeeld over DUO's zeven redenen "
                "(reden=1 terug naar school ... 7 geoorloofd afwezig).",
     numerator="afgesloten meldingen met die reden", denominator="–",
     period_kind="schooljaar", unit="aantal", legal_basis=f"{LPW} art. 21a; Regeling verzuimregister DUO",
     source="Bron: DUO verzuimregister", breakdowns=("reden", "school"), decimals=0,
     event_sources=("verzuimmeldingen",), fragments=("closed_in_y",),
     compute=(Part("""SELECT p.period, r.municipality_code, r.meldingsnummer AS unit,
                             CAST(r.closing_reason AS VARCHAR) AS reden, r.school_id AS school
                      $closed_in_y AND r.closing_reason IS NOT NULL""",
                   breakdowns=(("reden",), ("school", "reden"))),))
