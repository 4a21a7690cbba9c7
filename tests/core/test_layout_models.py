"""The layout on real models: keras_hub transformer backbones from tiny configs (no weights,
nothing downloaded) read left to right with 0 crossings and a flat strip; the CNN zoo keeps
its glyph counts and 0 crossings at the top level. Crossings are measured from the SVG."""

from __future__ import annotations

import os

import pytest

from sphinx_netviz.core.diagram import prepare, render
from sphinx_netviz.core.options.schema import resolve_options

from .irgraphs import check_scene
from .svgmeasure import crossings, parse

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _backbones() -> dict[str, object]:
    keras_hub = pytest.importorskip("keras_hub")
    m = keras_hub.models
    small = {"vocabulary_size": 100, "num_layers": 6, "hidden_dim": 64, "intermediate_dim": 128}
    return {
        "GPT2Backbone": m.GPT2Backbone(num_heads=2, max_sequence_length=32, **small),
        "BertBackbone": m.BertBackbone(num_heads=2, max_sequence_length=32, **small),
        "GemmaBackbone": m.GemmaBackbone(
            num_query_heads=2, num_key_value_heads=1, head_dim=32, **small
        ),
        "LlamaBackbone": m.LlamaBackbone(num_query_heads=2, num_key_value_heads=1, **small),
    }


@pytest.fixture(scope="module")
def backbone_graphs() -> dict[str, object]:
    from sphinx_netviz.core.extract.keras.model import extract_model

    return {name: extract_model(model) for name, model in _backbones().items()}


BACKBONES = ["GPT2Backbone", "BertBackbone", "GemmaBackbone", "LlamaBackbone"]


@pytest.mark.slow
@pytest.mark.parametrize("name", BACKBONES)
@pytest.mark.parametrize("group", ["auto", "none"])
def test_transformer_backbones_read_left_to_right(backbone_graphs, name, group) -> None:
    d = render(backbone_graphs[name], legend="none", group=group)
    glyphs, edges, _labels, (_w, h) = parse(d.svg)
    scene = prepare(backbone_graphs[name], resolve_options({"group": group})).scene
    assert check_scene(scene) == []
    assert crossings(edges) == 0
    assert d.stats is not None and d.stats.crossings == 0
    # The blocks (unfolded or folded) sit on one row.
    rows = {round(g.cy, 1) for g in glyphs if "Transformer" in g.type or "Decoder" in g.type}
    assert len(rows) <= 1
    # Side inputs (the padding mask) enter the folded block from above, next to it: the
    # diagram stays a strip (issue 10: at most 320 px without the legend).
    assert h <= 320, f"{name} is {h:.0f} px high"


ZOO = {"ResNet50": 13, "InceptionV3": 20, "DenseNet121": 16}


@pytest.mark.slow
def test_cnn_zoo_keeps_its_look() -> None:
    import keras

    from sphinx_netviz.core.extract.keras.model import extract_model
    from tests.zoo import models

    failures = []
    for name, want in ZOO.items():
        keras.backend.clear_session()
        graph = extract_model(getattr(keras.applications, name)(weights=None))
        d = render(graph, legend="none")
        _glyphs, edges, _labels, _size = parse(d.svg)
        if d.glyphs > want:
            failures.append(f"{name}: {d.glyphs} glyphs (was {want})")
        if crossings(edges) or (d.stats and d.stats.crossings):
            failures.append(f"{name}: {crossings(edges)} crossings")
    d = render(extract_model(models.unet()), legend="none")
    if crossings(parse(d.svg)[1]):
        failures.append("unet: crossings")
    # NASNetMobile unfolded: not series-parallel; every geometric promise still holds and the
    # stats agree with the drawing.
    keras.backend.clear_session()
    nasnet = extract_model(keras.applications.NASNetMobile(weights=None))
    problems = check_scene(prepare(nasnet, resolve_options({})).scene)
    if problems:
        failures.append(f"NASNetMobile: {problems[:3]}")
    d = render(nasnet, legend="none")
    if d.stats is None or d.stats.crossings != crossings(parse(d.svg)[1]):
        failures.append("NASNetMobile: stats differ from the SVG")
    assert not failures, "; ".join(failures)
