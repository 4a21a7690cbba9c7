"""A spec's sources read from code (worker/imports.py): no worker, nothing imported."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from sphinx_netviz.core.worker.imports import ModuleFinder, imports_of, project_file, spec_sources


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


PROJECT = {
    # A package that re-exports everything: its own imports must not leak into every spec.
    "shop/__init__.py": "from . import layers, models, hf, unused\nfrom .blocks import Block\n",
    "shop/layers.py": "WIDTH = 8\n",
    "shop/blocks.py": "from shop.layers import WIDTH\nclass Block: ...\n",
    "shop/models.py": """
        import importlib

        def mlp():
            from shop import layers  # lazy, inside the factory: still a source
            helpers = importlib.import_module("shop.helpers")
            return helpers, layers
        """,
    "shop/helpers.py": "from .sub.deep import VALUE\n",
    "shop/sub/__init__.py": "",
    "shop/sub/deep.py": "from ..layers import WIDTH as VALUE\nimport json\n",
    "shop/hf.py": "import json\n\ndef tiny():\n    return json\n",
    "shop/unused.py": "X = 1\n",
    "shop/named.py": "from shop import Block\n",
}


def names(root: Path, files: set[str]) -> list[str]:
    return sorted(Path(f).relative_to(root.resolve()).as_posix() for f in files)


def test_imports_of_reads_every_form(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    assert imports_of(root / "shop" / "models.py", "shop.models") == (
        ("importlib",),
        ("shop.layers", "shop"),
        ("shop.helpers",),
    )
    assert imports_of(root / "shop" / "sub" / "deep.py", "shop.sub.deep") == (
        ("shop.layers.WIDTH", "shop.layers"),
        ("json",),
    )
    assert imports_of(root / "shop" / "__init__.py", "shop", is_package=True)[:2] == (
        ("shop.layers", "shop"),
        ("shop.models", "shop"),
    )
    (root / "broken.py").write_text("def (:\n")
    assert imports_of(root / "broken.py", "broken") == ()


def test_sources_follow_imports_but_not_parent_packages(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    finder = ModuleFinder([str(root)])
    assert names(root, spec_sources(["shop.hf"], finder)) == ["shop/__init__.py", "shop/hf.py"]
    assert names(root, spec_sources(["shop.models"], finder)) == [
        "shop/__init__.py",
        "shop/helpers.py",
        "shop/layers.py",
        "shop/models.py",
        "shop/sub/__init__.py",
        "shop/sub/deep.py",
    ]
    # A drawn class's module is a root of its own (reached through the graph, not imports).
    with_block = spec_sources(["shop.hf", "shop.blocks", "json", "torch.nn"], finder)
    assert names(root, with_block) == [
        "shop/__init__.py",
        "shop/blocks.py",
        "shop/hf.py",
        "shop/layers.py",
    ]
    # Importing *from* the package itself follows it: the name may come from anywhere in it.
    assert "shop/unused.py" in names(root, spec_sources(["shop.named"], finder))


def test_finder_never_imports(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    finder = ModuleFinder([str(root)])
    assert finder.file("shop.sub.deep") == str((root / "shop" / "sub" / "deep.py").resolve())
    assert finder.file("shop.missing") is None and finder.file("not a name") is None
    assert finder.file("json") is not None and not project_file(str(finder.file("json")))
    assert "shop" not in sys.modules
    # Not a project file: the standard library, an installed package, netviz itself.
    assert project_file(root / "shop" / "hf.py")
    assert not project_file(finder.file("json") or "")
    assert not project_file(Path(__file__).parents[2] / "sphinx_netviz" / "core" / "ir" / "spec.py")
