"""Shared helpers for the file writers, and the files of the reference-like sources:
gemeenten, bevolking, scholen, personen, inschrijvingen, medewerkers, contactpersonen, begroting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import dates as D
from .absence import Actions, Cases, Reports
from .careers import KINDS, VO_LEVELS, K, Spells
from .exemptions import Exemptions
from .output import Bad, Folder
from .people import People
from .reference import Municipalities, Population, Schools
from .staff import Assignments, Contacts
from .vsv import CountYear, Trajectories


@dataclass
class Ctx:
    """Everything generated, handed to the file writers."""

    folder: Folder
    rng: np.random.Generator
    munis: Municipalities
    schools: Schools
    pop: Population
    people: People
    spells: Spells
    sk: np.ndarray
    departed: np.ndarray  # datum_vertrek per person, or NONE
    reports: Reports
    cases: Cases
    actions: Actions
    exemptions: Exemptions
    trajectories: Trajectories
    count_years: list[CountYear]
    assignments: Assignments
    contacts: Contacts
    budget: list[tuple[int, str, float]]
    spare: list[int]  # unused valid BSNs for bad rows (popped)
    bsn_str: np.ndarray | None = None

    def fresh_bsn(self) -> str:
        return f"{self.spare.pop():09d}"

    def failing_bsn(self) -> str:
        """A BSN-like number starting with 9 that fails the eleven test (last digit changed)."""
        b = self.spare.pop()
        return f"{b - b % 10 + (b % 10 + 1) % 10:09d}"


def record_muni(ctx: Ctx, pid: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Municipality index of a record about `pid` dated `on`: Altena's predecessor before 2019."""
    m = ctx.people.muni[pid].copy()
    old = (m == ctx.munis.altena) & (on < D.MERGER_ALTENA)
    m[old] = ctx.munis.n + ctx.people.sub[pid][old]
    return m


def muni_text(ctx: Ctx, idx: np.ndarray, style: str) -> np.ndarray:
    """`gm` GM0758, `num4` 0758, `num` 758, `name` BREDA."""
    codes = ctx.munis.codes
    table = {"gm": codes, "num4": [c[2:] for c in codes], "num": [str(int(c[2:])) for c in codes],
             "name": [n.upper() for n in ctx.munis.names]}[style]
    return np.asarray(table, dtype=object)[np.asarray(idx, dtype=np.int64)]


MUNI_VARIANT = {"gm": "muni_gm", "num4": "muni_4digit", "num": "muni_number", "name": "muni_name"}


def outside_text(style: str) -> str:
    return {"gm": "GM0855", "num4": "0855", "num": "855", "name": "TILBURG"}[style]


def bsn_text(ctx: Ctx, pid: np.ndarray) -> np.ndarray:
    if ctx.bsn_str is None:  # every BSN starts with 9: nine digits without padding
        ctx.bsn_str = np.array(ctx.people.bsn.astype(str).tolist(), dtype=object)
    return ctx.bsn_str[pid]


def sex_text(sex: np.ndarray) -> np.ndarray:
    return np.where(sex == 0, "M", "V").astype(object)


def decimal_comma(values: np.ndarray) -> np.ndarray:
    """0.8 -> `0,8`, 16.0 -> `16`: Dutch exports write a decimal comma."""
    return np.array([f"{v:g}".replace(".", ",") for v in np.asarray(values, dtype=float)], dtype=object)


def thousands(values: np.ndarray) -> np.ndarray:
    """1234 -> `1.234` (Dutch thousands separator)."""
    return np.array([f"{v:,}".replace(",", ".") for v in np.asarray(values, dtype=np.int64)], dtype=object)


def pick_rows(ctx: Ctx, n: int, k: int) -> np.ndarray:
    return np.sort(ctx.rng.choice(n, size=min(k, n), replace=False))


def row_values(columns: dict[str, np.ndarray], i: int) -> dict[str, str]:
    return {k: str(v[i]) for k, v in columns.items()}


