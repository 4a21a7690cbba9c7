"""``netviz_offline`` in a real Sphinx build: no worker, one located warning per diagram
without a snapshot. (Snapshot round trips, with a fresh venv, are in ``tests/portable``.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOTS = Path(__file__).resolve().parent / "roots"


def test_offline_without_snapshots_warns_and_starts_no_worker(tmp_path: Path) -> None:
    project = tmp_path / "docs"
    shutil.copytree(ROOTS / "test-snapshot", project)
    report = tmp_path / "report.json"
    res = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-b", "html", "-q", "-D", "netviz_offline=1"),
            *(str(project), str(tmp_path / "out")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NETVIZ_TEST_REPORT": str(report)},
    )
    assert res.returncode == 0, res.stderr
    warnings = [line for line in res.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 3, res.stderr
    assert (
        "index.rst:4: WARNING: netviz: model spec 'snapnets.models:convnet': extraction is off"
        in warnings[0]
    )
    assert json.loads(report.read_text())["worker_starts"] == 0
    assert not (project / "netviz-snapshots").exists()
