"""The adapters reach the core only through its two APIs (DESIGN.md section 1).

``sphinx_netviz.core`` is the user API (what a notebook calls); ``sphinx_netviz.core.adapter``
is the adapter API (page HTML, placeholders, links, the build pipeline, snapshots). Both export
lists are pinned here, and every module of both adapters is parsed (ast, nothing imported): an
import of any other core module, relative or absolute, fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sphinx_netviz.core as core
import sphinx_netviz.core.adapter as adapter

ROOT = Path(__file__).resolve().parents[1]
ADAPTERS = sorted([*(ROOT / "sphinx_netviz").glob("*.py"), *(ROOT / "mkdocs_netviz").glob("*.py")])
APIS = {"sphinx_netviz.core", "sphinx_netviz.core.adapter"}

USER_API = [
    "OPTIONS",
    "SCHEMA_VERSION",
    "Diagram",
    "Edge",
    "ExtractionError",
    "Graph",
    "NetvizError",
    "Node",
    "Option",
    "OptionError",
    "Options",
    "RenderError",
    "SpecError",
    "__version__",
    "diff",
    "load_graph",
    "option",
    "render",
    "resolve_options",
]

ADAPTER_API = [
    "ARGUMENTS",
    "FULL_SIZE_TEXT",
    "OPTIONS",
    "STATIC_DIR",
    "STATIC_FILES",
    "AutodocEntry",
    "BuiltDiagram",
    "DiagramBuilder",
    "Embed",
    "ExtractionError",
    "LoadedModel",
    "ModelLoader",
    "ModelSpec",
    "NetvizError",
    "Option",
    "OptionError",
    "Options",
    "OverrideProblem",
    "RenderError",
    "Snapshot",
    "SpecError",
    "Stamps",
    "__version__",
    "absolute_links",
    "annotation_names",
    "class_candidates",
    "collector_parser",
    "default_cache_dir",
    "deferred_links",
    "draws_class",
    "entry_spec",
    "expected_snapshot",
    "figure_html",
    "file_stamps",
    "for_front_end",
    "inline_svg",
    "is_model_annotation",
    "is_model_class",
    "link_table",
    "option",
    "parse_overrides",
    "parse_spec",
    "placeholder_html",
    "placeholder_svg",
    "read_snapshot",
    "resolve_deferred",
    "resolve_options",
    "snapshot_filename",
    "svg_to_pdf",
    "unique_ids",
    "unknown_objects",
    "write_snapshot",
]


def _core_imports(path: Path, root: Path) -> list[str]:
    """Imports of the core in one adapter module that are not one of its two APIs."""
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
            # "from sphinx_netviz.core import svg" hands out a submodule: only the adapter
            # API may be imported as a module
            if base == "sphinx_netviz.core":
                names.extend(f"{base}.{a.name}" for a in node.names if a.name != "adapter")
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        bad.extend(
            f"{path.relative_to(root)}:{node.lineno}: {n}"
            for n in names
            if n.startswith("sphinx_netviz.core") and n not in APIS and not _exported(n)
        )
    return bad


def _exported(dotted: str) -> bool:
    """``sphinx_netviz.core.render`` is a name of the user API, not a submodule."""
    parent, _, name = dotted.rpartition(".")
    return parent == "sphinx_netviz.core" and name in USER_API


def test_the_user_api_is_pinned() -> None:
    assert sorted(core.__all__) == sorted(USER_API)
    for name in USER_API:
        assert getattr(core, name) is not None, name


def test_the_adapter_api_is_pinned() -> None:
    assert sorted(adapter.__all__) == sorted(ADAPTER_API)
    for name in ADAPTER_API:
        assert getattr(adapter, name) is not None, name


def test_the_user_api_holds_no_plumbing() -> None:
    plumbing = {"figure_html", "deferred_links", "placeholder_html", "DiagramBuilder", "Embed"}
    assert not plumbing & set(dir(core))


def test_adapters_import_only_the_two_apis() -> None:
    assert len(ADAPTERS) >= 10, ADAPTERS
    bad = [line for path in ADAPTERS for line in _core_imports(path, ROOT)]
    assert bad == []


def test_every_name_the_adapters_import_is_exported() -> None:
    for path in ADAPTERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in APIS:
                api = core if node.module == "sphinx_netviz.core" else adapter
                for alias in node.names:
                    assert alias.name in api.__all__, f"{path.name}: {alias.name}"


def test_the_check_catches_a_submodule_import(tmp_path: Path) -> None:
    pkg = tmp_path / "sphinx_netviz"
    pkg.mkdir()
    sample = pkg / "x.py"
    sample.write_text(
        "from .core.draw.svg import placeholder_svg\nimport sphinx_netviz.core.store.cache\n"
        "from .core.adapter import Embed\nfrom sphinx_netviz.core import render\n",
        encoding="utf-8",
    )
    found = _core_imports(sample, tmp_path)
    assert len(found) == 2, found
    assert "core.draw.svg" in found[0] and "core.store.cache" in found[1]