# --- gemeenten, bevolking, scholen ---------------------------------------------------------------

def write_gemeenten(ctx: Ctx) -> None:
    m = ctx.munis
    ctx.folder.csv("gemeenten.csv", "gemeenten", {
        "Gemeente Code": np.array(m.codes[:m.n], dtype=object), "Naam": np.array(m.names[:m.n], dtype=object),
        "Uitvoeringsniveau": np.array(m.levels, dtype=object),
        "Deelname vanaf": np.full(m.n, "01-01-2014", dtype=object),
        "Deelname tot": np.full(m.n, "", dtype=object),
    }, encoding="utf-8-sig", variants=("sep_semicolon", "encoding_utf8_bom", "header_case_space", "date_dmy",
                                       "muni_gm"),
        note="The 16 participating municipalities with their service level (domain.md).")


def write_bevolking(ctx: Ctx) -> None:
    p = ctx.pop
    old = p.rows_year < 2019
    for name, sel, muni_style, date_style, header, variants, note in (
        ("bevolking_2015-2018.csv", old, "gm", "dmy",
         ("Gemeentecode", "Peildatum", "Leeftijd", "Geslacht", "Aantal"),
         ("muni_predecessor", "muni_gm", "date_dmy", "header_alias"),
         "Altena as its predecessors Aalburg, Werkendam and Woudrichem (GM0738, GM0870, GM0874)."),
        ("bevolking_2019-2025.csv", ~old, "num4", "iso",
         ("GEMEENTE_CODE", "PEILDATUM", "LEEFTIJD", "GESLACHT", "AANTAL"), ("muni_4digit", "date_iso"),
         "Municipality as 4 digits; 2024 from CBS 31 December 2023, 2025 extrapolated."),
    ):
        idx = np.flatnonzero(sel)
        dots = ("thousands_dots",) if (p.rows_count[idx] >= 1000).any() else ()  # not at small scales
        ctx.folder.csv(name, "bevolking", dict(zip(header, (
            muni_text(ctx, p.rows_code[idx], muni_style), D.fmt(D.jan1(p.rows_year[idx]), date_style),
            p.rows_age[idx].astype(str).astype(object), sex_text(p.rows_sex[idx]),
            thousands(p.rows_count[idx]),
        ), strict=True)), date_format=date_style,
            variants=("sep_semicolon", "encoding_utf8", *dots, *variants),
            note="CBS 1 January counts per single age 0-30 and sex, scaled by --scale; thousands dots "
                 f"from 1.000 on. {note}")


def write_scholen(ctx: Ctx) -> None:
    s = ctx.schools
    idx = np.flatnonzero(s.in_file)
    address = np.array([f"{st}\n{pc} {pl}" if st else "" for st, pc, pl in
                        zip(s.street[idx], s.postcode[idx], s.place[idx], strict=True)], dtype=object)
    columns = {
        "BRIN_NUMMER": s.brin[idx], "VESTIGINGSNUMMER": s.vestiging[idx], "VESTIGINGSNAAM": s.name[idx],
        "SECTOR": s.sector[idx], "GEMEENTECODE": s.muni_code[idx], "POSTCODE": s.postcode[idx],
        "PLAATSNAAM": s.place[idx], "DENOMINATIE": s.denomination[idx], "ADRES": address,
    }
    ctx.folder.csv("scholen_2024.csv", "scholen", columns, sep=",", encoding="cp1252",
                   variants=("sep_comma", "encoding_cp1252", "quoted_separator", "quoted_line_break",
                             "header_alias", "extra_columns", "muni_gm"),
                   note="316 real DUO locations plus generated MBO/VAVO locations (BRIN 99..); names with "
                        "commas are quoted; ADRES (ignored) holds a line break.")


# --- personen and inschrijvingen -----------------------------------------------------------------

