"""Every rejection reason of sources.md: the row is reported with file, line and a reason a person
can act on, never with the BSN; a file refused as a whole publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli import main as etl_main
from tests.etl_helpers import BSN_A, BSN_B, load, query, write_files

HEADER = "meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code;datum_afsluiting\n"
GOOD = f"M0;{BSN_A};06HO;00;01-03-2024;V3;B;GM0758;\n"


@pytest.mark.parametrize(("row", "reason"), [
    (f"M1;{BSN_B};06HO;00;;V3;B;GM0758;", "verplicht veld 'melddatum' is leeg"),
    ("M1;123456789;06HO;00;01-03-2024;V3;B;GM0758;", "BSN voldoet niet aan de elfproef"),
    ("M1;;06HO;00;01-03-2024;V3;B;GM0758;", "verplicht veld 'bsn' is leeg (en er is geen onderwijsnummer)"),
    (f"M1;{BSN_B};06HO;00;31-02-2024;V3;B;GM0758;",
     "onleesbare datum '31-02-2024' in kolom melddatum (verwacht dd-mm-jjjj)"),
    (f"M1;{BSN_B};06HO;00;01-12-2025;V3;B;GM0758;",
     "datum 01-12-2025 in kolom melddatum ligt na de laaddatum (15-11-2025)"),
    (f"M1;{BSN_B};06HO;00;10-03-2024;V3;G;GM0758;01-03-2024",
     "datum_afsluiting (01-03-2024) ligt voor melddatum (10-03-2024)"),
    (f"M1;{BSN_B};06HO;00;01-03-2024;X9;B;GM0758;",
     "onbekende verzuimsoort 'X9' (toegestaan: 16U, L, LRV, O, RMC, V1, V2, V3, V4, beginnend, signaal)"),
    (f"M1;{BSN_B};06HO;00;01-03-2024;V3;B;GM0855;", "woont buiten de regio (gemeente GM0855)"),
])
def test_rejection_reasons(tmp_path: Path, row: str, reason: str) -> None:
    src = write_files(tmp_path / "src", {"verzuimmeldingen.csv": HEADER + GOOD + row + "\n"})
    result = load(src, tmp_path / "wh", report_path=tmp_path / "afgekeurd.csv")
    assert result.published and result.exit_code == 0
    assert result.rejects == [("verzuimmeldingen.csv", 3, "verzuimmeldingen", reason)]
    report = (tmp_path / "afgekeurd.csv").read_text()
    assert report.splitlines()[0] == "file,line,source,reason"
    assert BSN_B not in report and "123456789" not in report
    assert query(tmp_path / "wh", "SELECT meldingsnummer FROM stg_verzuimmeldingen") == [("M0",)]


def test_fte_out_of_range(tmp_path: Path) -> None:
    content = ("medewerker;rol;gemeente_code;fte;begindatum\nLPA01;leerplichtambtenaar;GM0758;0,8;01-01-2024\n"
               "LPA02;leerplichtambtenaar;GM0758;1,8;01-01-2024\n")
    result = load(write_files(tmp_path / "src", {"medewerkers.csv": content}), tmp_path / "wh")
    assert result.rejects == [("medewerkers.csv", 3, "medewerkers", "fte 1,8 ligt niet tussen 0 en 1,5")]


def test_action_without_case_or_report(tmp_path: Path) -> None:
    content = "actie_id;datum;soort;zaak_id;meldingsnummer\nA1;01-03-2024;gesprek;;\nA2;01-03-2024;gesprek;Z1;\n"
    result = load(write_files(tmp_path / "src", {"acties.csv": content}), tmp_path / "wh")
    assert result.rejects == [("acties.csv", 2, "acties",
                               "actie hoort bij geen zaak en geen melding: vul zaak_id of meldingsnummer")]


def test_unknown_school_is_kept_as_brin_only(tmp_path: Path) -> None:
    row = f"M1;{BSN_B};99ZZ;00;01-03-2024;V3;B;GM0758;\n"
    result = load(write_files(tmp_path / "src", {"verzuimmeldingen.csv": HEADER + row}), tmp_path / "wh")
    assert result.rejects == []
    assert query(tmp_path / "wh", "SELECT school_id, education_group FROM int_reports") == [("99ZZ00", "onbekend")]


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("zaken.csv", b"", "het bestand is leeg (0 bytes)"),
    ("zaken.csv", b"\n\n", "het bestand is leeg (0 bytes)"),
    ("zaken.csv", b"zaak_id;bsn;soort\nZ1;999990019;absoluut_verzuim\n", "verplichte kolom(men) ontbreken: startdatum"),
    ("leerlingen.csv", b"a;b\n1;2\n", "de naam hoort bij geen enkele bron"),
])
def test_file_refused_as_a_whole_publishes_nothing(tmp_path: Path, capsys, name: str, content: bytes,
                                                   problem: str) -> None:
    wh = tmp_path / "wh"
    assert load(write_files(tmp_path / "first", {"verzuimmeldingen.csv": HEADER + GOOD}), wh).published
    before = (wh / "warehouse.duckdb").read_bytes()
    src = write_files(tmp_path / "src", {"verzuimmeldingen.csv": HEADER + GOOD, name: content})
    code = etl_main(["load", str(src), "--warehouse", str(wh), "--quiet", "--load-date", "2025-11-15"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Bestand geweigerd, er is niets gepubliceerd. {name}: {problem}." in err
    assert (wh / "warehouse.duckdb").read_bytes() == before
