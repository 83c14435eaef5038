"""Every variant of sources.md "What every reader must take in its stride" loads, tested one by one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.sources import SOURCE_BY_NAME, source_for_filename
from etl.validate import Context, parse, parse_date
from tests.etl_helpers import BSN_A, BSN_B, LOAD_DATE, load, query, write_files

CTX = Context(LOAD_DATE)
MELD = SOURCE_BY_NAME["verzuimmeldingen"]


def _reports(tmp_path: Path, content: str | bytes, name: str = "verzuimmeldingen.csv") -> list[tuple]:
    result = load(write_files(tmp_path / "src", {name: content}), tmp_path / "wh")
    assert result.published, result.message
    assert result.rejects == []
    return query(tmp_path / "wh", "SELECT meldingsnummer, melddatum, brin, vestiging, verzuimsoort, status, "
                                  "gemeente_code, _line FROM stg_verzuimmeldingen ORDER BY meldingsnummer")


EXPECTED = [("M1", date(2024, 3, 1), "06HO", "00", "V3", "G", "GM0758", 2),
            ("M2", date(2024, 3, 4), "06HO", "00", "L", "B", "GM0758", 3)]


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separators(tmp_path: Path, sep: str) -> None:
    rows = ["meldingsnummer,bsn,brin,vestiging,melddatum,verzuimsoort,status,gemeente_code",
            f"M1,{BSN_A},06HO,00,01-03-2024,V3,G,GM0758", f"M2,{BSN_B},06HO,00,04-03-2024,L,B,GM0758"]
    assert _reports(tmp_path, "\n".join(r.replace(",", sep) for r in rows) + "\n") == EXPECTED


def test_quoted_fields_with_separator_and_line_break_keep_line_numbers(tmp_path: Path) -> None:
    content = ("meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code;opmerking\n"
               f'M1;{BSN_A};06HO;00;01-03-2024;V3;G;GM0758;"regel een;\nregel twee"\n'
               f"M2;{BSN_B};06HO;00;04-03-2024;L;B;GM0758;\n")
    rows = _reports(tmp_path, content)
    assert [r[0] for r in rows] == ["M1", "M2"]
    assert [r[-1] for r in rows] == [2, 4]  # M2 starts on physical line 4, after the two-line field


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    content = "brin;vestiging;naam;sector;plaats\n06HO;00;Basisschool De Piëteit é;PO;Baarle-Nassau\n"
    load(write_files(tmp_path / "src", {"scholen.csv": content.encode(encoding)}), tmp_path / "wh")
    assert query(tmp_path / "wh", "SELECT naam FROM stg_scholen") == [("Basisschool De Piëteit é",)]


def _xlsx(path: Path, sheet: str | None, rows: list[list]) -> None:
    book = xlsxwriter.Workbook(path)
    if sheet != "medewerkers":
        book.add_worksheet("Toelichting").write(0, 0, "lees mij")  # first sheet is not the data
    ws = book.add_worksheet(sheet or "Blad1")
    date_fmt = book.add_format({"num_format": "dd-mm-yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, date_fmt)
            else:
                ws.write(r, c, value)
    book.close()


def test_xlsx_sheet_named_after_source_with_excel_dates_and_numbers(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    _xlsx(tmp_path / "src" / "Medewerkers 2024.xlsx", "medewerkers",
          [["Medewerker", "Rol", "Gemeente code", "FTE", "Begindatum"],
           ["LPA01", "leerplichtambtenaar", 758, 0.8, datetime(2024, 1, 1)],
           ["LPA02", "leerplichtambtenaar", "GM1959", 1.125, datetime(2023, 8, 1)]])
    assert load(tmp_path / "src", tmp_path / "wh").published
    assert query(tmp_path / "wh", "SELECT medewerker, gemeente_code, fte, begindatum FROM stg_medewerkers ORDER BY 1") \
        == [("LPA01", "GM0758", 0.8, date(2024, 1, 1)), ("LPA02", "GM1959", 1.125, date(2023, 8, 1))]


def test_xlsx_first_sheet_when_none_is_named_after_the_source(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    book = xlsxwriter.Workbook(tmp_path / "src" / "begroting.xlsx")
    ws = book.add_worksheet("Blad1")
    for r, row in enumerate([["jaar", "bedrag", "uitvoeringsniveau"], [2025, 1234567.89, "1"], [2025, 100, ""]]):
        ws.write_row(r, 0, row)
    book.close()
    assert load(tmp_path / "src", tmp_path / "wh").published
    assert query(tmp_path / "wh", "SELECT jaar, bedrag, uitvoeringsniveau FROM stg_begroting ORDER BY 3") \
        == [(2025, 1234567.89, "1"), (2025, 100.0, "totaal")]


@pytest.mark.parametrize("header", ["Melddatum", "MELDDATUM", "datum melding", "DATUM_MELDING", "datum-melding"])
def test_header_spellings(tmp_path: Path, header: str) -> None:
    content = (f"Meldingsnummer;BSN;Brin;Vestiging;{header};Verzuimsoort;Status;Gemeente_Code\n"
               f"M1;{BSN_A};06HO;00;01-03-2024;V3;G;GM0758\nM2;{BSN_B};06HO;00;04-03-2024;L;B;GM0758\n")
    assert _reports(tmp_path, content) == EXPECTED


def test_hash_header_and_extra_columns_are_dropped(tmp_path: Path) -> None:
    content = ("#meldingsnummer;bsn;voornaam;achternaam;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code\n"
               f"M1;{BSN_A};Demo;Leerling;06HO;00;01-03-2024;V3;G;GM0758\n"
               f"M2;{BSN_B};Demo;Leerling;06HO;00;04-03-2024;L;B;GM0758\n")
    assert _reports(tmp_path, content) == EXPECTED
    columns = [r[0] for r in query(tmp_path / "wh", "SELECT column_name FROM duckdb_columns() "
                                                     "WHERE table_name = 'stg_verzuimmeldingen'")]
    assert "voornaam" not in columns and "achternaam" not in columns and "bsn" not in columns


@pytest.mark.parametrize("raw", ["01-03-2024", "1-3-2024", "2024-03-01", "20240301", "01/03/2024"])
def test_date_forms(raw: str) -> None:
    assert parse(MELD.field("melddatum"), raw, CTX) == ("2024-03-01", None)


@pytest.mark.parametrize(("raw", "expected"), [("J", "true"), ("ja", "true"), ("1", "true"), ("true", "true"),
                                               ("N", "false"), ("nee", "false"), ("0", "false"), ("false", "false")])
def test_booleans(raw: str, expected: str) -> None:
    from etl.sources import Field

    assert parse(Field("vlag", "bool"), raw, CTX) == (expected, None)


@pytest.mark.parametrize(("raw", "code"), [("GM0758", "GM0758"), ("0758", "GM0758"), ("758", "GM0758"),
                                           ("BREDA", "GM0758"), ("breda", "GM0758"), ("Alphen-Chaam", "GM1723"),
                                           ("GM0738", "GM1959"), ("0870", "GM1959"), ("Woudrichem", "GM1959")])
def test_municipality_forms(raw: str, code: str) -> None:
    assert parse(MELD.field("gemeente_code"), raw, CTX) == (code, None)


@pytest.mark.parametrize(("field", "raw", "value"), [("medewerkers.fte", "0,8", "0.8"),
                                                     ("medewerkers.fte", "1", "1.0"),
                                                     ("bevolking.aantal", "1.234", "1234"),
                                                     ("begroting.bedrag", "1.234.567,89", "1234567.89")])
def test_numbers(field: str, raw: str, value: str) -> None:
    source, name = field.split(".")
    assert parse(SOURCE_BY_NAME[source].field(name), raw, CTX) == (value, None)


@pytest.mark.parametrize(("raw", "code"), [("V3", "V3"), ("RMC", "RMC"), ("luxe verzuim", "L"),
                                           ("Ongeoorloofd verzuim van 1 maand of langer", "LRV"),
                                           ("signaal verzuim", "signaal"), ("beginnend verzuim", "beginnend"),
                                           ("16 uur in 4 opeenvolgende lesweken", "16U")])
def test_absence_kinds(raw: str, code: str) -> None:
    assert parse(MELD.field("verzuimsoort"), raw, CTX) == (code, None)


@pytest.mark.parametrize(("raw", "code"), [("G", "G"), ("afgesloten", "G"), ("In behandeling", "B"),
                                           ("ter kennisgeving aangenomen", "K"), ("ingetrokken", "I")])
def test_status_words(raw: str, code: str) -> None:
    assert parse(MELD.field("status"), raw, CTX) == (code, None)


@pytest.mark.parametrize(("raw", "article"), [("5a", "5 onder a"), ("art. 5a", "5 onder a"),
                                              ("5 sub a", "5 onder a"), ("5 onder c", "5 onder c"),
                                              ("5a trekkend", "5a"), ("art. 5a Lpw trekkend", "5a"), ("3B", "3b")])
def test_article_spellings(raw: str, article: str) -> None:
    assert parse(SOURCE_BY_NAME["vrijstellingen"].field("artikel"), raw, CTX) == (article, None)


def test_duo_nenr_layout_and_file_name(tmp_path: Path) -> None:
    header = ("#BURGERSERVICENUMMER;ONDERWIJSNUMMER;GEBOORTEDATUM;GESLACHT;ACHTERNAAM;VOORNAMEN;GEMCODE;BRIN;"
              "BRIN_VOLGNR;NIVEAU;ONDERWIJSSOORT")
    rows = [f"{BSN_A};;20060315;M;Demo;Leerling;0758;25LG;01;2;BOL",
            "0;123456789;20070501;V;Demo;Leerling;1959;25LG;01;VMBO-B;VO"]
    assert source_for_filename("NenR2023DI27GZ.csv")[1] == {"teljaar": "2022-2023", "status": "definitief"}
    load(write_files(tmp_path / "src", {"NenR2023DI27GZ.csv": "\n".join([header, *rows]) + "\n"}), tmp_path / "wh")
    got = query(tmp_path / "wh", "SELECT teljaar, status, gemeente_code, onderwijssoort, niveau, geboortejaar, "
                                 "geboortemaand, geslacht, vestiging FROM stg_vsv ORDER BY gemeente_code")
    assert got == [("2022-2023", "definitief", "GM0758", "MBO", "2", 2006, 3, "M", "01"),
                   ("2022-2023", "definitief", "GM1959", "VO", "VMBO-B", 2007, 5, "V", "01")]


def test_header_only_file_is_valid_with_zero_rows(tmp_path: Path) -> None:
    result = load(write_files(tmp_path / "src", {"zaken.csv": "zaak_id;bsn;soort;startdatum\n"}), tmp_path / "wh")
    assert result.published and [(f.read, f.loaded) for f in result.files] == [(0, 0)]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=st.one_of(
    st.from_regex(r"[0-9]{1,4}[-/.]?[0-9]{1,3}[-/.]?[0-9]{1,4}", fullmatch=True),
    st.builds(lambda d, fmt: d.strftime(fmt), st.dates(date(1, 1, 1), date(9999, 12, 31)),
              st.sampled_from(["%d-%m-%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%y"])),
    st.text("0123456789-٠١٢٣ ", max_size=12)))
def test_quick_date_shapes_read_as_strptime_reads_them(text: str) -> None:
    from etl.validate import strptime_date

    parse_date.cache_clear()
    assert parse_date(text) == strptime_date(text.strip().split(" ")[0] if text.strip() else text.strip())
