"""Faults around a docs build: a damaged or unusable cache, concurrent builds, a killed worker.

Each test runs real command-line builds of a small all-good page
(:data:`~tests.reliability.matrix.SMALL`) and checks the promise: the build completes, the
diagrams are right, problems are one warning, nothing half-written is left behind.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_netviz.core.store.cache import CACHE_SCHEMA

from . import matrix as m


def _svgs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("netviz-*.svg"))}


def _rendered(html: Path) -> tuple[int, int]:
    """(diagrams drawn, placeholders) on a built page."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    figures = [
        f
        for f in soup.find_all(["figure", "div"])
        if "netviz" in (f.get("class") or []) and f.find("svg") is not None
    ]
    failed = [f for f in figures if {"netviz-failed", "netviz-error"} & set(f.get("class") or [])]
    return len(figures) - len(failed), len(failed)


def _sphinx_small(work: Path, cache: Path, cases: tuple[m.Case, ...] = m.SMALL) -> Path:
    return m.sphinx_project(work, m.rst_page(cases)[0], cache_dir=cache)


def test_corrupt_cache_entries_are_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    src = _sphinx_small(tmp_path, cache)
    first = m.build_sphinx(src, tmp_path / "out1")
    assert first.returncode == 0 and first.warnings == [], first.log[-2000:]
    # Two IR keys of one version each (a graph file and its sources file), three diagrams.
    graphs, markers = (
        sorted(cache.glob("ir/*/*.graph.json")),
        sorted(cache.glob("ir/*/*.sources.json")),
    )
    assert len(graphs) == len(markers) == 2 and len(list(cache.glob("svg/*.json"))) == 3
    entries = [graphs[0], markers[1], *sorted(cache.glob("svg/*.json"))]

    damages = {
        "malformed graph": lambda b: json.dumps(
            {**json.loads(b), "graph": {"schema": 1, "nodes": [1]}}
        ).encode(),
        "truncated": lambda b: b[: len(b) // 2],
        "wrong schema": lambda b: json.dumps({**json.loads(b), "cache_schema": 999}).encode(),
        "garbage": lambda b: b"\x00\xffnot json at all" * 10,
        "not a diagram": lambda b: json.dumps({**json.loads(b), "diagram": {"svg": 1}}).encode(),
    }
    for entry, damage in zip(entries, damages.values(), strict=True):
        entry.write_bytes(damage(entry.read_bytes()))

    second = m.build_sphinx(src, tmp_path / "out2", doctrees=tmp_path / "doctrees2")
    assert second.returncode == 0 and second.warnings == [], second.log[-2000:]
    assert _rendered(tmp_path / "out2" / "index.html") == (3, 0)
    assert _svgs(tmp_path / "out2" / "_images") == _svgs(tmp_path / "out1" / "_images")
    for entry in entries:  # every damaged entry was rewritten whole
        data = json.loads(entry.read_text(encoding="utf-8"))
        key = entry.parent.name if entry.parent.parent.name == "ir" else entry.stem
        assert data["cache_schema"] == CACHE_SCHEMA and data["key"] == key
    assert m.leftovers(cache, tmp_path / "out2") == []


@pytest.mark.parametrize("tool", ["sphinx", "mkdocs"])
def test_unwritable_cache_dir_builds_with_one_warning(tmp_path: Path, tool: str) -> None:
    # Running as root, permissions stop nothing: a regular file where the cache directory's
    # parent should be makes it unusable for everyone.
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    cache = blocker / "cache"
    if tool == "sphinx":
        run = m.build_sphinx(_sphinx_small(tmp_path, cache), tmp_path / "out")
        page = tmp_path / "out" / "index.html"
    else:
        config = m.mkdocs_project(tmp_path, m.md_page(m.SMALL)[0], cache_dir=cache)
        run = m.build_mkdocs(config, tmp_path / "site")
        page = tmp_path / "site" / "index.html"
    assert run.returncode == 0, run.log[-2000:]
    assert len(run.warnings) == 1, run.warnings
    assert "cache directory" in run.warnings[0] and "unusable" in run.warnings[0]
    assert str(cache) in run.warnings[0]
    assert _rendered(page) == (3, 0)
    assert blocker.read_text(encoding="utf-8") == "a file, not a directory"


@pytest.mark.parametrize("tool", ["sphinx", "mkdocs"])
def test_two_builds_sharing_a_cache_dir_at_the_same_time(tmp_path: Path, tool: str) -> None:
    cache = tmp_path / "cache"
    started = time.monotonic()
    if tool == "sphinx":
        src = _sphinx_small(tmp_path, cache)
        procs = [
            m.start_sphinx(src, tmp_path / f"out{i}", doctrees=tmp_path / f"doctrees{i}")
            for i in (1, 2)
        ]
        images = "_images"
    else:
        config = m.mkdocs_project(tmp_path, m.md_page(m.SMALL)[0], cache_dir=cache)
        procs = [m.start_mkdocs(config, tmp_path / f"out{i}") for i in (1, 2)]
        images = "assets/netviz"
    runs = [m.finish(p, tmp_path / f"out{i}", started) for i, p in zip((1, 2), procs, strict=True)]
    for run in runs:
        assert run.returncode == 0 and run.warnings == [], run.log[-2000:]
        assert _rendered(run.out / "index.html") == (3, 0)
    one, two = (
        {q.name: q.read_bytes() for q in sorted((run.out / images).glob("*.svg"))} for run in runs
    )
    # Three diagrams (MkDocs also writes the one separate legend as its own file).
    assert one == two and len([n for n in one if not n.endswith("-legend.svg")]) == 3
    # MkDocs stamps each page with its build time; everything else must be identical.
    stamp = re.compile(rb"<!--\s*MkDocs version.*?-->", re.S)
    pages = [stamp.sub(b"", (run.out / "index.html").read_bytes()) for run in runs]
    assert pages[0] == pages[1]
    for entry in cache.rglob("*.json"):
        assert json.loads(entry.read_text(encoding="utf-8"))["cache_schema"] == CACHE_SCHEMA
    assert m.leftovers(cache, *(run.out for run in runs)) == []


def _worker_of(build_pid: int, worker_pid: int) -> bool:
    """True if ``worker_pid`` is a netviz worker started by the build process."""
    cmdline = Path(f"/proc/{worker_pid}/cmdline").read_bytes().replace(b"\0", b" ")
    stat = Path(f"/proc/{worker_pid}/stat").read_text()
    parent = int(stat.rsplit(")", 1)[1].split()[1])
    return b"sphinx_netviz.core.worker.child" in cmdline and parent == build_pid


@pytest.mark.parametrize("tool", ["sphinx", "mkdocs"])
def test_worker_killed_mid_build_is_restarted(tmp_path: Path, tool: str) -> None:
    cases = (m.SLOW, *m.SMALL[:2])
    pidfile = tmp_path / "worker.pid"
    env = {"NETVIZ_RELIABILITY_PIDFILE": str(pidfile)}
    started = time.monotonic()
    if tool == "sphinx":
        page, lines = m.rst_page(cases)
        src = m.sphinx_project(tmp_path, page, cache_dir=tmp_path / "cache")
        proc = m.start_sphinx(src, tmp_path / "out", env=env)
        out, name = tmp_path / "out", "index.rst"
    else:
        page, lines = m.md_page(cases)
        config = m.mkdocs_project(tmp_path, page, cache_dir=tmp_path / "cache")
        proc = m.start_mkdocs(config, tmp_path / "site", env=env)
        out, name = tmp_path / "site", "index.md"
    deadline = time.monotonic() + 180
    while not pidfile.exists():
        assert proc.poll() is None, "the build ended before the slow factory started"
        assert time.monotonic() < deadline, "the slow factory never started"
        time.sleep(0.1)
    worker = int(pidfile.read_text(encoding="utf-8"))
    assert _worker_of(proc.pid, worker)
    os.kill(worker, signal.SIGKILL)  # from outside, mid-build

    run = m.finish(proc, out, started)
    assert run.returncode == 0, run.log[-2000:]
    assert len(run.warnings) == 1, run.warnings
    assert m.warnings_at(run, name, lines["slow"]) == run.warnings
    assert "SIGKILL" in run.warnings[0] and m.SLOW.spec in run.warnings[0]
    # A fresh worker drew the rest of the page.
    assert _rendered(out / "index.html") == (2, 1)
