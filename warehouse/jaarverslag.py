"""The rows of the statistical annual report (kpis.md "Statistical annual report"), each defined once.

The report is one KPI in the registry, `jaarverslag` (warehouse/kpis/annual_report.py computes it),
so it is precomputed at load into `mart_kpi_values`, suppressed by warehouse.suppression and written by
`python -m warehouse kpis` like every other figure. A row of the report is one breakdown of that KPI:

    rij=<group>[;<member key>=<value>]              the row's total
    onderwijssoort=<column>;rij=<group>[;...]        the row's cell in a type-of-education column
    maat=geen_onderwijs;rij=<group>[;...]            "waarvan geen onderwijs" (persons not enrolled)

A *group* is a block of rows with one total (absoluut verzuim, LRV, exemptions, ...); its member rows
carry a second key (fase, artikel, verzuimsoort, zaaksoort), so secondary suppression knows that a
member and the group total belong to one table. Where a registry KPI already counts a row, the row takes
that KPI's own SQL (lrv, interventies) or the same fragments (reports in Y, cases open in Y, exemptions
valid in Y), and tests/test_kpis_jaarverslag.py checks that the totals are equal.

Columns (the type of education): PO (with SBO), VSO ((V)SO), VO (with PRO and VAVO), MBO, HO, onbekend.
A report takes the group of the report itself (int_reports.education_group: the enrolment at the
reporting school, else that school's sector). Every other row looks at the person on a reference date d
(1 January for inhabitants, the start of the record or of the school year, whichever is later, for
cases and exemptions, the date of an action): the enrolment active on d; *no education*: the last one
followed before d (kpis.md); nothing known up to d: onbekend. The persons not enrolled on d are also
counted in the column "waarvan geen onderwijs". A unit (person, case, report, action) is classified once
per school year, on its earliest reference date in that year.
"""

from __future__ import annotations

from dataclasses import dataclass

KPI_ID = "jaarverslag"
COLUMNS: tuple[tuple[str, str], ...] = (  # (onderwijssoort value, Dutch header)
    ("PO", "PO en SBO"), ("VSO", "(V)SO"), ("VO", "VO incl. pro"), ("MBO", "MBO"), ("HO", "HO"),
    ("onbekend", "Onbekend"),
)
NOT_ENROLLED = "geen_onderwijs"  # the `maat=` of "waarvan geen onderwijs"
LPW = "Leerplichtwet 1969"
RMC = "RMC-wetgeving (WVO art. 118h e.v., WEB art. 8.3.2)"
SRC_CBS = "Bron: CBS"
SRC_BRP = "Bron: BRP-uittreksel (personen); DUO inschrijvingen"
SRC_CASES = "Bron: RBL zaaksysteem; DUO inschrijvingen"
SRC_REPORTS = "Bron: DUO verzuimregister"

COLUMN_DEFINITION = (
    "Kolommen naar soort onderwijs: PO en SBO, (V)SO, VO incl. praktijkonderwijs en VAVO, MBO, HO, onbekend. "
    "Een melding telt bij het onderwijs van de melding zelf (de inschrijving op de meldende school op de "
    "melddatum, anders de sector van die school). Bij de andere rijen telt de persoon bij zijn inschrijving "
    "op de peildatum van de rij; wie dan geen onderwijs volgt, telt bij het laatst gevolgde onderwijs, en wie "
    "nooit ingeschreven was bij onbekend. 'Waarvan geen onderwijs' telt de personen die op de peildatum niet "
    "ingeschreven stonden (leeg bij meldingen: een melding komt van de school waar de leerling staat "
    "ingeschreven). Wie in één schooljaar in twee soorten onderwijs een melding had, telt in beide kolommen "
    "en één keer in het totaal.")


@dataclass(frozen=True)
class Row:
    """One row of the report: the total and the cells of one breakdown of the KPI `jaarverslag`."""

    id: str  # stable: docs, tests and the page's cell ids use it
    group: str  # the `rij=` value
    label: str  # Dutch, as in the report
    definition: str  # Dutch
    numerator: str
    source: str
    legal_basis: str
    member: tuple[str, str] | None = None  # (key, value) of a member row within its group
    columns: bool = True  # False: a total only (CBS counts have no type of education)
    not_enrolled: bool = True  # has "waarvan geen onderwijs"
    level: int = 0  # 1: indented under the group's first row ("waarvan ...")

    @property
    def breakdown(self) -> str:
        return breakdown(self.group, self.member)

    def cell(self, column: str) -> str:
        """The breakdown of this row's cell in a type-of-education column (or NOT_ENROLLED)."""
        if column == NOT_ENROLLED:
            return breakdown(self.group, self.member, ("maat", NOT_ENROLLED))
        return breakdown(self.group, self.member, ("onderwijssoort", column))


