"""Glyph links and the interactive markup in every builder family.

A custom layer autodoc'd on another page, Keras classes through intersphinx (a local
inventory file; nothing is downloaded), ``netviz_type_links`` by hand; other builders keep
their static output.
"""

from __future__ import annotations

import pytest

from ._shared import CACHED, netviz_warnings, soup


def _links(page) -> dict[str, str]:
    return {a.find("g")["data-type"]: a["href"] for a in page.select("svg.netviz a.nv-link")}


@pytest.mark.sphinx("html", testroot="links", confoverrides=CACHED)
def test_glyphs_link_to_autodoc_intersphinx_and_manual_urls(app) -> None:
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    assert "WARNING" not in app.warning.getvalue()
    page = soup(app.outdir / "index.html")
    links = _links(page)
    assert links["Scale"] == "api.html#linkmodels.Scale"  # the Python domain (autodoc)
    assert links["Dense"] == "https://keras.io/api/layers/core_layers/dense/#keras.layers.Dense"
    assert links["InputLayer"] == "https://example.test/input?a=1&b=2"  # netviz_type_links
    assert "Dropout" in links  # intersphinx too
    assert (
        'href="https://example.test/input?a=1&amp;b=2"' in (app.outdir / "index.html").read_text()
    )
    # the script and the stylesheet are linked
    scripts = [s.get("src") or "" for s in page.select("script")]
    assert any("netviz.js" in s for s in scripts)
    assert (app.outdir / "_static" / "netviz.js").is_file()


@pytest.mark.sphinx("dirhtml", testroot="links", confoverrides=CACHED)
def test_dirhtml_links_are_relative_to_the_directory(app) -> None:
    app.build(force_all=True)
    page = soup(app.outdir / "index.html")
    assert _links(page)["Scale"] == "api/#linkmodels.Scale"


@pytest.mark.sphinx("singlehtml", testroot="links", confoverrides=CACHED)
def test_singlehtml_links_stay_on_the_page(app) -> None:
    app.build(force_all=True)
    page = soup(app.outdir / "index.html")
    assert _links(page)["Scale"] == "#linkmodels.Scale"
    assert page.select_one("[id='linkmodels.Scale']") is not None


@pytest.mark.sphinx("epub", testroot="links", confoverrides=CACHED)
def test_epub_keeps_the_static_picture(app) -> None:
    app.build(force_all=True)
    text = (app.outdir / "index.xhtml").read_text(encoding="utf-8")
    assert "<img" in text and "nv-details" not in text and 'role="button"' not in text


@pytest.mark.sphinx("text", testroot="links", confoverrides=CACHED)
def test_text_builder_unaffected(app) -> None:
    app.build(force_all=True)
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "[diagram:" in text and "nv-link" not in text
