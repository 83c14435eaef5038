"""The sources the ETL accepts: one declarative entry per source (see docs/sources.md).

This module is the contract between the files the bureau receives, the readers and validators
in `etl/`, the demo generator, and the `stg_` tables in the warehouse. Each `Field` names the
canonical column as it is stored in `stg_<source>`; `aliases` are other header names seen in
real exports (headers are compared after `normalise_header`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Field kinds, parsed in etl/validate.py:
#   text, int, decimal, bool, date, datetime, code, municipality (participating only),
#   municipality_any (any Dutch GM code), brin, vestiging, postcode4, person, birthdate, schoolyear
KINDS = frozenset({
    "text", "int", "decimal", "bool", "date", "datetime", "code", "municipality", "municipality_any", "brin",
    "vestiging", "postcode4", "person", "birthdate", "schoolyear",
})


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    codes: dict[str, str] | None = None  # normalised spelling -> canonical code
    aliases: tuple[str, ...] = ()
    future_ok: bool = False  # dates that may lie after the load date (planned ends)
    minimum: float | None = None
    maximum: float | None = None
    lenient_default: str | None = None  # for code fields: unknown values map here, not rejected

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.name}")


@dataclass(frozen=True)
class Source:
    name: str
    description: str  # Dutch: one row is ...
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    # SQL over stored columns: the row where it is highest wins; ties go to the later delivery
    order_by: str | None = None
    date_pairs: tuple[tuple[str, str], ...] = ()  # (start, end): end may not lie before start
    person_level: bool = False
    stored_extra: tuple[str, ...] = field(default=())  # columns derived at load (documented)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def normalise_header(name: str) -> str:
    """`Datum melding`, `DATUM_MELDING`, `datum-melding`, `#datum melding` -> `datum_melding`."""
    name = name.strip().lstrip("\ufeff").lstrip("#").strip().lower()
    return re.sub(r"[\s\-_.]+", "_", name).strip("_")


def _codes(*groups: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    """Build a spelling -> code map; every spelling is compared after `normalise_code`."""
    out: dict[str, str] = {}
    for canonical, spellings in groups:
        for s in (canonical, *spellings):
            out[normalise_code(s)] = canonical
    return out


def normalise_code(value: str) -> str:
    return re.sub(r"[\s\-_.]+", " ", value.strip().lower()).strip()


LEVELS = _codes(("1", ("niveau 1",)), ("2", ("niveau 2",)), ("2A", ("niveau 2a",)))
SEX = _codes(("M", ("man", "jongen", "m")), ("V", ("vrouw", "meisje", "f", "female", "w")),
             ("X", ("onbekend", "o", "u", "x")))
SECTORS = _codes(
    ("PO", ("bo", "basisonderwijs", "basisschool")), ("SBO", ("sbao", "speciaal basisonderwijs")),
    ("SO", ("speciaal onderwijs",)), ("VSO", ("voortgezet speciaal onderwijs", "so/vso", "(v)so")),
    ("VO", ("voortgezet onderwijs",)), ("MBO", ()), ("VAVO", ()), ("HO", ("hbo", "wo")),
)
EDUCATION_TYPES = _codes(
    ("PO", ("bo", "basisonderwijs")), ("SBO", ("sbao",)), ("SO", ()), ("VSO", ("(v)so", "so/vso")),
    ("VO", ("voortgezet onderwijs",)), ("PRO", ("praktijkonderwijs",)),
    ("MBO", ("bol", "bbl", "ex")), ("VAVO", ()), ("HO", ("hbo", "wo")),
)
VSV_EDUCATION_TYPES = _codes(("VO", ("pro", "vavo", "vso")), ("MBO", ("bol", "bbl", "ex")))
ABSENCE_KINDS = _codes(
    ("V1", ()), ("V2", ()), ("V3", ()), ("V4", ()), ("RMC", ("rmc 18+", "18+")),
    ("L", ("luxe verzuim", "luxe")), ("LRV", ("ongeoorloofd verzuim van 1 maand of langer",)),
    ("O", ("overig",)), ("signaal", ("signaal verzuim", "signaalverzuim")),
    ("beginnend", ("beginnend verzuim",)),
    # resolved to V3 (under 18 on the report date) or V4 (18 and over) in int_reports
    ("16U", ("16 uur in 4 opeenvolgende lesweken",)),
)
REPORT_STATUS = _codes(
    ("R", ("geregistreerd",)), ("B", ("in behandeling",)), ("G", ("afgesloten", "gesloten")),
    ("K", ("ter kennisgeving aangenomen", "tkn")), ("I", ("ingetrokken",)),
)
CLOSING_REASONS = _codes(*[(str(i), ()) for i in range(1, 8)])
CASE_KINDS = _codes(*[(k, ()) for k in (
    "absoluut_verzuim", "relatief_verzuim", "luxe_verzuim", "langdurig_relatief_verzuim",
    "verzuim_18plus", "vrijstelling_aanvraag", "verlof_aanvraag")])
# Case results are free-ish text in case systems; known spellings map to a code, others to overig.
CASE_RESULTS = _codes(
    ("terug_op_school", ("terug naar school", "terug op school", "weer naar school", "schoolgang hersteld")),
    ("andere_school", ("ingeschreven andere school", "andere school", "ingeschreven")),
    ("vrijstelling", ()), ("verhuisd", ("vertrokken", "emigratie")), ("werk", ()),
    ("zorg", ("zorg dagbesteding", "doorverwezen zorg")), ("geen_verzuim", ("geen verzuim",)),
    ("proces_verbaal", ("pv", "proces verbaal")), ("halt", ()), ("overig", ()),
)
ACTION_KINDS = _codes(*[(k, ()) for k in (
    "gesprek", "waarschuwing", "huisbezoek", "halt", "proces_verbaal", "doorverwijzing_zorg",
    "zorgmelding", "last_onder_dwangsom", "overig")])
# Article of the Leerplichtwet. A bare `5a` means 5 onder a; travelling families are `5a trekkend`.
ARTICLES = _codes(
    ("3a", ("art 3a", "artikel 3a")), ("3b", ("art 3b", "artikel 3b")),
    ("5 onder a", ("5a", "5 a", "5 sub a", "5 lid a", "5 onder a lpw")),
    ("5 onder b", ("5b", "5 b", "5 sub b", "5 lid b")),
    ("5 onder c", ("5c", "5 c", "5 sub c", "5 lid c")),
    ("5a", ("5a trekkend", "5a lpw trekkend", "trekkend")), ("15", ()),
)
ARTICLES["5a"] = "5 onder a"  # the canonical code 5a (travelling) must not capture a bare `5a`
DECISIONS = _codes(("toegekend", ("verleend", "ja", "j")), ("afgewezen", ("geweigerd", "nee", "n")))
ORIGINS = _codes(*[(k, ()) for k in ("nieuw_vsv", "oud_vsv", "verzuim_18plus", "preventief")])
TRAJECTORY_RESULTS = _codes(*[(k, ()) for k in (
    "onderwijs", "werk", "onderwijs_en_werk", "zorg_dagbesteding", "uitkering_of_elders",
    "verhuisd", "niet_bereikbaar", "geen_begeleiding_gewenst")])
ROLES = _codes(
    ("leerplichtambtenaar", ("lpa", "leerplicht")), ("doorstroomcoach", ("rmc trajectbegeleider", "dsc")),
    ("coordinator", ("coördinator",)), ("administratief", ("administratie", "admin")),
)
VSV_STATUS = _codes(("voorlopig", ("v",)), ("definitief", ("d",)))
# the KPIs with a published national value (kpis.md "Reference points"), and the breakdowns those values have
REFERENCE_KPIS = _codes(("relatief_verzuim_per_1000", ("relatief verzuim",)),
                        ("absoluut_verzuim_per_1000", ("absoluut verzuim",)), ("vsv_percentage", ("vsv",)))
REFERENCE_BREAKDOWNS = _codes(("onderwijssoort=VO", ("VO",)), ("onderwijssoort=MBO", ("MBO",)),
                              *((f"niveau={n};onderwijssoort=MBO", (f"MBO {n}", f"MBO niveau {n}")) for n in "1234"))
BUDGET_LEVELS = _codes(("1", ("niveau 1",)), ("2", ("niveau 2",)), ("2A", ("niveau 2a",)),
                       ("totaal", ("", "alle", "totaal")))

# A person is the BSN, or the `onderwijsnummer` column where no BSN is known (read as a fallback).
PERSON = Field("bsn", "person", required=True, aliases=("burgerservicenummer", "bsn_nummer"))
PERSON_FALLBACK = "onderwijsnummer"
BRIN = Field("brin", "brin", required=True, aliases=("brin_nummer", "brinnummer", "brin_code"))
VESTIGING = Field("vestiging", "vestiging", required=True,
                  aliases=("vestigingsnummer", "brin_volgnr", "vestigingnummer", "volgnummer"))
GM = Field("gemeente_code", "municipality", aliases=("gemeente", "gemeentecode", "gemcode", "woongemeente"))

_VSV_FIELDS = (
    PERSON,
    Field("teljaar", "schoolyear", required=True),
    Field("gemeente_code", "municipality", required=True, aliases=GM.aliases),
    Field("onderwijssoort", "code", required=True, codes=VSV_EDUCATION_TYPES),
    Field("niveau", "text"),
    Field("geboortedatum", "birthdate"),
    Field("geslacht", "code", codes=SEX),
    Field("brin", "brin", aliases=BRIN.aliases),
    Field("vestiging", "vestiging", aliases=VESTIGING.aliases),
    Field("status", "code", required=True, codes=VSV_STATUS),
)

SOURCES: tuple[Source, ...] = (
    Source("gemeenten", "een deelnemende gemeente", (
        Field("gemeente_code", "municipality_any", required=True, aliases=("code", "gemeentecode")),
        Field("naam", "text", required=True, aliases=("gemeente_naam", "gemeentenaam")),
        Field("uitvoeringsniveau", "code", required=True, codes=LEVELS, aliases=("niveau",)),
        Field("deelname_vanaf", "date", future_ok=True),
        Field("deelname_tot", "date", future_ok=True),
    ), key=("gemeente_code",), date_pairs=(("deelname_vanaf", "deelname_tot"),)),
    Source("bevolking", "een CBS-telling per gemeente, peildatum en leeftijd", (
        # restated to today's municipality in int_population; the key keeps the delivered code
        Field("gemeente_code", "municipality", required=True, aliases=GM.aliases),
        Field("peildatum", "date", required=True),
        Field("leeftijd", "int", required=True, minimum=0, maximum=120),
        Field("aantal", "int", required=True, minimum=0),
        Field("geslacht", "code", codes=SEX),
    ), key=("gemeente_code_bron", "peildatum", "leeftijd", "geslacht"),
        stored_extra=("gemeente_code_bron",)),
    Source("scholen", "een schoolvestiging", (
        BRIN, VESTIGING,
        Field("naam", "text", required=True, aliases=("schoolnaam", "vestigingsnaam")),
        Field("sector", "code", required=True, codes=SECTORS),
        Field("gemeente_code", "municipality_any", aliases=GM.aliases),
        Field("postcode", "postcode4"),
        Field("plaats", "text", aliases=("plaatsnaam", "vestigingsplaats")),
    ), key=("brin", "vestiging")),
    Source("personen", "een jongere uit de BRP-extractie (4 tot 23 jaar)", (
        PERSON,
        Field("geboortedatum", "birthdate", required=True),
        Field("gemeente_code", "municipality", required=True, aliases=GM.aliases),
        Field("geslacht", "code", codes=SEX),
        Field("postcode", "postcode4"),
        Field("datum_vestiging", "date"),
        Field("datum_vertrek", "date"),
        Field("datum_overlijden", "date"),
        Field("datum_startkwalificatie", "date"),
    ), key=("person_id",), person_level=True, date_pairs=(("datum_vestiging", "datum_vertrek"),)),
    Source("inschrijvingen", "een inschrijvingsperiode", (
        PERSON, BRIN, VESTIGING,
        Field("datum_inschrijving", "date", required=True, aliases=("inschrijfdatum",)),
        Field("datum_uitschrijving", "date", aliases=("uitschrijfdatum",)),
        Field("onderwijssoort", "code", required=True, codes=EDUCATION_TYPES),
        Field("niveau", "text"),
        Field("leerjaar", "int", minimum=0, maximum=12),
        Field("leerweg", "code", codes=_codes(("BOL", ()), ("BBL", ()))),
    ), key=("person_id", "brin", "vestiging", "datum_inschrijving"), person_level=True,
        date_pairs=(("datum_inschrijving", "datum_uitschrijving"),)),
    Source("verzuimmeldingen", "een verzuimmelding zoals DUO die levert", (
        Field("meldingsnummer", "text", required=True, aliases=("melding_id", "meldingnummer")),
        PERSON, BRIN, VESTIGING,
        Field("melddatum", "date", required=True, aliases=("datum_melding", "meldingsdatum")),
        Field("verzuimsoort", "code", required=True, codes=ABSENCE_KINDS, aliases=("soort_verzuim", "soort")),
        Field("begindatum_verzuim", "date"),
        Field("einddatum_verzuim", "date"),
        Field("verzuimuren", "decimal", minimum=0, aliases=("uren", "aantal_uren")),
        GM,
        Field("status", "code", required=True, codes=REPORT_STATUS),
        Field("reden_afsluiting", "code", codes=CLOSING_REASONS, aliases=("sluitreden", "reden")),
        Field("datum_afsluiting", "date", aliases=("afsluitdatum",)),
        Field("behandelaar", "text"),
        Field("laatste_mutatie", "datetime", aliases=("mutatiedatum", "datum_laatste_mutatie")),
    ), key=("meldingsnummer",), order_by="laatste_mutatie", person_level=True,
        date_pairs=(("begindatum_verzuim", "einddatum_verzuim"), ("melddatum", "datum_afsluiting"))),
    Source("zaken", "een zaak van het bureau", (
        Field("zaak_id", "text", required=True, aliases=("zaaknummer", "zaak")),
        PERSON,
        Field("soort", "code", required=True, codes=CASE_KINDS, aliases=("zaaksoort",)),
        Field("startdatum", "date", required=True),
        Field("einddatum", "date"),
        GM,
        Field("meldingsnummer", "text"),
        Field("behandelaar", "text"),
        Field("resultaat", "code", codes=CASE_RESULTS, lenient_default="overig"),
    ), key=("zaak_id",), person_level=True, date_pairs=(("startdatum", "einddatum"),)),
    Source("acties", "een actie in een zaak of op een melding", (
        Field("actie_id", "text", required=True, aliases=("actienummer",)),
        Field("datum", "date", required=True, aliases=("actiedatum",)),
        Field("soort", "code", required=True, codes=ACTION_KINDS, aliases=("actiesoort",)),
        Field("zaak_id", "text", aliases=("zaaknummer",)),
        Field("meldingsnummer", "text"),
        Field("behandelaar", "text"),
        # `uitkomst` is free text in case systems and can hold names: never read (minimisation)
    ), key=("actie_id",)),
    Source("vrijstellingen", "een besluit over vrijstelling", (
        PERSON,
        Field("artikel", "code", required=True, codes=ARTICLES),
        Field("besluit", "code", required=True, codes=DECISIONS),
        Field("begindatum", "date", required=True, future_ok=True),
        Field("einddatum", "date", future_ok=True),
        Field("aanvraagdatum", "date"),
        GM,
    ), key=("person_id", "artikel", "begindatum"), person_level=True,
        date_pairs=(("begindatum", "einddatum"),)),
    Source("trajecten", "een traject van het Doorstroompunt", (
        Field("traject_id", "text", required=True, aliases=("trajectnummer",)),
        PERSON,
        Field("startdatum", "date", required=True),
        Field("herkomst", "code", required=True, codes=ORIGINS),
        Field("datum_eerste_contact", "date"),
        Field("einddatum", "date"),
        Field("resultaat", "code", codes=TRAJECTORY_RESULTS),
        GM,
        Field("behandelaar", "text"),
    ), key=("traject_id",), person_level=True, date_pairs=(("startdatum", "einddatum"),)),
    Source("medewerkers", "een toewijzing van formatie", (
        Field("medewerker", "text", required=True, aliases=("medewerkerscode", "code_medewerker")),
        Field("rol", "code", required=True, codes=ROLES, aliases=("functie",)),
        Field("gemeente_code", "municipality", required=True, aliases=GM.aliases),
        Field("fte", "decimal", required=True, minimum=0, maximum=1.5),
        Field("begindatum", "date", required=True, future_ok=True),
        Field("einddatum", "date", future_ok=True),
    ), key=("medewerker", "gemeente_code", "rol", "begindatum"), date_pairs=(("begindatum", "einddatum"),)),
    Source("contactpersonen", "een contactpersoon van een school", (
        BRIN, VESTIGING,
        Field("medewerker", "text", required=True, aliases=("contactpersoon", "medewerkerscode")),
        Field("begindatum", "date", required=True, future_ok=True),
        Field("einddatum", "date", future_ok=True),
    ), key=("brin", "vestiging", "medewerker", "begindatum"), date_pairs=(("begindatum", "einddatum"),)),
    Source("begroting", "een begrotingsregel", (
        Field("jaar", "int", required=True, minimum=2000, maximum=2100, aliases=("begrotingsjaar",)),
        Field("bedrag", "decimal", required=True, minimum=0),
        Field("uitvoeringsniveau", "code", codes=BUDGET_LEVELS, aliases=("niveau",)),
    ), key=("jaar", "uitvoeringsniveau")),
    # National reference values beside the region's figures (kpis.md; docs/kpis.md "National reference values"),
    # a file the coordinator updates like any other source; the value is in the KPI's own unit.
    Source("landelijke_referenties", "een landelijke referentiewaarde van een KPI, met bron en jaar", (
        Field("kpi_id", "code", required=True, codes=REFERENCE_KPIS, aliases=("kpi", "indicator")),
        Field("periode", "schoolyear", required=True, aliases=("schooljaar", "teljaar")),
        Field("uitsplitsing", "code", codes=REFERENCE_BREAKDOWNS, aliases=("onderwijssoort",)),
        Field("waarde", "decimal", required=True, minimum=0),
        Field("bron", "text", required=True, aliases=("bronvermelding",)),
        Field("publicatiejaar", "int", required=True, minimum=2000, maximum=2100, aliases=("jaar_publicatie",)),
    ), key=("kpi_id", "periode", "uitsplitsing")),
    # A definitive list replaces the provisional one of the same count year, whatever the order of delivery.
    Source("vsv", "een nieuwe voortijdig schoolverlater (platte vorm)", _VSV_FIELDS,
           key=("person_id", "teljaar"), order_by="status = 'definitief'", person_level=True),
    Source("startpopulatie", "een deelnemer in de startpopulatie (platte vorm)", _VSV_FIELDS,
           key=("person_id", "teljaar"), order_by="status = 'definitief'", person_level=True),
)

SOURCE_BY_NAME = {s.name: s for s in SOURCES}

# DUO's own file names: NenR2023DI27GZ.csv is the definitive VSV list of count year 2022-2023.
DUO_FILE = re.compile(r"^(?P<kind>nenr|nrsp)(?P<year>\d{4})(?P<status>[dv])", re.IGNORECASE)
DUO_TARGET = {"nenr": "vsv", "nrsp": "startpopulatie"}
# DUO header -> our field (after normalise_header)
DUO_COLUMNS = {
    "burgerservicenummer": "bsn", "onderwijsnummer": PERSON_FALLBACK,
    "geboortedatum": "geboortedatum", "geslacht": "geslacht", "gemcode": "gemeente_code",
    "brin": "brin", "brin_volgnr": "vestiging", "niveau": "niveau", "onderwijssoort": "onderwijssoort",
}
# Order in which sources load: municipalities and schools first, because later sources refer to them.
LOAD_ORDER = ("gemeenten", "bevolking", "scholen", "personen", "inschrijvingen", "verzuimmeldingen",
              "zaken", "acties", "vrijstellingen", "trajecten", "medewerkers", "contactpersonen",
              "begroting", "startpopulatie", "vsv", "landelijke_referenties")


def source_for_filename(filename: str) -> tuple[Source, dict[str, str]] | None:
    """The source a file belongs to, by its name, plus values implied by a DUO file name."""
    base = filename.rsplit("/", 1)[-1]
    m = DUO_FILE.match(base)
    if m:
        year = int(m["year"])
        implied = {"teljaar": f"{year - 1}-{year}",
                   "status": "definitief" if m["status"].lower() == "d" else "voorlopig"}
        return SOURCE_BY_NAME[DUO_TARGET[m["kind"].lower()]], implied
    lowered = base.lower()
    for source in sorted(SOURCES, key=lambda s: -len(s.name)):
        if lowered.startswith(source.name):
            return source, {}
    return None
