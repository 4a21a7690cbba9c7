"""The architecture diff drawn (issue 21): ``diff(old, new) -> Diagram`` and its markup.

Real models (Keras pairs of tests/zoo/diff_models.py, their PyTorch twin, keras_hub and
Hugging Face BERTs of two depths, ResNet50 vs ResNet101), SVG parsed with xml.etree. The
marks are read as a consumer reads them: ``data-diff`` on glyphs and edges, ``data-count`` /
``data-count-old`` on groups, the label under a group, the legend's ``data-diff`` items,
the tooltips, and the outline and badge that make a mark readable without colour.
Conservation: the glyphs of NEW add up to NEW's IR (at the drawn level), the ghosts to what
OLD lost.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
keras = pytest.importorskip("keras")

from sphinx_netviz.core import Graph, diff, render  # noqa: E402
from sphinx_netviz.core.diagram import Diagram  # noqa: E402
from sphinx_netviz.core.draw.diffmarks import BADGES  # noqa: E402
from sphinx_netviz.core.extract.live import extract_live  # noqa: E402
from sphinx_netviz.core.options import resolve_options  # noqa: E402
from tests.zoo import diff_models, papers  # noqa: E402

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def graph_of(model: object) -> Graph:
    return extract_live(model, resolve_options({}))


def glyphs(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [e for e in root.iter() if e.get("class") in ("nv-layer", "nv-group")]


def marked(svg: str) -> dict[str, str]:
    """Glyph id -> data-diff, for every marked glyph."""
    return {g.get("data-id", ""): g.get("data-diff", "") for g in glyphs(svg) if g.get("data-diff")}


def edge_marks(svg: str) -> list[tuple[str, str, str]]:
    root = ET.fromstring(svg)
    return [
        (e.get("data-source", ""), e.get("data-target", ""), e.get("data-diff", ""))
        for e in root.iter()
        if e.get("class") == "nv-edge" and e.get("data-diff")
    ]


def legend_marks(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        e.get("data-diff", "")
        for e in root.iter()
        if e.get("class") == "nv-legend-item" and e.get("data-diff")
    ]


def check_conservation(d: Diagram, old: Graph, new: Graph) -> None:
    """NEW's glyphs hold each top-level IR node of NEW once; ghosts hold what OLD lost."""
    assert d.changes is not None
    drawn = [g for g in glyphs(d.svg) if g.get("data-diff") != "removed"]
    ghosts = [g for g in glyphs(d.svg) if g.get("data-diff") == "removed"]
    assert sum(int(g.get("data-members", "0")) for g in drawn) == sum(
        1 for n in new.nodes if n.parent is None
    )
    lost = [i for i in d.changes.removed if old.node(i).parent is None]
    assert sum(int(g.get("data-members", "0")) for g in ghosts) == len(lost)
    assert sorted(g.get("data-id", "") for g in ghosts) == sorted(f"old:{i}" for i in lost)


def scenes(details: str) -> dict[str, str]:
    """Drill-down scenes by each glyph id that opens them."""
    out: dict[str, str] = {}
    for attrs, body in re.findall(r"<svg ([^>]*)>(.*?)</svg>", details, re.S):
        opener = re.search(r'data-for="([^"]*)"', attrs)
        assert opener is not None
        out.update((o, body) for o in opener.group(1).split())
    return out


def tooltip(svg: str, glyph_id: str) -> str:
    for g in glyphs(svg):
        if g.get("data-id") == glyph_id:
            title = g.find("s:title", NS)
            return title.text or "" if title is not None else ""
    raise AssertionError(f"no glyph {glyph_id!r}")


def badge(svg: str, glyph_id: str) -> str:
    for g in glyphs(svg):
        if g.get("data-id") == glyph_id:
            texts = [
                t for t in g if t.tag == f"{SVG}text" and "nv-diff-badge" in t.get("class", "")
            ]
            return "".join(t.text or "" for t in texts)
    raise AssertionError(f"no glyph {glyph_id!r}")


