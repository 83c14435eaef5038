"""DuckDB's own reader (etl/read_duckdb.py) is taken for a CSV whose every record is one physical line, and gives
exactly what the `csv` module path gives: the same staged rows (values, physical lines, order) and the same
rejection report. Every other file falls back to the `csv` module, and each fallback trigger is tested."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.load import FileReport, Loader, discover, read_one
from etl.pseudonym import Pseudonymiser
from etl.read import FileRefused, scan_bytes
from etl.read_duckdb import FORCE_CSV_MODULE
from etl.sources import SOURCES
from tests.etl_helpers import BSN_A, BSN_B, BSN_C, load, write_files
from tests.test_etl_fuzz import HEADER as FUZZ_HEADER
from tests.test_etl_fuzz import csv_bytes, rows_strategy

KEY = Pseudonymiser(b"k" * 32)
HEADER = "meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code"
ROWS = [f"M1;{BSN_A};06HO;00;01-03-2024;V3;B;GM0758", f"M2;{BSN_B};06HO;00;31-02-2024;V3;B;GM0758",
        f"M3;{BSN_C};06HO;00;05-03-2024;X9;G;Breda", "M4;123456789;06HO;00;05-03-2024;V3;G;GM0758"]


def read_both(work: Path, folder: Path) -> tuple[dict, dict, list[str]]:
    """Every file of `folder` read and validated as a load does, once with DuckDB's reader where it applies and
    once with the csv module only: (staged rows per source, rejects, reports) of each, and the readers used."""
    fast, readers = _read_all(work / "fast", folder, force_csv=False)
    slow, _ = _read_all(work / "slow", folder, force_csv=True)
    return fast, slow, readers


def _read_all(wh: Path, folder: Path, force_csv: bool) -> tuple[dict, list[str]]:
    wh.mkdir(parents=True)
    previous = os.environ.pop(FORCE_CSV_MODULE, None)
    if force_csv:
        os.environ[FORCE_CSV_MODULE] = "csv"
    loader = Loader(wh, date(2025, 11, 15))
    try:
        files, _ = discover(folder)
        rejects: list[tuple[str, int, str, str]] = []
        reports, readers = [], []
        for index, (path, source, implied) in enumerate(files):
            report = FileReport(path.name, source.name, "")
            try:
                read_one(loader, report, path, source, implied, KEY, index, rejects)
            except FileRefused as refused:  # the reader chosen (if any) and the refusal
                report.reader = f"{report.reader} refused: {refused.problem}".strip()
            reports.append((report.name, report.read, report.rejected, report.reader.split("refused: ")[1:]))
            readers.append(report.reader)
        staged = {s.name: loader.work.execute(f"SELECT * FROM new_{s.name} ORDER BY _seq").fetchall()
                  for s in SOURCES}
        return {"staged": staged, "rejects": rejects, "reports": reports}, readers
    finally:
        loader.close()
        os.environ.pop(FORCE_CSV_MODULE, None)
        if previous is not None:
            os.environ[FORCE_CSV_MODULE] = previous


def test_a_clean_file_takes_duckdbs_reader_in_a_load(tmp_path: Path) -> None:
    content = HEADER + "\n" + "\n".join(ROWS) + "\n"
    result = load(write_files(tmp_path / "src", {"verzuimmeldingen.csv": content}), tmp_path / "wh")
    assert result.published, result.message
    assert [f.reader for f in result.files] == ["duckdb"]
    assert [(f.read, f.loaded, f.rejected) for f in result.files] == [(4, 1, 3)]
    assert result.rejects == [
        ("verzuimmeldingen.csv", 3, "verzuimmeldingen",
         "onleesbare datum '31-02-2024' in kolom melddatum (verwacht dd-mm-jjjj)"),
        ("verzuimmeldingen.csv", 4, "verzuimmeldingen",
         "onbekende verzuimsoort 'X9' (toegestaan: 16U, L, LRV, O, RMC, V1, V2, V3, V4, beginnend, signaal)"),
        ("verzuimmeldingen.csv", 5, "verzuimmeldingen", "BSN voldoet niet aan de elfproef")]


# Files DuckDB's reader takes, each with something a careless reader would get wrong: line numbers after blank
# lines and blank-looking rows (Python's white space, also a no-break space), short and long rows, a header on
# line 3, a BOM, Windows line breaks, no line break at the end, Windows-1252, DUO's file name values.
FAST = {
    "blank_lines": HEADER + "\n\n" + ROWS[0] + "\n;;;;\n \t \n" + ROWS[1] + "\n\u00a0;\u2003\n\n" + ROWS[2] + "\n",
    "short_and_long_rows": HEADER + "\n" + ROWS[0] + ";extra;more\nM9;" + BSN_B + ";06HO\n" + ROWS[2] + "\n",
    "header_on_line_3": "\n;;\n" + HEADER + "\n" + "\n".join(ROWS) + "\n",
    "bom_and_crlf": "\ufeff" + HEADER + "\r\n" + "\r\n".join(ROWS) + "\r\n",
    "no_final_line_break": HEADER + "\n" + "\n".join(ROWS),
    "tabs": (HEADER + "\n" + "\n".join(ROWS) + "\n").replace(";", "\t"),
    "empty_cells_and_spaces": HEADER + "\n" + f"M5;{BSN_A}; 06HO ;00;01-03-2024;;B;\n"
                                             f" M6 ;{BSN_B};06HO;;01-03-2024;V3;B;GM0758\n",
    "header_only": HEADER + "\n",
}


@pytest.mark.parametrize("name", sorted(FAST))
def test_duckdbs_reader_gives_what_the_csv_module_gives(tmp_path: Path, name: str) -> None:
    src = write_files(tmp_path / "src", {"verzuimmeldingen.csv": FAST[name]})
    fast, slow, readers = read_both(tmp_path, src)
    assert readers == ["duckdb"]
    assert fast == slow


def test_windows_1252_is_transcoded_and_read_by_duckdb(tmp_path: Path) -> None:
    content = ("brin;vestiging;naam;sector;plaats\n06HO;00;Basisschool De Piëteit é €;PO;Baarle-Nassau\n"
               "07AB;01;School \x81 met een ongedefinieerd teken;VO;Breda\n").encode("cp1252", errors="ignore")
    content = content.replace(b"\xa4", b"\x81")  # 0x81: no character in Windows-1252 (U+FFFD on both paths)
    src = write_files(tmp_path / "src", {"scholen.csv": content})
    fast, slow, readers = read_both(tmp_path, src)
    assert scan_bytes(src / "scholen.csv").encoding == "cp1252"
    assert readers == ["duckdb"]
    assert fast == slow
    assert fast["staged"]["scholen"][0][2] == "Basisschool De Piëteit é €"


def test_duo_file_names_imply_values_on_duckdbs_path_too(tmp_path: Path) -> None:
    header = ("#BURGERSERVICENUMMER;ONDERWIJSNUMMER;GEBOORTEDATUM;GESLACHT;GEMCODE;BRIN;BRIN_VOLGNR;NIVEAU;"
              "ONDERWIJSSOORT")
    rows = [f"{BSN_A};;20060315;M;0758;25LG;01;2;BOL", "0;123456789;20070501;V;1959;25LG;01;VMBO-B;VO",
            ";;20070501;V;1959;25LG;01;VMBO-B;VO"]
    src = write_files(tmp_path / "src", {"NenR2023DI27GZ.csv": "\n".join([header, *rows]) + "\n"})
    fast, slow, readers = read_both(tmp_path, src)
    assert readers == ["duckdb"]
    assert fast == slow
    assert [row[1] for row in fast["staged"]["vsv"]] == ["2022-2023", "2022-2023"]  # teljaar from the name
    assert [r[1] for r in fast["rejects"]] == [4]  # no BSN and no onderwijsnummer


# Each trigger that sends a file to the csv module, with the reason the load log records.
FALLBACK = {
    "quoted_line_break": (HEADER + ";opmerking\n" + ROWS[0] + ';"regel een\nregel twee"\n' + ROWS[1] + ";\n",
                          "csv: quote characters"),
    "stray_quote": (HEADER + "\n" + ROWS[0].replace("06HO", '06"HO') + "\n" + ROWS[1] + "\n",
                    "csv: quote characters"),
    "quoted_separator": (HEADER + "\n" + ROWS[0].replace("V3", '"V3;"') + "\n", "csv: quote characters"),
    "old_mac_line_breaks": (HEADER + "\r" + "\r".join(ROWS) + "\r",
                            "csv: line breaks other than \\n or \\r\\n throughout"),
    "mixed_line_breaks": (HEADER + "\r\n" + ROWS[0] + "\n" + ROWS[1] + "\r\n",
                          "csv: line breaks other than \\n or \\r\\n throughout"),
    "nul_byte": (HEADER + "\n" + ROWS[0].replace("06HO", "06\x00HO") + "\n", "csv: NUL or \\x01 bytes"),
    "utf16": (  # Excel's "Unicode text": not read as UTF-16 (yet), so its header is refused, on either path
        (HEADER + "\r\n" + "\r\n".join(ROWS) + "\r\n").replace(";", "\t").encode("utf-16"),
        "refused: verplichte kolom(men) ontbreken: meldingsnummer, bsn, brin, vestiging, melddatum, verzuimsoort, "
        "status"),
    "bad_utf8_after_bom": (b"\xef\xbb\xbf" + (HEADER + "\n" + ROWS[0] + "\n").encode() + b"M7;\xff\n",
                           "csv: not valid UTF-8 after its BOM"),
    "field_over_the_csv_modules_limit": (  # which refuses the file, on either path
        HEADER + "\n" + ROWS[0] + ";" + "x" * 140_000 + "\n",
        "csv: a line longer than the csv module's field limit refused: regel 2 is geen geldige CSV (field larger "
        "than field limit (131072))"),
    "line_duckdb_cannot_read": (HEADER + "\n" + ";".join(["y" * 100_000] * 25) + "\n" + ROWS[0] + "\n",
                                "csv: DuckDB could not read it (InvalidInputException)"),
}


@pytest.mark.parametrize("name", sorted(FALLBACK))
def test_each_fallback_trigger_falls_back_to_the_csv_module(tmp_path: Path, name: str) -> None:
    content, reader = FALLBACK[name]
    src = write_files(tmp_path / "src", {"verzuimmeldingen.csv": content})
    fast, slow, readers = read_both(tmp_path, src)
    assert readers == [reader]
    assert fast == slow


def test_an_xlsx_is_read_by_openpyxl(tmp_path: Path) -> None:
    import xlsxwriter

    (tmp_path / "src").mkdir()
    book = xlsxwriter.Workbook(tmp_path / "src" / "begroting.xlsx")
    book.add_worksheet("begroting").write_row(0, 0, ["jaar", "bedrag"])
    book.close()
    _, _, readers = read_both(tmp_path, tmp_path / "src")
    assert readers == ["xlsx"]


def test_a_file_refused_as_a_whole_is_refused_the_same_way(tmp_path: Path) -> None:
    src = write_files(tmp_path / "src", {"zaken.csv": "zaak_id;bsn;soort\nZ1;999990019;absoluut_verzuim\n"})
    fast, slow, readers = read_both(tmp_path, src)
    assert readers == ["refused: verplichte kolom(men) ontbreken: startdatum"]
    assert fast == slow


def test_the_demo_folder_reads_the_same_through_both_readers(tmp_path: Path, demo_sources: Path) -> None:
    """The seeded demo (its messy files too): the same staged rows, lines and rejects through either reader;
    DuckDB's reader takes every CSV without a quote character."""
    fast, slow, readers = read_both(tmp_path, demo_sources)
    assert fast == slow
    assert sum(len(rows) for rows in fast["staged"].values()) > 10_000 and fast["rejects"]
    names = [name for name, *_ in fast["reports"]]
    by_name = dict(zip(names, readers, strict=True))
    quoted = {n for n in names if n.endswith(".csv") and b'"' in (demo_sources / n).read_bytes()}
    assert quoted  # the demo's files with quoted separators and line breaks
    assert {n for n, r in by_name.items() if r == "duckdb"} == {n for n in names if n.endswith(".csv")} - quoted
    assert all(by_name[n] == "csv: quote characters" for n in quoted)


