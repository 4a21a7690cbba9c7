"""Security: user-controlled text is escaped everywhere, and nothing is written outside the
output and cache directories, whatever a page's specs and options say.

Checked on the matrix builds (one Sphinx, one MkDocs), whose page holds hostile layer names
and config values, a spec with markup, hostile caption/alt/class/name options and
path-traversal attempts. HTML is parsed with a real parser (BeautifulSoup's ``html.parser``)
and every written SVG file with ``defusedxml``: an injection shows up as an element or an
attribute, not as a substring.
"""

from __future__ import annotations

import pytest
from bs4 import Tag
from defusedxml import ElementTree

from . import matrix as m
from .conftest import TOOLS, MatrixBuild

SVG_NS = "{http://www.w3.org/2000/svg}"

#: Every element an inline netviz diagram may contain.
SVG_ELEMENTS = {
    "svg", "title", "desc", "defs", "style", "g", "polygon", "polyline", "path", "line",
    "rect", "circle", "ellipse", "text", "tspan", "pattern", "marker", "clippath", "use",
    "lineargradient", "stop",
}  # fmt: skip
DANGEROUS = {"script", "iframe", "object", "embed", "foreignobject", "img", "image", "form"}


def _netviz_elements(build: MatrixBuild) -> list[Tag]:
    return [f for f in build.figures.values() if f is not None]


def _assert_inert(element: Tag, where: str) -> None:
    for tag in [element, *element.find_all(True)]:
        assert tag.name not in DANGEROUS, f"{where}: <{tag.name}> injected"
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: event attribute {name}"
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert "javascript:" not in text.lower(), f"{where}: {name}={text!r}"


@pytest.mark.parametrize("tool", TOOLS)
def test_no_injected_elements_or_attributes_in_any_diagram(matrix_build: MatrixBuild) -> None:
    for case_id, figure in matrix_build.figures.items():
        assert figure is not None, case_id
        _assert_inert(figure, case_id)
        for svg in figure.find_all("svg"):
            names = {t.name for t in svg.find_all(True)}
            assert names <= SVG_ELEMENTS, (case_id, names - SVG_ELEMENTS)
    # Nowhere on the page: no script carrying a payload, no element a payload would create.
    for script in matrix_build.soup.find_all("script"):
        assert "alert(" not in script.get_text(), script
    assert matrix_build.soup.find(attrs={"onerror": True}) is None
    assert matrix_build.soup.find(attrs={"onclick": True}) is None
    assert matrix_build.soup.find(attrs={"onload": True}) is None
    assert matrix_build.soup.find(attrs={"onmouseover": True}) is None


@pytest.mark.parametrize("tool", TOOLS)
def test_layer_names_and_config_round_trip_as_text(matrix_build: MatrixBuild) -> None:
    svg = matrix_build.figures["hostile-names"].find("svg")  # type: ignore[union-attr]
    names = {g.get("data-name") for g in svg.find_all("g", class_="nv-layer")}
    for name in m.HOSTILE_NAMES:
        assert name in names  # the exact text, decoded by the parser: escaped, not mangled
    tooltips = " ".join(t.get_text() for t in svg.find_all("title"))
    assert "N" * 500 in tooltips  # 500 characters kept whole in the tooltip
    text = svg.get_text()
    assert "<script>alert(1)" in text or "<script>alert(1)" in tooltips


@pytest.mark.parametrize("tool", TOOLS)
def test_embed_options_are_escaped(matrix_build: MatrixBuild) -> None:
    figure = matrix_build.figures["hostile-embed"]
    assert figure is not None
    svg = figure.find("svg")
    assert svg.get("aria-label") == m.HOSTILE_ALT  # the alt text, as one attribute value
    container = figure.find_parent("figure") or figure
    caption = container.find(["figcaption", "caption"])
    assert caption is not None
    shown = caption.get_text()
    assert "<script>alert(" in shown and "<b>bold</b>" in shown  # as text, not elements
    assert caption.find("script") is None and caption.find("b") is None
    for element in [container, *container.find_all(True)]:
        assert "onclick" not in element.attrs
        assert "onerror" not in element.attrs


@pytest.mark.parametrize("tool", TOOLS)
def test_error_messages_with_markup_are_escaped(matrix_build: MatrixBuild) -> None:
    figure = matrix_build.figures["malformed-spec"]
    assert figure is not None
    assert '<script>alert("spec")</script>' in figure.get_text()
    assert figure.find("script") is None


@pytest.mark.parametrize("tool", TOOLS)
def test_written_svg_files_are_well_formed_and_inert(matrix_build: MatrixBuild) -> None:
    assert matrix_build.svg_files, "no full-size SVG file written"
    names_seen: set[str] = set()
    for path in matrix_build.svg_files:
        root = ElementTree.parse(path).getroot()  # raises on anything not well-formed
        assert root.tag == f"{SVG_NS}svg"
        for element in root.iter():
            local = element.tag.removeprefix(SVG_NS).lower()
            assert local not in DANGEROUS, (path.name, local)
            for attr, value in element.attrib.items():
                assert not attr.lower().startswith("on"), (path.name, attr)
                assert "javascript:" not in value.lower()
                if "}href" in attr or attr == "href":
                    assert value.startswith("#"), (path.name, value)  # no external refs
            if element.get("data-name"):
                names_seen.add(element.get("data-name", ""))
    for name in m.HOSTILE_NAMES:
        assert name in names_seen, name


@pytest.mark.parametrize("tool", TOOLS)
def test_nothing_written_outside_output_and_cache(matrix_build: MatrixBuild) -> None:
    assert matrix_build.outside_after == matrix_build.outside_before
    assert matrix_build.token_hits == []
    assert m.token_files(m.ROOT / "tests", m.ROOT / "docs") == []