# -- the targets of the issue ------------------------------------------------------------------
def test_identical_models_draw_no_marks_and_the_plain_picture() -> None:
    old, new = graph_of(diff_models.branches(3)), graph_of(diff_models.branches(3))
    d = diff(old, new)
    assert d.changes is not None and not d.changes.differ
    assert "data-diff" not in d.svg and "nv-diff-badge" not in d.svg
    plain = render(new)
    shapes = [g.find("s:polygon", NS).get("points") for g in glyphs(d.svg)]  # type: ignore[union-attr]
    assert shapes == [g.find("s:polygon", NS).get("points") for g in glyphs(plain.svg)]  # type: ignore[union-attr]
    check_conservation(d, old, new)


def test_a_widened_dense_marks_exactly_that_glyph_not_its_successor() -> None:
    old, new = graph_of(diff_models.mlp(128)), graph_of(diff_models.mlp(256))
    d = diff(old, new)
    assert marked(d.svg) == {"dense_1": "changed"}
    tip = tooltip(d.svg, "dense_1")
    assert "changed: units 128 -> 256, output (128,) -> (256,), params 8,320 -> 16,640" in tip
    assert badge(d.svg, "dense_1") == "~"
    assert edge_marks(d.svg) == []
    assert legend_marks(d.svg) == ["changed"]
    check_conservation(d, old, new)


def test_an_inserted_dropout_is_one_added_glyph_and_the_old_edge_a_ghost() -> None:
    old, new = graph_of(diff_models.mlp(128)), graph_of(diff_models.mlp(128, dropout=True))
    d = diff(old, new)
    assert d.changes is not None and d.changes.stat_lines()[:3] == [
        "added: 1",
        "removed: 0",
        "changed: 0",
    ]
    assert marked(d.svg) == {"dropout": "added"}
    assert badge(d.svg, "dropout") == "+"
    assert "added: not in the reference" in tooltip(d.svg, "dropout")
    # the edge dense_1 -> dense_2 that OLD had is drawn, dashed, where it was
    removed = [(s, t) for s, t, m in edge_marks(d.svg) if m == "removed"]
    assert removed == [("dense_1#split", "dense_2")]
    added = {(s, t) for s, t, m in edge_marks(d.svg) if m == "added"}
    assert ("dropout", "dense_2") in added
    assert legend_marks(d.svg) == ["added", "removed"]
    check_conservation(d, old, new)


def test_a_removed_branch_is_drawn_ghosted_where_it_was() -> None:
    old, new = graph_of(diff_models.branches(3)), graph_of(diff_models.branches(2))
    d = diff(old, new)
    assert marked(d.svg) == {"old:b3_pool": "removed", "old:b3_conv": "removed"}
    boxes = {}
    for g in glyphs(d.svg):
        poly = g.find("s:polygon", NS)
        assert poly is not None
        xs = [float(p.split(",")[0]) for p in (poly.get("points") or "").split()]
        boxes[g.get("data-id")] = (min(xs), max(xs))
        if g.get("data-diff") == "removed":
            assert poly.get("stroke-dasharray") and poly.get("fill-opacity") == "0.3"
            assert badge(d.svg, g.get("data-id", "")) == "-"
            assert g.get("data-type") in ("MaxPooling2D", "Conv2D")
    # between the input and the merge, in OLD's order
    assert boxes["image"][1] < boxes["old:b3_pool"][0] < boxes["old:b3_conv"][0]
    assert boxes["old:b3_conv"][1] < boxes["concat"][0]
    ghost_edges = {(s, t) for s, t, m in edge_marks(d.svg) if m == "removed"}
    assert ("old:b3_pool", "old:b3_conv") in ghost_edges and (
        "old:b3_conv",
        "concat",
    ) in ghost_edges
    check_conservation(d, old, new)
    # the other way round, the branch is added
    back = diff(new, old)
    assert marked(back.svg) == {"b3_pool": "added", "b3_conv": "added"}
    check_conservation(back, new, old)


def test_a_keras_cnn_and_its_pytorch_port_draw_no_marks() -> None:
    pytest.importorskip("torch")
    d = diff(graph_of(diff_models.keras_cnn()), graph_of(diff_models.torch_cnn()))
    assert d.changes is not None and not d.changes.differ
    assert "data-diff" not in d.svg


def _keras_hub_bert(layers: int) -> object:
    hub = pytest.importorskip("keras_hub")
    return hub.models.BertBackbone(
        vocabulary_size=100,
        num_layers=layers,
        num_heads=2,
        hidden_dim=32,
        intermediate_dim=64,
        max_sequence_length=32,
    )


