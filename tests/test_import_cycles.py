"""No import circles among the engine's modules.

An import circle is a file holding two ideas (docs STYLE.md): it shows up as a function
that imports inside its body to dodge the circle, or as a module that works only when
something else happened to be imported first. The graph is read from the source with
``ast`` (nothing is imported): every ``import`` and ``from … import`` of the project's
packages, those inside functions included (a deferred import is still a dependency),
those under ``if TYPE_CHECKING:`` excluded (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("activities", "api", "domain", "models", "thidua", "workflows")


def _modules() -> dict[str, Path]:
    """Dotted name → file, for every module of the project's packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _import_nodes_of(other)
            continue
        yield from _import_nodes_of(child)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _import_nodes(node)


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that importing ``name`` runs (directly)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in modules else base)
    # Importing a.b.c runs a/__init__ and a/b/__init__ too (but not the importer's own
    # packages: they are running already).
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    edges: set[str] = set()
    for target in targets:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            ancestor = ".".join(parts[:i])
            if ancestor in modules and ancestor not in own and ancestor != name:
                edges.add(ancestor)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _a_circle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One shortest circle through the component's first module, for the message."""
    start = component[0]
    members = set(component)
    paths = [[start]]
    seen = {start}
    while paths:
        next_paths = []
        for path in paths:
            for target in sorted(graph[path[-1]] & members):
                if target == start:
                    return [*path, start]
                if target not in seen:
                    seen.add(target)
                    next_paths.append([*path, target])
        paths = next_paths
    return component


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_the_engine_has_no_import_circles():
    graph = import_graph()
    circles = [" → ".join(_a_circle(c, graph)) for c in _cycles(graph)]
    assert not circles, "import circles (split the file that holds two ideas):\n" + "\n".join(
        circles
    )


def test_the_check_sees_a_circle_and_a_deferred_import():
    """Negative control: the graph and the search do find what they are meant to."""
    graph = {
        "api.deps": {"api.errors"},
        "api.errors": {"api.pages.common"},  # imported inside a function
        "api.pages.common": {"api.deps"},
        "domain.text": set(),
    }
    assert _cycles(graph) == [["api.deps", "api.errors", "api.pages.common"]]
    source = "def handler():\n    from .pages.common import error_page\n"
    tree = ast.parse(source)
    assert [n.module for n in _import_nodes(tree) if isinstance(n, ast.ImportFrom)] == [
        "pages.common"
    ]


def test_the_workflows_import_the_document_types_without_the_orm():
    """The sandbox note (TEMPORAL-NOTES): what a workflow imports for its activities'
    inputs is light. The documents' types module reaches no table, engine or renderer."""
    graph = import_graph()
    reached: set[str] = set()
    todo = ["activities.documents.types"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(graph[name])
    assert not {m for m in reached if m.startswith(("models", "thidua", "api"))}, reached
