"""The SVG markup contract (shared/DESIGN.md section 3), checked on the parsed XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from sphinx_netviz.core.diagram import render
from sphinx_netviz.core.draw.svg import placeholder_svg
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.view.see_through import see_through

from . import irgraphs
from .irgraphs import Builder

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def check_contract(text: str) -> ET.Element:
    """Every markup promise that holds for any netviz SVG document."""
    root = parse(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text
    assert children[1].tag == f"{SVG}desc" and children[1].text
    prefix = root.get("id")
    assert prefix and re.fullmatch(r"nv[0-9a-f]{10}(-legend)?", prefix)
    for el in root.iter():
        tag = el.tag.replace(SVG, "")
        assert tag not in ("script", "foreignObject", "image", "use", "a", "iframe")
        for key, value in el.attrib.items():
            assert not key.lower().startswith("on"), key
            assert "href" not in key, key
            if key == "id":
                assert value.startswith(prefix.replace("-legend", "")), value
            if key == "transform":
                assert tag == "text" and re.fullmatch(r"rotate\([-\d. ]+\)", value), value
            if isinstance(value, str) and "url(" in value:
                assert re.fullmatch(r"url\(#" + re.escape(prefix) + r"-[\w-]+\)", value), value
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text
    return root


@pytest.mark.parametrize("name", sorted(irgraphs.ALL))
@pytest.mark.parametrize("palette", ["net2vis", "mono"])
def test_markup_contract(name, palette):
    d = render(irgraphs.ALL[name](), palette=palette)
    root = check_contract(d.svg)
    check_contract(d.legend_svg)
    layers = root.findall(".//s:g[@class='nv-layer']", NS)
    groups = root.findall(".//s:g[@class='nv-group']", NS)
    assert len(layers) + len(groups) == d.glyphs
    ids = set()
    for g in layers + groups:
        shapes = g.findall("s:polygon[@class='nv-shape']", NS)
        assert len(shapes) == 1
        pts = [tuple(map(float, p.split(","))) for p in shapes[0].get("points").split()]
        assert len(pts) >= 3
        assert g.find("s:title", NS) is not None and g.find("s:title", NS).text
        assert g.get("data-id")
        ids.add(g.get("data-id"))
    for g in layers:
        assert g.get("data-type") and g.get("data-name") is not None
        assert g.get("data-members") == ("0" if g.get("data-synthetic") else "1")
    for g in groups:
        assert int(g.get("data-members")) >= 1
    for e in root.findall(".//s:polyline[@class='nv-edge']", NS):
        assert e.get("data-source") in ids and e.get("data-target") in ids
    for t in root.findall(".//s:text", NS):
        assert "nv-label" in t.get("class")
    legend = root.findall(".//s:g[@class='nv-legend']", NS)
    assert len(legend) == 1
    items = legend[0].findall("s:g[@class='nv-legend-item']", NS)
    shown = {g.get("data-type") for g in layers}
    # a legend entry names a type once (``Input`` for ``InputLayer``, ``Conv2D`` for
    # ``nn.Conv2d``) and lists the glyphs' own class names in data-classes
    named = {i.get("data-type") for i in items}
    named |= {c for i in items for c in (i.get("data-classes") or "").split()}
    assert shown - {"Split"} <= named


def test_theme_colours_come_from_css_custom_properties():
    d = render(irgraphs.chain())
    root = parse(d.svg)
    style = root.find("s:style", NS).text
    for var in ("--netviz-fg", "--netviz-edge"):
        assert f"var({var}," in style
    # Presentation attributes carry the light fallbacks for CSS-less renderers.
    edge = root.find(".//s:polyline[@class='nv-edge']", NS)
    assert edge.get("stroke", "").startswith("#")


def test_user_text_is_escaped():
    b = Builder('evil<model>&"')
    x = b.input((8, 8, 1), name="in<script>alert(1)</script>")
    x = b.layer("Conv2D", x, (8, 8, 4), name='c"onv&<b>', config={"activation": "<x>"})
    b.output(x)
    d = render(b.build())
    assert "<script>" not in d.svg and "<b>" not in d.svg
    root = check_contract(d.svg)
    names = {g.get("data-name") for g in root.findall(".//s:g[@class='nv-layer']", NS)}
    assert 'c"onv&<b>' in names


def test_output_is_byte_identical_and_prefixes_differ_between_diagrams():
    a1 = render(irgraphs.residual_net()).svg
    a2 = render(Graph.from_json(irgraphs.residual_net().to_json())).svg
    assert a1 == a2
    b = render(irgraphs.unet()).svg
    c = render(irgraphs.residual_net(), palette="colorblind").svg
    pa, pb, pc = (parse(x).get("id") for x in (a1, b, c))
    assert len({pa, pb, pc}) == 3


def test_mono_patterns_are_defined_with_prefixed_ids():
    d = render(irgraphs.residual_net(), palette="mono")
    root = parse(d.svg)
    prefix = root.get("id")
    pats = root.findall(".//s:pattern", NS)
    assert pats and all(p.get("id").startswith(prefix + "-pat-") for p in pats)
    defined = {p.get("id") for p in pats}
    used = set(re.findall(r"url\(#([\w-]+)\)", d.svg))
    assert used <= defined


def test_placeholder_follows_the_same_rules():
    text = placeholder_svg("model <x>", "could not import 'pkg.mod' & failed")
    root = check_contract(text)
    assert "could not import" in "".join(root.itertext())
    assert "<x>" not in text


@pytest.mark.parametrize("name", sorted(irgraphs.ALL))
def test_conservation_can_be_read_from_the_svg(name):
    graph = irgraphs.ALL[name]()
    root = parse(render(graph, hide="Dropout").svg)
    glyphs = root.findall(".//s:g[@class='nv-layer']", NS) + root.findall(
        ".//s:g[@class='nv-group']", NS
    )
    drawn = sum(int(g.get("data-members")) for g in glyphs)
    # the drawn level: the top level, with the containers depth: auto opens replaced by
    # their internals (their own inputs only forward a tensor)
    opened = see_through(graph)
    level = [
        n
        for n in graph.nodes
        if (n.parent is None or n.parent in opened)
        and n.id not in opened
        and not (n.kind == "input" and n.parent is not None)
    ]
    hidden = sum(1 for n in level if n.type == "Dropout")
    assert drawn + hidden == len(level)