def count_group(svg: str) -> ET.Element:
    """The only marked glyph, which must be a group whose repeat count changed."""
    (group,) = [g for g in glyphs(svg) if g.get("data-diff")]
    assert group.get("class") == "nv-group" and group.get("data-diff") == "changed"
    return group


def labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if "nv-label" in t.get("class", "")]


def test_keras_hub_bert_4_to_6_layers_marks_only_the_block_group() -> None:
    four, six = graph_of(_keras_hub_bert(4)), graph_of(_keras_hub_bert(6))
    d = diff(four, six)
    group = count_group(d.svg)
    assert (group.get("data-count"), group.get("data-count-old")) == ("6", "4")
    assert "\u00d74 \u2192 \u00d76" in labels(d.svg)
    assert "repeats: x4 -> x6" in tooltip(d.svg, group.get("data-id", ""))
    assert edge_marks(d.svg) == []
    check_conservation(d, four, six)
    back = count_group(diff(six, four).svg)
    assert (back.get("data-count"), back.get("data-count-old")) == ("4", "6")


def test_hugging_face_bert_4_to_6_layers_marks_only_the_block_group() -> None:
    pytest.importorskip("transformers")
    from tests.zoo import torch_models

    four, six = graph_of(torch_models.hf_bert(4)), graph_of(torch_models.hf_bert(6))
    # the default (depth: auto) sees through the encoder: the BertLayer group is drawn,
    # x4 -> x6, and it is the only mark
    d = diff(four, six)
    assert len(marked(d.svg)) == 1
    group = count_group(d.svg)
    assert (group.get("data-type"), group.get("data-count"), group.get("data-count-old")) == (
        "BertLayer",
        "6",
        "4",
    )
    assert "\u00d74 \u2192 \u00d76" in labels(d.svg)
    # closed (depth 0), the encoder holds the change; opening it shows the group
    closed = diff(four, six, depth=0)
    assert marked(closed.svg) == {"encoder": "changed"}
    assert "changed inside: BertLayer: x4 -> x6" in tooltip(closed.svg, "encoder")
    inside = scenes(closed.details)["encoder"]
    assert re.search(r'data-count="6" data-count-old="4" data-diff="changed"', inside)
    assert len(re.findall(r'<g class="nv-(?:layer|group)"[^>]*data-diff', inside)) == 1


@pytest.mark.slow
def test_resnet50_to_resnet101_marks_only_the_stage_group() -> None:
    apps = keras.applications
    r50, r101 = graph_of(apps.ResNet50(weights=None)), graph_of(apps.ResNet101(weights=None))
    d = diff(r50, r101)
    group = count_group(d.svg)
    # conv4: a projection block then identity blocks, x5 in ResNet50 and x22 in ResNet101:
    # the honest count of what the grouped diagram folds (the table says x6 -> x23,
    # counting the projection block, which is not a repeat of the others)
    assert (group.get("data-count"), group.get("data-count-old")) == ("22", "5")
    assert "\u00d75 \u2192 \u00d722" in labels(d.svg)
    assert edge_marks(d.svg) == [] and "old:" not in d.svg
    check_conservation(d, r50, r101)


# -- more of the contract ---------------------------------------------------------------------
def test_a_change_inside_a_closed_composite_is_shown_when_it_is_opened() -> None:
    old, new = graph_of(papers.gpt_like(4)), graph_of(papers._gpt("gpt_like", 4, 4, 2))
    d = diff(old, new)
    assert marked(d.svg) == {"block2": "changed"}
    tip = tooltip(d.svg, "block2")
    assert "changed: extra False -> True" in tip and "changed inside: extra: added" in tip
    scene = scenes(d.details)["block2"]
    assert re.search(r'data-diff="added" data-id="block2/extra"', scene), scene[:600]
    assert len(re.findall(r'<g class="nv-(?:layer|group)"[^>]*data-diff', scene)) == 1
    assert re.search(r'data-diff="removed" data-source="block2/ff2#split"', scene)  # its bypass
    others = [body for opener, body in scenes(d.details).items() if opener != "block2"]
    assert others and not any("data-diff" in body for body in others)


