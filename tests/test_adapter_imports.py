"""The adapters reach the core only through ``sphinx_netviz.core`` (DESIGN.md section 1).

Parses every module of both adapters (ast, so nothing is imported) and fails on any import
of a core submodule, relative (``from .core.svg import``) or absolute.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADAPTERS = sorted([*(ROOT / "sphinx_netviz").glob("*.py"), *(ROOT / "mkdocs_netviz").glob("*.py")])


def _core_submodule_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.parent.name
    bad: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # resolve "from .core.x" / "from ..core" against the package
                base = f"{package}.{base}" if base else package
            names.append(base)
            # "from sphinx_netviz import core" is fine; "from sphinx_netviz.core import svg"
            # would hand out a submodule object: only exported names may be imported
            if base == "sphinx_netviz.core":
                names.extend(
                    f"{base}.{a.name}"
                    for a in node.names
                    if a.name.islower() and a.name in _submodules()
                )
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        bad.extend(
            f"{path.relative_to(ROOT)}:{node.lineno}: {n}"
            for n in names
            if n.startswith("sphinx_netviz.core.")
        )
    return bad


def _submodules() -> set[str]:
    core = ROOT / "sphinx_netviz" / "core"
    return {p.stem for p in core.glob("*.py")} | {p.name for p in core.iterdir() if p.is_dir()}


def test_adapters_import_only_the_core_package() -> None:
    assert len(ADAPTERS) >= 10, ADAPTERS
    bad = [line for path in ADAPTERS for line in _core_submodule_imports(path)]
    assert bad == []


def test_the_check_catches_a_submodule_import(tmp_path: Path) -> None:
    pkg = tmp_path / "sphinx_netviz"
    pkg.mkdir()
    sample = pkg / "x.py"
    sample.write_text(
        "from .core.svg import placeholder_svg\nimport sphinx_netviz.core.store.cache\n"
        "from .core import Embed\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _core_submodule_imports(sample)
    finally:
        ROOT = saved
    assert len(found) == 2 and "core.svg" in found[0] and "core.cache" in found[1]


def test_every_name_the_adapters_import_is_exported() -> None:
    import sphinx_netviz.core as core

    for path in ADAPTERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                node.module == "sphinx_netviz.core" or (node.level == 1 and node.module == "core")
            ):
                for alias in node.names:
                    assert alias.name in core.__all__, f"{path.name}: {alias.name}"
                    assert getattr(core, alias.name) is not None
