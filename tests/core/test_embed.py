"""core/embed.py and core/detail.py: the one HTML of a diagram, its drill-down scenes, links.

Real renders of IR graphs, parsed with a real HTML parser (BeautifulSoup) and ElementTree.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from sphinx_netviz.core import Graph, Node, render
from sphinx_netviz.core.adapter import (
    FULL_SIZE_TEXT,
    STATIC_DIR,
    STATIC_FILES,
    Embed,
    deferred_links,
    figure_html,
    link_table,
    placeholder_html,
    resolve_deferred,
)
from sphinx_netviz.core.embed.figure import class_candidates

from . import irgraphs

NS = "{http://www.w3.org/2000/svg}"


def _figure(graph: Graph, **kwargs: object) -> BeautifulSoup:
    d = render(graph)
    html = figure_html(svg=d.svg, details=d.details, embed=Embed(), href="x.svg", **kwargs)  # type: ignore[arg-type]
    return BeautifulSoup(html, "html.parser")


def _scenes(details: str) -> dict[str, ET.Element]:
    """Scenes by each glyph id that opens them (``data-for`` lists several when shared)."""
    root = ET.fromstring(f'<div xmlns="http://www.w3.org/2000/svg">{details}</div>')
    return {opener: s for s in root for opener in s.get("data-for", "").split()}


def _top_glyphs(scene: ET.Element) -> list[ET.Element]:
    glyphs = scene.find(f"{NS}g/{NS}g[@class='nv-glyphs']")
    assert glyphs is not None
    out = []
    for el in glyphs:
        if el.tag == f"{NS}a":  # a linked layer
            el = el[0]
        out.append(el)
    return out


def test_group_scenes_conserve_members_level_by_level() -> None:
    d = render(irgraphs.residual_net(3))
    main = ET.fromstring(d.svg)
    groups = {g.get("data-id"): g for g in main.iter(f"{NS}g") if g.get("class") == "nv-group"}
    assert groups, "the residual net folds into groups"
    scenes = _scenes(d.details)
    # every group glyph, in the diagram or inside a scene, opens a scene whose glyphs add
    # up to the group's data-members
    pending = dict(groups)
    checked = 0
    while pending:
        gid, glyph = pending.popitem()
        assert gid in scenes, f"group {gid} has no scene"
        inner = _top_glyphs(scenes[gid])
        assert sum(int(g.get("data-members", "0")) for g in inner) == int(
            glyph.get("data-members", "-1")
        )
        for g in inner:
            assert g.get("class") in ("nv-layer", "nv-group")
            assert g.find(f"{NS}polygon[@class='nv-shape']") is not None
            if g.get("class") == "nv-group":
                pending[g.get("data-id", "")] = g
        checked += 1
    assert checked > len(groups), "nested groups open level by level"
    # scene ids never collide with each other or with the diagram's glyphs
    main_ids = [g.get("data-id") for g in main.iter(f"{NS}g") if g.get("data-id")]
    distinct = {id(s): s for s in scenes.values()}.values()
    scene_groups = [
        g.get("data-id") for s in distinct for g in _top_glyphs(s) if g.get("data-count")
    ]
    assert len(set(scene_groups)) == len(scene_groups)
    assert not set(scene_groups) & set(main_ids)


def test_nested_model_and_composite_open_through_one_path() -> None:
    graph = irgraphs.nested()
    scenes = _scenes(render(graph).details)
    assert set(scenes) == {"encoder"}
    inner = _top_glyphs(scenes["encoder"])
    assert [g.get("data-type") for g in inner] == ["InputLayer", "Conv2D", "MaxPooling2D"]
    assert scenes["encoder"].get("aria-label") == "encoder (Functional)"
    # the same IR with kind "composite" (a layer that calls layers) opens the same way
    composite = dataclasses.replace(
        graph,
        nodes=tuple(
            dataclasses.replace(n, kind="composite", type="MyBlock") if n.id == "encoder" else n
            for n in graph.nodes
        ),
    )
    # (drawn closed: with depth: auto a composite that only chains layers is see-through)
    scenes = _scenes(render(composite, depth=0).details)
    assert [g.get("data-type") for g in _top_glyphs(scenes["encoder"])] == [
        "InputLayer",
        "Conv2D",
        "MaxPooling2D",
    ]
    # expanded nested models have nothing left to open
    assert render(graph, expand_nested=True).details == ""


def test_figure_marks_controls_and_hides_scenes() -> None:
    page = _figure(irgraphs.residual_net(2))
    svg = page.select_one("div.netviz-svg[data-search-exclude] > svg.netviz")
    assert svg is not None
    controls = svg.select('[role="button"]')
    assert controls and all(c.get("tabindex") == "0" for c in controls)
    assert all(c.get("aria-expanded") == "false" and c.get("aria-label") for c in controls)
    assert {c["data-id"] for c in controls} == {g["data-id"] for g in svg.select("g.nv-group")}
    assert not svg.select('g.nv-layer[role="button"]'), "plain layers are not controls"
    store = page.select_one("div.nv-details")
    assert store is not None and store.has_attr("hidden") and store.has_attr("data-search-exclude")
    for scene in store.select("svg.nv-detail"):
        for g in scene.select("g.nv-group"):
            assert g.get("role") == "button"  # nested groups are controls too
    link = page.select_one("a.netviz-full")
    assert link is not None and link.get_text() == FULL_SIZE_TEXT and link["href"] == "x.svg"


def test_figure_escapes_everything_user_controlled() -> None:
    evil = '"><script>alert(1)</script>'
    d = render(irgraphs.chain())
    html = figure_html(
        svg=d.svg,
        details=d.details,
        embed=Embed(caption=evil, alt=evil, name=evil, width=evil, classes=("a",)),
        href=evil,
        links={"Conv2D": "javascript:" + evil, "Dense": "https://x.test/?a=1&b=<2>"},
    )
    assert "<script>" not in html
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("figcaption").get_text().startswith(evil)
    linked = page.select("a.nv-link")
    assert linked and {a.find("g")["data-type"] for a in linked} == {"Conv2D", "Dense"}
    assert "https://x.test/?a=1&amp;b=&lt;2&gt;" in html
    # two copies of one diagram on a page get distinct ids
    seen: dict[str, int] = {}
    one = figure_html(svg=d.svg, embed=Embed(), href="a", seen=seen)
    two = figure_html(svg=d.svg, embed=Embed(), href="a", seen=seen)
    ids = [BeautifulSoup(h, "html.parser").select_one("svg.netviz")["id"] for h in (one, two)]
    assert ids[0] != ids[1]


def test_placeholder_html_escapes_and_is_marked_failed() -> None:
    html = placeholder_html(spec="<b>pkg:f</b>", message="boom & <i>x</i>", embed=Embed())
    page = BeautifulSoup(html, "html.parser")
    fig = page.select_one("figure.netviz.netviz-failed")
    assert fig is not None and fig.select_one("svg.netviz-placeholder") is not None
    assert "<b>" not in html and "<i>" not in html
    assert "boom & <i>x</i>" in fig.select_one(".netviz-message").get_text()


def test_links_manual_resolved_and_deferred() -> None:
    classes = [("Dense", "keras.src.layers.core.dense"), ("MyBlock", "mypkg.layers")]
    assert class_candidates("Dense", "keras.src.layers.core.dense") == [
        "keras.src.layers.core.dense.Dense",
        "keras.layers.Dense",
    ]
    table = link_table(
        classes,
        {"keras.layers.Dense": "https://keras.io/dense"}.get,
        {"MyBlock": "my.html#MyBlock"},
    )
    assert table == {"Dense": "https://keras.io/dense", "MyBlock": "my.html#MyBlock"}
    assert link_table(classes, lambda name: None) == {}  # unresolved: simply unlinked

    d = render(irgraphs.chain())
    drawn = [("Conv2D", "keras.src.layers.convolutional.conv2d"), ("Dense", "keras.src.x")]
    html = figure_html(svg=d.svg, embed=Embed(), href="a", links=deferred_links(drawn))
    assert "#nv-ref:" in html
    resolved = resolve_deferred(html, {"keras.layers.Conv2D": "api.html#Conv2D"}.get)
    assert "#nv-ref:" not in resolved
    page = BeautifulSoup(resolved, "html.parser")
    assert [a["href"] for a in page.select("a.nv-link")] == ["api.html#Conv2D"] * len(
        page.select('g.nv-layer[data-type="Conv2D"]')
    )
    # the glyphs of unresolved types are unwrapped, not lost
    assert len(page.select("g.nv-layer")) == len(
        BeautifulSoup(html, "html.parser").select("g.nv-layer")
    )


def test_static_assets_small_and_csp_safe() -> None:
    for name in STATIC_FILES:
        assert (STATIC_DIR / name).is_file()
    script = (STATIC_DIR / "netviz.js").read_text(encoding="utf-8")
    assert len(script.encode("utf-8")) <= 10 * 1024, "the script must stay under 10 KB"
    for banned in ("eval(", "new Function", "innerHTML", 'setAttribute("on', "http://", "https://"):
        assert banned not in script, banned
    d = render(irgraphs.residual_net(2))
    html = figure_html(svg=d.svg, details=d.details, embed=Embed(), href="a")
    tags = BeautifulSoup(html, "html.parser").find_all(True)
    assert not [t for t in tags if any(a.lower().startswith("on") for a in t.attrs)]
    assert "<script" not in html


def test_standalone_svg_stays_static() -> None:
    """The controls live in the page only: the .svg file keeps its static contract."""
    d = render(irgraphs.residual_net(2))
    assert 'role="button"' not in d.svg and "tabindex" not in d.svg
    assert "nv-detail" not in d.svg
    assert isinstance(Node, type)


def test_repeats_share_one_scene_and_unreachable_scenes_go() -> None:
    from sphinx_netviz.core.draw.details import share_scenes

    main = '<svg><g class="nv-group" data-id="g1"/><g class="nv-group" data-id="g2"/></svg>'
    one = '<svg data-for="g1"><g class="nv-layer" data-id="a" data-name="a"/></svg>'
    two = '<svg data-for="g2"><g class="nv-layer" data-id="b" data-name="b"/></svg>'
    orphan = '<svg data-for="zz"><g class="nv-layer" data-id="c" data-name="c"/><i/></svg>'
    shared = share_scenes(main, [(["g1"], one), (["g2"], two), (["zz"], orphan)])
    assert shared == '<svg data-for="g1 g2"><g class="nv-layer" data-id="a" data-name="a"/></svg>'

    d = render(irgraphs.residual_net(6))
    scenes = _scenes(d.details)
    assert len({id(s) for s in scenes.values()}) < len(scenes), "repeats share scenes"
    # rendering stays deterministic
    assert render(irgraphs.residual_net(6)).details == d.details


def test_scenes_of_a_huge_model_stay_within_the_budget() -> None:
    from sphinx_netviz.core.diagram import DETAIL_BUDGET, DETAIL_FLOOR

    d = render(irgraphs.synthetic(2000, seed=1))
    full = render(irgraphs.synthetic(2000, seed=1)).details
    assert full == d.details  # deterministic
    # every glyph of the diagram opens (below), deeper levels only within the budget
    assert max(DETAIL_BUDGET * len(d.svg), DETAIL_FLOOR) < len(d.details) < 2 * len(d.svg)
    page = BeautifulSoup(
        figure_html(svg=d.svg, details=d.details, embed=Embed(), href="a"), "html.parser"
    )
    scenes = {
        i for s in page.select("div.nv-details > svg.nv-detail") for i in s["data-for"].split()
    }
    controls = {g["data-id"] for g in page.select('[role="button"]')}
    assert controls and controls <= scenes, "every control opens something"
    # the outer level opens: every group glyph of the diagram itself is a control
    main = page.select_one("div.netviz-svg > svg")
    assert {g["data-id"] for g in main.select("g.nv-group")} <= controls
    # and the budget cut deeper levels: some glyphs inside scenes stay static
    inner = {g["data-id"] for g in page.select("div.nv-details g.nv-group")}
    assert inner - controls
