"""Files of the case system: verzuimmeldingen, zaken, acties, vrijstellingen, trajecten."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import dates as D
from .files_base import (
    MUNI_VARIANT,
    Ctx,
    bsn_text,
    decimal_comma,
    muni_text,
    outside_text,
    pick_rows,
    record_muni,
    row_values,
)
from .output import Bad, Extra

REPORT_FIELDS = ("meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort",
                 "begindatum_verzuim", "einddatum_verzuim", "verzuimuren", "gemeente_code", "status",
                 "reden_afsluiting", "datum_afsluiting", "behandelaar", "laatste_mutatie")
REPORT_HEADERS = {
    "canonical": REPORT_FIELDS,
    "upper": ("MELDINGSNUMMER", "BSN", "BRIN", "VESTIGING", "MELDDATUM", "VERZUIMSOORT", "BEGINDATUM VERZUIM",
              "EINDDATUM VERZUIM", "VERZUIMUREN", "GEMEENTE CODE", "STATUS", "REDEN AFSLUITING",
              "DATUM AFSLUITING", "BEHANDELAAR", "LAATSTE MUTATIE"),
    "hyphen_alias": ("Meldingnummer", "Burgerservicenummer", "Brin-nummer", "Vestigingsnummer",
                     "Datum-melding", "Soort-verzuim", "Begindatum-verzuim", "Einddatum-verzuim",
                     "Aantal-uren", "Woongemeente", "Status", "Sluitreden", "Afsluitdatum", "Behandelaar",
                     "Mutatiedatum"),
    "mixed_alias": ("Melding_ID", "BSN_nummer", "BRIN_code", "Volgnummer", "Meldingsdatum", "Soort",
                    "Begindatum_Verzuim", "Einddatum_Verzuim", "Uren", "Gemeentecode", "Status", "Reden",
                    "Datum_Afsluiting", "Behandelaar", "Datum_laatste_mutatie"),
}
BESLUIT_NAMES = {"V3": "16 uur in 4 opeenvolgende lesweken", "V4": "16 uur in 4 opeenvolgende lesweken",
                 "L": "luxe verzuim", "signaal": "signaal verzuim",
                 "LRV": "ongeoorloofd verzuim van 1 maand of langer", "O": "overig", "RMC": "RMC"}
STATUS_WORDS = {"R": "geregistreerd", "B": "in behandeling", "G": "afgesloten",
                "K": "ter kennisgeving aangenomen", "I": "ingetrokken"}


@dataclass(frozen=True)
class ReportLayout:
    name: str
    header: str = "canonical"
    sep: str = ";"
    date: str = "dmy"
    muni: str = "gm"
    words: bool = False  # Besluit names for the kind and words for the status
    remarks: bool = False  # an extra `opmerking` column with separators and line breaks
    duplicates: int = 0  # keys delivered twice inside the file
    bad: tuple[tuple[str, float], ...] = ()  # (reason, where in the file)


REPORT_FILES = {
    2015: ReportLayout("verzuimmeldingen_2015-2016.csv"),
    2016: ReportLayout("Verzuimmeldingen 2016-2017.csv", header="hyphen_alias", words=True),
    2017: ReportLayout("verzuimmeldingen_2017-2018.csv", header="upper", date="iso"),
    2018: ReportLayout("verzuimmeldingen_2018-2019.csv", sep="\t", date="dmy_short"),
    2019: ReportLayout("verzuimmeldingen_2019-2020.csv", bad=(("required_empty", 0.55),)),
    2020: ReportLayout("verzuimmeldingen_2020-2021.csv", header="mixed_alias", muni="num4"),
    2021: ReportLayout("verzuimmeldingen_2021-2022.csv", muni="num", bad=(("bsn_elfproef", 0.25),)),
    2022: ReportLayout("verzuimmeldingen_2022-2023.csv", muni="name", remarks=True,
                       bad=(("date_unreadable", 0.5), ("code_unknown", 0.75))),
    2023: ReportLayout("verzuimmeldingen_2023-2024.csv", duplicates=3,
                       bad=(("outside_region", 0.4),)),
    2024: ReportLayout("verzuimmeldingen_2024-2025.csv", header="upper", duplicates=2,
                       bad=(("date_future", 0.9),)),
    2025: ReportLayout("verzuimmeldingen_2025-2026.csv"),  # the running school year, up to the export day
}
REMARKS = ("Ouders gebeld; afspraak gemaakt", "Gesprek op school;\nvervolg in twee weken", "Zie dossier",
           "Leerling ziek gemeld\n(volgens ouders); school twijfelt")


def _export_day(y0: int) -> int:
    """Each school year's file was exported mid-September after it; the last one just before the load."""
    return D.day(y0 + 1, 9, 15) if y0 < D.SCHOOL_YEARS[-1] else D.LOAD_DATE - 1


