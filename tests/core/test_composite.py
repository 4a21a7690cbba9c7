"""Composite Keras layers opened up, and transformer/ViT/NASNet diagrams drawn like papers.

Real Keras models (tests/zoo/papers.py) and keras_hub backbones built from small configs with
no weights (nothing is downloaded); the SVG is parsed with a real XML parser.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
keras = pytest.importorskip("keras")

from sphinx_netviz.core.diagram import prepare, render  # noqa: E402
from sphinx_netviz.core.extract.keras.model import extract_model  # noqa: E402
from sphinx_netviz.core.options.schema import resolve_options  # noqa: E402
from tests.zoo import papers  # noqa: E402

from .irgraphs import check_scene, conservation  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg_facts(svg: str) -> tuple[list[ET.Element], list[str], list[str]]:
    """(drawn glyphs standing for IR nodes, group data-counts, every text and title)."""
    root = ET.fromstring(svg)
    legend = {id(e) for g in root.iter() if g.get("class") == "nv-legend" for e in g.iter()}
    glyphs = [
        e
        for e in root.iter()
        if e.get("class") in ("nv-layer", "nv-group")
        and id(e) not in legend
        and e.get("data-synthetic") != "true"
    ]
    counts = [e.get("data-count") or "" for e in glyphs if e.get("class") == "nv-group"]
    texts = [t.text or "" for t in root.iter() if t.tag.endswith(("text", "title"))]
    return glyphs, counts, texts


# -- extraction ---------------------------------------------------------------------------------
def test_composite_layers_are_recorded_with_their_internals():
    model = papers.gpt_like(3)
    graph = extract_model(model)
    top = graph.top_level()
    assert len(top.nodes) == len(model.operations)  # the top level is what Keras reports
    blocks = [n for n in top.nodes if n.type == "TransformerBlock"]
    assert [n.kind for n in blocks] == ["composite"] * 3
    assert all(n.category == "block" for n in blocks)
    for block in blocks:
        inside = [n for n in graph.nodes if n.parent == block.id]
        types = {n.type for n in inside}
        assert {"MultiHeadAttention", "LayerNormalization", "Dense", "Add"} <= types
        assert all(n.id.startswith(block.id + "/") and n.category for n in inside)
        assert len(block.model_inputs) == 2 and block.model_outputs
        ids = {n.id for n in inside}
        assert set(block.model_inputs) <= ids and set(block.model_outputs) <= ids
        # shapes are recorded, the unknown sequence length stays unknown (None)
        mha = next(n for n in inside if n.type == "MultiHeadAttention")
        assert mha.output_shape == (None, 32)


def test_tracing_changes_nothing_the_model_computes():
    model = papers.gpt_like(2)
    tokens = np.arange(12, dtype="int32").reshape(2, 6) % 100
    mask = np.ones((2, 6), dtype="int32")
    before = model.predict([tokens, mask], verbose=0)
    weights = len(model.weights)
    nodes = {id(x): len(x._inbound_nodes) for x in model._flatten_layers(include_self=False)}
    first = extract_model(model)
    second = extract_model(model)
    assert first.content_hash() == second.content_hash()  # deterministic ids and shapes
    assert len(model.weights) == weights
    after_nodes = {id(x): len(x._inbound_nodes) for x in model._flatten_layers(include_self=False)}
    assert after_nodes == nodes
    np.testing.assert_allclose(model.predict([tokens, mask], verbose=0), before)


def test_a_composite_that_cannot_be_traced_stays_one_glyph_with_its_shapes():
    graph = extract_model(papers.untraceable())
    node = next(n for n in graph.nodes if n.type == "TfOnlyBlock")
    assert node.kind == "layer" and node.output_shape == (8,)
    assert not [n for n in graph.nodes if n.parent is not None]
    render(graph, expand_nested=True)  # renders, never raises


# -- drawing ------------------------------------------------------------------------------------
def test_gpt_style_blocks_fold_with_the_mask_drawn_once():
    graph = extract_model(papers.gpt_like(6))
    for opts in ({}, {"expand_nested": True}):
        d = render(graph, **opts)
        glyphs, counts, texts = _svg_facts(d.svg)
        assert len(glyphs) <= 12 and counts == ["6"], opts
        assert not [t for t in texts if "?" in t]
        group = next(g for g in glyphs if g.get("class") == "nv-group")
        assert group.get("data-type") == "TransformerBlock"
        root = ET.fromstring(d.svg)
        mask_edges = [e for e in root.iter() if e.get("data-source") == "padding_mask"]
        assert [e.get("data-target") for e in mask_edges] == [group.get("data-id")]
        prep = prepare(graph, resolve_options(opts))
        accounted, total = conservation(prep)
        assert accounted == total
        assert check_scene(prep.scene) == []


def test_cross_attention_reads_the_encoder_output_once_per_stack():
    """Every decoder block reads the encoder's output: the decoder folds x3 with the first
    block (whose stream is the target embedding) included, and the encoder output reaches
    the folded decoder by one edge, as the mask reaches the folded encoder."""
    from .svgmeasure import crossings, parse

    graph = extract_model(papers.encoder_decoder(3))
    for opts in ({}, {"expand_nested": True}):
        d = render(graph, **opts)
        glyphs, counts, texts = _svg_facts(d.svg)
        assert counts == ["3", "3"], opts
        assert not [t for t in texts if "?" in t]
        groups = {
            g.get("data-type"): g.get("data-id") for g in glyphs if g.get("class") == "nv-group"
        }
        assert set(groups) == {"TransformerBlock", "DecoderBlock"}
        root = ET.fromstring(d.svg)
        targets = [
            (e.get("data-source"), e.get("data-target"))
            for e in root.iter()
            if e.get("data-target")
        ]
        into_decoder = [s for s, t in targets if t == groups["DecoderBlock"]]
        assert len(into_decoder) == len(set(into_decoder)) == 2  # memory + target stream, once
        assert [t for s, t in targets if s == "source_mask"] == [groups["TransformerBlock"]]
        assert crossings(parse(d.svg)[1]) == 0 and d.stats is not None and d.stats.crossings == 0
        prep = prepare(graph, resolve_options(opts))
        accounted, total = conservation(prep)
        assert accounted == total
        assert check_scene(prep.scene) == []
    # Unfolded, the encoder output's bus takes the side of the row where the target input
    # does not come down to the first decoder block: still no crossing.
    flat = render(graph, group="none")
    assert crossings(parse(flat.svg)[1]) == 0 and flat.stats is not None
    assert flat.stats.crossings == 0


@pytest.mark.parametrize("factory", [papers.gpt_partial_mask, papers.gpt_odd_block])
def test_irregular_stacks_are_drawn_unfolded_where_they_differ(factory):
    graph = extract_model(factory(4))
    for opts in ({}, {"expand_nested": True}):
        svg = render(graph, **opts).svg
        _glyphs, counts, _ = _svg_facts(svg)
        assert "4" not in counts, (factory.__name__, opts)
        # A run of blocks beside a lone block of the same class: one legend entry explains
        # both (it was listed twice, the same name with the same inside).
        names = [
            [t.text for t in item.iter(f"{SVG_NS}text")][-1]
            for item in ET.fromstring(svg).iter(f"{SVG_NS}g")
            if item.get("class") == "nv-legend-item"
        ]
        assert len(names) == len(set(names)), names
        prep = prepare(graph, resolve_options(opts))
        accounted, total = conservation(prep)
        assert accounted == total
        assert check_scene(prep.scene) == []


def test_vit_blocks_inside_a_composite_encoder_fold_when_opened():
    graph = extract_model(papers.vit_like(4))
    closed = prepare(graph, resolve_options({"depth": 0}))
    assert [g.type for g in closed.scene.glyphs].count("ViTEncoder") == 1
    # depth: auto (the default) sees through the encoder, which only chains its blocks
    default = prepare(graph, resolve_options({}))
    assert [(g.type, g.count) for g in default.scene.glyphs if g.kind == "group"] == [
        ("ViTBlock", 4)
    ]
    glyphs, counts, _ = _svg_facts(render(graph, expand_nested=True).svg)
    assert counts == ["4"]
    assert [g.get("data-type") for g in glyphs if g.get("class") == "nv-group"] == ["ViTBlock"]
    # depth 1 opens the encoder but not its blocks: closed blocks fold as a run of one class
    one_level = prepare(graph, resolve_options({"depth": 1}))
    assert [(g.type, g.count) for g in one_level.scene.glyphs if g.kind == "group"] == [
        ("ViTBlock", 4)
    ]
    assert "MultiHeadAttention" not in {g.type for g in one_level.scene.glyphs}


def test_nasnet_style_cells_reading_two_previous_cells_fold():
    graph = extract_model(papers.nasnet_like(5))
    glyphs, counts, _ = _svg_facts(render(graph).svg)
    assert counts == ["5"] and len(glyphs) <= 8
    none = render(graph, group="none")
    assert none.glyphs > 30


# -- keras_hub backbones (small configs, no weights) --------------------------------------------
def _backbone(kind: str, layers: int):
    hub = pytest.importorskip("keras_hub")
    models = hub.models
    if kind == "gpt2":
        return models.GPT2Backbone(
            vocabulary_size=100,
            num_layers=layers,
            num_heads=2,
            hidden_dim=32,
            intermediate_dim=64,
            max_sequence_length=32,
        )
    if kind == "bert":
        return models.BertBackbone(
            vocabulary_size=100,
            num_layers=layers,
            num_heads=2,
            hidden_dim=32,
            intermediate_dim=64,
            max_sequence_length=32,
        )
    if kind == "gemma":
        return models.GemmaBackbone(
            vocabulary_size=100,
            num_layers=layers,
            num_query_heads=2,
            num_key_value_heads=1,
            hidden_dim=32,
            intermediate_dim=64,
            head_dim=16,
        )
    if kind == "llama":
        return models.LlamaBackbone(
            vocabulary_size=100,
            num_layers=layers,
            num_query_heads=2,
            num_key_value_heads=1,
            hidden_dim=32,
            intermediate_dim=64,
        )
    return models.ViTBackbone(
        image_shape=(32, 32, 3),
        patch_size=8,
        num_layers=layers,
        num_heads=2,
        hidden_dim=32,
        mlp_dim=64,
    )


@pytest.mark.parametrize("layers", [2, 6])
@pytest.mark.parametrize("kind", ["gpt2", "bert", "gemma", "llama"])
def test_keras_hub_language_backbones_fold_their_blocks(kind, layers):
    graph = extract_model(_backbone(kind, layers))
    assert any(n.kind == "composite" for n in graph.nodes)
    for opts in ({}, {"expand_nested": True}):
        glyphs, counts, texts = _svg_facts(render(graph, **opts).svg)
        assert len(glyphs) <= 12, (kind, opts, len(glyphs))
        assert counts == [str(layers)], (kind, opts)
        assert not [t for t in texts if "?" in t]
        accounted, total = conservation(prepare(graph, resolve_options(opts)))
        assert accounted == total


@pytest.mark.parametrize("layers", [2, 6])
def test_keras_hub_vit_encoder_blocks_fold_when_opened(layers):
    graph = extract_model(_backbone("vit", layers))
    glyphs, counts, texts = _svg_facts(render(graph, expand_nested=True).svg)
    assert counts == [str(layers)] and len(glyphs) <= 12
    assert not [t for t in texts if "?" in t]
    closed, _, _ = _svg_facts(render(graph, depth=0).svg)
    assert {g.get("data-type") for g in closed} >= {"ViTEncoder"}
    default, counts, _ = _svg_facts(render(graph).svg)  # depth: auto, the paper's level
    assert counts == [str(layers)] and len(default) <= 12


@pytest.mark.slow
def test_nasnet_mobile_cells_fold():
    graph = extract_model(keras.applications.NASNetMobile(weights=None))
    prep = prepare(graph, resolve_options({}))
    accounted, total = conservation(prep)
    assert accounted == total
    # From 340 glyphs (49 before the two stem reduction cells, each occurring once, were
    # drawn as one cell glyph each: tangle.py).
    assert len(prep.scene.glyphs) <= 40
    assert any(g.count == 3 for g in prep.scene.glyphs if g.kind == "group")
