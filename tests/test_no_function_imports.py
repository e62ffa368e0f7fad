"""No imports inside functions (ADR 0002: a cycle is a design error, fix the direction).

The walk reads the source (AST). Allowed: ``if TYPE_CHECKING:`` blocks (annotations only),
an ``AppConfig.ready()`` in ``apps.py`` (Django's documented place for start-up imports) and
migrations (generated code).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import onex

SRC = Path(onex.__file__).resolve().parent


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _function_imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    in_apps = path.name == "apps.py"

    def walk(node: ast.AST, function: str | None) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                yield from (x for orelse in child.orelse for x in walk(orelse, function))
                continue
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if in_apps and child.name == "ready":
                    continue
                inner = child.name
            if isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                where = path.relative_to(SRC.parent) if path.is_relative_to(SRC) else path.name
                yield f"{where}:{child.lineno} in {function}(): {ast.unparse(child)}"
            yield from walk(child, inner)

    yield from walk(tree, None)


def function_imports(root: Path) -> list[str]:
    return [
        found
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.relative_to(SRC).parts
        for found in _function_imports(path)
    ]


@pytest.mark.parametrize("package", ["core", "geo"])
def test_kernel_and_geo_import_nothing_inside_functions(package: str) -> None:
    found = function_imports(SRC / package)
    assert not found, "move these imports to module level:\n" + "\n".join(found)


def test_settings_urls_and_api_import_nothing_inside_functions() -> None:
    found = [
        x for name in ("settings.py", "urls.py", "api.py") for x in _function_imports(SRC / name)
    ]
    assert not found, "move these imports to module level:\n" + "\n".join(found)


def test_no_module_of_onex_imports_inside_functions() -> None:
    found = function_imports(SRC)
    assert not found, f"{len(found)} imports inside functions:\n" + "\n".join(found)


def test_the_walk_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import os\n"
        "def f():\n    if TYPE_CHECKING:\n        import sys\n    import json\n"
    )
    module.write_text(source, encoding="utf-8")
    assert list(_function_imports(module)) == ["probe.py:7 in f(): import json"]
