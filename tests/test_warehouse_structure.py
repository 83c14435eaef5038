"""The warehouse's shape (issue #8): it imports only configuration and itself, never inside a function, and
every KPI declares its event sources and exactly the shared SQL fragments its SQL uses."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from warehouse.kpi_engine import Custom, Part, check_fragments
from warehouse.kpis import KPIS
from warehouse.registry import EVENT_SOURCES, Registry

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ("warehouse", "config")  # the layers at or below the warehouse (presentation is not needed)
PROJECT = ("access", "app", "config", "etl", "pages", "presentation", "reports", "warehouse")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, imported inside a function) for every project import in a file."""
    tree = ast.parse(path.read_text())
    local: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            local |= {id(n) for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        found += [(n, id(node) in local) for n in names if n.split(".")[0] in PROJECT]
    return found


def test_the_warehouse_imports_only_itself_and_configuration_and_never_in_a_function() -> None:
    wrong = [(str(p.relative_to(ROOT)), m, inside) for p in sorted((ROOT / "warehouse").rglob("*.py"))
             for m, inside in _imports(p) if inside or m.split(".")[0] not in ALLOWED]
    assert wrong == []


def test_every_kpi_declares_its_event_sources() -> None:
    assert all(k.event_sources is not None and set(k.event_sources) <= set(EVENT_SOURCES) for k in KPIS.values())
    assert KPIS["relatief_verzuim_per_1000"].event_sources == ("verzuimmeldingen",)
    assert KPIS["fte"].event_sources == ()  # staff is a snapshot source
    with pytest.raises(ValueError, match="event_sources"):
        Registry().add(dataclasses.replace(KPIS["fte"], event_sources=None))
    with pytest.raises(ValueError, match="bevolking is not an event source"):
        Registry().add(dataclasses.replace(KPIS["fte"], event_sources=("bevolking",)))


def test_a_kpi_declares_exactly_the_fragments_its_sql_uses() -> None:
    kpi = KPIS["luxe_verzuim"]
    assert kpi.fragments == ("reports_in_y",)
    with pytest.raises(ValueError, match="uses the fragments"):
        check_fragments(dataclasses.replace(kpi, fragments=()))
    with pytest.raises(ValueError, match="uses the fragments"):  # declared but not used
        check_fragments(dataclasses.replace(kpi, fragments=("reports_in_y", "closed_in_y")))
    # a CTE the engine adds (pop_leerplicht) is only there when declared
    custom = dataclasses.replace(kpi, compute=(Custom("SELECT * FROM pop_leerplicht"),), fragments=())
    with pytest.raises(ValueError, match="pop_leerplicht"):
        check_fragments(custom)
    with pytest.raises(ValueError, match="unknown SQL fragment"):
        check_fragments(dataclasses.replace(kpi, compute=(Part("SELECT 1 $no_such_fragment"),),
                                            fragments=("no_such_fragment",)))
