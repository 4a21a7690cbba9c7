"""The plugin's ``snapshot_dir`` and ``offline`` settings, in real in-process MkDocs builds;
the "Read the Docs / CI" page's example, with snapshots written by ``netviz snapshot
--project`` and a build without the framework.

(The fresh-venv builds without any framework are in ``tests/portable``.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import without_frameworks

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


# -- the "Read the Docs / CI" page's example --------------------------------------------------
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_YML = REPO / "docs" / "examples" / "framework_free" / "mkdocs.yml"


def _diagrams(page: Path) -> dict[str, str]:
    """The diagram each documented object's entry holds (its SVG), by object id."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    out = {}
    for heading in soup.select("[id^='mypkg.models.']"):
        entry = heading.find_parent("div", class_="doc-object")
        own = [
            s
            for s in entry.select("svg.netviz")
            if s.find_parent("div", class_="doc-object") is entry
        ]
        if own:
            assert not entry.select(".netviz-failed")
            out[heading["id"]] = str(own[0])
    return out


def test_ci_page_example_builds_without_the_framework(tmp_path: Path) -> None:
    """The page's mkdocs.yml, verbatim: snapshots written by ``netviz snapshot --project``
    where torch is installed; then, with torch unimportable (a sitecustomize on PYTHONPATH
    standing for a fresh venv; tests/portable builds real ones), ``mkdocs build --strict``
    draws every diagram from them, identical to a build with torch."""
    project = tmp_path / "proj"
    shutil.copytree(PROJECTS / "framework-free", project)
    shutil.copy(EXAMPLE_YML, project / "mkdocs.yml")
    cache = str(tmp_path / "cache")
    cli = [sys.executable, "-m", "sphinx_netviz.core.cli", "snapshot"]
    written = subprocess.run(
        [*cli, "--project", str(project), "--cache-dir", cache],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert written.returncode == 0, written.stderr
    files = sorted(Path(line) for line in written.stdout.split())
    assert [f.name.rsplit("-", 1)[0] for f in files] == ["mypkg.models--cnn", "mypkg.models--mlp"]
    assert sorted((project / "netviz-snapshots").iterdir()) == files
    assert not (project / "site").exists()  # --project wrote nothing else into the project

    def build(site: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)]
        return subprocess.run(
            mkdocs, capture_output=True, text=True, timeout=600, env=env, cwd=project
        )

    offline = build(tmp_path / "without", without_frameworks(tmp_path))
    assert offline.returncode == 0, offline.stderr
    assert "WARNING" not in offline.stderr
    drawn = _diagrams(tmp_path / "without" / "index.html")
    assert set(drawn) == {"mypkg.models.mlp", "mypkg.models.cnn"}  # SmallCNN: no inputs known

    online = build(tmp_path / "with", dict(os.environ))
    assert online.returncode == 0, online.stderr
    assert _diagrams(tmp_path / "with" / "index.html") == drawn
