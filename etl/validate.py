"""Field parsers: one raw text value in, a canonical value or a reason a person can act on out.

Parsers run once per distinct raw value of a column (files repeat the same dates and codes), and
the result is joined back onto the rows in DuckDB (etl/load.py). Reasons are Dutch, name the
column and, except for person numbers, the offending value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from config.municipalities import DEFAULT_MUNICIPALITIES
from etl.sources import Field, normalise_code

# Altena was formed on 1 January 2019; older exports carry its predecessors.
PREDECESSORS: dict[str, str] = {"GM0738": "GM1959", "GM0870": "GM1959", "GM0874": "GM1959"}
PREDECESSOR_NAMES = {"aalburg": "GM0738", "werkendam": "GM0870", "woudrichem": "GM0874"}

DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
ParseResult = tuple[str | None, str | None]  # (canonical value, reason)


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class Context:
    """What parsing needs to know beyond the value: the load date and the municipalities."""

    load_date: date
    participating: dict[str, str] = field(default_factory=lambda: {
        c: n for c, (n, _) in DEFAULT_MUNICIPALITIES.items()})

    def municipality_by_name(self) -> dict[str, str]:
        names = {name_key(n): c for c, n in self.participating.items()}
        names.update({name_key(n): c for c, (n, _) in DEFAULT_MUNICIPALITIES.items()})
        names.update(PREDECESSOR_NAMES)
        return names


def _display_date(d: date) -> str:
    return d.strftime("%d-%m-%Y")


# The shapes files mostly use, in ASCII digits, read without strptime (a tenth of its time); each gives what the
# first format of DATE_FORMATS that fits it gives (tests/test_etl_read.py compares them on many strings).
QUICK_DATES = ((re.compile("([0-9]{2})-([0-9]{2})-([0-9]{4})"), (3, 2, 1)),
               (re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})"), (1, 2, 3)),
               (re.compile("([0-9]{4})([0-9]{2})([0-9]{2})"), (1, 2, 3)))


@lru_cache(maxsize=1 << 17)  # a delivery again repeats its dates; a pure function of the text
def parse_date(raw: str) -> date | None:
    text = raw.strip()
    if " " in text or "T" in text:  # a date-time: the date part is what counts
        text = re.split(r"[ T]", text, maxsplit=1)[0]
    for pattern, (y, m, d) in QUICK_DATES:
        if hit := pattern.fullmatch(text):
            try:
                return date(int(hit[y]), int(hit[m]), int(hit[d]))
            except ValueError:
                break  # not a date in this shape: the formats below say so (or find another reading)
    return strptime_date(text)


def strptime_date(text: str) -> date | None:
    """The reference: the first of DATE_FORMATS that reads `text`."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(f: Field, raw: str, ctx: Context) -> ParseResult:
    d = parse_date(raw)
    if d is None or d.year < 1900:
        return None, f"onleesbare datum '{raw}' in kolom {f.name} (verwacht dd-mm-jjjj)"
    if d > ctx.load_date and not f.future_ok:
        return None, (f"datum {_display_date(d)} in kolom {f.name} ligt na de laaddatum "
                      f"({_display_date(ctx.load_date)})")
    return d.isoformat(), None


def _datetime(f: Field, raw: str, ctx: Context) -> ParseResult:
    value, error = _date(f, raw, ctx)
    if error:
        return None, error
    time = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", raw)
    if time:
        h, m, s = int(time[1]), int(time[2]), int(time[3] or 0)
        return f"{value} {h:02d}:{m:02d}:{s:02d}", None
    return f"{value} 00:00:00", None


def _birthdate(f: Field, raw: str, ctx: Context) -> ParseResult:
    value, error = _date(f, raw, ctx)
    # only year and month are kept (security.md): enough for every age rule of the law
    return (value[:7], None) if value else (None, error)


def _number(text: str, allow_decimals: bool) -> float | None:
    t = text.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", t):  # 1.234 or 1.234,56: dots group thousands
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d+", t):  # decimal comma
        t = t.replace(",", ".")
    elif not re.fullmatch(r"-?\d+(\.\d+)?", t):
        return None
    value = float(t)
    if not allow_decimals and value != int(value):
        return None
    return value


def _numeric(f: Field, raw: str, ctx: Context) -> ParseResult:
    value = _number(raw, allow_decimals=f.kind == "decimal")
    if value is None:
        what = "geheel getal" if f.kind == "int" else "getal"
        return None, f"geen {what} in kolom {f.name}: '{raw}'"
    low, high = f.minimum, f.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"{value:g}".replace(".", ",")
        bounds = f"tussen {low:g} en {high:g}".replace(".", ",") if high is not None else f"minstens {low:g}"
        return None, f"{f.name} {shown} ligt niet {bounds}"
    return (str(int(value)) if f.kind == "int" else repr(value)), None


