"""Every registered source is documented in docs/sources.md and has a test that reads it
(docs/adding_a_source.md)."""

from __future__ import annotations

import ast
import re

import pytest

from etl.sources import LOADER_MODULES, sources
from tests.conftest import PROJECT_ROOT


def modules_imported_by_tests() -> set[str]:
    """Modules of etl.sources that some tests/test_*.py imports (import or from-import)."""
    found: set[str] = set()
    for path in (PROJECT_ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = getattr(node, "module", None) or ""
            if isinstance(node, ast.ImportFrom) and module == "etl.sources":
                found |= {f"etl.sources.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and module.startswith("etl.sources."):
                found.add(module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("module", LOADER_MODULES)
def test_every_source_module_has_a_test_that_imports_it(module):
    assert module in modules_imported_by_tests()


@pytest.mark.parametrize("name", sorted(sources()))
def test_every_registered_source_is_documented(name):
    headings = re.findall(r"^## .*$", (PROJECT_ROOT / "docs" / "sources.md").read_text(
        encoding="utf-8"), re.MULTILINE)
    assert any(f"(`{name}`" in heading for heading in headings), name


def test_the_guide_is_linked_from_the_sources_doc_or_readme():
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8") + \
        (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert "docs/adding_a_source.md" in text
