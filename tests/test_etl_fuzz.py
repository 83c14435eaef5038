"""Hostile and broken files through the readers and the validation: never a traceback; a file is refused as
a whole with a message, or every row is loaded or rejected with a reason, and read = loaded + updated +
unchanged + rejected. Hypothesis is derandomized (the same examples every run) and bounded."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.load import Loader, run_load
from etl.pseudonym import Pseudonymiser
from etl.read import FileRefused, read_file
from etl.sources import source_for_filename
from tests.etl_helpers import BSN_A, BSN_B, BSN_C

HEADER = ["meldingsnummer", "bsn", "brin", "vestiging", "melddatum", "verzuimsoort", "status", "gemeente_code"]
GOOD = [["M1", BSN_A, "06HO", "00", "01-03-2024", "V3", "B", "GM0758"],
        ["M2", BSN_B, "06HO", "00", "04-03-2024", "LRV", "G", "GM1959"],
        ["M3", BSN_C, "06HO", "00", "2024-03-05", "V3", "B", "GM0758"]]
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def rows_strategy() -> st.SearchStrategy[list[list[str]]]:
    """Good rows with some cells replaced by odd text, fields dropped or added."""
    odd = st.one_of(st.text(max_size=12), st.sampled_from(['"', '""', ";", ",", "\t", "\n", "\r", "x" * 200_000,
                                                             "31-02-2024", "9999-99-99", "\x00", "é", "€"]))
    row = st.tuples(st.sampled_from(GOOD), st.lists(st.tuples(st.integers(0, 9), odd), max_size=3),
                    st.integers(-2, 2))

    def build(parts: tuple) -> list[str]:
        base, edits, length = parts
        cells = list(base)
        for i, value in edits:
            if i < len(cells):
                cells[i] = value
        return cells[:len(cells) + length] if length < 0 else cells + ["extra"] * length

    return st.lists(row.map(build), min_size=0, max_size=8)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = draw(rows_strategy())
    quote = draw(st.booleans())
    lines = [sep.join(HEADER)] + [sep.join(f'"{c}"' if quote else c for c in r) for r in rows]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))  # a file cut off half-way
    data = data if cut is None else data[:cut]
    stray = draw(st.one_of(st.none(), st.integers(0, max(len(data) - 1, 0))))  # a stray quote
    return data if stray is None else data[:stray] + b'"' + data[stray:]


def check_file(tmp_path: Path, name: str, data: bytes) -> None:
    """Read and validate one file as a load does, and account for every row."""
    path = tmp_path / name
    path.write_bytes(data)
    source, implied = source_for_filename(name)
    (tmp_path / "wh").mkdir(exist_ok=True)
    loader = Loader(tmp_path / "wh", date(2025, 11, 15))
    try:
        read, rejected = 0, []
        try:
            for batch in read_file(path, source, implied, Pseudonymiser(b"k" * 32), batch_rows=3):
                read += batch.rows_read
                rejected += loader.add_file(batch, 0)
        except FileRefused as refused:
            assert refused.problem and refused.fix  # refused as a whole, with what to do about it
            return
        assert all(reason and line >= 1 for _, line, _, reason in rejected)
        loaded, updated, unchanged = loader.merge_counts().get(name, (0, 0, 0))
        assert read == loaded + updated + unchanged + len(rejected)
    finally:
        loader.close()


@FUZZ
@given(data=csv_bytes())
def test_hostile_csv_never_raises_and_accounts_for_every_row(tmp_path_factory, data: bytes) -> None:
    check_file(tmp_path_factory.mktemp("fuzz"), "verzuimmeldingen_2024-03.csv", data)


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=rows_strategy(), damage=st.sampled_from(["none", "truncate", "garbage", "not_a_zip", "no_sheet"]),
       where=st.floats(0, 1))
def test_hostile_xlsx_never_raises_and_accounts_for_every_row(tmp_path_factory, rows, damage: str,
                                                              where: float) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    data = _xlsx([[ILLEGAL_CHARACTERS_RE.sub("", c) for c in r] for r in rows])  # Excel cannot hold these
    if damage == "truncate":
        data = data[:int(len(data) * where)]
    elif damage == "garbage":
        at = int(len(data) * where)
        data = data[:at] + b"\xff\x00garbage" + data[at + 10:]
    elif damage == "not_a_zip":
        data = b"<html>dit is geen Excel-bestand</html>"
    elif damage == "no_sheet":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        data = out.getvalue()
    check_file(tmp_path_factory.mktemp("fuzz"), "verzuimmeldingen_2024-03.xlsx", data)


def test_a_utf16_file_from_excel_loads_or_is_refused_with_a_message(tmp_path: Path) -> None:
    """Excel's "Unicode text" is UTF-16 with tabs: end to end, the load answers with a message, never a
    traceback, and publishes nothing it could not read."""
    src = tmp_path / "src"
    src.mkdir()
    text = "\t".join(HEADER) + "\r\n" + "\r\n".join("\t".join(r) for r in GOOD) + "\r\n"
    (src / "verzuimmeldingen_2024-03.txt").write_bytes(text.encode("utf-16"))
    result = run_load(src, tmp_path / "wh", quiet=True, load_date=date(2025, 11, 15))
    read = sum(f.read for f in result.files)
    assert result.message
    assert read == sum(f.loaded + f.updated + f.unchanged + f.rejected for f in result.files)
