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
