"""The interactive markup in a real ``mkdocs build``: script shipped, scenes hidden, links.

``type_links`` (by hand, escaped, made absolute under ``site_url`` for Material's instant
navigation); unresolved classes stay unlinked without a warning. Autorefs links to
mkdocstrings entries are followed in the browser tests (tests/browser/test_explore.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import BuildResult, build_project

pytestmark = [pytest.mark.xdist_group("mkdocs"), pytest.mark.usefixtures("reset_plugin")]


def _build(tmp_path: Path, cache: Path, **overrides: object) -> BuildResult:
    result = build_project(
        "plain",
        tmp_path / "site",
        cache_dir=cache,
        strict=True,
        netviz={"type_links": {"InputLayer": "https://example.test/in?a=1&b=<2>"}},
        **overrides,
    )
    assert result.error is None, result.messages
    assert result.warnings == []
    return result


def test_script_links_and_hidden_scenes(tmp_path: Path, netviz_cache: Path) -> None:
    result = _build(tmp_path, netviz_cache)
    html = result.page("index.html")
    page = BeautifulSoup(html, "html.parser")
    assert (result.site / "assets/netviz/netviz.js").is_file()
    script = page.select_one("script[src$='assets/netviz/netviz.js']")
    assert script is not None and script.has_attr("defer")
    links = page.select("svg.netviz a.nv-link")
    assert [a["href"] for a in links] == ["https://example.test/in?a=1&b=<2>"]
    assert 'href="https://example.test/in?a=1&amp;b=&lt;2&gt;"' in html
    assert "#nv-ref:" not in html, "deferred links are resolved or dropped"
    fig = page.select_one("figure.netviz")
    link = fig.select_one("a.netviz-full")
    assert link is not None and link.get_text() == "Full-size diagram (SVG)"
    assert fig.select_one("div.netviz-svg[data-search-exclude]") is not None


def test_relative_manual_links_become_absolute_under_site_url(
    tmp_path: Path, netviz_cache: Path
) -> None:
    result = build_project(
        "plain",
        tmp_path / "site",
        cache_dir=netviz_cache,
        strict=True,
        netviz={"type_links": {"InputLayer": "../api/#input"}},
        site_url="https://docs.example.test/proj/",
    )
    assert result.error is None, result.messages
    page = BeautifulSoup(result.page("guide/models/index.html"), "html.parser")
    hrefs = {a["href"] for a in page.select("svg.netviz a.nv-link")}
    assert hrefs == {"https://docs.example.test/proj/guide/api/#input"}
