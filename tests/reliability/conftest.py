"""Session fixtures: the bad-input matrix built ONCE per tool per test session.

Each matrix build is a real command-line build of one page holding every case of
:data:`tests.reliability.matrix.CASES`. Tests using a build carry an ``xdist_group`` mark
(``make test`` runs ``pytest -n 2 --dist loadgroup``), so all assertions on one build run in
the worker that built it: each build happens once per session, not once per xdist worker.

The workspace around each project is snapshotted before and after the build: the security
tests assert that nothing was written outside the output and cache directories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


@pytest.fixture(scope="session")
def sphinx_matrix(tmp_path_factory: pytest.TempPathFactory) -> MatrixBuild:
    work = tmp_path_factory.mktemp("sphinx-matrix")
    page, lines = m.rst_page()
    cache = work / "cache"
    src = m.sphinx_project(work, page, cache_dir=cache)
    m.write_model_files(src / "models")
    out, doctrees = work / "out", work / "doctrees"
    skip = (out, doctrees, cache)
    before = m.snapshot(work, skip=skip)
    run = m.build_sphinx(src, out, doctrees=doctrees)
    after = m.snapshot(work, skip=skip)
    html_path = out / "index.html"
    html = html_path.read_text(encoding="utf-8") if html_path.is_file() else ""
    soup = BeautifulSoup(html, "html.parser")
    return MatrixBuild(
        tool="sphinx",
        run=run,
        page_name="index.rst",
        lines=lines,
        html_path=html_path,
        html=html,
        soup=soup,
        figures=_figures(soup, lambda e: e.name in {"figure", "div"} and "netviz" in _classes(e)),
        svg_files=sorted((out / "_images").glob("netviz-*.svg")),
        outside_before=before,
        outside_after=after,
        token_hits=m.token_files(work) + [str(p) for p in Path("/tmp").glob(f"*{m.TOKEN}*")],
    )


@pytest.fixture(scope="session")
def mkdocs_matrix(tmp_path_factory: pytest.TempPathFactory) -> MatrixBuild:
    work = tmp_path_factory.mktemp("mkdocs-matrix")
    page, lines = m.md_page()
    cache = work / "cache"
    config = m.mkdocs_project(work, page, cache_dir=cache)
    m.write_model_files(config.parent / "models")
    site = work / "site"
    skip = (site, cache)
    before = m.snapshot(work, skip=skip)
    run = m.build_mkdocs(config, site)
    after = m.snapshot(work, skip=skip)
    html_path = site / "index.html"
    html = html_path.read_text(encoding="utf-8") if html_path.is_file() else ""
    soup = BeautifulSoup(html, "html.parser")
    return MatrixBuild(
        tool="mkdocs",
        run=run,
        page_name="index.md",
        lines=lines,
        html_path=html_path,
        html=html,
        soup=soup,
        figures=_figures(soup, lambda e: e.name == "figure" and "netviz" in _classes(e)),
        svg_files=sorted((site / "assets" / "netviz").glob("*.svg")),
        outside_before=before,
        outside_after=after,
        token_hits=m.token_files(work) + [str(p) for p in Path("/tmp").glob(f"*{m.TOKEN}*")],
    )


@pytest.fixture
def matrix_build(request: pytest.FixtureRequest, tool: str) -> MatrixBuild:
    """The session's matrix build of ``tool`` (parametrize tests with ``TOOLS``)."""
    build: MatrixBuild = request.getfixturevalue(f"{tool}_matrix")
    return build
