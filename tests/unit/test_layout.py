"""The house: every module imports, no import cycles, and rooms import only the rooms below them.

The graph is read from each module's source (top-level and function-level imports alike), so a
lazy import inside a handler counts as much as one at the top.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from functools import cache

import pytest

TOPS = ("workflows", "cli", "web", "models", "notifications", "config")

FOUNDATION = {"models", "notifications", "config"}
CORE = {"intake", "parsing", "registry", "records", "rules"}
USE_CASES = {"plans", "followup", "delivery"}
RUNNERS_AND_BELOW = {"runners"} | USE_CASES | CORE | FOUNDATION

# Which rooms each room may import (its own modules always). A room is a top-level package, or
# a package of workflows/ named without its ``workflows.`` (plain words, so that no old module
# name is spelt here for rewrite_imports.py to catch).
MAY_IMPORT: dict[str, set[str]] = {
    "cli": {"web"} | RUNNERS_AND_BELOW,
    "web": RUNNERS_AND_BELOW,
    "runners": USE_CASES | CORE | FOUNDATION,
    "plans": {"followup", "delivery"} | CORE | FOUNDATION,
    "followup": {"delivery"} | CORE | FOUNDATION,
    "delivery": CORE | FOUNDATION,
    "registry": {"parsing"} | FOUNDATION,
    "rules": {"parsing"} | FOUNDATION,
    "records": FOUNDATION,
    "intake": {"parsing"} | FOUNDATION,  # table column roles, to keep a cell's bodies apart
    "parsing": set(),
    "workflows": set(),
    "notifications": {"models", "config"},
    "models": {"config"},
    "config": set(),
}


@cache
def modules() -> tuple[str, ...]:
    found: list[str] = []
    for top in TOPS:
        package = importlib.import_module(top)
        found.append(top)
        found += [m.name for m in pkgutil.walk_packages(package.__path__, f"{top}.")]
    return tuple(sorted(found))


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "workflows" and len(parts) > 1 else parts[0]


def source_tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as file:
        return ast.parse(file.read())


def imported_names(module: str) -> set[str]:
    """Every absolute import in the module's source, as written (``from a.b import c`` gives
    ``a.b.c`` when that is a module, else ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(source_tree(module)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in modules() else node.module)
    return names


@cache
def graph() -> dict[str, frozenset[str]]:
    """Each project module → the project modules it imports."""
    known = set(modules())
    return {m: frozenset(n for n in imported_names(m) if n in known) for m in modules()}


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself
    (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize("module", modules())
def test_every_module_imports(module):
    importlib.import_module(module)


def test_no_module_imports_itself_back_through_others():
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_a_circle_of_three():
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert cycles(edges) == [["a", "b", "c"]]


def test_every_module_lives_in_a_room_of_the_table():
    assert sorted({room(m) for m in modules()} - set(MAY_IMPORT)) == []


def test_each_room_imports_only_the_rooms_it_may():
    wrong = sorted(
        f"{m} → {target}"
        for m, targets in graph().items()
        for target in targets
        if room(target) != room(m) and room(target) not in MAY_IMPORT.get(room(m), set())
    )
    assert wrong == []


def test_every_package_says_what_it_is_for_and_what_it_may_import():
    silent = [
        m
        for m in modules()
        if importlib.util.find_spec(m).submodule_search_locations is not None
        and "may import" not in (ast.get_docstring(source_tree(m)) or "").lower()
    ]
    assert silent == []


def importers_of(library: str) -> list[str]:
    return sorted(
        m for m in modules() if any(n.split(".")[0] == library for n in imported_names(m))
    )


def test_prefect_is_imported_by_the_flows_module_alone():
    assert importers_of("prefect") == ["workflows.runners.flows"]


def test_apscheduler_is_imported_by_the_scheduler_module_alone():
    assert importers_of("apscheduler") == ["workflows.runners.scheduler"]