def breakdown(group: str, *pairs: tuple[str, str] | None) -> str:
    """`key=value` pairs joined by `;` in key order, as warehouse.kpi_engine writes them."""
    items = [("rij", group)] + [p for p in pairs if p]
    return ";".join(f"{k}={v}" for k, v in sorted(items))


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def _members(group: str, key: str, values: tuple[tuple[str, str], ...], definition: str, numerator: str,
             source: str, legal_basis: str, not_enrolled: bool = True) -> tuple[Row, ...]:
    """The member rows of a group: one per (value, Dutch label)."""
    return tuple(Row(f"{group}_{v.replace(' ', '_').lower()}", group, label, definition.format(value=v, label=label),
                     numerator.format(value=v, label=label), source, legal_basis, member=(key, v),
                     not_enrolled=not_enrolled, level=1) for v, label in values)


REPORT_KINDS_RELATIVE = (("V3", "16 uur in 4 weken, onder 18 (V3)"), ("V1", "oude code V1"),
                         ("V2", "oude code V2"), ("LRV", "1 maand of langer ongeoorloofd (LRV)"))
REPORT_KINDS_OTHER = (("V4", "16 uur in 4 weken, 18 jaar en ouder (V4)"), ("RMC", "18+ (RMC)"),
                      ("signaal", "signaalverzuim"), ("beginnend", "beginnend verzuim"), ("O", "overig (O)"))
_REPORT_NOTE = " Ingetrokken meldingen tellen niet."