def write_personen(ctx: Ctx) -> None:
    pe = ctx.people
    idx = np.flatnonzero(pe.has_bsn)
    sk = np.where(ctx.sk[idx] <= D.LOAD_DATE, ctx.sk[idx], D.NONE)
    departed = ctx.departed[idx]
    settled = np.where((departed != D.NONE) & (pe.settled[idx] >= departed), D.NONE, pe.settled[idx])
    house = (idx % 180 + 1).astype(str).astype(object)
    columns = {
        "BSN": bsn_text(ctx, idx), "Voornaam": np.full(idx.size, "Demo", dtype=object),
        "Achternaam": np.full(idx.size, "Persoon", dtype=object),
        "Geboortedatum": D.fmt(pe.birth[idx], "dmy"),
        "Geslacht": sex_text(pe.sex[idx]), "Adres": "Demostraat " + house, "Postcode": pe.postcode[idx],
        "Gemeente": muni_text(ctx, pe.muni[idx], "gm"), "Datum vestiging": D.fmt(settled, "dmy"),
        "Datum vertrek": D.fmt(departed, "dmy"), "Datum overlijden": D.fmt(pe.died[idx], "dmy"),
        "Datum startkwalificatie": D.fmt(sk, "dmy"),
    }
    template = row_values(columns, 0)
    bad = [Bad({**template, "BSN": ctx.failing_bsn()}, "bsn_elfproef", 0.37),
           Bad({**template, "BSN": ctx.fresh_bsn(), "Gemeente": "GM0855", "Postcode": "5038AB"},
               "outside_region", 0.81)]
    ctx.folder.csv("personen.csv", "personen", columns, encoding="utf-8-sig", bad=bad,
                   variants=("sep_semicolon", "encoding_utf8_bom", "extra_columns", "header_case_space",
                             "header_alias", "date_dmy", "muni_gm", "bad_rows"),
                   note="BRP extract: everyone aged 4-23 at some time in 2015-2025 (persons without BSN are "
                        "not in the BRP). Voornaam/Achternaam/Adres are fake and must be dropped.")


def _spell_columns(ctx: Ctx, sel: np.ndarray, date_style: str, aliases: bool) -> dict[str, np.ndarray]:
    sp = ctx.spells
    kind = np.asarray(KINDS, dtype=object)[sp.kind[sel]]
    vo_level = np.asarray(VO_LEVELS, dtype=object)[np.clip(sp.level[sel], 0, 4)]
    level = np.where(sp.kind[sel] == K["MBO"], sp.level[sel].astype(str),
                     np.where(sp.level[sel] >= 0, vo_level, "")).astype(object)
    mbo = sp.kind[sel] == K["MBO"]
    route = np.where(mbo, np.where(sp.bbl[sel], "BBL", "BOL"), "").astype(object)
    if aliases:  # a pupil administration that writes BO for primary school and BOL/BBL as the type
        kind = np.where(kind == "PO", "BO", np.where(mbo, route, kind)).astype(object)
    end = np.where(sp.end[sel] > D.LOAD_DATE, D.NONE, sp.end[sel])
    names = ("Burgerservicenummer", "Brinnummer", "Vestigingsnummer", "Inschrijfdatum", "Uitschrijfdatum",
             "Onderwijssoort", "Niveau", "Leerjaar", "Leerweg") if aliases else \
        ("BSN", "BRIN", "VESTIGING", "DATUM_INSCHRIJVING", "DATUM_UITSCHRIJVING", "ONDERWIJSSOORT", "NIVEAU",
         "LEERJAAR", "LEERWEG")
    return dict(zip(names, (
        bsn_text(ctx, sp.pid[sel]), ctx.schools.brin[sp.school[sel]], ctx.schools.vestiging[sp.school[sel]],
        D.fmt(sp.start[sel], date_style), D.fmt(end, date_style), kind, level,
        sp.leerjaar[sel].astype(str).astype(object), route), strict=True))


