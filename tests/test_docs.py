"""Docs that cannot drift: every KPI, source, setting and CLI option is documented."""

from __future__ import annotations

import tomllib
from pathlib import Path

from etl.sources import SOURCES
from warehouse import docs
from warehouse.kpis import KPIS

ROOT = Path(__file__).resolve().parents[1]


def test_kpi_docs_are_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "kpis.md").read_text() == docs.render(), "run `python -m warehouse.docs`"


def test_every_kpi_is_documented() -> None:
    text = (ROOT / "docs" / "kpis.md").read_text()
    missing = [k for k in KPIS if f"#### `{k}`" not in text]
    assert missing == []


def test_every_source_and_its_columns_are_documented() -> None:
    text = (ROOT / "docs" / "sources.md").read_text()
    for source in SOURCES:
        assert f"### `{source.name}`" in text, source.name
        for f in source.fields:
            assert f"`{f.name}`" in text, f"{source.name}.{f.name}"


def test_every_setting_is_documented() -> None:
    settings = tomllib.loads((ROOT / "config" / "settings.toml").read_text())
    text = (ROOT / "docs" / "settings.md").read_text()
    for section, values in settings.items():
        for key in values:
            assert f"`{section}.{key}`" in text, f"{section}.{key}"


def test_cli_options_are_documented() -> None:
    readme = (ROOT / "README.md").read_text() + (ROOT / "docs" / "operations.md").read_text()
    for option in ("--warehouse", "--report", "--quiet", "--load-date", "--period", "--kpi", "--seed", "--scale"):
        assert option in readme, option
