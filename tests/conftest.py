"""Shared fixtures: one seeded demo warehouse for the whole session, and headless Chromium options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parents[1]
DEMO_SEED = 2026
# Small enough to build in seconds, large enough that every municipality has figures.
DEMO_SCALE = float(os.environ.get("RBL_TEST_SCALE", "0.1"))


def pytest_setup_options() -> Options:
    """Chromium flags for this machine's closed network (platform.md)."""
    options = Options()
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"):
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session", autouse=True)
def pseudonym_key(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A throw-away pseudonym key for the whole test session, never the developer's own."""
    key_file = tmp_path_factory.mktemp("keys") / "pseudonym.key"
    os.environ["RBL_KEY_FILE"] = str(key_file)
    os.environ.pop("RBL_PSEUDONYM_KEY", None)
    return str(key_file)


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo source folder (generated once per session)."""
    from etl.demo import generate

    out = tmp_path_factory.mktemp("demo_sources")
    generate(out, seed=DEMO_SEED, scale=DEMO_SCALE)
    return out


@pytest.fixture(scope="session")
def demo_load(demo_sources: Path, tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str):
    """The demo folder loaded once into a warehouse: (warehouse_dir, LoadResult)."""
    from etl.load import run_load

    wh_dir = tmp_path_factory.mktemp("warehouse")
    result = run_load(demo_sources, wh_dir, report_path=wh_dir.parent / "demo_report.csv", quiet=True)
    assert result.published, result.message
    return wh_dir, result


@pytest.fixture(scope="session")
def demo_warehouse(demo_load) -> Path:
    """The published demo warehouse folder (read-only for tests: copy it before changing it)."""
    return demo_load[0]
