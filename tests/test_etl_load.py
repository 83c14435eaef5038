"""How loads behave over time: idempotent, additive by key, atomic, and never storing a BSN."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.etl_helpers import BSN_A, BSN_B, BSN_C, load, query, write_files
from warehouse.cli import kpi_rows
from warehouse.connection import Warehouse

ROOT = Path(__file__).resolve().parents[1]
GEMEENTEN = "gemeente_code;naam;uitvoeringsniveau\nGM0758;Breda;2\nGM1959;Altena;1\n"
BEVOLKING = "gemeente_code;peildatum;leeftijd;aantal\nGM0758;01-01-2024;10;1.000\nGM1959;01-01-2024;10;500\n"
HEADER = "meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;gemeente_code;laatste_mutatie\n"
MARCH = HEADER + (f"M1;{BSN_A};06HO;00;01-03-2024;V3;B;GM0758;01-03-2024\n"
                  f"M2;{BSN_B};06HO;00;04-03-2024;V3;B;GM1959;04-03-2024\n")
# April's delivery closes M1 (a later mutation) and brings M3
APRIL = HEADER + (f"M1;{BSN_A};06HO;00;01-03-2024;V3;G;GM0758;02-04-2024\n"
                  f"M3;{BSN_C};06HO;00;03-04-2024;LRV;B;GM0758;03-04-2024\n")
FILES = {"gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING,
         "verzuimmeldingen_2024-03.csv": MARCH, "verzuimmeldingen_2024-04.csv": APRIL}


def figures(wh: Path) -> list[tuple]:
    return kpi_rows(Warehouse(wh), "2023-2024", None)


def test_loading_the_same_folder_twice_changes_no_figure(tmp_path: Path) -> None:
    src = write_files(tmp_path / "src", FILES)
    first = load(src, tmp_path / "wh")
    before = figures(tmp_path / "wh")
    second = load(src, tmp_path / "wh")
    assert first.published and second.published
    assert figures(tmp_path / "wh") == before
    # the second time every row is a known key with the same values: unchanged, nothing new or updated
    assert [(f.read, f.loaded, f.updated, f.unchanged, f.rejected) for f in second.files] == \
        [(2, 0, 0, 2, 0), (2, 0, 0, 2, 0), (2, 0, 0, 2, 0), (2, 0, 0, 2, 0)]
    assert second.message.endswith("8 regels gelezen, 0 geladen, 0 bijgewerkt, 8 ongewijzigd, 0 afgekeurd.")
    assert query(tmp_path / "wh", "SELECT count(*) FROM load_history") == [(2,)]


def test_one_load_or_several_give_the_same_figures(tmp_path: Path) -> None:
    at_once = load(write_files(tmp_path / "all", FILES), tmp_path / "wh_once")
    assert at_once.published
    base = {k: v for k, v in FILES.items() if "2024-04" not in k}
    assert load(write_files(tmp_path / "march", base), tmp_path / "wh_spread").published
    april_only = load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), tmp_path / "wh_spread")
    assert [(f.read, f.loaded, f.updated, f.rejected) for f in april_only.files] == [(2, 1, 1, 0)]
    assert figures(tmp_path / "wh_once") == figures(tmp_path / "wh_spread")
    # the later mutation won: M1 is closed, and March's M2 was not forgotten
    assert query(tmp_path / "wh_spread", "SELECT meldingsnummer, status FROM stg_verzuimmeldingen ORDER BY 1") == \
        [("M1", "G"), ("M2", "B"), ("M3", "B")]


def test_accounting_per_file(tmp_path: Path) -> None:
    rows = MARCH + f"M1;{BSN_A};06HO;00;01-03-2024;V3;G;GM0758;05-03-2024\nM9;{BSN_A};06HO;00;;V3;B;GM0758;\n"
    result = load(write_files(tmp_path / "src", {"verzuimmeldingen.csv": rows}), tmp_path / "wh")
    (f,) = result.files
    assert (f.read, f.loaded, f.updated, f.unchanged, f.rejected) == (4, 2, 1, 0, 1)
    assert f.read == f.loaded + f.updated + f.unchanged + f.rejected


def _kill_during_build(src: Path, wh: Path) -> subprocess.CompletedProcess:
    """Run a load in a child process that is SIGKILLed while it builds the new database."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        import warehouse.build as build
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        build.build_marts = die
        from etl.load import run_load
        from datetime import date
        run_load({str(src)!r}, {str(wh)!r}, quiet=True, load_date=date(2025, 11, 15))
    """)
    return subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, timeout=120)


def test_a_load_killed_half_way_leaves_the_published_warehouse_byte_identical(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    march = {k: v for k, v in FILES.items() if "2024-04" not in k}
    assert load(write_files(tmp_path / "march", march), wh).published
    published = wh / "warehouse.duckdb"
    before, inode = published.read_bytes(), published.stat().st_ino
    killed = _kill_during_build(write_files(tmp_path / "all", FILES), wh)
    assert killed.returncode == -9
    assert (wh / "versions" / "2").is_dir() and os.readlink(wh / "current") == "versions/1"  # died half-way
    assert published.read_bytes() == before and published.stat().st_ino == inode
    later = load(tmp_path / "all", wh)
    assert later.published
    assert not any(p.name.startswith((".build-", ".facts-")) for p in wh.iterdir())
    assert sorted(p.name for p in (wh / "versions").iterdir()) == ["2"]  # the killed build's leftover swept
    assert query(wh, "SELECT count(*) FROM stg_verzuimmeldingen") == [(3,)]


def test_a_failed_check_publishes_nothing(tmp_path: Path, monkeypatch) -> None:
    """Files cannot break an invariant (validation stops them first), so the check itself is made to fail."""
    import etl.load as etl_load
    from warehouse.checks import InvariantFailed

    wh = tmp_path / "wh"
    assert load(write_files(tmp_path / "march", {"verzuimmeldingen.csv": MARCH}), wh).published
    before = (wh / "warehouse.duckdb").read_bytes()

    def failing(con, catalog) -> None:
        raise InvariantFailed("stg_verzuimmeldingen: 1 sleutels komen meer dan eens voor")

    monkeypatch.setattr(etl_load, "check_invariants", failing)
    result = load(write_files(tmp_path / "april", {"verzuimmeldingen.csv": APRIL}), wh)
    assert (result.published, result.exit_code) == (False, 3)
    assert result.message.startswith("Controle mislukt, er is niets gepubliceerd")
    assert (wh / "warehouse.duckdb").read_bytes() == before


def test_no_bsn_reaches_any_file_of_the_warehouse_the_report_or_the_logs(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    bad = f"M8;{BSN_A[:-1]}8;06HO;00;01-03-2024;V3;B;GM0758;\n"  # fails the eleven test: reported, not stored
    load(write_files(tmp_path / "src", {**FILES, "verzuimmeldingen_2024-05.csv": HEADER + bad}), wh,
         report_path=tmp_path / "report.csv")
    logs = [Path(os.environ["RBL_ACCOUNTS"])]  # the audit log lives in the accounts store
    for path in [*wh.rglob("*"), tmp_path / "report.csv", *logs]:
        if path.is_file():
            data = path.read_bytes()
            for bsn in (BSN_A, BSN_B, BSN_C, BSN_A[:-1] + "8"):
                assert bsn.encode() not in data, f"{bsn} found in {path}"


def test_retention_removes_old_person_rows_and_keeps_their_figures(tmp_path: Path, monkeypatch) -> None:
    """With 1 school year of retention, a load in 2025-2026 keeps 2024-2025 and removes 2023-2024's rows,
    while the 2023-2024 figures published earlier stay exactly as they were."""
    wh = tmp_path / "wh"
    old_year = {"gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "verzuimmeldingen_2024-03.csv": MARCH}
    assert load(write_files(tmp_path / "a", old_year), wh).published
    before = [r for r in figures(wh) if r[0] == "relatief_verzuim_per_1000"]
    assert before[0][4] == 1.0  # Breda: 1 person of 1,000 inhabitants

    settings = tmp_path / "settings.toml"
    text = (ROOT / "config" / "settings.toml").read_text()
    settings.write_text(text.replace("bewaartermijn_schooljaren = 10", "bewaartermijn_schooljaren = 1"))
    monkeypatch.setenv("RBL_SETTINGS", str(settings))
    recent = HEADER + f"M7;{BSN_C};06HO;00;01-03-2025;V3;B;GM0758;01-03-2025\n"
    result = load(write_files(tmp_path / "b", {"verzuimmeldingen_2025-03.csv": recent}), wh)
    assert result.published
    assert query(wh, "SELECT meldingsnummer FROM stg_verzuimmeldingen") == [("M7",)]
    kept = query(wh, "SELECT breakdown, value, numerator, denominator FROM mart_kpi_values "
                     "WHERE kpi_id = 'relatief_verzuim_per_1000' AND period = '2023-2024' "
                     "AND municipality_code = 'GM0758' ORDER BY breakdown")
    assert [(b, v, n, d) for _, _, g, b, v, n, d in before if g == "GM0758"] == kept


def test_a_warehouse_folder_with_a_quote_in_its_name(tmp_path: Path) -> None:
    wh = tmp_path / "o'neill wh"
    assert load(write_files(tmp_path / "src", FILES), wh).published
    assert len(figures(wh)) > 0


def test_a_delivery_again_without_changes_keeps_the_figures_without_rebuilding_them(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """Incremental publishing: no row changed, same code, settings and load date: the published models and
    figures are taken over as they are (the build is not even called), and the load is in the history."""
    import etl.load as etl_load

    src = write_files(tmp_path / "src", FILES)
    assert load(src, tmp_path / "wh").published
    before = figures(tmp_path / "wh")

    def no_build(*args, **kwargs) -> None:
        raise AssertionError("the models were rebuilt although nothing changed")

    monkeypatch.setattr(etl_load, "build_models", no_build)
    again = load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), tmp_path / "wh")
    assert again.published, again.message
    assert [(f.read, f.loaded, f.updated, f.unchanged, f.rejected) for f in again.files] == [(2, 0, 0, 2, 0)]
    assert figures(tmp_path / "wh") == before
    assert query(tmp_path / "wh", "SELECT load_id, rows_read, rows_unchanged FROM load_history ORDER BY 1") == \
        [(1, 8, 0), (2, 2, 2)]
    assert len(list((tmp_path / "wh" / "facts").glob("*.parquet"))) == 9
    # another load date can change figures (periods, what counts as the future): that load rebuilds
    from datetime import date

    with pytest.raises(AssertionError, match="rebuilt"):
        load(src, tmp_path / "wh", load_date=date(2025, 11, 16))


def test_the_same_folder_again_with_rows_older_than_the_retention_period_is_a_no_change_load(
        tmp_path: Path, monkeypatch) -> None:
    """Rows the retention rule removes (older than 10 school years before the load date 15-11-2025: before
    1-8-2015) come in again with every load of the same folder. They change nothing, so they count as unchanged
    and the second load takes over the published figures without a rebuild; the counts still add up."""
    import etl.load as etl_load

    old_person = BSN_C  # born 1990: 25 at the cutoff, past the Doorstroompunt's 23, nothing of them after 2014
    files = {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING,
        "personen.csv": "bsn;geboortedatum;gemeente_code\n"
                        f"{BSN_A};01-05-2010;GM0758\n{old_person};01-01-1990;GM0758\n",
        "inschrijvingen.csv": "bsn;brin;vestiging;datum_inschrijving;datum_uitschrijving;onderwijssoort\n"
                              f"{old_person};06HO;00;01-08-2006;01-07-2014;VO\n"
                              f"{BSN_A};06HO;00;01-08-2022;;VO\n",
        "verzuimmeldingen_2024-03.csv": HEADER + (f"M0;{old_person};06HO;00;01-03-2014;V3;G;GM0758;01-03-2014\n"
                                                  f"M1;{BSN_A};06HO;00;01-03-2024;V3;B;GM0758;01-03-2024\n"),
    }
    src = write_files(tmp_path / "src", files)
    first = load(src, tmp_path / "wh")
    assert first.published, first.message
    # the first load brings every row in (nothing published to compare with); retention removes the old ones
    assert query(tmp_path / "wh", "SELECT meldingsnummer FROM stg_verzuimmeldingen") == [("M1",)]
    assert query(tmp_path / "wh", "SELECT count(*) FROM stg_personen") == [(1,)]
    assert query(tmp_path / "wh", "SELECT count(*) FROM stg_inschrijvingen") == [(1,)]
    before = figures(tmp_path / "wh")

    def no_build(*args, **kwargs) -> None:
        raise AssertionError("the models were rebuilt although nothing changed")

    monkeypatch.setattr(etl_load, "build_models", no_build)
    again = load(src, tmp_path / "wh")
    assert again.published, again.message
    counts = {f.name: (f.read, f.loaded, f.updated, f.unchanged, f.rejected) for f in again.files}
    assert counts == {"gemeenten.csv": (2, 0, 0, 2, 0), "bevolking.csv": (2, 0, 0, 2, 0),
                      "personen.csv": (2, 0, 0, 2, 0), "inschrijvingen.csv": (2, 0, 0, 2, 0),
                      "verzuimmeldingen_2024-03.csv": (2, 0, 0, 2, 0)}
    assert all(r == lo + up + un + rej for r, lo, up, un, rej in counts.values())
    assert "0 geladen, 0 bijgewerkt, 10 ongewijzigd, 0 afgekeurd" in again.message
    assert figures(tmp_path / "wh") == before
    assert query(tmp_path / "wh", "SELECT rows_read, rows_loaded, rows_updated, rows_unchanged, rows_rejected "
                                  "FROM load_history ORDER BY load_id") == [(10, 10, 0, 0, 0), (10, 0, 0, 10, 0)]


def test_a_row_older_than_the_retention_period_beside_a_new_one_still_rebuilds(tmp_path: Path) -> None:
    """Only rows the rule removes count as unchanged: a new row of a kept year is loaded (and rebuilds)."""
    src = write_files(tmp_path / "src", FILES)
    assert load(src, tmp_path / "wh").published
    late = HEADER + (f"M0;{BSN_C};06HO;00;01-03-2014;V3;G;GM0758;01-03-2014\n"
                     f"M9;{BSN_C};06HO;00;01-05-2024;V3;B;GM0758;01-05-2024\n")
    again = load(write_files(tmp_path / "may", {"verzuimmeldingen_2024-05.csv": late}), tmp_path / "wh")
    assert [(f.read, f.loaded, f.updated, f.unchanged, f.rejected) for f in again.files] == [(2, 1, 0, 1, 0)]
    assert query(tmp_path / "wh", "SELECT meldingsnummer FROM stg_verzuimmeldingen ORDER BY 1") == \
        [("M1",), ("M2",), ("M3",), ("M9",)]