def write_inschrijvingen(ctx: Ctx) -> None:
    sp = ctx.spells
    written = ctx.people.has_bsn[sp.pid]
    order = np.lexsort((sp.start, sp.pid))
    early = order[written[order] & (sp.start[order] < D.day(2020, 8, 1))]
    late = order[written[order] & (sp.start[order] >= D.day(2020, 8, 1))]
    cols = _spell_columns(ctx, early, "compact", aliases=False)
    row = row_values(cols, len(early) // 3)
    ctx.folder.csv("inschrijvingen_tm_2019-2020.csv", "inschrijvingen", cols, date_format="compact",
                   bad=[Bad({**row, "BRIN": ""}, "required_empty", 0.42)],
                   variants=("sep_semicolon", "encoding_utf8", "date_compact", "header_case", "bad_rows"),
                   note="Enrolment spells that started before 1 August 2020 (open spells have no end date).")
    cols = _spell_columns(ctx, late, "dmy", aliases=True)
    row = row_values(cols, len(late) // 2)
    start = row["Inschrijfdatum"]
    wrong_end = D.fmt(np.array([D.day(int(start[6:]), int(start[3:5]), int(start[:2])) - 40]), "dmy")[0]
    ctx.folder.csv("inschrijvingen_2020-2025.csv", "inschrijvingen", cols,
                   bad=[Bad({**row, "Uitschrijfdatum": wrong_end}, "end_before_start", 0.66)],
                   variants=("sep_semicolon", "encoding_utf8", "date_dmy", "header_alias", "code_alias",
                             "bad_rows"),
                   note="Spells started from 1 August 2020; onderwijssoort written BO and BOL/BBL.")


# --- staff, contacts, budget ---------------------------------------------------------------------

ROLE_SPELLING = {"leerplichtambtenaar": "Leerplichtambtenaar", "doorstroomcoach": "Doorstroomcoach",
                 "coordinator": "coördinator", "administratief": "Administratie"}


def write_medewerkers(ctx: Ctx) -> None:
    a = ctx.assignments
    rows = []
    for i in range(len(a)):
        rows.append([a.code[i], ROLE_SPELLING[a.role[i]], ctx.munis.codes[a.muni[i]], float(a.fte[i]),
                     D.to_date(a.begin[i]), None if a.end[i] == D.NONE else D.to_date(a.end[i])])
    bad_at = len(rows) // 2
    rows.insert(bad_at, ["LPA90", "Leerplichtambtenaar", "GM0758", 1.7, D.to_date(D.day(2023, 1, 1)), None])
    explain = [["Formatie per medewerker en gemeente (demo). Codes, geen namen."],
               ["Het tabblad 'medewerkers' bevat de gegevens."]]
    ctx.folder.xlsx("medewerkers.xlsx", "medewerkers",
                    [("Toelichting", ["Toelichting"], explain),
                     ("medewerkers", ["Medewerker", "Rol", "Gemeente", "FTE", "Begindatum", "Einddatum"],
                      rows)],
                    bad={bad_at: "fte_range"}, data_sheet="medewerkers",
                    variants=("xlsx", "xlsx_named_sheet_not_first", "date_excel", "header_alias",
                              "code_alias", "bad_rows"),
                    note="First sheet is an explanation; the data are on the sheet named 'medewerkers'. "
                         "FTE as numbers, dates as Excel date cells. Line = Excel row number.")
    # a later delivery of changes, by hand, with a decimal comma
    changes = [("LPA91", "leerplichtambtenaar", "GM0758", "0,6", "01-09-2025", ""),
               ("DSC91", "doorstroomcoach", "GM1674", "0,4", "01-03-2025", "31-12-2025"),
               ("LPA92", "lpa", "GM0826", "0,8", "01-10-2025", "31-07-2026")]
    header = ("medewerker", "rol", "gemeente_code", "fte", "begindatum", "einddatum")
    cols = {h: np.array([c[i] for c in changes], dtype=object) for i, h in enumerate(header)}
    wrong = (("fte_range", 0.3, ("LPA93", "leerplichtambtenaar", "GM0777", "1,8", "01-08-2025", "")),
             ("fte_range", 0.6, ("ADM91", "administratief", "GM0758", "2,0", "01-08-2025", "")),
             ("end_before_start", 0.9,
              ("DSC92", "doorstroomcoach", "GM0748", "0,5", "01-06-2025", "31-03-2025")))
    bad = [Bad(dict(zip(header, values, strict=True)), reason, at) for reason, at, values in wrong]
    ctx.folder.csv("medewerkers_mutaties_2025.csv", "medewerkers", cols, bad=bad,
                   variants=("sep_semicolon", "decimal_comma", "date_dmy", "code_alias", "bad_rows"),
                   note="Changes of 2025 typed by hand: decimal comma FTE, planned end dates in the future.")


def write_contactpersonen(ctx: Ctx) -> None:
    c = ctx.contacts
    school = np.array(c.school)
    ctx.folder.csv("contactpersonen.csv", "contactpersonen", {
        "BRIN": ctx.schools.brin[school], "Vestiging": ctx.schools.vestiging[school],
        "Contactpersoon": np.array(c.code, dtype=object), "Begindatum": D.fmt(np.array(c.begin), "dmy_short"),
        "Einddatum": D.fmt(np.array(c.end), "dmy_short"),
    }, date_format="dmy_short", variants=("sep_semicolon", "date_dmy_short", "header_alias"),
        note="One leerplichtambtenaar per school location and period; today 5 locations have none, "
             "5 have two.")


def write_begroting(ctx: Ctx) -> None:
    """Budget 2016-2024 in a workbook; 2025-2026 typed later into a CSV with Dutch number formatting."""
    rows = [[year, f"niveau {level}", amount, "demo-begroting"]
            for year, level, amount in ctx.budget if year <= 2024]
    ctx.folder.xlsx("begroting.xlsx", "begroting",
                    [("begroting", ["Jaar", "Uitvoeringsniveau", "Bedrag", "Toelichting"], rows)],
                    variants=("xlsx", "code_alias"),
                    note="Budget lines 2016-2024 per service level (written 'niveau 2A'), amounts with "
                         "cents.")
    later = [(year, level, amount) for year, level, amount in ctx.budget if year > 2024]
    amounts = np.array([f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
                        for _, _, amount in later], dtype=object)
    ctx.folder.csv("begroting_2025-2026.csv", "begroting", {
        "begrotingsjaar": np.array([str(y) for y, _, _ in later], dtype=object),
        "niveau": np.array([lv for _, lv, _ in later], dtype=object), "bedrag": amounts,
    }, variants=("sep_semicolon", "encoding_utf8", "header_alias", "thousands_dots", "decimal_comma"),
        note="Budget lines 2025-2026 as a Dutch spreadsheet writes them: 1.412.345,67 (thousands dots and a "
             "decimal comma).")


REFERENCES_FILE = Path(__file__).resolve().parents[2] / "warehouse" / "reference" / "landelijke_referenties.csv"


def write_landelijke_referenties(ctx: Ctx) -> None:
    """The published national values shipped with the code (warehouse/reference/README.md), as the coordinator
    would put them in the load folder: real figures with their sources, not generated."""
    with REFERENCES_FILE.open(encoding="utf-8") as fh:
        header, *rows = [line.rstrip("\n").split(";") for line in fh if line.strip()]
    columns = {name: np.array([r[i] for r in rows], dtype=object) for i, name in enumerate(header)}
    ctx.folder.csv("landelijke_referenties.csv", "landelijke_referenties", columns, variants=("decimal_comma",),
                   note="Published national values (Ingrado/DUO via waarstaatjegemeente.nl, NJi/DUO), each row with "
                        "its source and publication year; copied from warehouse/reference/landelijke_referenties.csv.")
