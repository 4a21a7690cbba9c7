"""Lean installs: each extra resolves to what it names, and the base install is the core.

The resolution is pip's own (``pip install --dry-run --report``, against PyPI, ignoring what
this environment has installed), so it checks the real pyproject metadata. A fresh venv with
the base install only (no extra) renders from the CLI and Python, and the Sphinx extension
and the MkDocs plugin say in one line which extra they need.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import _pip, _venv_with, clean_env, make_venv

# One xdist group: the wheel and the fresh venvs are session fixtures, built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("portable")]

FRAMEWORKS = {"torch", "tensorflow", "tensorflow-cpu", "keras", "jax", "jaxlib"}
DOC_TOOLS = {"sphinx", "docutils", "mkdocs", "pymdown-extensions", "mkdocstrings", "markdown"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def resolved(source: Path, extra: str) -> set[str]:
    """Distribution names pip would install for ``netviz[extra]`` into an empty env."""
    target = f"{source}[{extra}]" if extra else str(source)
    res = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--dry-run", "--quiet"),
            *("--ignore-installed", "--report", "-", target),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    if res.returncode != 0:
        pytest.skip(f"pip could not resolve (no PyPI access?): {res.stderr[-400:]}")
    report = json.loads(res.stdout)
    return {_name(item["metadata"]["name"]) for item in report["install"]}


@pytest.mark.parametrize(
    ("extra", "present", "absent"),
    [
        ("", {"netviz", "svgwrite", "cairosvg"}, FRAMEWORKS | DOC_TOOLS | {"networkx"}),
        ("sphinx", {"sphinx", "docutils"}, FRAMEWORKS | {"mkdocs", "pymdown-extensions"}),
        (
            "mkdocs",
            {"mkdocs", "pymdown-extensions", "mkdocstrings", "mkdocstrings-python", "griffe"},
            FRAMEWORKS | {"sphinx"},
        ),
        ("torch", {"torch"}, DOC_TOOLS | {"tensorflow", "tensorflow-cpu", "jax", "keras"}),
        ("jax", {"jax", "keras"}, DOC_TOOLS | {"torch", "tensorflow", "tensorflow-cpu"}),
        ("tensorflow", {"tensorflow", "keras"}, DOC_TOOLS | {"torch", "jax"}),
        ("pdf", {"cairosvg"}, FRAMEWORKS | DOC_TOOLS),
        ("onnx", {"onnx"}, FRAMEWORKS | DOC_TOOLS | {"onnxruntime", "onnxscript"}),
        ("hf", {"transformers", "torch"}, DOC_TOOLS | {"tensorflow", "tensorflow-cpu", "jax"}),
    ],
)
def test_each_extra_installs_only_what_it_names(
    extra: str, present: set[str], absent: set[str], netviz_source: Path
) -> None:
    names = resolved(netviz_source, extra)
    assert present <= names, f"[{extra}] misses {sorted(present - names)}"
    assert not names & absent, f"[{extra}] also pulls {sorted(names & absent)}"


def test_base_install_is_the_core(netviz_wheel: Path, tmp_path: Path) -> None:
    python = make_venv(tmp_path / "v")
    _pip(python, "install", "-q", str(netviz_wheel))
    graph = {
        "schema": 1,
        "name": "tiny",
        "nodes": [
            {"id": "x", "name": "x", "type": "InputLayer", "kind": "input", "output_shapes": [[3]]},
            {
                "id": "y",
                "name": "y",
                "type": "Dense",
                "input_shapes": [[3]],
                "output_shapes": [[2]],
            },
        ],
        "edges": [{"source": "x", "target": "y", "shape": [3]}],
        "inputs": ["x"],
        "outputs": ["y"],
    }
    (tmp_path / "g.json").write_text(json.dumps(graph))
    netviz = python.parent / "netviz"
    res = subprocess.run(
        [str(netviz), "render", "g.json", "-o", "g.svg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert 'class="nv-layer"' in (tmp_path / "g.svg").read_text()

    script = (
        "import sys, sphinx_netviz\n"
        "from sphinx_netviz.core import Graph, render\n"
        "d = render(Graph.from_json(open('g.json').read()))\n"
        "assert d.svg.startswith('<svg') and 'sphinx' not in sys.modules\n"
        "try:\n"
        "    sphinx_netviz.setup(None)\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    res = subprocess.run(
        [str(python), "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == (
        'netviz: the Sphinx extension needs Sphinx; install it with: pip install "netviz[sphinx]"'
    )

    # MkDocs alone (not the [mkdocs] extra): enabling the plugin names the extra, in one line.
    _pip(python, "install", "-q", "mkdocs")
    (tmp_path / "site" / "docs").mkdir(parents=True)
    (tmp_path / "site" / "docs" / "index.md").write_text("# Hi\n")
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - netviz\n")
    res = subprocess.run(
        [str(python), "-m", "mkdocs", "build"],
        cwd=tmp_path / "site",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )
    assert res.returncode != 0
    assert (
        "netviz: the MkDocs plugin needs pymdown-extensions; install it with: "
        'pip install "netviz[mkdocs]"'
    ) in res.stderr


ONNX_SCRIPT = """
import json, sys
from onnx import TensorProto, helper, save
nodes = [
    helper.make_node("Conv", ["x", "w"], ["c"], name="/conv/Conv", kernel_shape=[3, 3]),
    helper.make_node("Relu", ["c"], ["y"], name="/relu/Relu"),
]
graph = helper.make_graph(
    nodes, "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    initializer=[helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [0.0] * 108)],
)
save(helper.make_model(graph), "net.onnx")
from sphinx_netviz.core.extract.factory import extract_spec
from sphinx_netviz.core.ir.spec import parse_spec
from sphinx_netviz.core import render
svg = render(extract_spec(parse_spec("net.onnx"))).svg
heavy = ("torch", "tensorflow", "onnxruntime", "keras", "jax")
print(json.dumps({"loaded": [m for m in heavy if m in sys.modules], "svg": "nv-layer" in svg}))
"""


def test_onnx_extra_alone_draws_an_onnx_file(netviz_wheel: Path, tmp_path: Path) -> None:
    """``netviz[onnx]`` in a fresh venv (no torch, no TensorFlow): an ONNX file is read and
    drawn, in Python and from the CLI."""
    python = _venv_with("onnx", netviz_wheel, tmp_path / "v")
    res = subprocess.run(
        [str(python), "-c", ONNX_SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1]) == {"loaded": [], "svg": True}
    netviz = python.parent / "netviz"
    res = subprocess.run(
        [str(netviz), "render", "net.onnx", "-o", "net.svg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert 'data-type="Conv2D"' in (tmp_path / "net.svg").read_text()
