"""``mkdocs serve``-style rebuilds: warm path, watching, re-rendering on model edits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import PROJECTS

pytestmark = pytest.mark.xdist_group("mkdocs")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    project = tmp_path_factory.mktemp("serve") / "plain"
    shutil.copytree(PROJECTS / "plain", project)
    cache = tmp_path_factory.mktemp("serve-cache")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.mkdocs.serve_check", str(project), str(cache)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["project"] = str(project)
    return data


def _diagram_names(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {g["data-name"] for g in soup.select("figure.netviz g.nv-layer[data-name]")}


def test_cold_build_renders(report: dict) -> None:
    cold = report["cold"]
    assert cold["failures"] == 0
    assert cold["worker_starts"] == 1
    assert "conv1" in _diagram_names(cold["index"])
    assert not cold["tensorflow_imported"] and not cold["keras_imported"]


def test_prose_edit_reimports_nothing(report: dict) -> None:
    cold, warm = report["cold"], report["prose_edit"]
    assert "More prose." in warm["index"]
    assert warm["builder_calls"] == cold["builder_calls"]  # no diagram was rebuilt
    assert warm["memo_hits"] > cold["memo_hits"]
    assert warm["worker_starts"] == cold["worker_starts"]
    assert not warm["tensorflow_imported"] and not warm["keras_imported"]
    assert warm["assets"] == cold["assets"]


def test_model_sources_are_watched(report: dict) -> None:
    assert str(Path(report["project"]) / "tinynets.py") in report["watched"]


def test_model_edit_rerenders(report: dict) -> None:
    edited = report["model_edit"]
    assert edited["failures"] == 0
    assert edited["builder_calls"] > report["prose_edit"]["builder_calls"]
    assert "extra_dense" in _diagram_names(edited["index"])
    assert "extra_dense" not in _diagram_names(report["prose_edit"]["index"])
    assert not edited["tensorflow_imported"]


def test_restart_with_warm_disk_cache_starts_no_worker(report: dict) -> None:
    restart = report["restart"]
    assert restart["failures"] == 0
    assert restart["builder_calls"] > 0
    assert restart["worker_starts"] == 0 and not restart["worker_started"]
    assert not restart["tensorflow_imported"] and not restart["keras_imported"]
    assert "extra_dense" in _diagram_names(restart["index"])
