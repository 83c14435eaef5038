"""The capacity and work-in-progress figures (section capaciteit) of the KPI registry. Stock figures are read
on a reference date (period = start = end = the date); nieuwe_zaken_per_fte is a school-year flow."""

from __future__ import annotations

from warehouse.kpi_engine import Custom, Part
from warehouse.kpis._common import collector, sql

ASSIGNED = "FROM periods p JOIN int_staff_assignments a ON $assignment_active_on_d"
OPEN_ITEMS = sql("open_items")
# the schools in the region (no HO) with how many contact persons are active on the reference date
CONTACT_COVERAGE = """SELECT p.period, s.municipality_code, s.school_id AS unit, s.sector, n = 1 AS hit,
                             CASE WHEN n = 0 THEN 'geen' WHEN n > 1 THEN 'meerdere' END AS dekking
                      FROM periods p CROSS JOIN int_schools s,
                           LATERAL (SELECT count(DISTINCT cp.staff) AS n FROM int_contact_persons cp
                                    WHERE cp.school_id = s.school_id AND cp.start_date <= p.start_date
                                      AND (cp.end_date IS NULL OR cp.end_date >= p.start_date))
                      WHERE s.in_region AND s.sector <> 'HO'"""


def per_fte(items: str, fte: str) -> str:
    """Work per FTE by role (sql/per_fte.sql): `items` (period, municipality_code, unit, rol) over `fte`
    (period, municipality_code, rol, fte)."""
    return sql("per_fte").format(items=items, fte=fte)


SPECS, _add = collector()

_add(id="fte", label="Formatie (fte)", section="capaciteit",
     definition="FTE van de toewijzingen die op de peildatum actief zijn, per rol (rol=leerplichtambtenaar, "
                "doorstroomcoach, coordinator, administratief).",
     numerator="som van de fte", denominator="–",
     period_kind="peildatum", unit="fte", legal_basis="Gemeenschappelijke regeling; regionale capaciteitsafspraken",
     source="Bron: RBL personeelsoverzicht", breakdowns=("rol",), decimals=2,
     event_sources=(), fragments=("assignment_active_on_d",),
     compute=(Part(f"""SELECT p.period, a.municipality_code, a.staff || '|' || a.role AS unit, a.role AS rol,
                              a.fte AS measure {ASSIGNED}""", how="sum", breakdowns=(("rol",),)),))

_add(id="leerplichtigen_per_fte", label="Leerplichtigen per fte leerplichtambtenaar", section="capaciteit",
     definition="Inwoners van 5 tot en met 17 jaar per fte leerplichtambtenaar dat op de peildatum aan de "
                "gemeente is toegewezen (bevolking op de laatste 1 januari op of voor de peildatum).",
     numerator="inwoners 5-17 jaar (CBS)", denominator="fte leerplichtambtenaar actief op de peildatum",
     period_kind="peildatum", unit="inwoners per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: CBS; RBL personeelsoverzicht", headline=True, decimals=0,
     event_sources=(), fragments=("assignment_active_on_d", "pop_leerplicht"),
     compute=(Custom(sql("leerplichtigen_per_fte")),))

_add(id="werkvoorraad", label="Werkvoorraad", section="capaciteit",
     definition="Wat op de peildatum open staat: meldingen (melddatum tot afsluitdatum; ingetrokken en ter "
                "kennisgeving aangenomen nooit), zaken en trajecten; per soort (soort=melding|zaak|traject) en "
                "naar ouderdom (ouderdom=0-27, 28-84, 85+ dagen).",
     numerator="open meldingen, zaken en trajecten", denominator="–",
     period_kind="peildatum", unit="aantal", legal_basis="Gemeenschappelijke regeling; stap 3 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem", breakdowns=("soort", "ouderdom", "behandelaar"),
     decimals=0,
     event_sources=("verzuimmeldingen", "zaken", "trajecten"),
     compute=(Part(f"""SELECT period, municipality_code, unit, soort, behandelaar,
                             CASE WHEN days < 28 THEN '0-27' WHEN days <= 84 THEN '28-84' ELSE '85+' END AS ouderdom
                      FROM (SELECT o.*, p.start_date - o.since AS days FROM ({OPEN_ITEMS}) o
                            JOIN periods p USING (period))""",
                   breakdowns=(("soort",), ("ouderdom",), ("soort", "ouderdom"), ("behandelaar",))),))

