"""A user's first hour, scripted (issue 20's target): fresh venvs from the built wheel, a
PyTorch project with Sphinx (Furo) and a Keras project with MkDocs (Material), edits between
builds, then a snapshot-only build without the framework.

Each story:

1. a fresh venv: ``pip install "<wheel>[sphinx]" furo`` (or ``[mkdocs]`` and
   ``mkdocs-material``), then the framework. The framework is the one thing not installed
   from PyPI: its requirement closure is linked from the environment running the tests and
   named by a ``.pth`` line (:func:`~tests.portable.conftest.borrow_framework`), since
   downloading torch or TensorFlow per run would take gigabytes. Keras runs on JAX;
2. a cold build with warnings as errors, writing the snapshots;
3. an edit to a module no diagram uses (but the API reference documents): 0 extractions;
4. an edit to a module some diagrams use: exactly those are extracted again, the others
   come from the cache, and only their snapshots change;
5. the revert of that edit: 0 extractions (the cache kept the version of before), and the
   snapshots and SVGs are byte-identical to the cold build's;
6. the framework removed (the ``.pth`` line deleted, as ``pip uninstall`` would) and the
   project copied elsewhere, as a CI checkout: drawn from the committed snapshots only,
   warnings as errors, the same SVG.

Extractions are counted from the build's own log: the adapters log one line per model the
worker extracted (``sphinx-build -v``, ``mkdocs build -v``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import ROOT, add_framework, borrow_framework, clean_env, venv_with
from .test_anywhere import drawn as every_svg
from .test_anywhere import warnings_of

# One xdist group: the wheel is a session fixture, built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("portable")]

PROJECTS = ROOT / "tests" / "portable" / "projects"
_IGNORE = shutil.ignore_patterns("_build", "site", ".cache", "__pycache__")
_EXTRACTED = re.compile(r"extracted (\S+) in [0-9.]+ s")


def extracted(log: str) -> list[str]:
    """The specs a build's worker extracted, from its log (in order)."""
    return _EXTRACTED.findall(log)


def drawn(out: Path) -> dict[str, str]:
    """netviz's diagrams in a built site (the themes inline SVG icons of their own)."""
    return {k: svg for k, svg in every_svg(out).items() if "nv-layer" in svg}


def inline(found: dict[str, str]) -> dict[str, str]:
    """The diagrams drawn in pages (not the image files beside them)."""
    return {k: svg for k, svg in found.items() if "#" in k}


