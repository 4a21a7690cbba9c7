"""Real ``mkdocs build`` runs of the small projects in ``tests/mkdocs/projects/``."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import PROJECTS, BuildResult, build_project

pytestmark = [pytest.mark.xdist_group("mkdocs"), pytest.mark.usefixtures("reset_plugin")]

SVG_NS = "{http://www.w3.org/2000/svg}"


def figures(html: str) -> list:
    return BeautifulSoup(html, "html.parser").select("figure.netviz")


def resolve(page_file: Path, href: str) -> Path:
    """The file a page-relative link points at (as a browser would, on a static server)."""
    target = posixpath.normpath(posixpath.join(page_file.parent.as_posix(), href))
    return Path(target)


def check_fullsize_links(result: BuildResult, page_rel: str) -> list[Path]:
    page = result.site / page_rel
    found = []
    for fig in figures(page.read_text(encoding="utf-8")):
        for link in fig.select("a.netviz-full"):
            target = resolve(page, link["href"])
            assert target.is_file(), f"{page_rel}: {link['href']} -> {target} missing"
            ET.fromstring(target.read_text(encoding="utf-8"))  # a well-formed SVG document
            found.append(target)
    return found


@pytest.fixture(scope="module")
def plain_builds(tmp_path_factory: pytest.TempPathFactory, netviz_cache: Path) -> dict:
    out = {}
    for flag in (True, False):
        site = tmp_path_factory.mktemp(f"plain-{flag}")
        out[flag] = build_project(
            "plain", site, cache_dir=netviz_cache, use_directory_urls=flag, strict=True
        )
    return out


@pytest.mark.parametrize("directory_urls", [True, False])
def test_plain_project_without_superfences(plain_builds: dict, directory_urls: bool) -> None:
    result: BuildResult = plain_builds[directory_urls]
    assert result.error is None, result.messages
    assert result.warnings == []
    guide = "guide/models/index.html" if directory_urls else "guide/models.html"

    home = figures(result.page("index.html"))
    assert len(home) == 1
    svg = home[0].select_one(".netviz-svg > svg")
    assert svg is not None and svg.get("role") == "img"
    assert home[0].figcaption is not None
    assert "The tiny ConvNet" in home[0].figcaption.get_text()

    guide_figs = figures(result.page(guide))
    assert len(guide_figs) == 2  # one at top level, one inside a list item
    mlp = guide_figs[0]
    assert mlp.select_one(".netviz-svg > svg")["aria-label"] == "A small multi-layer perceptron"
    assert 'data-type="Dropout"' not in str(mlp.select_one(".netviz-svg"))  # hide: Dropout
    assert mlp.select_one(".netviz-legend > svg") is not None  # legend: separate
    assert guide_figs[1].find_parent("li") is not None

    # The full-size SVGs exist where the page-relative links point, in both URL styles.
    targets = check_fullsize_links(result, "index.html") + check_fullsize_links(result, guide)
    assert len(targets) == 4  # convnet, mlp + its legend, convnet again (same file)
    assert all(t.parent == result.site / "assets" / "netviz" for t in targets)
    assert targets[0] == targets[-1]  # same diagram + options -> same file


def test_stylesheet_shipped_and_linked(plain_builds: dict) -> None:
    result: BuildResult = plain_builds[True]
    css = result.site / "assets" / "netviz" / "netviz.css"
    assert css.is_file() and css.stat().st_size > 0
    soup = BeautifulSoup(result.page("guide/models/index.html"), "html.parser")
    hrefs = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    linked = [h for h in hrefs if h.endswith("assets/netviz/netviz.css")]
    assert linked and resolve(result.site / "guide/models/index.html", linked[0]) == css


def test_same_input_same_output(plain_builds: dict) -> None:
    a = figures(plain_builds[True].page("index.html"))[0]
    b = figures(plain_builds[False].page("index.html"))[0]
    assert str(a.select_one(".netviz-svg")) == str(b.select_one(".netviz-svg"))


def test_material_superfences(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project("material", tmp_path / "site", cache_dir=netviz_cache, strict=True)
    assert result.error is None, result.messages
    home = BeautifulSoup(result.page("index.html"), "html.parser")
    figs = home.select("figure.netviz")
    assert len(figs) == 2
    assert figs[1].find_parent(class_="tabbed-block") is not None  # nested in a tab
    assert not home.select("pre code.language-netviz")  # never left as code
    nested = figures(result.page("nested/index.html"))
    assert len(nested) == 2 and nested[0].find_parent(class_="admonition") is not None
    # the same diagram twice on one page: every id stays unique, references still resolve
    ids = [el["id"] for fig in nested for el in fig.select("[id]")]
    assert ids and len(ids) == len(set(ids))
    second = nested[1].select_one("svg.netviz")
    labelled = second["aria-labelledby"].split()
    assert all(second.find(id=ref) is not None for ref in labelled)
    check_fullsize_links(result, "nested/index.html")
    css = (result.site / "assets" / "netviz" / "netviz.css").read_text(encoding="utf-8")
    assert "slate" in css  # Material's dark scheme is styled by the shipped stylesheet
    assert not home.select("figure.netviz script")  # nothing for instant navigation to re-run


def test_strict_mode_fails_on_bad_fence(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project("broken", tmp_path / "site", cache_dir=netviz_cache, strict=True)
    assert result.error is not None
    assert "strict" in str(result.error).lower() or "Aborted" in str(result.error)
    warnings = result.warnings
    assert any("index.md:7" in w and "not a valid spec!" in w for w in warnings), warnings
    assert any("index.md:11" in w and "palette" in w and "rainbow" in w for w in warnings), warnings


def test_bad_fence_shows_placeholder_without_strict(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project("broken", tmp_path / "site", cache_dir=netviz_cache)
    assert result.error is None
    figs = figures(result.page("index.html"))
    assert len(figs) == 2
    assert all("netviz-failed" in f["class"] for f in figs)
    assert "rainbow" in figs[1].get_text()
    assert len(result.warnings) == 2


def test_fail_fast_aborts(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project(
        "broken", tmp_path / "site", cache_dir=netviz_cache, netviz={"fail_fast": True}
    )
    assert result.error is not None
    assert not (tmp_path / "site" / "index.html").exists()


def test_config_errors_name_the_key(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project(
        "plain", tmp_path / "site", cache_dir=netviz_cache, netviz={"defaults": {"pallete": "x"}}
    )
    assert result.error is not None
    text = " ".join(m for _, m in result.messages) + str(result.error)
    assert "pallete" in text and "did you mean 'palette'" in text
    inside = build_project(
        "plain", tmp_path / "site2", cache_dir=PROJECTS / "plain" / "docs" / "cache"
    )
    assert inside.error is not None
    assert any("docs_dir" in m for _, m in inside.messages), inside.messages
    assert not (PROJECTS / "plain" / "docs" / "cache").exists()


def test_mkdocstrings_autodoc(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project("api", tmp_path / "site", cache_dir=netviz_cache, strict=True)
    assert result.error is None, result.messages
    soup = BeautifulSoup(result.page("api/index.html"), "html.parser")
    figs = soup.select("figure.netviz")
    assert len(figs) == 1, result.messages  # only the argument-free model factory
    entry = figs[0].find_parent(class_="doc-object")
    assert entry is not None
    heading = entry.find(class_="doc-heading")
    assert heading is not None and "small_classifier" in heading.get_text()
    svg = figs[0].select_one(".netviz-svg > svg")
    assert svg is not None and "hidden" in str(svg)
    check_fullsize_links(result, "api/index.html")
