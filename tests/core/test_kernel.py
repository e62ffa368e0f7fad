"""core is the kernel: it imports no onex app but geo, and apps never import in a circle.

ADR 0002 §1. The walk reads the source (AST), so it also sees imports inside functions, which
an import-time check would miss.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import onex

SRC = Path(onex.__file__).resolve().parent
# Upstream first: an app may import only apps before it in this order.
ORDER = (
    "geo",
    "core",
    "catalog",
    "pilots",
    "assessment",
    "certificates",
    "accounts",
    "creditbank",
    "training",
    "funding",
    "reporting",
    "feedback",
    "supervision",
)
KERNEL_MAY_IMPORT = {"core", "geo"}


def _apps() -> set[str]:
    return {path.parent.name for path in SRC.glob("*/apps.py")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The absolute names an import statement (or ``import_module("…")`` call) brings in."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            package = module.split(".")
            if not is_package:
                package.pop()
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, node.module] if node.module else package)
        else:
            base = node.module or ""
        yield base
        yield from (f"{base}.{alias.name}" for alias in node.names)
    elif (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        yield node.args[0].value


def _app_of(name: str, apps: set[str]) -> str | None:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "onex" and parts[1] in apps:
        return parts[1]
    return None


def imports_anywhere(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every name imported by ``source``, at module level or inside functions and classes."""
    tree = ast.parse(source)
    return {name for node in ast.walk(tree) for name in _imported(node, module, is_package)}


def _module_level_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    # What runs when the module is imported: top-level statements and the bodies of classes,
    # ifs and trys, but not function bodies; `if TYPE_CHECKING:` blocks never run.
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            yield from _module_level_nodes(statement.orelse)
            continue
        yield statement
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                yield from _module_level_nodes(inner)


def imports_at_module_level(source: str, module: str, is_package: bool = False) -> set[str]:
    tree = ast.parse(source)
    names: set[str] = set()
    for statement in _module_level_nodes(tree.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            names |= set(_imported(statement, module, is_package))
    return names


def _sources(app: str) -> Iterator[tuple[Path, str, bool]]:
    for path in sorted((SRC / app).rglob("*.py")):
        yield path, _module_name(path), path.name == "__init__.py"


def test_core_imports_no_app_but_geo() -> None:
    apps = _apps()
    offending: list[str] = []
    for path, module, is_package in _sources("core"):
        for name in imports_anywhere(path.read_text(encoding="utf-8"), module, is_package):
            app = _app_of(name, apps)
            if app is not None and app not in KERNEL_MAY_IMPORT:
                offending.append(f"{path.relative_to(SRC)} imports {name}")
    assert offending == []


def test_the_walk_sees_imports_inside_functions_relative_and_dynamic_ones() -> None:
    source = (
        "import importlib\n"
        "def f():\n"
        "    from onex.catalog.models import Batch\n"
        "class C:\n"
        "    def g(self):\n"
        "        from ..pilots import selectors\n"
        "importlib.import_module('onex.assessment.exams')\n"
    )
    found = imports_anywhere(source, "onex.core.dashboard")
    apps = {_app_of(name, _apps()) for name in found}
    assert {"catalog", "pilots", "assessment"} <= apps
    assert imports_at_module_level(source, "onex.core.dashboard") == {"importlib"}


def _app_graph() -> dict[str, set[str]]:
    apps = _apps()
    graph: dict[str, set[str]] = {app: set() for app in apps}
    for app in apps:
        for path, module, is_package in _sources(app):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            for name in imports_at_module_level(source, module, is_package):
                other = _app_of(name, apps)
                if other is not None and other != app:
                    graph[app].add(other)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycle_between_apps() -> None:
    assert find_cycle(_app_graph()) is None


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"core": {"catalog"}, "catalog": {"pilots"}, "pilots": {"core"}}) == [
        "catalog",
        "pilots",
        "core",
        "catalog",
    ]
    assert find_cycle({"pilots": {"core", "catalog"}, "catalog": {"core"}, "core": set()}) is None


def test_apps_import_only_upstream_apps() -> None:
    graph = _app_graph()
    downstream = sorted(
        f"{app} imports {other}"
        for app, others in graph.items()
        for other in others
        if app in ORDER and other in ORDER and ORDER.index(other) > ORDER.index(app)
    )
    assert downstream == []
