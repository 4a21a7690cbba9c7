"""Folding repeats that take side inputs, composite glyphs, names and symbolic sizes: on the IR
alone (no framework), the way a PyTorch tracer's graph reaches the renderer too."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from sphinx_netviz.core.diagram import prepare, render
from sphinx_netviz.core.ir.dims import dims_text, feature_text, shape_text
from sphinx_netviz.core.ir.errors import OptionError
from sphinx_netviz.core.ir.graph import Edge, Graph, Node
from sphinx_netviz.core.options.schema import resolve_options

from . import irgraphs
from .irgraphs import check_scene, conservation

SEQ = (None, 16)


def bert_like(layers: int = 4, *, masked: int | None = None, odd: int | None = None) -> Graph:
    """A torch-style IR: ``layers`` composite ``BertLayer`` nodes with recorded internals,
    each reading the hidden states and (the first ``masked`` of them) the attention mask."""
    masked = layers if masked is None else masked
    nodes = [
        Node("input_ids", "input_ids", "InputLayer", kind="input", output_shapes=((None,),)),
        Node("mask", "mask", "InputLayer", kind="input", output_shapes=((None,),)),
        Node("embed", "embed", "Embedding", input_shapes=((None,),), output_shapes=(SEQ,)),
    ]
    edges = [Edge("input_ids", "embed", (None,))]
    prev = "embed"
    for i in range(layers):
        lid = f"layer{i}"
        inner = ["query", "attention", "add", "norm", "ff", "add2"]
        if i == odd:
            inner.insert(4, "extra")
        types = {
            "query": "Linear",
            "attention": "ScaledDotProductAttention",
            "add": "Add",
            "norm": "LayerNorm",
            "extra": "Linear",
            "ff": "Linear",
            "add2": "Add",
        }
        nodes.append(
            Node(
                lid,
                lid,
                "BertLayer",
                kind="composite",
                input_shapes=(SEQ, (None,)),
                output_shapes=(SEQ,),
                model_inputs=(f"{lid}/query", f"{lid}/attention"),
                model_outputs=(f"{lid}/add2",),
                category="block",
            )
        )
        for name in inner:
            nodes.append(
                Node(
                    f"{lid}/{name}",
                    name,
                    types[name],
                    input_shapes=(SEQ,),
                    output_shapes=(SEQ,),
                    parent=lid,
                    params=0 if types[name] in ("Add", "ScaledDotProductAttention") else 10,
                )
            )
        chain = [f"{lid}/{n}" for n in inner]
        for a, b in itertools.pairwise(chain):
            edges.append(Edge(a, b, SEQ))
        edges.append(Edge(f"{lid}/query", f"{lid}/add", SEQ, 0, 1))  # residual
        edges.append(Edge(prev, lid, SEQ, 0, 0))
        if i < masked:
            edges.append(Edge("mask", lid, (None,), 0, 1))
        prev = lid
    nodes.append(Node("pooler", "pooler", "Linear", input_shapes=(SEQ,), output_shapes=((16,),)))
    edges.append(Edge(prev, "pooler", SEQ))
    return Graph("bert_like", tuple(nodes), tuple(edges), ("input_ids", "mask"), ("pooler",))


def _prep(graph: Graph, **opts: object):
    return prepare(graph, resolve_options(opts))


def _groups(prep) -> list[tuple[str, int]]:
    return [(g.type, g.count) for g in prep.scene.glyphs if g.kind == "group"]


def _drawn(prep) -> list:
    """Glyphs that stand for IR nodes (Splits are synthetic)."""
    return [g for g in prep.scene.glyphs if g.kind in ("layer", "group")]


@pytest.mark.parametrize("opts", [{}, {"expand_nested": True}, {"depth": 1}])
def test_blocks_reading_a_mask_fold_into_one_glyph_named_after_their_class(opts):
    prep = _prep(bert_like(6), **opts)
    assert _groups(prep) == [("BertLayer", 6)]
    assert len(_drawn(prep)) <= 6
    accounted, total = conservation(prep)
    assert accounted == total
    # The mask is drawn once: one edge out of its glyph, into the group.
    group = next(g for g in prep.scene.glyphs if g.kind == "group")
    from_mask = [p for p in prep.scene.paths if p.source == "mask"]
    assert [p.target for p in from_mask] == [group.id]


def gemma_like(layers: int = 4, *, declared: bool = True, odd: int | None = None) -> Graph:
    """``bert_like`` as Gemma draws it: the layers are items of the container ``layers`` and
    read a rotary table, the local one for every layer but the last, which reads the global
    one (each table made from the embeddings)."""
    base = bert_like(layers, odd=odd)
    nodes = []
    for n in base.nodes:
        if n.type == "BertLayer" and declared:
            n = replace(n, container="layers")
        nodes.append(n)
    edges = list(base.edges)
    for table in ("rope_local", "rope_global"):
        nodes.append(
            Node(table, table, "RotaryEmbedding", input_shapes=(SEQ,), output_shapes=((None, 8),))
        )
        edges.append(Edge("embed", table, SEQ))
    for i in range(layers):
        table = "rope_global" if i == layers - 1 else "rope_local"
        edges.append(Edge(table, f"layer{i}", (None, 8), 0, 2))
    return Graph("gemma_like", tuple(nodes), tuple(edges), base.inputs, base.outputs)


def test_a_declared_stack_reading_local_and_global_tables_folds_whole():
    """Gemma's layers alternate the rotary table they read, so no two adjacent ones are wired
    alike; as items of one container list, of one class and one inside, they fold xL, each
    table drawn once into the fold."""
    prep = _prep(gemma_like(4))
    assert _groups(prep) == [("BertLayer", 4)]
    group = next(g for g in prep.scene.glyphs if g.kind == "group")
    for table in ("rope_local", "rope_global"):
        assert [p.target for p in prep.scene.paths if p.source == table] == [group.id]
    accounted, total = conservation(prep)
    assert accounted == total
    assert prep.scene.stats is not None and prep.scene.stats.crossings == 0


@pytest.mark.parametrize(
    ("declared", "odd"), [(False, None), (True, 1)], ids=["not-declared", "one-differs-inside"]
)
def test_a_stack_folds_whole_only_when_declared_and_alike(declared, odd):
    """Without the container the wiring decides (the last layer reads another table: it is no
    repeat); a layer that differs inside is no repeat either."""
    prep = _prep(gemma_like(4, declared=declared, odd=odd))
    assert ("BertLayer", 4) not in _groups(prep)
    accounted, total = conservation(prep)
    assert accounted == total


def _two_towers(layers: int = 3, image_layers: int = 12) -> Graph:
    """``bert_like`` beside a longer image tower (a chain of ``image_layers`` dense layers),
    the two read together at the end, as in a CLIP or BLIP model."""
    text = bert_like(layers)
    nodes = list(text.nodes)
    edges = list(text.edges)
    nodes.append(Node("pixels", "pixels", "InputLayer", kind="input", output_shapes=((8,),)))
    prev = "pixels"
    for i in range(image_layers):
        nid = f"image{i}"
        kind = "Dense" if i % 2 == 0 else "ReLU"
        nodes.append(Node(nid, nid, kind, input_shapes=((8,),), output_shapes=((8,),)))
        edges.append(Edge(prev, nid, (8,)))
        prev = nid
    nodes.append(Node("logits", "logits", "Dot", input_shapes=((16,), (8,)), output_shapes=((1,),)))
    edges += [Edge("pooler", "logits", (16,)), Edge(prev, "logits", (8,), 0, 1)]
    return Graph("two_towers", tuple(nodes), tuple(edges), (*text.inputs, "pixels"), ("logits",))


def test_blocks_of_the_shorter_tower_fold_too():
    """The main path runs through the longer tower; the text tower's masked layers are a
    region it does not cross, searched along a main path of their own."""
    prep = _prep(_two_towers())
    assert ("BertLayer", 3) in _groups(prep)
    accounted, total = conservation(prep)
    assert accounted == total
    assert check_scene(prep.scene) == []


def test_the_mask_edge_is_one_polyline_in_the_svg():
    svg = render(bert_like(6)).svg
    root = ET.fromstring(svg)
    edges = [
        e
        for e in root.iter()
        if (e.get("class") or "").split()[:1] == ["nv-edge"] and e.get("data-source") == "mask"
    ]
    assert len(edges) == 1
    groups = [e for e in root.iter() if e.get("class") == "nv-group"]
    assert [g.get("data-count") for g in groups] == ["6"]
    members = sum(int(g.get("data-members")) for g in groups)
    assert members == 6  # six BertLayer glyphs folded (closed composites)
    # The tooltip lists one repeat and says so (an x6 glyph read "BertLayer x1").
    title = groups[0].find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text is not None
    lines = title.text.splitlines()
    assert lines[0] == "BertLayer \u00d76: 6 layers"
    assert "types (each of the 6 repeats): BertLayer \u00d71" in lines
    assert "members (the first repeat): layer0" in lines


def test_opened_blocks_count_their_internals_as_members():
    prep = _prep(bert_like(4), expand_nested=True)
    group = next(g for g in prep.scene.glyphs if g.kind == "group")
    assert group.count == 4 and group.members == 4 * 6


def test_a_side_input_feeding_only_some_repeats_is_not_folded_xn():
    prep = _prep(bert_like(4, masked=2))
    assert ("BertLayer", 4) not in _groups(prep)
    accounted, total = conservation(prep)
    assert accounted == total
    # What is drawn stays true: the mask reaches exactly the blocks that read it.
    drawn_ids = {g.id: g for g in prep.scene.glyphs}
    targets = {p.target for p in prep.scene.paths if p.source == "mask"}
    assert all(drawn_ids[t].count <= 2 for t in targets)


def test_a_repeat_that_differs_in_one_layer_is_not_folded_xn():
    for opts in ({}, {"expand_nested": True}):
        prep = _prep(bert_like(4, odd=2), **opts)
        assert ("BertLayer", 4) not in _groups(prep), opts
        accounted, total = conservation(prep)
        assert accounted == total


def test_cells_reading_the_two_previous_cells_fold():
    prep = _prep(irgraphs.non_sp())
    assert [c for _t, c in _groups(prep)] == [3]
    assert len(prep.scene.glyphs) <= 8
    accounted, total = conservation(prep)
    assert accounted == total
    none = _prep(irgraphs.non_sp(), group="none")
    assert len(none.scene.glyphs) > 20


def test_folding_is_deterministic_and_off_with_group_none_or_fold_repeats_off():
    assert render(bert_like(5)).svg == render(bert_like(5)).svg
    assert _groups(_prep(bert_like(5), group="none")) == []
    assert all(c == 1 for _t, c in _groups(_prep(bert_like(5), fold_repeats=False)))


def test_depth_opens_levels_one_at_a_time():
    closed = _prep(bert_like(3), group="none")
    assert {g.type for g in closed.scene.glyphs} >= {"BertLayer"}
    opened = _prep(bert_like(3), group="none", depth=1)
    types = {g.type for g in opened.scene.glyphs}
    assert "BertLayer" not in types and "ScaledDotProductAttention" in types
    assert _prep(bert_like(3), group="none", expand_nested=True).scene.glyphs == (
        opened.scene.glyphs
    ) or len(opened.scene.glyphs) == len(
        _prep(bert_like(3), group="none", expand_nested=True).scene.glyphs
    )


def test_closed_composites_show_their_composition_in_the_legend():
    svg = render(bert_like(3), group="none").svg
    root = ET.fromstring(svg)
    items = [e for e in root.iter() if e.get("class") == "nv-legend-item"]
    bert = [e for e in items if e.get("data-type") == "BertLayer"]
    assert len(bert) == 1 and bert[0].get("data-kind") == "group"
    # ... and the member types it draws are explained by their own entries (by the one name
    # each type is shown by, the framework's class in data-classes).
    shown = {e.get("data-type") for e in items}
    classes = {c for e in items for c in (e.get("data-classes") or "").split()}
    assert {"LayerNormalization", "Dense"} <= shown
    assert {"ScaledDotProductAttention", "LayerNorm", "Linear"} <= shown | classes


# -- symbolic sizes ------------------------------------------------------------------------------
def test_unknown_axes_are_named_never_question_marks():
    assert dims_text((None, 16)) == "seq"
    assert feature_text((None, None)) == "seq"
    assert dims_text((None, None, 3)) == "hxw"
    assert shape_text((None, 16)) == "seq\u00d716"
    assert shape_text(None) == "unknown"
    assert dims_text((None, 16), [("seq", "tokens")]) == "tokens"
    assert dims_text((None, 16), [("1", "len")]) == "len"
    assert dims_text((None, None, 3), [("h", "rows")]) == "rowsxw"


def test_no_label_or_tooltip_writes_a_question_mark():
    for opts in ({}, {"expand_nested": True}, {"names": True}):
        svg = render(bert_like(3), **opts).svg
        root = ET.fromstring(svg)
        texts = [t.text or "" for t in root.iter() if t.tag.endswith("text")]
        titles = [t.text or "" for t in root.iter() if t.tag.endswith("title")]
        assert not [t for t in texts + titles if "?" in t], opts
    renamed = render(bert_like(3), dim_names="seq=tokens").svg
    assert re.search(r">tokens<", renamed)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0=x", "axis number"),
        ("seq=<b>", "not a name"),
        ("=x", "of the form"),
        ("1=" + "x" * 17, ""),
    ],
)
def test_bad_dim_names_are_refused_with_the_option_named(value, fragment):
    with pytest.raises(OptionError, match="dim-names") as info:
        resolve_options({"dim-names": value})
    assert fragment in str(info.value)


def test_depth_is_validated():
    with pytest.raises(OptionError, match="depth"):
        resolve_options({"depth": "-1"})
    assert resolve_options({"depth": "2"}).depth == 2


def test_a_large_nested_backbone_stays_a_swatch_in_the_legend():
    inner = 60
    nodes = [
        Node("x", "x", "InputLayer", kind="input", output_shapes=((8,),)),
        Node(
            "backbone",
            "backbone",
            "Functional",
            kind="model",
            input_shapes=((8,),),
            output_shapes=((8,),),
            model_inputs=("backbone/d0",),
            model_outputs=(f"backbone/d{inner - 1}",),
        ),
    ]
    edges = [Edge("x", "backbone", (8,))]
    for i in range(inner):
        nodes.append(
            Node(f"backbone/d{i}", f"d{i}", "Dense", output_shapes=((8,),), parent="backbone")
        )
        if i:
            edges.append(Edge(f"backbone/d{i - 1}", f"backbone/d{i}", (8,)))
    graph = Graph("big", tuple(nodes), tuple(edges), ("x",), ("backbone",))
    root = ET.fromstring(render(graph).svg)
    items = [e for e in root.iter() if e.get("class") == "nv-legend-item"]
    backbone = [e for e in items if e.get("data-type") == "Functional"]
    assert [e.get("data-kind") for e in backbone] == ["type"]


def _stages(widths: tuple[int, ...]) -> Graph:
    """A chain of composite ``Stage`` nodes, each one ``Conv2d`` of the given width inside."""
    nodes = [Node("x", "x", "InputLayer", kind="input", output_shapes=((8, 8, 3),))]
    edges = []
    prev, channels = "x", 3
    for i, width in enumerate(widths):
        sid, inner = f"stage{i}", f"stage{i}/conv"
        shape_in, shape_out = (8, 8, channels), (8, 8, width)
        nodes.append(
            Node(
                sid,
                sid,
                "Stage",
                kind="composite",
                input_shapes=(shape_in,),
                output_shapes=(shape_out,),
                model_inputs=(inner,),
                model_outputs=(inner,),
            )
        )
        nodes.append(
            Node(
                inner,
                "conv",
                "Conv2d",
                input_shapes=(shape_in,),
                output_shapes=(shape_out,),
                parent=sid,
                config={"out_channels": width},
            )
        )
        edges.append(Edge(prev, sid, shape_in))
        prev, channels = sid, width
    return Graph("stages", tuple(nodes), tuple(edges), ("x",), (prev,))


def test_group_match_config_tells_composites_apart_by_their_members_configs():
    """``group-match: config`` compares what is inside a closed block too: BiT's stages of
    one class but four widths were one ``BitStage x4``."""
    wide = _stages((16, 32, 64))
    same = _stages((16, 16, 16))
    assert _groups(_prep(wide, depth=0)) == [("Stage", 3)]  # type: the Net2Vis default
    assert _groups(_prep(wide, depth=0, group_match="config")) == []
    assert _groups(_prep(same, depth=0, group_match="config")) == [("Stage", 3)]