def _bool(f: Field, raw: str, ctx: Context) -> ParseResult:
    t = raw.strip().lower()
    if t in ("j", "ja", "1", "true", "waar", "y", "yes"):
        return "true", None
    if t in ("n", "nee", "0", "false", "onwaar", "no"):
        return "false", None
    return None, f"geen ja/nee in kolom {f.name}: '{raw}' (gebruik J of N)"


def _code(f: Field, raw: str, ctx: Context) -> ParseResult:
    assert f.codes is not None
    found = f.codes.get(normalise_code(raw))
    if found is None and f.name == "artikel":  # `art. 5 sub a Lpw`: drop the words around the article
        stripped = re.sub(r"\b(art(ikel)?|lpw|leerplichtwet)\b", " ", raw.lower().replace(".", " "))
        found = f.codes.get(normalise_code(stripped))
    if found is None and f.lenient_default is not None:
        return f.lenient_default, None
    if found is None:
        allowed = ", ".join(sorted(set(f.codes.values())))
        return None, f"onbekende {f.name} '{raw}' (toegestaan: {allowed})"
    return found, None


def municipality_code(raw: str, ctx: Context, restate: bool = True) -> str | None:
    """GM0758, 0758, 758 or a name (any case) -> GM0758; Altena's predecessors -> GM1959 (restate)."""
    t = raw.strip().upper()
    digits = t[2:] if t.startswith("GM") else t
    if digits.isdigit() and len(digits) <= 4:
        code = "GM" + digits.zfill(4)
    else:
        code = ctx.municipality_by_name().get(name_key(raw))
        if code is None:
            return None
    return PREDECESSORS.get(code, code) if restate else code


def _municipality(f: Field, raw: str, ctx: Context) -> ParseResult:
    code = municipality_code(raw, ctx)
    if code is None:
        return None, f"onbekende gemeente '{raw}' in kolom {f.name}"
    if f.kind == "municipality" and code not in ctx.participating:
        return None, f"woont buiten de regio (gemeente {code})"
    return code, None


def _brin(f: Field, raw: str, ctx: Context) -> ParseResult:
    t = raw.strip().upper()
    if not re.fullmatch(r"\d{2}[A-Z0-9]{2}", t):
        return None, f"ongeldige BRIN '{raw}' (twee cijfers en twee letters of cijfers, bijv. 06HO)"
    return t, None


def _vestiging(f: Field, raw: str, ctx: Context) -> ParseResult:
    t = raw.strip()
    if not t.isdigit() or len(t) > 2:
        return None, f"ongeldig vestigingsnummer '{raw}' (twee cijfers, bijv. 00)"
    return t.zfill(2), None


def _postcode4(f: Field, raw: str, ctx: Context) -> ParseResult:
    m = re.match(r"\s*(\d{4})", raw)
    return (m[1], None) if m else (None, None)  # only the four digits are kept; a bad one is dropped


def _schoolyear(f: Field, raw: str, ctx: Context) -> ParseResult:
    m = re.fullmatch(r"\s*(\d{4})\s*[-/]\s*(\d{4})\s*", raw)
    if m and int(m[2]) == int(m[1]) + 1:
        return f"{m[1]}-{m[2]}", None
    return None, f"ongeldig teljaar '{raw}' in kolom {f.name} (verwacht bijv. 2022-2023)"


def _text(f: Field, raw: str, ctx: Context) -> ParseResult:
    return raw.strip(), None


PARSERS = {
    "text": _text, "int": _numeric, "decimal": _numeric, "bool": _bool, "date": _date,
    "datetime": _datetime, "birthdate": _birthdate, "code": _code, "municipality": _municipality,
    "municipality_any": _municipality, "brin": _brin, "vestiging": _vestiging, "postcode4": _postcode4,
    "schoolyear": _schoolyear,
}


def parse(f: Field, raw: str | None, ctx: Context) -> ParseResult:
    """Parse one raw value of field `f`. Empty values: a reason when required, else (None, None)."""
    if raw is None or not str(raw).strip():
        if f.codes is not None and "" in f.codes:  # an empty code that means something (budget total)
            return f.codes[""], None
        return (None, f"verplicht veld '{f.name}' is leeg") if f.required else (None, None)
    return PARSERS[f.kind](f, str(raw), ctx)
