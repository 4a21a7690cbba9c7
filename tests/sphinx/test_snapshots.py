"""``netviz_offline`` in a real Sphinx build: no worker, one located warning per diagram
without a snapshot; the "Read the Docs / CI" page's example, with snapshots written by
``netviz snapshot --project`` and a build without the framework. (Snapshot round trips
with a fresh venv are in ``tests/portable``.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from tests.helpers import without_frameworks

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


# -- the "Read the Docs / CI" page's example --------------------------------------------------
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CONF = REPO / "docs" / "examples" / "framework_free" / "conf.py"
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _diagrams(page: Path) -> dict[str, str]:
    """The diagram each documented object's entry holds (its SVG), by object id."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    out = {}
    for dt in soup.select("dt[id^='mypkg.models.']"):
        dd = dt.find_next_sibling("dd")
        own = [s for s in dd.select("svg.netviz") if s.find_parent("dd") is dd]
        if own:
            assert not dd.select(".netviz-failed")
            out[dt["id"]] = str(own[0])
    return out


def test_ci_page_example_builds_without_the_framework(tmp_path: Path) -> None:
    """The page's conf.py, verbatim: snapshots written by ``netviz snapshot --project`` where
    torch is installed; then, with torch unimportable (a sitecustomize on PYTHONPATH standing
    for a fresh venv; tests/portable builds real ones), ``sphinx-build -W`` draws every
    diagram from them (autodoc on mocked torch), identical to a build with torch."""
    project = tmp_path / "proj"
    shutil.copytree(ROOTS / "test-framework-free", project)
    docs = project / "docs"
    shutil.copy(EXAMPLE_CONF, docs / "conf.py")
    cache = str(tmp_path / "cache")

    cli = [sys.executable, "-m", "sphinx_netviz.core.cli", "snapshot"]
    written = subprocess.run(
        [*cli, "--project", str(docs), "--cache-dir", cache],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert written.returncode == 0, written.stderr
    files = sorted(Path(line) for line in written.stdout.split())
    assert [f.name.rsplit("-", 1)[0] for f in files] == ["mypkg.models--cnn", "mypkg.models--mlp"]
    assert sorted((docs / "netviz-snapshots").iterdir()) == files
    assert not (docs / "_build").exists()  # --project wrote nothing else into the project

    def build(out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
        sphinx = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q"]
        return subprocess.run(
            [*sphinx, *extra, str(docs), str(out)],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )

    offline = build(tmp_path / "without", without_frameworks(tmp_path))
    assert offline.returncode == 0, offline.stderr
    assert "WARNING" not in offline.stderr
    drawn = _diagrams(tmp_path / "without" / "index.html")
    assert set(drawn) == {"mypkg.models.mlp", "mypkg.models.cnn"}  # SmallCNN: no inputs known

    online = build(tmp_path / "with", dict(os.environ), "-D", f"netviz_cache_dir={cache}")
    assert online.returncode == 0, online.stderr
    assert _diagrams(tmp_path / "with" / "index.html") == drawn