_add(id="werkvoorraad_per_fte", label="Werkvoorraad per fte", section="capaciteit",
     definition="Open meldingen en zaken op de peildatum per fte leerplichtambtenaar (rol=leerplichtambtenaar; "
                "zonder 18+-meldingen V4/RMC); open trajecten en 18+-meldingen per fte doorstroomcoach "
                "(rol=doorstroomcoach); het totaal over beide rollen.",
     numerator="open werk van die rol", denominator="fte van die rol op de peildatum",
     period_kind="peildatum", unit="per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem en personeelsoverzicht", breakdowns=("rol",),
     event_sources=("verzuimmeldingen", "zaken", "trajecten"), fragments=("assignment_active_on_d",),
     compute=(Custom(per_fte(
         items=f"""SELECT period, municipality_code, unit,
                          CASE WHEN for_coach THEN 'doorstroomcoach' ELSE 'leerplichtambtenaar' END AS rol
                   FROM ({OPEN_ITEMS})""",
         fte=f"""SELECT p.period, a.municipality_code, a.role AS rol, a.fte {ASSIGNED}
                 AND a.role IN ('leerplichtambtenaar', 'doorstroomcoach')""")),))

_add(id="nieuwe_zaken_per_fte", label="Nieuwe zaken en meldingen per fte", section="capaciteit",
     definition="Zaken en meldingen die in het schooljaar begonnen, per gemiddelde fte in het schooljaar; "
                "leerplichtambtenaar: zaken en meldingen zonder V4/RMC; doorstroomcoach: trajecten en "
                "18+-meldingen (V4/RMC). Gemiddelde fte = som van fte × actieve dagen / dagen in het schooljaar.",
     numerator="nieuwe zaken en meldingen van die rol", denominator="gemiddelde fte van die rol in het schooljaar",
     period_kind="schooljaar", unit="per fte", legal_basis="Gemeenschappelijke regeling; stap 5 (2013)",
     source="Bron: DUO verzuimregister; RBL zaaksysteem en personeelsoverzicht", breakdowns=("rol",),
     event_sources=("verzuimmeldingen", "zaken", "trajecten"), fragments=("assignment_active_in_y", "reports_in_y"),
     compute=(Custom(per_fte(
         items=sql("new_work_items"),
         # the average FTE over the school year: FTE x days active in the year / days in the year
         fte="""SELECT p.period, a.municipality_code, a.role AS rol,
                        a.fte * greatest(0, least(coalesce(a.end_date, p.end_date), p.end_date)
                                            - greatest(a.start_date, p.start_date) + 1)
                            / (p.end_date - p.start_date + 1) AS fte
                 FROM periods p JOIN int_staff_assignments a ON $assignment_active_in_y
                  AND a.role IN ('leerplichtambtenaar', 'doorstroomcoach')""")),))

_add(id="contactpersoon_dekking", label="Dekking contactpersonen scholen", section="capaciteit",
     definition="Aandeel van de schoolvestigingen in de regio (uit `scholen`, zonder HO) met precies één "
                "contactpersoon die op de peildatum actief is (geteld op medewerkerscode); met het aantal "
                "vestigingen zonder (dekking=geen) of met meerdere (dekking=meerdere).",
     numerator="vestigingen met precies één actieve contactpersoon", denominator="vestigingen in de regio",
     period_kind="peildatum", unit="%", legal_basis="Projectvoorstel 2013, stap 2 (één contactpersoon per school)",
     source="Bron: DUO scholen; RBL contactpersonen", breakdowns=("sector", "dekking"), suppression="none",
     event_sources=(),
     compute=(Part(CONTACT_COVERAGE, how="share", breakdowns=(("sector",),)),
              Part(CONTACT_COVERAGE, breakdowns=(("dekking",),), totals=False)))
