"""Tests of the demo generator (`python -m etl.demo`).

The folder is generated once at a small scale; a small, independent reader below checks it against
the contract in etl/sources.py: every header maps to a field, every bad row listed in the manifest
is bad for exactly its reason, and no other row is.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from etl.demo import generate
from etl.sources import (
    DUO_COLUMNS,
    SOURCE_BY_NAME,
    SOURCES,
    Field,
    Source,
    normalise_code,
    normalise_header,
    source_for_filename,
)

SCALE = 0.05
SEED = 2026
LOAD_DATE = dt.date(2025, 11, 15)
REGION = {"GM1723", "GM1959", "GM0744", "GM0748", "GM0758", "GM1719", "GM0777", "GM0779", "GM1655",
          "GM1709", "GM0826", "GM1674", "GM0840", "GM0851", "GM0873", "GM0879"}
PREDECESSORS = {"GM0738", "GM0870", "GM0874"}
NAMES = {"ALPHEN-CHAAM": "GM1723", "ALTENA": "GM1959", "BAARLE-NASSAU": "GM0744", "BERGEN OP ZOOM": "GM0748",
         "BREDA": "GM0758", "DRIMMELEN": "GM1719", "ETTEN-LEUR": "GM0777", "GEERTRUIDENBERG": "GM0779",
         "HALDERBERGE": "GM1655", "MOERDIJK": "GM1709", "OOSTERHOUT": "GM0826", "ROOSENDAAL": "GM1674",
         "RUCPHEN": "GM0840", "STEENBERGEN": "GM0851", "WOENSDRECHT": "GM0873", "ZUNDERT": "GM0879",
         "TILBURG": "GM0855"}
# Columns the generator adds that the contract does not name: the ETL must ignore them.
EXTRA_COLUMNS = {"voornaam", "achternaam", "adres", "denominatie", "opmerking", "uitkomst", "toelichting"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, seed=SEED, scale=SCALE)
    return out, json.loads(manifest.read_text(encoding="utf-8"))


# --- a small independent reader ------------------------------------------------------------------

def read_table(folder: Path, entry: dict) -> tuple[list[str], list[list], list[int]]:
    """Header, rows and the physical line (or Excel row) each record starts on."""
    path = folder / entry["file"]
    if entry["format"] == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book[entry["source"]] if entry["source"] in book.sheetnames else book.worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        return [str(h) for h in values[0]], values[1:], list(range(2, len(values) + 1))
    text = path.read_bytes().decode(entry["encoding"])
    sep = "\t" if entry["separator"] == "tab" else entry["separator"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = next(reader)
    rows, lines, previous = [], [], reader.line_num
    for row in reader:
        rows.append(row)
        lines.append(previous + 1)
        previous = reader.line_num
    return header, rows, lines


def field_map(source: Source, header: list[str], duo: bool) -> dict[int, str]:
    """Column position -> field name (or `onderwijsnummer`) per the contract."""
    names: dict[str, str] = {}
    for f in source.fields:
        for alias in (f.name, *f.aliases):
            names.setdefault(normalise_header(alias), f.name)
    if duo:
        names = {**DUO_COLUMNS}
    return {i: names[normalise_header(h)] for i, h in enumerate(header) if normalise_header(h) in names}


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    text = str(value).strip().split(" ")[0]
    for pattern, order in ((r"(\d{1,2})-(\d{1,2})-(\d{4})", "dmy"), (r"(\d{4})-(\d{2})-(\d{2})", "ymd"),
                           (r"(\d{4})(\d{2})(\d{2})", "ymd")):
        m = re.fullmatch(pattern, text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            try:
                return dt.date(c, b, a) if order == "dmy" else dt.date(a, b, c)
            except ValueError:
                return None
    return None


def municipality(value: str) -> str | None:
    value = value.strip().upper()
    if re.fullmatch(r"GM\d{4}", value):
        return value
    if re.fullmatch(r"\d{1,4}", value):
        return f"GM{int(value):04d}"
    return NAMES.get(value)


def elfproef(value: str) -> bool:
    if not re.fullmatch(r"\d{9}", value):
        return False
    digits = [int(c) for c in value]
    return (sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]) % 11 == 0


def row_problems(source: Source, row: dict[str, object], duo: bool) -> set[str]:
    """The rejection reasons of sources.md this row deserves."""
    problems: set[str] = set()
    dates: dict[str, dt.date] = {}
    for f in source.fields:
        value = row.get(f.name)
        text = "" if value is None else str(value).strip()
        if f.name == "bsn" and duo and text in ("", "0"):
            text = str(row.get("onderwijsnummer") or "")
        if text == "":
            if f.required and f.name not in ("teljaar", "status"):  # DUO: from the file name
                problems.add("required_empty")
            continue
        problems |= value_problems(f, value, text, duo, dates)
    for start, end in source.date_pairs:
        if start in dates and end in dates and dates[end] < dates[start]:
            problems.add("end_before_start")
    return problems


def value_problems(f: Field, value: object, text: str, duo: bool, dates: dict[str, dt.date]) -> set[str]:
    if f.kind == "person":
        return set() if (duo and not text.startswith("9")) or elfproef(text) else {"bsn_elfproef"}
    if f.kind in ("date", "birthdate", "datetime"):
        parsed = parse_date(value)
        if parsed is None:
            return {"date_unreadable"}
        dates[f.name] = parsed
        return {"date_future"} if parsed > LOAD_DATE and not f.future_ok else set()
    if f.kind == "code" and f.codes and not f.lenient_default:
        return set() if normalise_code(text) in f.codes else {"code_unknown"}
    if f.kind == "municipality":
        code = municipality(text)
        return set() if code in REGION | PREDECESSORS else {"outside_region"}
    if f.kind == "decimal":
        dutch = text.replace(".", "").replace(",", ".") if "," in text else text  # 1.234,5 -> 1234.5
        number = float(value) if isinstance(value, (int, float)) else float(dutch)
        too_low = f.minimum is not None and number < f.minimum
        too_high = f.maximum is not None and number > f.maximum
        return {"fte_range"} if too_low or too_high else set()
    if f.kind == "int":
        assert re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", text), text
    if f.kind == "brin":
        assert re.fullmatch(r"\d{2}[A-Z0-9]{2}", text), text
    if f.kind == "vestiging":
        assert re.fullmatch(r"\d{2}", text), text
    return set()


def records(folder: Path, entry: dict):
    """(line, {field: value}) per record of a file."""
    source = SOURCE_BY_NAME[entry["source"]]
    duo = entry["file"].lower().startswith(("nrsp", "nenr"))
    header, rows, lines = read_table(folder, entry)
    columns = field_map(source, header, duo)
    for line, row in zip(lines, rows, strict=True):
        yield line, {name: row[i] if i < len(row) else None for i, name in columns.items()}


# --- the tests -------------------------------------------------------------------------------------

def test_same_seed_gives_identical_bytes(demo: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = demo
    generate(tmp_path, seed=SEED, scale=SCALE)
    first = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    second = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert first == second


def test_every_source_has_a_file_recognised_by_its_name(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    files = {e["file"]: e["source"] for e in manifest["files"]}
    assert {p.name for p in folder.iterdir()} == set(files) | {"demo_manifest.json"}
    for name, source in files.items():
        found = source_for_filename(name)
        assert found is not None and found[0].name == source, name
    assert {s.name for s in SOURCES} <= set(files.values())
    assert {n[:9] for n in files if n.startswith(("NenR", "NRSP"))} >= {"NenR2024D", "NenR2024V", "NenR2025V",
                                                                       "NRSP2024D", "NRSP2024V", "NRSP2025V"}


def test_headers_follow_the_contract(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    for entry in manifest["files"]:
        source = SOURCE_BY_NAME[entry["source"]]
        duo = entry["file"].lower().startswith(("nrsp", "nenr"))
        header, _, _ = read_table(folder, entry)
        mapped = field_map(source, header, duo)
        unknown = {normalise_header(h) for i, h in enumerate(header) if i not in mapped}
        if not duo:
            assert unknown <= EXTRA_COLUMNS, (entry["file"], unknown)
        missing = set(source.required) - set(mapped.values()) - ({"teljaar", "status"} if duo else set())
        assert not missing, (entry["file"], missing)


def test_every_variant_occurs(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    expected = {
        "sep_semicolon", "sep_comma", "sep_tab", "encoding_utf8", "encoding_utf8_bom", "encoding_cp1252",
        "xlsx", "quoted_separator", "quoted_line_break", "header_case_space", "header_hyphen", "header_alias",
        "header_hash", "extra_columns", "date_dmy", "date_dmy_short", "date_iso", "date_compact",
        "date_excel",
        "muni_gm", "muni_4digit", "muni_number", "muni_name", "muni_predecessor", "decimal_comma",
        "thousands_dots", "absence_duo_codes", "absence_besluit_names", "status_letters", "status_words",
        "article_spellings", "redelivery", "duplicate_key_in_file", "onderwijsnummer_without_bsn",
        "duo_definitive", "duo_provisional", "vsv_plain_form", "bad_rows",
    }
    assert expected <= set(manifest["variants"])
    raw = {e["file"]: (folder / e["file"]).read_bytes() for e in manifest["files"]}
    # the variants are really in the bytes, not only in the manifest
    cp1252 = manifest["variants"]["encoding_cp1252"][0]
    with pytest.raises(UnicodeDecodeError):
        raw[cp1252].decode("utf-8")
    assert "ï" in raw[cp1252].decode("cp1252") and "ë" in raw[cp1252].decode("cp1252")
    assert all(raw[f].startswith(b"\xef\xbb\xbf") for f in manifest["variants"]["encoding_utf8_bom"])
    assert all(b"\t" in raw[f].split(b"\n")[0] for f in manifest["variants"]["sep_tab"])
    assert all(raw[f].startswith(b"#") for f in manifest["variants"]["header_hash"])
    assert all(raw[f][:2] == b"PK" for f in manifest["variants"]["xlsx"])
    assert any(re.search(rb'"[^"]*\n[^"]*"', raw[f]) for f in manifest["variants"]["quoted_line_break"])
    dots = rb";\d{1,3}(\.\d{3})+(,\d\d)?\n"
    assert any(re.search(dots, raw[f]) for f in manifest["variants"]["thousands_dots"])
    text = "".join(raw[f].decode("utf-8") for f in manifest["variants"]["absence_besluit_names"])
    assert "16 uur in 4 opeenvolgende lesweken" in text and ";afgesloten;" in text
    text = "".join(raw[f].decode("utf-8") for f in manifest["variants"]["article_spellings"])
    assert all(s in text for s in (";5 onder c;", ";5 sub a;", ";5c;", ";5a trekkend;", ";verleend;"))
    assert any(re.search(rb";GM0(738|870|874);", raw[f]) for f in manifest["variants"]["muni_predecessor"])
    assert any(b";BREDA;" in raw[f] for f in manifest["variants"]["muni_name"])
    book = openpyxl.load_workbook(folder / "medewerkers.xlsx")
    assert book.sheetnames[0] != "medewerkers" and book["medewerkers"]["E2"].is_date


def test_bad_rows_are_exactly_the_ones_in_the_manifest(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    found = set()
    for entry in manifest["files"]:
        source = SOURCE_BY_NAME[entry["source"]]
        duo = entry["file"].lower().startswith(("nrsp", "nenr"))
        for line, row in records(folder, entry):
            problems = row_problems(source, row, duo)
            assert len(problems) <= 1, (entry["file"], line, problems)
            found |= {(entry["file"], line, p) for p in problems}
    listed = {(b["file"], b["line"], b["reason_code"]) for b in manifest["bad_rows"]}
    assert found == listed
    per_reason = Counter(b["reason_code"] for b in manifest["bad_rows"])
    assert set(per_reason) == {"required_empty", "bsn_elfproef", "date_unreadable", "date_future",
                               "end_before_start", "code_unknown", "fte_range", "outside_region"}
    assert all(2 <= n <= 5 for n in per_reason.values()), per_reason


def test_bsns_pass_the_eleven_test_and_start_with_9(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    bad = {(b["file"], b["line"]) for b in manifest["bad_rows"]}
    onderwijsnummers = 0
    for entry in manifest["files"]:
        for line, row in records(folder, entry):
            if "bsn" not in row or (entry["file"], line) in bad:
                continue
            value = str(row["bsn"] or "")
            if value in ("", "0"):  # DUO: a person known only by onderwijsnummer
                number = str(row["onderwijsnummer"])
                assert re.fullmatch(r"1\d{8}", number) and not elfproef(number)
                onderwijsnummers += 1
                continue
            assert value.startswith("9") and elfproef(value), (entry["file"], line)
    assert onderwijsnummers > 0


def test_duplicates_count_the_repeated_report_numbers(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    seen: set[str] = set()
    reports = sorted((e for e in manifest["files"] if e["source"] == "verzuimmeldingen"),
                     key=lambda e: e["file"][-13:])  # by school year
    counted = {}
    for entry in reports:
        counted[entry["file"]] = 0
        for _, row in records(folder, entry):
            counted[entry["file"]] += row["meldingsnummer"] in seen
            seen.add(row["meldingsnummer"])
    assert counted == {f: manifest["duplicates"].get(f, 0) for f in counted}
    assert all(n > 0 for f, n in counted.items() if not f.endswith("2015-2016.csv"))


def test_magnitudes_of_school_year_2023_2024(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    entries = {e["file"]: e for e in manifest["files"]}
    year_start, year_end, census = dt.date(2023, 8, 1), dt.date(2024, 7, 31), dt.date(2024, 1, 1)
    inhabitants = sum(int(str(r["aantal"]).replace(".", ""))
                      for _, r in records(folder, entries["bevolking_2019-2025.csv"])
                      if parse_date(r["peildatum"]) == census and 5 <= int(r["leeftijd"]) <= 17)
    births = {r["bsn"]: parse_date(r["geboortedatum"]) for _, r in records(folder, entries["personen.csv"])}
    latest: dict[str, dict] = {}
    report_files = (f for f in entries if entries[f]["source"] == "verzuimmeldingen")
    for name in sorted(report_files, key=lambda f: f[-13:]):  # by school year
        for _, row in records(folder, entries[name]):
            latest[row["meldingsnummer"]] = row
    in_year = [r for r in latest.values() if (d := parse_date(r["melddatum"])) and year_start <= d <= year_end
               and normalise_code(r["status"]) not in ("i", "ingetrokken")]
    relatief = {r["bsn"] for r in in_year if r["verzuimsoort"] in ("V3", "LRV")}
    ages = [(parse_date(r["melddatum"]) - births[r["bsn"]]).days // 365.25
            for r in in_year if r["bsn"] in births]
    absoluut = set()
    for name in (f for f in entries if entries[f]["source"] == "zaken"):
        for _, r in records(folder, entries[name]):
            start, end = parse_date(r["startdatum"]), parse_date(r["einddatum"] or "")
            open_in_year = start and start <= year_end and (end is None or end >= year_start)
            if r["soort"] == "absoluut_verzuim" and open_in_year:
                absoluut.add(r["bsn"])
    leavers = sum(1 for _ in records(folder, entries["NenR2024DI27GZ.csv"]))
    start_population = sum(1 for _ in records(folder, entries["NRSP2024DI27GZ.csv"]))

    assert 15 <= 1000 * len(relatief) / inhabitants <= 35
    assert 2 <= 1000 * len(absoluut) / inhabitants <= 8
    assert 1 <= 100 * leavers / start_population <= 3
    assert sum(12 <= a <= 17 for a in ages) / len(ages) > 0.6  # reports are mostly for ages 12-17


def test_staff_capacity_adds_up_to_about_25_fte(demo: tuple[Path, dict]) -> None:
    folder, manifest = demo
    entry = next(e for e in manifest["files"] if e["file"] == "medewerkers.xlsx")
    bad = {b["line"] for b in manifest["bad_rows"] if b["file"] == "medewerkers.xlsx"}
    day = dt.date(2024, 1, 1)
    fte: Counter[str] = Counter()
    for line, r in records(folder, entry):
        end = parse_date(r["einddatum"]) if r["einddatum"] else None
        if line not in bad and parse_date(r["begindatum"]) <= day and (end is None or end >= day):
            fte[SOURCE_BY_NAME["medewerkers"].field("rol").codes[normalise_code(r["rol"])]] += r["fte"]
    assert 16 <= fte["leerplichtambtenaar"] <= 18 and 5 <= fte["doorstroomcoach"] <= 6
    assert fte["coordinator"] == 1.0 and abs(fte["administratief"] - 2.0) < 0.01
