"""Preparing SVG documents for inlining (shared by the Sphinx and MkDocs adapters)."""

from __future__ import annotations

from sphinx_netviz.core.embed.inline import inline_svg, unique_ids

SVG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" id="nvabc" role="img" '
    'aria-labelledby="nvabc-title" aria-label="old" viewBox="0 0 10 10">'
    '<title id="nvabc-title">t</title><rect fill="url(#nvabc-p1)"/></svg>'
)


def test_inline_svg_drops_prologue_and_sets_escaped_label() -> None:
    body = inline_svg(SVG, 'A "quoted" <net>')
    assert body.startswith("<svg ")
    assert 'aria-label="A &quot;quoted&quot; &lt;net&gt;"' in body
    assert "aria-labelledby" not in body and "old" not in body
    assert inline_svg(SVG) == SVG.split("\n", 1)[1]


def test_self_closing_root_keeps_its_shape() -> None:
    assert inline_svg('<svg id="a"/>', "x") == '<svg id="a" aria-label="x"/>'


def test_unique_ids_renumbers_later_copies_only() -> None:
    seen: dict[str, int] = {}
    first = unique_ids(SVG, seen)
    second = unique_ids(SVG, seen)
    third = unique_ids(SVG, seen)
    assert first == SVG
    assert 'id="nvabc-2"' in second and "url(#nvabc-2-p1)" in second
    assert 'aria-labelledby="nvabc-2-title"' in second
    assert 'id="nvabc-3"' in third
    assert seen == {"nvabc": 3}


def test_an_inlined_diagram_needs_no_inline_style_of_its_own() -> None:
    """Issue 19: under ``Content-Security-Policy: style-src 'self'`` an inlined ``<style>``
    and ``style=`` are blocked; the inlined SVG has neither (netviz.css styles it, netviz.js
    applies the min width from ``data-min-width``), the standalone file keeps both."""
    import re
    import xml.etree.ElementTree as ET

    from sphinx_netviz.core import render

    from . import irgraphs

    svg = render(irgraphs.residual_net()).svg
    assert "<style>" in svg and 'style="--netviz-min-width:' in svg  # the standalone file
    shown = inline_svg(svg, "alt text")
    assert "<style" not in shown and not re.search(r"\sstyle=", shown)
    root = ET.fromstring(shown)
    assert float(root.get("data-min-width", "0")) > 0
    assert root.get("aria-label") == "alt text"


def test_netviz_css_carries_every_rule_of_the_diagrams_own_style() -> None:
    """What an inlined diagram loses with its ``<style>`` the page's netviz.css says again."""
    import re

    from sphinx_netviz.core.draw.markup import STYLE
    from sphinx_netviz.core.embed.figure import STATIC_DIR

    def rules(css: str) -> set[tuple[str, str]]:
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
        found = set()
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            parts = (re.sub(r"\s*([:,])\s*", r"\1", d.strip()) for d in body.split(";"))
            decls = ";".join(sorted(p for p in parts if p))
            for sel in selectors.split(","):
                found.add((" ".join(sel.split()), decls))
        return found

    page = rules((STATIC_DIR / "netviz.css").read_text())
    missing = rules(STYLE) - page
    assert not missing, missing