@st.composite
def one_line_csv_bytes(draw: st.DrawFn) -> bytes:
    """Hostile files without a quote character: the ones DuckDB's reader takes (odd cells, cut and extra fields,
    separators and line breaks inside cells, blank lines, three encodings, both line breaks)."""
    sep = draw(st.sampled_from([";", ",", "\t"]))
    rows = [[c.replace('"', "") for c in r] for r in draw(rows_strategy())]
    blank = draw(st.lists(st.sampled_from(["", sep * 3, " \u00a0 ", "\u2028"]), max_size=3))
    lines = [sep.join(FUZZ_HEADER), *blank, *(sep.join(r) for r in rows)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace")


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=one_line_csv_bytes(), name=st.sampled_from(["verzuimmeldingen_2024-03.csv", "NenR2023DI27GZ.csv"]))
def test_hostile_one_line_csv_reads_the_same_through_both_readers(tmp_path_factory, data: bytes, name: str) -> None:
    work = tmp_path_factory.mktemp("both")
    fast, slow, _ = read_both(work, write_files(work / "src", {name: data}))
    assert fast == slow


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=csv_bytes())
def test_hostile_csv_of_any_kind_reads_the_same_through_both_readers(tmp_path_factory, data: bytes) -> None:
    work = tmp_path_factory.mktemp("both")
    fast, slow, _ = read_both(work, write_files(work / "src", {"verzuimmeldingen_2024-03.csv": data}))
    assert fast == slow


