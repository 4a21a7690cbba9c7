"""Session fixtures: the bad-input matrix built ONCE per tool per test session.

Each matrix build is a real command-line build of one page holding every case of
:data:`tests.reliability.matrix.CASES`. It happens once per test run: the first xdist
worker that needs it builds it under a file lock, the others read its result (see
:func:`shared_once`). Tests also carry ``xdist_group`` marks for when xdist's grouping works.

The workspace around each project is snapshotted before and after the build: the security
tests assert that nothing was written outside the output and cache directories.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from . import matrix as m

#: xdist groups of the tests that use each matrix build.
SPHINX_GROUP = pytest.mark.xdist_group("reliability-sphinx-matrix")
MKDOCS_GROUP = pytest.mark.xdist_group("reliability-mkdocs-matrix")
TOOLS = [
    pytest.param("sphinx", marks=SPHINX_GROUP, id="sphinx"),
    pytest.param("mkdocs", marks=MKDOCS_GROUP, id="mkdocs"),
]


@dataclass
class MatrixBuild:
    """One finished matrix build and what the tests look at."""

    tool: str
    run: m.BuildRun
    page_name: str  # as warnings name it: index.rst / index.md
    lines: dict[str, int]
    html_path: Path
    html: str
    soup: BeautifulSoup
    figures: dict[str, Tag | None]  # case id -> its figure (None when missing)
    svg_files: list[Path]
    outside_before: dict[str, tuple[int, int]]
    outside_after: dict[str, tuple[int, int]]
    token_hits: list[str]

    @staticmethod
    def failed(element: Tag) -> bool:
        """True for a placeholder figure (Sphinx and MkDocs mark it ``netviz-failed``)."""
        return bool({"netviz-failed", "netviz-error"} & set(_classes(element)))


def _figures(soup: BeautifulSoup, is_figure: object) -> dict[str, Tag | None]:
    """Pair each ``CASE-<id>`` marker paragraph with the next diagram element."""
    found: dict[str, Tag | None] = {}
    current: str | None = None
    for element in soup.find_all(["p", "figure", "div"]):
        text = element.get_text(" ", strip=True) if element.name == "p" else ""
        if element.name == "p" and text.startswith("CASE-"):
            current = text.removeprefix("CASE-").split(":", 1)[0]
            found[current] = None
        elif current is not None and found.get(current) is None and is_figure(element):  # type: ignore[operator]
            found[current] = element
    return found


def _classes(element: Tag) -> list[str]:
    value = element.get("class") or []
    return list(value) if not isinstance(value, str) else value.split()


def shared_once(
    factory: pytest.TempPathFactory, name: str, produce: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``produce(workdir)`` once per test run, whatever the number of xdist workers.

    The first worker to get here takes an exclusive lock and builds; the others wait on the
    lock and read the JSON result. (``--dist loadgroup`` would keep the tests of one build on
    one worker, but xdist 3.8 does not group under pytest 9, so this must not rely on it.)
    """
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by all workers of this run
    result = root / f"{name}.json"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            work = root / name
            work.mkdir(exist_ok=True)
            data = produce(work)
            tmp = result.with_suffix(".part")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(result)
    loaded: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return loaded


def _run_data(run: m.BuildRun) -> dict[str, Any]:
    return {
        "returncode": run.returncode,
        "stdout": run.stdout,
        "stderr": run.stderr,
        "seconds": run.seconds,
        "out": str(run.out),
        "warnings": run.warnings,
    }


def _build_matrices(root: Path) -> dict[str, Any]:
    """Both matrix builds, run at the same time (two subprocesses), each in its workspace."""
    time_started = time.monotonic()
    # Sphinx: root/sphinx/{src,out,doctrees,cache}
    s_work = root / "sphinx"
    page, s_lines = m.rst_page()
    src = m.sphinx_project(s_work, page, cache_dir=s_work / "cache")
    m.write_model_files(src / "models")
    s_out, doctrees = s_work / "out", s_work / "doctrees"
    s_skip = (s_out, doctrees, s_work / "cache")
    # MkDocs: root/mkdocs/{project,site,cache}
    k_work = root / "mkdocs"
    page, k_lines = m.md_page()
    config = m.mkdocs_project(k_work, page, cache_dir=k_work / "cache")
    m.write_model_files(config.parent / "models")
    site = k_work / "site"
    k_skip = (site, k_work / "cache")

    s_before, k_before = m.snapshot(s_work, skip=s_skip), m.snapshot(k_work, skip=k_skip)
    sphinx = m.start_sphinx(src, s_out, doctrees=doctrees)
    mkdocs = m.start_mkdocs(config, site)
    s_run = m.finish(sphinx, s_out, time_started)
    k_run = m.finish(mkdocs, site, time_started)
    in_tmp = [str(p) for p in Path("/tmp").glob(f"*{m.TOKEN}*")]
    return {
        "sphinx": {
            "run": _run_data(s_run),
            "lines": s_lines,
            "html": str(s_out / "index.html"),
            "svg_dir": str(s_out / "_images"),
            "svg_glob": "netviz-*.svg",
            "before": s_before,
            "after": m.snapshot(s_work, skip=s_skip),
            "token_hits": m.token_files(s_work) + in_tmp,
        },
        "mkdocs": {
            "run": _run_data(k_run),
            "lines": k_lines,
            "html": str(site / "index.html"),
            "svg_dir": str(site / "assets" / "netviz"),
            "svg_glob": "*.svg",
            "before": k_before,
            "after": m.snapshot(k_work, skip=k_skip),
            "token_hits": m.token_files(k_work) + in_tmp,
        },
    }


def _matrix(tool: str, data: dict[str, Any]) -> MatrixBuild:
    run = m.BuildRun(**{**data["run"], "out": Path(data["run"]["out"])})
    html_path = Path(data["html"])
    html = html_path.read_text(encoding="utf-8") if html_path.is_file() else ""
    soup = BeautifulSoup(html, "html.parser")
    if tool == "sphinx":
        figures = _figures(soup, lambda e: e.name in {"figure", "div"} and "netviz" in _classes(e))
    else:
        figures = _figures(soup, lambda e: e.name == "figure" and "netviz" in _classes(e))
    return MatrixBuild(
        tool=tool,
        run=run,
        page_name="index.rst" if tool == "sphinx" else "index.md",
        lines=data["lines"],
        html_path=html_path,
        html=html,
        soup=soup,
        figures=figures,
        svg_files=sorted(Path(data["svg_dir"]).glob(data["svg_glob"])),
        outside_before={k: tuple(v) for k, v in data["before"].items()},  # type: ignore[misc]
        outside_after={k: tuple(v) for k, v in data["after"].items()},  # type: ignore[misc]
        token_hits=data["token_hits"],
    )


@pytest.fixture(scope="session")
def sphinx_matrix(tmp_path_factory: pytest.TempPathFactory) -> MatrixBuild:
    return _matrix("sphinx", shared_once(tmp_path_factory, "matrices", _build_matrices)["sphinx"])


@pytest.fixture(scope="session")
def mkdocs_matrix(tmp_path_factory: pytest.TempPathFactory) -> MatrixBuild:
    return _matrix("mkdocs", shared_once(tmp_path_factory, "matrices", _build_matrices)["mkdocs"])


@pytest.fixture
def matrix_build(request: pytest.FixtureRequest, tool: str) -> MatrixBuild:
    """The session's matrix build of ``tool`` (parametrize tests with ``TOOLS``)."""
    build: MatrixBuild = request.getfixturevalue(f"{tool}_matrix")
    return build
