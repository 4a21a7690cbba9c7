"""Docs that build anywhere: snapshots written where the framework is, read where it is not.

For a Sphinx project and a MkDocs project:

1. a build in this environment (framework installed) writes the snapshots;
2. a copy in another folder, built in a fresh venv holding only ``netviz[sphinx]`` /
   ``netviz[mkdocs]`` (no framework), draws every diagram from them with no warning, no
   worker and byte-identical SVG, with warnings as errors;
3. after a model source is edited, that build warns that the snapshot is stale, naming the
   file, and fails with ``-W`` / ``--strict``.

Also, a Sphinx project moved to another folder keeps its warm cache (no worker, no Keras).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, clean_env

# One xdist group: the wheel and the fresh venvs are session fixtures, built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("portable")]

SPHINX_PROJECT = ROOT / "tests" / "sphinx" / "roots" / "test-snapshot"
MKDOCS_PROJECT = ROOT / "tests" / "mkdocs" / "projects" / "snapshot"
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_IGNORE = shutil.ignore_patterns("_build", "site", ".cache", "__pycache__")


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=_IGNORE)
    return target


def drawn(out: Path) -> dict[str, str]:
    """Every SVG a build produced: the files, and the diagrams inlined in its pages."""
    found: dict[str, str] = {}
    for path in sorted(out.rglob("*.svg")):
        if "_static" not in path.parts:
            found[path.relative_to(out).as_posix()] = path.read_text(encoding="utf-8")
    for page in sorted(out.rglob("*.html")):
        diagrams = [
            svg for svg in _SVG.findall(page.read_text(encoding="utf-8")) if "nv-detail" not in svg
        ]  # drill-down scenes (nv-detail) belong to their diagram, not counted on their own
        for i, svg in enumerate(diagrams):
            found[f"{page.relative_to(out).as_posix()}#{i}"] = svg
    return found


def warnings_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if "WARNING" in line or "warning:" in line]


# -- Sphinx ---------------------------------------------------------------------------------------
def sphinx(
    python: Path, project: Path, out: Path, *, strict: bool = True, **env: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    report = out.parent / f"{out.name}-report.json"
    args = [str(python), "-m", "sphinx", "-b", "html", "-q", str(project), str(out)]
    if strict:
        args[3:3] = ["-W", "--keep-going"]
    res = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "NETVIZ_TEST_REPORT": str(report)},
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return res, data


def here_env(cache: Path) -> dict[str, str]:
    """This environment (framework installed, this checkout's code on the path)."""
    return clean_env(PYTHONPATH=str(ROOT), NETVIZ_TEST_CACHE=str(cache))


def test_sphinx_project_builds_anywhere(tmp_path: Path, sphinx_venv: Path) -> None:
    first = copy_project(SPHINX_PROJECT, tmp_path / "a" / "docs")
    cache = tmp_path / "cache"
    res, report = sphinx(Path(sys.executable), first, tmp_path / "out1", **here_env(cache))
    assert res.returncode == 0, res.stderr
    assert report["worker_starts"] == 1 and not report["keras"]
    snapshots = sorted((first / "netviz-snapshots").glob("*.json"))
    assert [p.name.rsplit("-", 1)[0] for p in snapshots] == [
        "snapnets.models--convnet",
        "snapnets.models--mlp",
    ]
    for path in snapshots:
        text = path.read_text()
        assert str(tmp_path) not in text and text.endswith("\n")
        paths = [s["path"] for s in json.loads(text)["sources"]]
        assert paths == ["src/snapnets/__init__.py", "src/snapnets/models.py"]
    expected = drawn(tmp_path / "out1")
    assert len([k for k in expected if "#" in k]) == 3

    # The same project in another folder, same cache: warm (no worker, Keras not imported).
    moved = copy_project(first, tmp_path / "elsewhere" / "deeper" / "docs")
    res, report = sphinx(Path(sys.executable), moved, tmp_path / "out2", **here_env(cache))
    assert res.returncode == 0, res.stderr
    assert report == {"keras": False, "tensorflow": False, "worker_starts": 0}
    assert drawn(tmp_path / "out2") == expected

    # A fresh venv with only netviz[sphinx]: drawn from the snapshots, no warning, same SVG.
    second = copy_project(first, tmp_path / "b" / "docs")
    res, report = sphinx(sphinx_venv, second, tmp_path / "out3", **clean_env())
    assert res.returncode == 0, res.stderr
    assert warnings_of(res.stderr) == []
    assert report == {"keras": False, "tensorflow": False, "worker_starts": 0}
    assert drawn(tmp_path / "out3") == expected
    assert sorted((second / "netviz-snapshots").iterdir()) == [
        second / "netviz-snapshots" / p.name for p in snapshots
    ]

    # The model's source changes: the snapshot still draws, with one located warning each.
    models = second / "src" / "snapnets" / "models.py"
    models.write_text(models.read_text() + "\n# edited without refreshing the snapshots\n")
    res, _ = sphinx(sphinx_venv, second, tmp_path / "out4", strict=False, **clean_env())
    assert res.returncode == 0, res.stderr
    stale = warnings_of(res.stderr)
    assert len(stale) == 2, res.stderr
    assert "index.rst:4: WARNING: netviz: snapshot of snapnets.models:convnet is stale " in stale[0]
    assert (
        "(src/snapnets/models.py changed); rebuild with the framework installed to refresh"
        in stale[0]
    )
    assert drawn(tmp_path / "out4") == expected
    res, _ = sphinx(sphinx_venv, second, tmp_path / "out5", **clean_env())
    assert res.returncode != 0 and "is stale" in res.stderr


# -- MkDocs ---------------------------------------------------------------------------------------
def mkdocs(
    python: Path, project: Path, site: Path, *, strict: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    args = [str(python), "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")]
    args += ["-d", str(site)] + (["--strict"] if strict else [])
    return subprocess.run(
        args, capture_output=True, text=True, timeout=600, env=env, cwd=str(project)
    )


def test_mkdocs_project_builds_anywhere(tmp_path: Path, mkdocs_venv: Path) -> None:
    first = copy_project(MKDOCS_PROJECT, tmp_path / "a")
    res = mkdocs(Path(sys.executable), first, tmp_path / "site1", **clean_env(PYTHONPATH=str(ROOT)))
    assert res.returncode == 0, res.stderr
    snapshots = sorted((first / "netviz-snapshots").glob("*.json"))
    assert [p.name.rsplit("-", 1)[0] for p in snapshots] == [
        "snapnets_md--mlp",
        "snapnets_md--residual",
    ]
    for path in snapshots:
        assert str(tmp_path) not in path.read_text()
        assert [s["path"] for s in json.loads(path.read_text())["sources"]] == ["snapnets_md.py"]
    expected = drawn(tmp_path / "site1")
    assert len([k for k in expected if "#" in k]) >= 3

    second = copy_project(first, tmp_path / "b" / "c")
    res = mkdocs(mkdocs_venv, second, tmp_path / "site2", **clean_env())
    assert res.returncode == 0, res.stderr
    assert warnings_of(res.stderr) == []
    assert drawn(tmp_path / "site2") == expected

    source = second / "snapnets_md.py"
    source.write_text(source.read_text() + "\n# edited without refreshing the snapshots\n")
    res = mkdocs(mkdocs_venv, second, tmp_path / "site3", strict=False, **clean_env())
    assert res.returncode == 0, res.stderr
    stale = warnings_of(res.stderr)
    assert len(stale) == 2, res.stderr
    assert (
        "index.md:3: snapshot of snapnets_md:residual is stale (snapnets_md.py changed); "
        "rebuild with the framework installed to refresh" in stale[0]
    )
    assert drawn(tmp_path / "site3") == expected
    res = mkdocs(mkdocs_venv, second, tmp_path / "site4", **clean_env())
    assert res.returncode != 0 and "is stale" in res.stderr