def test_a_layer_removed_inside_a_composite_is_a_ghost_where_it_is_drawn() -> None:
    old, new = graph_of(papers._gpt("gpt_like", 4, 4, 2)), graph_of(papers.gpt_like(4))
    # composites opened: the ghost is drawn inside its block, among the block's layers
    opened = diff(old, new, expand_nested=True)
    assert marked(opened.svg) == {"old:block2/extra": "removed"}
    ghost = next(g for g in glyphs(opened.svg) if g.get("data-diff") == "removed")
    assert (ghost.get("data-type"), ghost.get("data-members")) == ("Dense", "1")
    # closed: the block is changed, and opening it shows the ghost
    closed = diff(old, new)
    assert marked(closed.svg) == {"block2": "changed"}
    assert "changed inside: extra: removed" in tooltip(closed.svg, "block2")
    inside = scenes(closed.details)["block2"]
    assert re.findall(r'<g class="nv-layer"[^>]*data-diff="removed"[^>]*>', inside)


def test_without_folding_gained_repeats_are_added_and_lost_ones_ghosts() -> None:
    four, six = graph_of(_keras_hub_bert(4)), graph_of(_keras_hub_bert(6))
    d = diff(four, six, group="none")
    assert marked(d.svg) == {"transformer_layer_4": "added", "transformer_layer_5": "added"}
    back = diff(six, four, group="none")
    assert marked(back.svg) == {
        "old:transformer_layer_4": "removed",
        "old:transformer_layer_5": "removed",
    }


def test_marks_read_without_colour_in_the_mono_palette() -> None:
    """Each mark differs from an unmarked glyph by its outline (width or dashes) and its
    badge, whatever the colours (the browser test checks the same in Chromium)."""
    old, new = graph_of(diff_models.branches(3)), graph_of(diff_models.branches(2))
    nodes = tuple(
        replace(n, config={**n.config, "filters": 32}) if n.id == "mix" else n for n in new.nodes
    )
    pictures = [
        diff(old, replace(new, nodes=nodes), palette="mono"),  # a branch removed, mix widened
        diff(
            graph_of(diff_models.mlp(128)),
            graph_of(diff_models.mlp(128, dropout=True)),
            palette="mono",
        ),  # a Dropout added
    ]
    looks: dict[str, set[tuple[str, str, str]]] = {}
    for d in pictures:
        for g in glyphs(d.svg):
            poly = g.find("s:polygon", NS)
            assert poly is not None
            outline = (poly.get("stroke-width", ""), poly.get("stroke-dasharray", ""))
            looks.setdefault(g.get("data-diff", ""), set()).add(
                (*outline, badge(d.svg, g.get("data-id", "")))
            )
    assert set(looks) == {"", "added", "changed", "removed"}
    plain = {look[:2] for look in looks[""]}
    for mark, seen in looks.items():
        if mark:
            assert not {look[:2] for look in seen} & plain, (mark, seen, plain)
            assert {look[2] for look in seen} == {BADGES[mark]}
    for other in ("added", "changed", "removed"):
        assert all(
            not looks[mark] & looks[other]
            for mark in ("added", "changed", "removed")
            if mark != other
        )
    assert legend_marks(pictures[0].svg) == ["changed", "removed"]


def test_the_diff_is_deterministic_and_leaves_render_alone(tmp_path) -> None:
    old, new = graph_of(diff_models.branches(3)), graph_of(diff_models.branches(2))
    before = render(new).svg
    first, second = diff(old, new), diff(old, new)
    assert first.svg == second.svg and first.details == second.details
    assert render(new).svg == before
    # diff-against: the option render() shares with the directive, the fence and the CLI
    ref = tmp_path / "old.json"
    ref.write_text(old.to_json())
    against = render(new, diff_against=str(ref))
    assert against.svg == first.svg
    assert against.changes is not None and against.changes.stat() == first.changes.stat()  # type: ignore[union-attr]


def test_the_user_api_diff_is_the_function() -> None:
    import sphinx_netviz.core as core
    import sphinx_netviz.core.compare.match  # noqa: F401 - the stage package, imported by name

    assert callable(core.diff) and core.diff.__module__ == "sphinx_netviz.core.diagram"
