"""The plugin's ``snapshot_dir`` and ``offline`` settings, in real in-process MkDocs builds.

(The fresh-venv builds without any framework are in ``tests/portable``.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import PROJECTS, build_project

pytestmark = [pytest.mark.xdist_group("mkdocs"), pytest.mark.usefixtures("reset_plugin")]


def assets(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "assets" / "netviz").glob("*.svg"))}


def test_snapshot_dir_then_offline(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(PROJECTS / "snapshot", project)
    snaps = project / "netviz-snapshots"
    first = build_project(project, tmp_path / "s1", cache_dir=tmp_path / "c1", strict=True)
    assert first.error is None and first.warnings == []
    written = sorted(p.name for p in snaps.glob("*.json"))
    assert len(written) == 2

    # Offline, with an empty cache: everything comes from the snapshots.
    offline = {"offline": True}
    second = build_project(
        project, tmp_path / "s2", cache_dir=tmp_path / "c2", strict=True, netviz=offline
    )
    assert second.error is None and second.warnings == []
    assert assets(tmp_path / "s2") == assets(tmp_path / "s1") and assets(tmp_path / "s1")

    # Offline without snapshots: each diagram is a located warning, never a worker.
    shutil.rmtree(snaps)
    third = build_project(project, tmp_path / "s3", cache_dir=tmp_path / "c3", netviz=offline)
    assert third.error is None
    assert len(third.warnings) == 3, third.warnings
    assert all("extraction is off" in w and "index.md:" in w for w in third.warnings)
    assert not snaps.exists()