def _state(ctx: Ctx, idx: np.ndarray, on: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Status, reason, closing date and last-change date of reports as an export on day `on` shows them."""
    r = ctx.reports
    closed = (r.closing[idx] != D.NONE) & (r.closing[idx] <= on)
    acted = (r.first_action[idx] != D.NONE) & (r.first_action[idx] <= on)
    status = np.where(closed, r.status[idx], np.where(acted, "B", "R")).astype(object)
    reason = np.where(closed, r.reason[idx], 0)
    closing = np.where(closed, r.closing[idx], D.NONE)
    changed = np.where(closed, r.closing[idx], np.where(acted, r.first_action[idx], r.date[idx]))
    return status, reason, closing, changed


def _report_columns(ctx: Ctx, lay: ReportLayout, idx: np.ndarray, status: np.ndarray, reason: np.ndarray,
                    closing: np.ndarray, changed: np.ndarray) -> dict[str, np.ndarray]:
    r = ctx.reports
    kind = r.kind[idx]
    if lay.words:
        kind = np.array([BESLUIT_NAMES[k] for k in kind], dtype=object)
        status = np.array([STATUS_WORDS[s] for s in status], dtype=object)
    seconds = 8 * 3600 + (np.arange(idx.size) * 7919 + idx * 104729) % (9 * 3600)
    values = (
        r.number[idx], bsn_text(ctx, r.pid[idx]), ctx.schools.brin[r.school[idx]],
        ctx.schools.vestiging[r.school[idx]], D.fmt(r.date[idx], lay.date), kind,
        D.fmt(r.begin_absence[idx], lay.date), D.fmt(r.end_absence[idx], lay.date),
        decimal_comma(r.hours[idx]),
        muni_text(ctx, record_muni(ctx, r.pid[idx], r.date[idx]), lay.muni), status,
        np.where(reason > 0, reason.astype(str), "").astype(object), D.fmt(closing, lay.date), r.handler[idx],
        D.fmt_datetime(changed, seconds, lay.date),
    )
    columns = dict(zip(REPORT_HEADERS[lay.header], values, strict=True))
    if lay.remarks:
        row = np.arange(idx.size)
        remark = np.asarray(REMARKS, dtype=object)[row // 7 % len(REMARKS)]
        columns["opmerking"] = np.where(row % 7 == 0, remark, "").astype(object)
    return columns


def write_verzuimmeldingen(ctx: Ctx) -> None:
    r = ctx.reports
    year = D.school_year_of(r.date)
    delivered = np.zeros(len(r), dtype=bool)
    last_status = np.full(len(r), "", dtype=object)
    last_closing = np.full(len(r), D.NONE, dtype=np.int64)
    extra_number = 900000
    for y0, lay in REPORT_FILES.items():
        on = _export_day(y0)
        own = np.flatnonzero(year == y0)
        earlier = np.flatnonzero(delivered)
        st_e, _, cl_e, _ = _state(ctx, earlier, on)
        again = earlier[(st_e != last_status[earlier]) | (cl_e != last_closing[earlier])]
        idx = np.concatenate([own, again])
        status, reason, closing, changed = _state(ctx, idx, on)
        delivered[idx] = True
        last_status[idx], last_closing[idx] = status, closing
        columns = _report_columns(ctx, lay, idx, status, reason, closing, changed)
        h = dict(zip(REPORT_FIELDS, REPORT_HEADERS[lay.header], strict=True))
        extra: list[Extra] = []
        if lay.duplicates:  # an older state first, the newer delivery of the same key later in the file
            closed = np.flatnonzero((status[:own.size] == "G") & (r.first_action[own] != D.NONE))
            for i in pick_rows(ctx, closed.size, lay.duplicates):
                row = int(closed[i])
                newer = row_values(columns, row)
                for key, value in _older_state(ctx, lay, int(own[row])).items():
                    columns[h[key]][row] = value
                extra.append(Extra(newer, 0.97))
        bad = []
        for reason_code, where in lay.bad:
            template = row_values(columns, int(pick_rows(ctx, own.size, 1)[0]))
            extra_number += 1
            template[h["meldingsnummer"]] = f"VM{y0 % 100:02d}{extra_number:06d}"
            bad.append(Bad(_break_report(ctx, lay, template, h, reason_code, y0), reason_code, where))
        old_codes = bool((record_muni(ctx, r.pid[idx], r.date[idx]) >= ctx.munis.n).any())
        variants = _report_variants(lay) + (("muni_predecessor",) if old_codes else ()) + \
            (("redelivery",) if again.size else ())
        ctx.folder.csv(lay.name, "verzuimmeldingen", columns, sep=lay.sep, date_format=lay.date,
                       variants=variants, bad=bad, extra=extra,
                       note=f"Reports of school year {y0}-{y0 + 1} as exported on {D.to_date(on)}, plus "
                            f"{again.size} re-delivered reports of earlier years whose status changed.")
        ctx.folder.duplicate(lay.name, int(again.size), "redelivery_of_earlier_file",
                             "reports of an earlier school year delivered again with a later laatste_mutatie "
                             "and a changed status")
        ctx.folder.duplicate(lay.name, len(extra), "same_key_within_file",
                             "a meldingsnummer twice in this file; the later row has the later "
                             "laatste_mutatie")


def _older_state(ctx: Ctx, lay: ReportLayout, report: int) -> dict[str, str]:
    r = ctx.reports
    first = int(r.first_action[report])
    status = STATUS_WORDS["B"] if lay.words else "B"
    return {"status": status, "reden_afsluiting": "", "datum_afsluiting": "",
            "laatste_mutatie": D.fmt_datetime(np.array([first]), np.array([9 * 3600 + 600]), lay.date)[0]}


def _break_report(ctx: Ctx, lay: ReportLayout, row: dict[str, str], h: dict[str, str], reason: str,
                  y0: int) -> dict[str, str]:
    if reason == "required_empty":
        row[h["melddatum"]] = ""
    elif reason == "bsn_elfproef":
        row[h["bsn"]] = ctx.failing_bsn()
    elif reason == "date_unreadable":
        row[h["melddatum"]] = f"31-02-{y0 + 1}"
    elif reason == "code_unknown":
        row[h["verzuimsoort"]] = "X9"
    elif reason == "outside_region":
        row[h["gemeente_code"]] = outside_text(lay.muni)
    elif reason == "date_future":
        future = D.fmt(np.array([D.day(2026, 1, 12)]), lay.date)[0]
        row.update({h["melddatum"]: future, h["status"]: "R", h["reden_afsluiting"]: "",
                    h["datum_afsluiting"]: "", h["laatste_mutatie"]: ""})
    return row


def _report_variants(lay: ReportLayout) -> tuple[str, ...]:
    v = ["sep_" + {";": "semicolon", ",": "comma", "\t": "tab"}[lay.sep], "encoding_utf8", f"date_{lay.date}",
         MUNI_VARIANT[lay.muni], "decimal_comma"]
    v += {"canonical": [], "upper": ["header_case_space"], "hyphen_alias": ["header_hyphen", "header_alias"],
          "mixed_alias": ["header_alias"]}[lay.header]
    v += ["absence_besluit_names", "status_words"] if lay.words else ["absence_duo_codes", "status_letters"]
    if lay.remarks:
        v += ["extra_columns", "quoted_separator", "quoted_line_break"]
    if lay.duplicates:
        v.append("duplicate_key_in_file")
    if lay.bad:
        v.append("bad_rows")
    if lay.name[0] == "V":
        v.append("filename_capital_space")
    return tuple(v)


# --- zaken and acties ------------------------------------------------------------------------------

CASE_HEADERS = {
    "canonical": ("zaak_id", "bsn", "soort", "startdatum", "einddatum", "gemeente_code", "meldingsnummer",
                  "behandelaar", "resultaat"),
    "upper": ("ZAAK ID", "BSN", "SOORT", "STARTDATUM", "EINDDATUM", "GEMEENTE CODE", "MELDINGSNUMMER",
              "BEHANDELAAR", "RESULTAAT"),
    "alias": ("Zaaknummer", "BSN", "Zaaksoort", "Startdatum", "Einddatum", "Woongemeente", "Meldingsnummer",
              "Behandelaar", "Resultaat"),
}
RESULT_SPELLING = {"terug_op_school": "terug naar school", "andere_school": "ingeschreven andere school",
                   "proces_verbaal": "PV", "zorg": "doorverwezen zorg", "geen_verzuim": "geen verzuim",
                   "verhuisd": "vertrokken"}
CASE_FILES = {  # calendar year of startdatum -> (header, muni style, result spellings, bad rows)
    2017: ("upper", "gm", False, ()), 2018: ("canonical", "gm", True, ()), 2019: ("alias", "gm", True, ()),
    2020: ("canonical", "gm", False, (("end_before_start", 0.45),)), 2021: ("canonical", "gm", True, ()),
    2022: ("canonical", "gm", False, (("required_empty", 0.6),)), 2023: ("canonical", "num4", False, ()),
    2025: ("canonical", "gm", False, (("date_future", 0.8),)),
}


def write_zaken(ctx: Ctx) -> None:
    c = ctx.cases
    year = D.year_of(c.start)
    for y in range(2015, 2026):
        header, muni, spelled, bad_spec = CASE_FILES.get(y, ("canonical", "gm", False, ()))
        idx = np.flatnonzero(year == y)
        result = c.result[idx]
        if spelled:
            result = np.array([RESULT_SPELLING.get(v, v) for v in result], dtype=object)
        end = c.end[idx]
        columns = dict(zip(CASE_HEADERS[header], (
            c.zaak_id[idx], bsn_text(ctx, c.pid[idx]), c.kind[idx], D.fmt(c.start[idx], "dmy"),
            D.fmt(end, "dmy"),
            muni_text(ctx, record_muni(ctx, c.pid[idx], c.start[idx]), muni), c.report[idx], c.handler[idx],
            result), strict=True))
        h = dict(zip(CASE_HEADERS["canonical"], CASE_HEADERS[header], strict=True))
        bad = []
        for k, (reason, where) in enumerate(bad_spec):
            row = row_values(columns, int(pick_rows(ctx, idx.size, 1)[0]))
            row[h["zaak_id"]] = f"Z{y}-9{k:04d}"
            if reason == "end_before_start":
                start = D.day(y, 5, 10)
                row.update({h["startdatum"]: D.fmt(np.array([start]), "dmy")[0],
                            h["einddatum"]: D.fmt(np.array([start - 12]), "dmy")[0]})
            elif reason == "required_empty":
                row[h["soort"]] = ""
            elif reason == "date_future":
                row.update({h["startdatum"]: "20-11-2025", h["einddatum"]: "", h["resultaat"]: ""})
            bad.append(Bad(row, reason, where))
        variants = ["sep_semicolon", "encoding_utf8", "date_dmy", MUNI_VARIANT[muni]]
        variants += {"canonical": [], "upper": ["header_case_space"], "alias": ["header_alias"]}[header]
        variants += ["result_spellings"] if spelled else []
        variants += ["bad_rows"] if bad else []
        if (record_muni(ctx, c.pid[idx], c.start[idx]) >= ctx.munis.n).any():
            variants.append("muni_predecessor")
        ctx.folder.csv(f"zaken_{y}.csv", "zaken", columns, bad=bad, variants=tuple(variants),
                       note=f"Cases started in {y}, state on the load date.")


ACTION_FILES = {  # calendar year -> (separator, header style, free-text uitkomst column, bad rows)
    2016: ("\t", "canonical", False, ()), 2018: (";", "alias", False, ()),
    2019: (";", "canonical", False, (("date_unreadable", 0.5),)), 2020: (";", "canonical", True, ()),
    2021: (";", "canonical", True, (("code_unknown", 0.3),)), 2022: (";", "canonical", True, ()),
    2023: (";", "canonical", True, ()), 2024: (";", "canonical", True, ()),
    2025: (";", "canonical", True, (("date_future", 0.95),)),
}
ACTION_HEADERS = {
    "canonical": ("actie_id", "datum", "soort", "zaak_id", "meldingsnummer", "behandelaar"),
    "alias": ("Actienummer", "Actiedatum", "Actiesoort", "Zaaknummer", "Meldingsnummer", "Behandelaar"),
}
OUTCOMES = np.array(["afspraak gemaakt", "niet thuis getroffen", "ouders op de hoogte", "", "zie dossier"],
                    dtype=object)


def write_acties(ctx: Ctx) -> None:
    a = ctx.actions
    year = D.year_of(a.date)
    for y in range(2015, 2026):
        sep, header, outcome, bad_spec = ACTION_FILES.get(y, (";", "canonical", False, ()))
        idx = np.flatnonzero(year == y)
        values = (a.actie_id[idx], D.fmt(a.date[idx], "dmy"), a.kind[idx], a.zaak_id[idx], a.report[idx],
                  a.handler[idx])
        columns = dict(zip(ACTION_HEADERS[header], values, strict=True))
        if outcome:  # free text in case systems: never read by the ETL
            columns["uitkomst"] = OUTCOMES[idx % len(OUTCOMES)]
        h = dict(zip(ACTION_HEADERS["canonical"], ACTION_HEADERS[header], strict=True))
        bad = []
        for k, (reason, where) in enumerate(bad_spec):
            row = row_values(columns, int(pick_rows(ctx, idx.size, 1)[0]))
            row[h["actie_id"]] = f"ACT9{y % 100:02d}{k:04d}"
            if reason == "date_unreadable":
                row[h["datum"]] = "gisteren"
            elif reason == "code_unknown":
                row[h["soort"]] = "telefoontje"
            elif reason == "date_future":
                row[h["datum"]] = "01-12-2025"
            bad.append(Bad(row, reason, where))
        variants = ["sep_tab" if sep == "\t" else "sep_semicolon", "encoding_utf8", "date_dmy"]
        variants += ["header_alias"] if header == "alias" else []
        variants += ["extra_columns"] if outcome else []
        variants += ["bad_rows"] if bad else []
        ctx.folder.csv(f"acties_{y}.csv", "acties", columns, sep=sep, bad=bad, variants=tuple(variants),
                       note=f"Actions dated in {y}; the first action on a report carries its meldingsnummer.")


# --- vrijstellingen and trajecten ------------------------------------------------------------------

ARTICLE_SPELLINGS = {"5 onder a": ("5 sub a", "5 onder a", "5 lid a"), "5 onder b": ("5 sub b",),
                     "5 onder c": ("5c", "5 onder c", "5 sub c"), "5a": ("5a trekkend",),
                     "3a": ("art. 3a",), "3b": ("artikel 3b",), "15": ("15",)}


def _next(seen: Counter[str], key: str) -> int:
    seen[key] += 1
    return seen[key] - 1


def write_vrijstellingen(ctx: Ctx) -> None:
    e = ctx.exemptions
    order = np.lexsort((e.begin, e.pid))
    for name, sel, spelled, header, date, bad_reason in (
        ("vrijstellingen_tm_2019-2020.csv", order[e.begin[order] < D.day(2020, 8, 1)], False,
         ("bsn", "artikel", "besluit", "begindatum", "einddatum", "aanvraagdatum", "gemeente_code"), "dmy",
         "code_unknown"),
        ("vrijstellingen_2020-2026.csv", order[e.begin[order] >= D.day(2020, 8, 1)], True,
         ("BSN", "Artikel", "Besluit", "Begindatum", "Einddatum", "Aanvraagdatum", "Gemeente"), "iso",
         "bsn_elfproef"),
    ):
        article = e.article[sel]
        if spelled:  # each article's spellings in turn, the least canonical one first
            seen: Counter[str] = Counter()
            article = np.array([ARTICLE_SPELLINGS[a][_next(seen, a) % len(ARTICLE_SPELLINGS[a])]
                                for a in article], dtype=object)
        else:  # a bare `5a` would read as 5 onder a: travelling families are always `5a trekkend`
            article = np.where(article == "5a", "5a trekkend", article).astype(object)
        words = ("verleend", "geweigerd") if spelled else ("toegekend", "afgewezen")
        columns = dict(zip(header, (
            bsn_text(ctx, e.pid[sel]), article, np.where(e.granted[sel], words[0], words[1]).astype(object),
            D.fmt(e.begin[sel], date), D.fmt(e.end[sel], date), D.fmt(e.requested[sel], date),
            muni_text(ctx, record_muni(ctx, e.pid[sel], e.begin[sel]), "gm")), strict=True))
        row = row_values(columns, int(pick_rows(ctx, sel.size, 1)[0]))
        if bad_reason == "code_unknown":
            row[header[1]] = "7b"
        else:
            row[header[0]] = ctx.failing_bsn()
        variants = ("sep_semicolon", "encoding_utf8", f"date_{date}", "muni_gm", "article_spellings",
                    "bad_rows", "header_case_space" if spelled else "code_canonical")
        ctx.folder.csv(name, "vrijstellingen", columns, date_format=date, bad=[Bad(row, bad_reason, 0.5)],
                       variants=variants + (("muni_predecessor",) if not spelled else ()),
                       note="Exemption decisions; 5 onder c/5 onder b/5a renewed per school year; "
                            "planned end dates may lie after the load date.")


def write_trajecten(ctx: Ctx) -> None:
    t = ctx.trajectories
    for name, sel, header, muni, bad_spec in (
        ("trajecten_2015-2020.csv", np.flatnonzero(t.start < D.day(2020, 8, 1)),
         ("traject_id", "bsn", "startdatum", "herkomst", "datum_eerste_contact", "einddatum", "resultaat",
          "gemeente_code", "behandelaar"), "gm", (("date_unreadable", 0.3), ("end_before_start", 0.7))),
        ("trajecten_2020-2025.csv", np.flatnonzero(t.start >= D.day(2020, 8, 1)),
         ("Trajectnummer", "BSN", "Startdatum", "Herkomst", "Datum eerste contact", "Einddatum", "Resultaat",
          "Gemeente", "Behandelaar"), "num", (("outside_region", 0.5),)),
    ):
        columns = dict(zip(header, (
            t.traject_id[sel], bsn_text(ctx, t.pid[sel]), D.fmt(t.start[sel], "dmy"), t.origin[sel],
            D.fmt(t.contact[sel], "dmy"), D.fmt(t.end[sel], "dmy"), t.result[sel],
            muni_text(ctx, record_muni(ctx, t.pid[sel], t.start[sel]), muni), t.handler[sel]), strict=True))
        bad = []
        for k, (reason, where) in enumerate(bad_spec):
            row = row_values(columns, int(pick_rows(ctx, sel.size, 1)[0]))
            row[header[0]] = f"DP9{k:03d}{sel.size:06d}"
            if reason == "date_unreadable":
                row.update({header[2]: "30-02-2019", header[4]: "", header[5]: "", header[6]: ""})
            elif reason == "end_before_start":
                row.update({header[2]: "14-03-2019", header[4]: "", header[5]: "01-03-2019"})
            elif reason == "outside_region":
                row[header[7]] = outside_text(muni)
            bad.append(Bad(row, reason, where))
        variants = ("sep_comma", "encoding_utf8", "date_dmy", MUNI_VARIANT[muni], "bad_rows",
                    "header_case_space" if muni == "num" else "code_canonical")
        ctx.folder.csv(name, "trajecten", columns, sep=",", bad=bad, variants=variants,
                       note="Doorstroompunt trajectories by start date; open ones have no end date.")