def snapshots(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.json"))}


def run(args: list[str], cwd: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    res = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=900, env=clean_env(**env)
    )
    return res, time.perf_counter() - started


def edit(path: Path, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in ``path``; returns the original text (for the revert)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


# -- PyTorch + Sphinx -----------------------------------------------------------------------------
def test_first_hour_with_pytorch_and_sphinx(netviz_wheel: Path, tmp_path: Path) -> None:
    python = venv_with((f"{netviz_wheel}[sphinx]", "furo"), tmp_path / "venv")
    add_framework(python, borrow_framework(("torch",), tmp_path / "framework"))
    project = tmp_path / "torchshop"
    shutil.copytree(PROJECTS / "torchshop", project, ignore=_IGNORE)
    docs, src = project / "docs", project / "src" / "torchshop"
    timings: dict[str, float] = {}

    def build(step: str) -> list[str]:
        args = [str(python), "-m", "sphinx", "-W", "--keep-going", "-v", "-b", "html"]
        res, timings[step] = run([*args, str(docs), str(docs / "_build" / "html")], project)
        assert res.returncode == 0, f"{step}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
        assert warnings_of(res.stderr) == [], res.stderr
        return extracted(res.stdout + res.stderr)

    # Three models: a directive (convnet), autodoc of a factory (mlp), a class (SmallCNN),
    # and convnet's autodoc entry, which shares its directive's graph.
    cold = build("cold")
    assert sorted(cold) == ["torchshop.cnn:SmallCNN", "torchshop.cnn:convnet", "torchshop.mlp:mlp"]
    html = docs / "_build" / "html"
    first, written = drawn(html), snapshots(docs / "netviz-snapshots")
    assert len([k for k in first if "#" in k]) == 4 and len(written) == 3

    # A module the API reference documents but no model uses: the page is re-read, and
    # every diagram on it comes from the cache.
    (src / "utils.py").write_text((src / "utils.py").read_text() + "\n# edited\n")
    assert build("unused edit") == []
    assert snapshots(docs / "netviz-snapshots") == written

    # The blocks of the CNNs (not of the MLP): exactly the two CNNs are extracted again.
    original = edit(src / "blocks.py", "self.act = nn.ReLU()", "self.act = nn.GELU()")
    assert sorted(build("used edit")) == ["torchshop.cnn:SmallCNN", "torchshop.cnn:convnet"]
    changed = snapshots(docs / "netviz-snapshots")
    assert sorted(n for n in changed if changed[n] != written[n]) == [
        n for n in sorted(written) if n.startswith("torchshop.cnn")
    ]
    assert drawn(html) != first

    # The revert: nothing extracted, everything as after the cold build (the pages, that is:
    # an incremental build leaves the edited model's image files beside the current ones).
    (src / "blocks.py").write_text(original)
    assert build("revert") == []
    assert snapshots(docs / "netviz-snapshots") == written
    assert inline(drawn(html)) == inline(first)

    # Read the Docs: no torch, another folder, the committed snapshots (autodoc mocks torch).
    add_framework(python, None)
    probe, _ = run([str(python), "-c", "import torch"], project)
    assert probe.returncode != 0
    checkout = tmp_path / "ci" / "torchshop"
    shutil.copytree(project, checkout, ignore=_IGNORE)
    args = [str(python), "-m", "sphinx", "-W", "--keep-going", "-v", "-b", "html"]
    out = checkout / "docs" / "_build" / "html"
    res, timings["snapshot-only"] = run([*args, str(checkout / "docs"), str(out)], checkout)
    assert res.returncode == 0, res.stderr[-3000:]
    assert warnings_of(res.stderr) == [] and extracted(res.stdout + res.stderr) == []
    assert drawn(out) == first
    print("first hour, PyTorch + Sphinx:", {k: round(v, 1) for k, v in timings.items()})


# -- Keras + MkDocs -------------------------------------------------------------------------------
def test_first_hour_with_keras_and_mkdocs(netviz_wheel: Path, tmp_path: Path) -> None:
    python = venv_with((f"{netviz_wheel}[mkdocs]", "mkdocs-material"), tmp_path / "venv")
    add_framework(python, borrow_framework(("keras", "jax"), tmp_path / "framework"))
    project = tmp_path / "kerashop"
    shutil.copytree(PROJECTS / "kerashop", project, ignore=_IGNORE)
    package = project / "kshop"
    env = {"KERAS_BACKEND": "jax", "NO_MKDOCS_2_WARNING": "1"}
    timings: dict[str, float] = {}

    def build(step: str, where: Path = project) -> list[str]:
        args = [str(python), "-m", "mkdocs", "build", "--strict", "-v", "-d", str(where / "site")]
        res, timings[step] = run(args, where, **env)
        assert res.returncode == 0, f"{step}:\n{res.stderr[-3000:]}"
        assert warnings_of(res.stderr) == [], res.stderr[-3000:]
        return extracted(res.stdout + res.stderr)

    # Two fences and the API page's autodoc diagram of cnn (the same graph as its fence).
    assert sorted(build("cold")) == ["kshop.conv:cnn", "kshop.dense:classifier"]
    first, written = drawn(project / "site"), snapshots(project / "netviz-snapshots")
    assert len([k for k in first if "#" in k]) == 3 and len(written) == 2

    # MkDocs renders every page on every build: the cache answers for all of them.
    (package / "utils.py").write_text((package / "utils.py").read_text() + "\n# edited\n")
    assert build("unused edit") == []
    assert snapshots(project / "netviz-snapshots") == written

    # The custom layer only the CNN draws: the CNN alone is extracted again.
    original = edit(package / "layers.py", "a learned scalar", "one learned scalar")
    assert build("used edit") == ["kshop.conv:cnn"]
    changed = snapshots(project / "netviz-snapshots")
    assert [n for n in sorted(changed) if changed[n] != written[n]] == [
        n for n in sorted(written) if n.startswith("kshop.conv")
    ]

    (package / "layers.py").write_text(original)
    assert build("revert") == []
    assert snapshots(project / "netviz-snapshots") == written
    assert drawn(project / "site") == first

    # Without Keras, elsewhere: mkdocstrings reads the source, the diagrams come from the
    # snapshots.
    add_framework(python, None)
    probe, _ = run([str(python), "-c", "import keras"], project)
    assert probe.returncode != 0
    checkout = tmp_path / "ci" / "kerashop"
    shutil.copytree(project, checkout, ignore=_IGNORE)
    assert build("snapshot-only", checkout) == []
    assert drawn(checkout / "site") == first
    print("first hour, Keras + MkDocs:", {k: round(v, 1) for k, v in timings.items()})