ODD_NUMBERS = [None, "", " ", "0", "000000000", BSN_A, f" {BSN_A} ", "999.990.019", "999 990 019",
               "\u00a0999990019\u2003", "99999001,0", f"{BSN_A},0", "99999002", "12345678", "123456789", "9999900191",
               "abc", "99999001x",
               "\u0669\u0669\u0669\u0669\u0669\u0660\u0660\u0661\u0669", "\u00b2" * 9, "99999.0019,0", ",0", "."]


def test_person_numbers_in_any_spelling_give_the_same_pseudonym_or_reason_in_sql() -> None:
    """The SQL pseudonyms of DuckDB's path (Pseudonymiser.persons_in_sql) against Pseudonymiser.person, for every
    pair of odd spellings (BSN and onderwijsnummer): the same pseudonym or the same reason."""
    import duckdb

    from etl.read import _person

    pairs = [(b, f) for b in ODD_NUMBERS for f in (None, "", "123456782", "12345678", "abc", BSN_B)]
    con = duckdb.connect()
    con.execute("CREATE TABLE numbers (_bsn VARCHAR, _fallback VARCHAR)")
    con.executemany("INSERT INTO numbers VALUES (?, ?)", pairs)
    KEY.persons_in_sql(con, "numbers", "persons")
    got = {(b, f): (p, e) for b, f, p, e in con.execute("SELECT * FROM persons").fetchall()}
    assert got == {pair: _person(KEY, *pair) for pair in pairs}
    assert got[(BSN_A, None)] == (KEY.pseudonym(BSN_A), None)
    assert got[("999.990.019", None)] == got[(BSN_A, "abc")]  # the same person however it is written
