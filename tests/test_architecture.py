"""The house itself: imports run one way between the core's stage packages, with no circle.

Every ``import`` statement of ``sphinx_netviz/`` and ``mkdocs_netviz/`` counts, wherever it
stands: at module level, inside a function, or under ``TYPE_CHECKING`` (an import moved into a
function to dodge a circle is still a circle). The stage order is shared/DESIGN.md's:

    ir <- options;  ir <- compare;  ir <- extract <- worker <- store
    ir <- view <- group <- layout <- draw <- diagram <- embed <- pipeline <- adapters

(``compare``, the matching of two IRs, sits beside ``options``: every drawing stage may read it.)

The adapters (the Sphinx extension and the MkDocs plugin) import only the user API
(``sphinx_netviz.core``) and the adapter API (``sphinx_netviz.core.adapter``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sphinx_netviz", "mkdocs_netviz")
CORE = "sphinx_netviz.core"

_BELOW_VIEW = {"ir", "options", "compare"}
_EXTRACTION = {"ir", "options", "extract", "worker", "store"}
_DRAWING = ("view", "group", "layout", "draw")

#: What each stage may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "ir": set(),
    "options": {"ir"},
    "compare": {"ir"},
    "extract": {"ir", "options"},
    "worker": {"ir", "options", "extract"},
    "store": {"ir", "options", "extract", "worker"},
    "view": set(_BELOW_VIEW),
    "group": _BELOW_VIEW | {"view"},
    "layout": _BELOW_VIEW | {"view", "group"},
    "draw": _BELOW_VIEW | {"view", "group", "layout"},
    "diagram": _EXTRACTION | _BELOW_VIEW | set(_DRAWING),
    "embed": _EXTRACTION | _BELOW_VIEW | set(_DRAWING) | {"diagram"},
    "pipeline": _EXTRACTION | _BELOW_VIEW | set(_DRAWING) | {"diagram", "embed"},
    "adapter": _EXTRACTION | _BELOW_VIEW | set(_DRAWING) | {"diagram", "embed", "pipeline", "api"},
    "cli": _EXTRACTION | _BELOW_VIEW | set(_DRAWING) | {"diagram", "embed", "pipeline", "api"},
    "api": _EXTRACTION | _BELOW_VIEW | set(_DRAWING) | {"diagram", "embed", "pipeline"},
    "sphinx": {"api", "adapter"},
    "mkdocs": {"api", "adapter"},
}
STAGE_PACKAGES = ("ir", "options", "extract", "worker", "store", "view", "group", "layout")
STAGE_PACKAGES += ("draw", "embed", "compare")
TOP_MODULES = {
    "diagram": "diagram",
    "pipeline": "pipeline",
    "cli": "cli",
    "cli_checks": "cli",
    "cli_project": "cli",
    "adapter": "adapter",
}
TOP_MODULES["cli_diff"] = "cli"


def _modules() -> dict[str, tuple[Path, bool]]:
    found: dict[str, tuple[Path, bool]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The project modules one import statement loads (``from pkg import mod`` loads
    ``pkg.mod``; ``from pkg import name`` loads ``pkg``'s ``__init__``)."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join([*base, *([node.module] if node.module else [])])
        else:
            prefix = node.module or ""
        targets = [
            f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix
            for alias in node.names
        ]
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != module:
            yield target


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, from every import statement."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, (path, is_package) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[module].update(_imported(module, is_package, node))
    return graph


def stage_of(module: str) -> str | None:
    """The stage a module belongs to (None for the two distributions' ``__init__``)."""
    if module.startswith("mkdocs_netviz"):
        return "mkdocs"
    if module == CORE:
        return "api"
    if module.startswith(CORE + "."):
        first = module[len(CORE) + 1 :].split(".")[0]
        if first in STAGE_PACKAGES:
            return first
        return TOP_MODULES.get(first)
    if module == "sphinx_netviz":
        return None
    return "sphinx"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(MODULES):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_has_a_stage() -> None:
    unplaced = [m for m in MODULES if m != "sphinx_netviz" and stage_of(m) is None]
    assert unplaced == [], f"modules outside every stage: {unplaced}"


def test_no_import_circles() -> None:
    found = cycles(import_graph())
    assert found == [], "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_imports_follow_the_stage_order() -> None:
    wrong: list[str] = []
    for module, targets in sorted(import_graph().items()):
        stage = stage_of(module)
        if stage is None:
            continue
        for target in sorted(targets):
            other = stage_of(target)
            if other is None or other == stage:
                continue
            if other not in ALLOWED[stage]:
                wrong.append(f"{module} ({stage}) imports {target} ({other})")
    assert wrong == [], "imports against the stage order:\n" + "\n".join(wrong)


def test_the_core_imports_no_docs_tool() -> None:
    tools = ("sphinx", "docutils", "mkdocs", "markdown", "pymdownx", "griffe", "mkdocstrings")
    wrong = []
    for module, (path, _) in MODULES.items():
        if not module.startswith(CORE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            wrong += [f"{module}: {n}" for n in names if n.split(".")[0] in tools]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    path, _ = MODULES[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 400, f"{path.relative_to(ROOT)} has {lines} lines"


def test_the_checker_sees_circles_and_wrong_turns() -> None:
    """The rules above can fail: a made-up graph with a circle and a backwards import."""
    made_up = {"a": {"b"}, "b": {"a"}}
    assert stage_of(f"{CORE}.ir.graph") == "ir"
    assert "view" not in ALLOWED["ir"]
    saved = dict(MODULES)
    try:
        MODULES.clear()
        MODULES.update({"a": (Path("a.py"), False), "b": (Path("b.py"), False)})
        assert cycles(made_up) == [["a", "b"]]
    finally:
        MODULES.clear()
        MODULES.update(saved)


def test_every_stage_has_a_docstring_and_a_readme_line() -> None:
    """Readable at the door: each package says its job, and the README's map lists it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in STAGE_PACKAGES:
        init = ROOT / "sphinx_netviz" / "core" / package / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), package
        assert f"`core/{package}/`" in readme, f"README's module map lacks core/{package}/"