SECTIONS: tuple[Section, ...] = (
    Section("Inwoners", (
        Row("inwoners_5_17", "inwoners_5_17", "Inwoners 5 t/m 17 jaar (CBS)",
            "Inwoners van 5 tot en met 17 jaar op 1 januari binnen het schooljaar volgens het CBS (de noemer "
            "van de verzuimcijfers per 1.000).", "inwoners 5-17 jaar (CBS)", SRC_CBS, f"{LPW} art. 25",
            columns=False, not_enrolled=False),
        Row("leerplichtigen", "leerplichtigen", "Jongeren 5 t/m 17 jaar in de BRP",
            "Jongeren van 5 tot en met 17 jaar die op 1 januari binnen het schooljaar volgens het BRP-uittreksel "
            "in de gemeente woonden (gevestigd op of voor die dag, niet vertrokken of overleden), naar hun "
            "onderwijs op die dag.", "personen in het BRP-uittreksel", SRC_BRP, f"{LPW} art. 2 en 25"),
        Row("inwoners_18_22", "inwoners_18_22", "Inwoners 18 t/m 22 jaar (CBS)",
            "Inwoners van 18 tot en met 22 jaar op 1 januari binnen het schooljaar volgens het CBS.",
            "inwoners 18-22 jaar (CBS)", SRC_CBS, RMC, columns=False, not_enrolled=False),
        Row("jongeren_18_22", "jongeren_18_22", "Jongeren 18 t/m 22 jaar in de BRP",
            "Jongeren van 18 tot en met 22 jaar die op 1 januari binnen het schooljaar volgens het BRP-uittreksel "
            "in de gemeente woonden, naar hun onderwijs op die dag.", "personen in het BRP-uittreksel", SRC_BRP,
            RMC),
    )),
    Section("Absoluut verzuim (leerlingen)", (
        Row("absoluut_verzuim", "absoluut_verzuim", "Absoluut verzuim",
            "Jongeren met een zaak absoluut verzuim die op enige dag van het schooljaar open was (de teller van "
            "absoluut_verzuim_per_1000).", "personen met een zaak absoluut_verzuim open in het schooljaar",
            SRC_CASES, f"{LPW} art. 2, 4 en 25"),
        Row("absoluut_verzuim_terug_op_school", "absoluut_verzuim", "waarvan terug op school",
            "Van hen: met een zaak die in het schooljaar eindigde met de jongere terug op school (resultaat "
            "terug_op_school of andere_school).", "personen met zo'n beëindigde zaak", SRC_CASES,
            f"{LPW} art. 25", member=("fase", "terug_op_school"), level=1),
        Row("absoluut_verzuim_langer_dan_3_maanden", "absoluut_verzuim", "waarvan langer dan 3 maanden",
            "Van hen: met een zaak die langer dan drie maanden duurde, gerekend tot haar einde of tot 31 juli als "
            "dat eerder is.", "personen met zo'n zaak", SRC_CASES, f"{LPW} art. 25",
            member=("fase", "langer_dan_3_maanden"), level=1),
    )),
    Section("Langdurig relatief verzuim (zaken)", (
        Row("lrv", "lrv", "Langdurig relatief verzuim",
            "Zaken langdurig relatief verzuim die op enige dag van het schooljaar open waren (de KPI lrv).",
            "zaken langdurig_relatief_verzuim", SRC_CASES, f"{LPW} art. 21 en 25; Thuiszitterspact"),
        *(Row(f"lrv_{fase}", "lrv", label, f"Zaken langdurig relatief verzuim: {text} (lrv, fase={fase}).",
              "zaken langdurig_relatief_verzuim", SRC_CASES, f"{LPW} art. 21 en 25", member=("fase", fase), level=1)
          for fase, label, text in (
              ("bij_aanvang", "bij aanvang (open op 1 september)", "open op 1 september"),
              ("nieuw", "nieuw in het schooljaar", "later in het schooljaar begonnen"),
              ("langer_dan_3_maanden", "langer dan 3 maanden",
               "langer dan drie maanden, gerekend tot hun einde of tot 31 juli als dat eerder is"),
              ("opgelost", "opgelost (terug op school)",
               "in het schooljaar beëindigd met de leerling terug op school"))),
    )),
    Section("Vrijstellingen (leerlingen)", (
        Row("vrijstellingen", "vrijstellingen", "Vrijstellingen",
            "Jongeren met een toegekende vrijstelling op grond van art. 5, 5a of 15 die op enige dag van het "
            "schooljaar gold (de stand op 1 augustus plus de nieuwe).",
            "personen met een geldige toegekende vrijstelling", SRC_CASES, f"{LPW} art. 5, 5a en 15"),
        *_members("vrijstellingen", "artikel",
                  (("5 onder a", "art. 5 onder a (lichamelijk of psychisch)"),
                   ("5 onder b", "art. 5 onder b (richting)"), ("5 onder c", "art. 5 onder c (school in het "
                                                                             "buitenland)"),
                   ("5a", "art. 5a (trekkende bestaanswijze)"), ("15", "art. 15 (geen geschikte school)")),
                  "Van hen: met een toegekende vrijstelling {value} die op enige dag van het schooljaar gold.",
                  "personen met een geldige vrijstelling {value}", SRC_CASES, f"{LPW} art. 5, 5a en 15"),
    )),
    Section("Vervangende leerplicht (leerlingen)", (
        Row("vervangende_leerplicht", "vervangende_leerplicht", "Vervangende leerplicht",
            "Jongeren met een toegekende vrijstelling op grond van art. 3a of 3b (vervangende leerplicht) die op "
            "enige dag van het schooljaar gold.", "personen met een geldige toegekende vrijstelling 3a of 3b",
            SRC_CASES, f"{LPW} art. 3a en 3b"),
        *_members("vervangende_leerplicht", "artikel",
                  (("3a", "art. 3a (andere vorm van onderwijs)"), ("3b", "art. 3b (16-jarigen)")),
                  "Van hen: met een toegekende vrijstelling {value} die op enige dag van het schooljaar gold.",
                  "personen met een geldige vrijstelling {value}", SRC_CASES, f"{LPW} art. 3a en 3b"),
    )),
    Section("Relatief verzuim", (
        Row("relatief_verzuim_personen", "relatief_verzuim_personen", "Relatief verzuim: leerlingen",
            "Leerlingen met minstens één melding van 16 uur (V3, en de oude V1/V2) of langdurig relatief verzuim "
            "(LRV) met melddatum in het schooljaar (de teller van relatief_verzuim_per_1000)." + _REPORT_NOTE,
            "personen met een melding V1, V2, V3 of LRV", SRC_REPORTS, f"{LPW} art. 21 en 25",
            not_enrolled=False),
        *_members("relatief_verzuim_personen", "verzuimsoort", REPORT_KINDS_RELATIVE,
                  "Van hen: met minstens één melding {value} in het schooljaar." + _REPORT_NOTE,
                  "personen met een melding {value}", SRC_REPORTS, f"{LPW} art. 21", not_enrolled=False),
        Row("relatief_verzuim_meldingen", "relatief_verzuim_meldingen", "Relatief verzuim: meldingen",
            "Meldingen van soort V1, V2, V3 en LRV met melddatum in het schooljaar." + _REPORT_NOTE,
            "meldingen V1, V2, V3 en LRV", SRC_REPORTS, f"{LPW} art. 21 en 21a", not_enrolled=False),
        *_members("relatief_verzuim_meldingen", "verzuimsoort", REPORT_KINDS_RELATIVE,
                  "Meldingen van soort {value} met melddatum in het schooljaar." + _REPORT_NOTE,
                  "meldingen {value}", SRC_REPORTS, f"{LPW} art. 21 en 21a", not_enrolled=False),
        Row("overige_meldingen", "overige_meldingen", "Overige verzuimmeldingen",
            "Meldingen met melddatum in het schooljaar van elke andere soort dan V1, V2, V3, LRV en L (luxe "
            "verzuim): 18-plussers (V4, RMC), signaalverzuim, beginnend verzuim en overig. Samen met relatief en "
            "luxe verzuim zijn dit alle meldingen (verzuim_meldingen)." + _REPORT_NOTE,
            "meldingen van de overige soorten", SRC_REPORTS, f"{LPW} art. 21 en 21a; {RMC}", not_enrolled=False),
        *_members("overige_meldingen", "verzuimsoort", REPORT_KINDS_OTHER,
                  "Meldingen van soort {value} met melddatum in het schooljaar." + _REPORT_NOTE,
                  "meldingen {value}", SRC_REPORTS, f"{LPW} art. 21 en 21a; {RMC}", not_enrolled=False),
    )),
    Section("Luxe verzuim", (
        Row("luxe_verzuim_meldingen", "luxe_verzuim_meldingen", "Luxe verzuim: meldingen",
            "Meldingen van luxe verzuim (soort L) met melddatum in het schooljaar (luxe_verzuim)." + _REPORT_NOTE,
            "meldingen soort L", SRC_REPORTS, f"{LPW} art. 11 en 13a", not_enrolled=False),
        Row("luxe_verzuim_personen", "luxe_verzuim_personen", "Luxe verzuim: leerlingen",
            "Leerlingen met minstens één melding van luxe verzuim in het schooljaar (luxe_verzuim, "
            "maat=personen)." + _REPORT_NOTE, "personen met een melding soort L", SRC_REPORTS,
            f"{LPW} art. 11 en 13a", not_enrolled=False),
    )),
    Section("HALT en processen-verbaal", (
        Row("halt", "halt", "HALT-verwijzingen",
            "Acties HALT met datum in het schooljaar (interventies, interventie=halt).", "acties van soort halt",
            SRC_CASES, f"{LPW} art. 26 en 27; Wetboek van Strafrecht art. 77e"),
        Row("proces_verbaal", "proces_verbaal", "Processen-verbaal",
            "Acties proces-verbaal met datum in het schooljaar (interventies, interventie=proces_verbaal).",
            "acties van soort proces_verbaal", SRC_CASES, f"{LPW} art. 26 en 27"),
        *_members("proces_verbaal", "zaaksoort",
                  (("absoluut", "bij absoluut verzuim"), ("relatief", "bij relatief verzuim (ook LRV en 18+)"),
                   ("luxe", "bij luxe verzuim"), ("overig", "bij een andere zaak")),
                  "Processen-verbaal {label}: de soort van de zaak, of zonder zaak van de melding (L is luxe, "
                  "elke andere soort relatief).", "processen-verbaal {label}", SRC_CASES, f"{LPW} art. 26 en 27"),
    )),
)
ROWS: tuple[Row, ...] = tuple(r for s in SECTIONS for r in s.rows)
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(r.group for r in ROWS))


KPI_DEFINITION = (
    "Het statistisch jaarverslag leerplicht (art. 25 Lpw) per gemeente en voor de regio: één uitsplitsing per "
    "rij (rij=..., met fase=, artikel=, verzuimsoort= of zaaksoort= voor de rijen binnen een blok), per soort "
    "onderwijs (onderwijssoort=PO, VSO, VO, MBO, HO, onbekend) en de personen zonder onderwijs op de peildatum "
    "(maat=geen_onderwijs). De rijen staan in warehouse/jaarverslag.py en docs/reports/jaarverslag.md.")
