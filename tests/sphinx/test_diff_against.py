"""``:diff-against:`` in a real Sphinx build (issue 21): a page drawn against its own snapshot
at a git revision, against a model of another framework, and bad references as located
warnings with a placeholder (never a traceback; the rest of the page still builds).

The project lives in a temporary git repository with two committed snapshot versions of its
model; the build is offline (drawn from the snapshots, no worker, no framework import).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.core.test_diff_cli import SPEC, git, mlp, snapshot

pytest.importorskip("keras")
pytest.importorskip("torch")

CONF = """
extensions = ["sphinx_netviz"]
project = "diff-against"
exclude_patterns = ["_build", "snaps"]
netviz_snapshot_dir = "snaps"
netviz_offline = True
"""

INDEX = f"""
Changes
=======

.. netviz:: {SPEC}
   :diff-against: git:HEAD~1

.. netviz:: cnn_keras.json
   :diff-against: cnn_torch.json

.. netviz:: {SPEC}
   :diff-against: git:nope

.. netviz:: {SPEC}
   :diff-against: notes.txt

.. netviz:: {SPEC}
   :diff-against: notes.json
"""


def test_diff_against_in_a_sphinx_page(tmp_path: Path) -> None:
    from sphinx_netviz.core.extract.live import extract_live
    from sphinx_netviz.core.options import resolve_options
    from tests.zoo import diff_models

    docs = tmp_path / "docs"
    (docs / "snaps").mkdir(parents=True)
    (docs / "conf.py").write_text(CONF)
    (docs / "index.rst").write_text(textwrap.dedent(INDEX))
    (docs / "notes.json").write_text('{"not": "a model"}')
    options = resolve_options({})
    (docs / "cnn_keras.json").write_text(extract_live(diff_models.keras_cnn(), options).to_json())
    (docs / "cnn_torch.json").write_text(extract_live(diff_models.torch_cnn(), options).to_json())
    git(docs, "init", "-q")
    snapshot(docs / "snaps", mlp(128))
    git(docs, "add", ".")
    git(docs, "commit", "-q", "-m", "v1")
    snapshot(docs / "snaps", mlp(256, dropout=True))
    git(docs, "commit", "-q", "-am", "v2")

    res = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(docs), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    warnings = [line for line in res.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 3, res.stderr
    expected = [
        "index.rst:11: WARNING: netviz: model spec 'nets.models:mlp': diff-against 'git:nope': "
        "git revision 'nope' does not exist",
        "index.rst:14: WARNING: netviz: model spec 'nets.models:mlp': diff-against 'notes.txt': "
        "expected 'package.module:factory'",
        "index.rst:17: WARNING: netviz: model spec 'nets.models:mlp': diff-against 'notes.json': "
        "not a netviz IR JSON file",
    ]
    for line, start in zip(warnings, expected, strict=True):
        assert start in line, line
    html = (tmp_path / "out" / "index.html").read_text()
    assert html.count("netviz-placeholder") >= 3
    figures = re.findall(r'<svg[^>]*class="netviz"[^>]*>.*?</svg>', html, re.S)
    changed = [f for f in figures if "data-diff" in f]
    assert len(changed) == 1  # the mlp against its own snapshot at HEAD~1
    assert 'data-diff="changed" data-id="dense_1"' in changed[0]
    assert 'data-diff="added" data-id="dropout"' in changed[0]
    assert re.search(r'class="nv-legend-item" data-diff="added"', changed[0])
    # the Keras CNN drawn against its PyTorch port: built, and nothing marked
    assert any('data-name="conv1"' in f and "data-diff" not in f for f in figures)
