"""HTML output: inline SVG in a figure, full-size file, captions, numref, dependencies."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ._shared import CACHED, netviz_warnings, soup

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.sphinx("html", testroot="basic", confoverrides=CACHED)
def test_html_inline_svg_figure_caption_numref(app) -> None:
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    page = soup(app.outdir / "index.html")

    # The captioned diagram: a numbered <figure> holding the inline SVG and a <figcaption>.
    figure = page.select_one("figure#fig-tiny")
    assert figure is not None, "the :name: label is the figure's id"
    assert "netviz-figure" in figure["class"]
    svg = figure.select_one("div.netviz svg")
    assert svg is not None and svg.get("role") == "img"
    assert svg.get("aria-label") == "Tiny dense network"  # :alt: wins
    assert svg.find("title") is not None
    caption = figure.select_one("figcaption").get_text(" ", strip=True)
    assert "tiny" in caption and "Fig. 1" in caption
    assert figure.select_one("figcaption em").get_text() == "tiny"  # inline markup parsed

    # :numref: and :ref: reach it.
    refs = [a for a in page.select("a.reference.internal") if a.get("href") == "#fig-tiny"]
    texts = {a.get_text(" ", strip=True) for a in refs}
    assert "Fig. 1" in texts
    assert any("tiny" in t and "Fig." not in t for t in texts)

    # The uncaptioned diagram is its own <figure> with align, width and extra classes.
    plain = page.select_one("figure.netviz.extra-class")
    assert plain is not None
    assert "align-center" in plain["class"]
    assert plain.get("style") == "width: 80%"
    inline = plain.select_one("div.netviz-svg > svg")
    assert inline is not None
    assert inline.select("g.nv-layer"), "the diagram has layer glyphs"

    # The full-size SVG file next to it exists, is the same drawing, and parses as SVG.
    link = plain.select_one("a.netviz-full")
    target = (app.outdir / link["href"]).resolve()
    assert target.parent == (app.outdir / "_images").resolve()
    assert target.name.startswith("netviz-") and target.suffix == ".svg"
    root = ET.fromstring(target.read_bytes())
    assert root.tag == f"{SVG_NS}svg"
    assert len(root.findall(f".//{SVG_NS}g[@class='nv-layer']")) == len(inline.select("g.nv-layer"))

    # The rest of the page is there, and the stylesheet is linked and copied.
    text = page.get_text()
    assert "Intro paragraph." in text and "Closing paragraph." in text
    assert any(
        "netviz.css" in (link.get("href") or "") for link in page.select("link[rel=stylesheet]")
    )
    assert (app.outdir / "_static" / "netviz.css").is_file()


@pytest.mark.sphinx("html", testroot="basic", confoverrides=CACHED)
def test_html_separate_legend_and_dependencies(app) -> None:
    app.build(force_all=True)
    page = soup(app.outdir / "second.html")
    figure = page.select_one("figure.netviz")
    assert figure.select_one("div.netviz-svg svg") is not None
    assert figure.select_one("div.netviz-legend svg g.nv-legend") is not None

    # Editing the model file (found through conf.py's sys.path.insert) re-reads both pages.
    model_file = (Path(app.srcdir) / "tinymodels.py").resolve()
    for docname in ("index", "second"):
        deps = {Path(p).resolve() for p in app.env.dependencies[docname]}
        assert model_file in deps, docname


@pytest.mark.sphinx("html", testroot="basic", confoverrides=CACHED)
def test_extension_metadata(app) -> None:
    ext = app.extensions["sphinx_netviz"]
    assert ext.parallel_read_safe is True
    assert ext.parallel_write_safe is True
    assert ext.version
    config = app.config
    assert config.netviz_defaults == {} and config.netviz_autodoc is False
    assert config.netviz_timeout == 120.0


@pytest.mark.sphinx("html", testroot="myst", confoverrides=CACHED)
def test_myst_markdown_directive(app) -> None:
    app.build(force_all=True)
    page = soup(app.outdir / "index.html")
    figure = page.select_one("figure#fig-md")
    assert figure is not None and figure.select_one("div.netviz svg") is not None
    assert "Fig. 1" in figure.select_one("figcaption").get_text()
    refs = {a.get_text(strip=True) for a in page.select("a.reference.internal[href='#fig-md']")}
    assert "Fig. 1" in refs
    # An unknown option in a MyST fence is a netviz warning with a placeholder, too.
    warnings = netviz_warnings(app.warning.getvalue())
    assert len(warnings) == 1 and "unknown option 'colour'" in warnings[0]
    assert "index.md:13" in warnings[0]
    assert page.select_one("figure.netviz-failed svg") is not None
    assert "Text after." in page.get_text()
