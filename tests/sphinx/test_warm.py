"""Warm builds start no worker and never import TensorFlow; editing the model re-renders.

Each build runs ``python -m sphinx`` in a subprocess (a fresh interpreter, so ``sys.modules``
tells the truth); ``roots/test-warm/conf.py`` writes what the build process saw to a report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ._shared import soup

ROOTS = Path(__file__).resolve().parent / "roots"


def _sphinx(src: Path, out: Path, cache: Path, report: Path, *extra: str) -> dict[str, object]:
    env = {**os.environ, "NETVIZ_TEST_CACHE": str(cache), "NETVIZ_TEST_REPORT": str(report)}
    report.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", *extra, str(src), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return json.loads(report.read_text())


def _layer_names(path: Path) -> set[str]:
    page = soup(path)
    return {g.get("data-name") for g in page.select("figure svg g.nv-layer")}


def test_warm_builds_do_not_start_the_worker(tmp_path: Path) -> None:
    src, out, cache = tmp_path / "src", tmp_path / "out", tmp_path / "cache"
    report = tmp_path / "report.json"
    shutil.copytree(ROOTS / "test-warm", src)

    cold = _sphinx(src, out, cache, report)
    assert cold["worker_started"] is True
    assert cold["builders_created"] == 1  # one builder and worker for all three diagrams
    assert cold["tensorflow"] is False  # TensorFlow lives in the worker, never in Sphinx
    assert "hidden" in _layer_names(out / "index.html")

    fresh = _sphinx(src, out, cache, report, "-E")  # fresh environment, cache in place
    assert fresh == {**fresh, "worker_started": False, "tensorflow": False, "keras": False}

    # A page edit: only that page is read again, from the cache.
    time.sleep(0.01)
    index = src / "index.rst"
    index.write_text(index.read_text() + "\nA new paragraph.\n")
    edited = _sphinx(src, out, cache, report)
    assert edited["worker_started"] is False and edited["tensorflow"] is False
    assert "A new paragraph." in (out / "index.html").read_text()

    # Editing the model's source re-reads every page that draws it and re-renders.
    model = src / "tinymodels.py"
    model.write_text(
        model.read_text().replace(
            'outputs = keras.layers.Dense(2, name="logits")(x)',
            'x = keras.layers.Dense(4, name="added")(x)\n'
            '    outputs = keras.layers.Dense(2, name="logits")(x)',
        )
    )
    changed = _sphinx(src, out, cache, report)
    assert changed["worker_started"] is True
    assert "added" in _layer_names(out / "index.html")
    assert "added" in _layer_names(out / "other.html")
