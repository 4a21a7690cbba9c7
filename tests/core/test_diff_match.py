"""The architecture diff's matching engine and change summary (issue 21), on real models.

Keras models from tests/zoo/diff_models.py, their PyTorch twin, keras_hub and Hugging Face
BERTs of two depths (small configs, nothing downloaded), ResNet50 vs ResNet101 from
keras.applications (``weights=None``), and IR chains of 10,000 layers. Every assertion names
nodes: a diff that marks the wrong layer fails here, not only one that marks too many.
"""

from __future__ import annotations

import os
import random
from dataclasses import replace

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
keras = pytest.importorskip("keras")

from sphinx_netviz.core import Graph, load_graph  # noqa: E402
from sphinx_netviz.core.compare.changes import Changes, diff_graphs  # noqa: E402
from sphinx_netviz.core.compare.match import Matching, match_graphs  # noqa: E402
from sphinx_netviz.core.extract.live import extract_live  # noqa: E402
from sphinx_netviz.core.options import resolve_options  # noqa: E402
from tests.zoo import diff_models, papers  # noqa: E402

from .irgraphs import Builder, random_dag  # noqa: E402


def graph_of(model: object) -> Graph:
    """The Graph of a live model, walked in this process (the route ``render(model)`` takes)."""
    return extract_live(model, resolve_options({}))


def check_conservation(m: Matching) -> None:
    """Every node is exactly one of: matched, added/removed, or a repeat gained/lost."""
    new_matched = set(m.pairs.values())
    assert len(new_matched) == len(m.pairs), "two old nodes matched one new node"
    for node in m.old.nodes:
        roles = [node.id in m.pairs, node.id in m.removed, node.id in m.dropped]
        roles.append(node.id in m.fused_old)
        assert roles.count(True) == 1, (node.id, roles)
    for node in m.new.nodes:
        roles = [node.id in new_matched, node.id in m.added, node.id in m.extra]
        roles.append(node.id in m.fused_new)
        assert roles.count(True) == 1, (node.id, roles)
    # a matched node's parent is matched to its counterpart's parent: the hierarchy holds
    old_by_id = {n.id: n for n in m.old.nodes}
    new_by_id = {n.id: n for n in m.new.nodes}
    for o, n in m.pairs.items():
        po, pn = old_by_id[o].parent, new_by_id[n].parent
        assert (po is None and pn is None) or m.pairs.get(po or "") == pn, (o, n)


def diff(old: Graph, new: Graph) -> Changes:
    check_conservation(match_graphs(old, new))
    return diff_graphs(old, new)


def changed_ids(changes: Changes) -> list[str]:
    return [c.new_id for c in changes.changed]


# -- Keras MLPs ----------------------------------------------------------------------------------
def test_widened_dense_is_the_only_change_and_its_successor_is_not_marked():
    old, new = graph_of(diff_models.mlp(128)), graph_of(diff_models.mlp(256))
    # the ripple exists: the next layer's input and parameter count did change
    assert old.node("dense_2").params != new.node("dense_2").params
    changes = diff(old, new)
    assert changed_ids(changes) == ["dense_1"]
    (change,) = changes.changed
    assert change.config == (("units", 128, 256),)
    assert change.output_shapes == (((128,),), ((256,),))
    assert change.params == (64 * 128 + 128, 64 * 256 + 256)
    assert change.parts()[1:] == ["output (128,) -> (256,)", "params 8,320 -> 16,640"]
    assert changes.stat_lines() == [
        "added: 0",
        "removed: 0",
        "changed: 1",
        "dense_1: units 128 -> 256",
    ]
    assert changes.differ and not changes.added_edges and not changes.removed_edges


def test_layers_whose_names_do_not_carry_over_match_by_structure():
    # Keras numbers generated names per session: the second model's layers are dense_4...
    old = graph_of(diff_models.mlp(128, names=False))
    new = graph_of(diff_models.mlp(256, names=False))
    assert not {n.name for n in old.nodes if n.type == "Dense"} & {
        n.name for n in new.nodes if n.type == "Dense"
    }
    matching = match_graphs(old, new)
    assert len(matching.pairs) == len(old.nodes) == len(new.nodes)
    assert not matching.by_name - {"x"}
    changes = diff(old, new)
    second_dense = [n.id for n in new.nodes if n.type == "Dense"][1]
    assert changed_ids(changes) == [second_dense]
    assert changes.changed[0].config == (("units", 128, 256),)


def test_inserted_dropout_is_one_addition():
    old, new = graph_of(diff_models.mlp()), graph_of(diff_models.mlp(dropout=True))
    changes = diff(old, new)
    assert changes.added == ("dropout",)
    assert changes.stat_lines() == ["added: 1", "removed: 0", "changed: 0"]
    assert not changes.removed and not changes.changed and not changes.repeats
    assert set(changes.added_edges) == {("dense_1", "dropout"), ("dropout", "dense_2")}
    assert changes.removed_edges == (("dense_1", "dense_2"),)


def test_removed_branch_is_removed_and_the_merge_is_a_ripple():
    old, new = graph_of(diff_models.branches(3)), graph_of(diff_models.branches(2))
    assert old.node("concat").output_shapes != new.node("concat").output_shapes
    changes = diff(old, new)
    assert set(changes.removed) == {"b3_pool", "b3_conv"}
    assert changes.stat_lines() == ["added: 0", "removed: 2", "changed: 0"]
    assert not changes.added and not changes.changed
    # drawn ghosted between what it hung from and what it fed, both still in NEW
    assert changes.ghost_anchors["b3_pool"] == (("image",), ("concat",))
    assert changes.ghost_anchors["b3_conv"] == (("image",), ("concat",))
    assert set(changes.removed_edges) == {
        ("image", "b3_pool"),
        ("b3_pool", "b3_conv"),
        ("b3_conv", "concat"),
    }


# -- no changes ----------------------------------------------------------------------------------
def test_the_same_live_model_twice_has_no_changes():
    for build in (diff_models.mlp, diff_models.keras_cnn, lambda: papers.gpt_like(3)):
        old, new = graph_of(build()), graph_of(build())
        changes = diff(old, new)
        assert not changes.differ
        assert changes.stat() == "added: 0\nremoved: 0\nchanged: 0\n"


def test_the_same_spec_twice_has_no_changes(tmp_path):
    spec = "tests.zoo.diff_models:mlp(256, dropout=True)"
    # extracted by the worker, then read back from the cache (a JSON round trip), then the
    # same factory walked live in this process
    old, new = load_graph(spec, cache_dir=tmp_path), load_graph(spec, cache_dir=tmp_path)
    live = graph_of(diff_models.mlp(256, dropout=True))
    for other in (new, live):
        matching = match_graphs(old, other)
        assert matching.pairs == {n.id: n.id for n in old.nodes}
        assert matching.by_name == {n.id for n in other.nodes}
        assert not diff(old, other).differ


def renamed(graph: Graph) -> Graph:
    """The graph with every id and name changed (``v2_0``, ``v2_1``...): names carry over
    nothing, structure alone must match."""
    rename = {n.id: f"v2_{i}" for i, n in enumerate(graph.nodes)}
    return Graph(
        name=graph.name,
        nodes=tuple(replace(n, id=rename[n.id], name=rename[n.id]) for n in graph.nodes),
        edges=tuple(
            replace(e, source=rename[e.source], target=rename[e.target]) for e in graph.edges
        ),
        inputs=tuple(rename[i] for i in graph.inputs),
        outputs=tuple(rename[o] for o in graph.outputs),
        meta=graph.meta,
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_match_themselves_by_name_and_renamed(seed):
    graph = random_dag(seed)
    assert not diff(graph, graph).differ
    other = renamed(graph)
    matching = match_graphs(graph, other)
    assert matching.pairs == {n.id: f"v2_{i}" for i, n in enumerate(graph.nodes)}
    assert not diff(graph, other).differ


# -- across frameworks ---------------------------------------------------------------------------
def test_keras_cnn_and_its_pytorch_twin_have_no_changes():
    pytest.importorskip("torch")
    k, t = graph_of(diff_models.keras_cnn()), graph_of(diff_models.torch_cnn())
    for old, new in ((k, t), (t, k)):
        matching = match_graphs(old, new)
        assert matching.cross_framework
        assert len(matching.pairs) == len(old.nodes) == len(new.nodes)
        assert not diff(old, new).differ
    # twins pair by role: the Keras Conv2D with the first nn.Conv2d, Dense with Linear
    pairs = match_graphs(k, t).pairs
    assert t.node(pairs["conv1"]).type == "Conv2d"
    assert t.node(pairs["fc2"]).type == "Linear"


def test_fused_activations_and_views_are_the_same_architecture_across_frameworks():
    torch = pytest.importorskip("torch")
    from torch import nn
    from torch.nn import functional as F

    class Functional(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.fc = nn.Linear(8 * 16 * 16, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = F.max_pool2d(F.relu(self.conv(x)), 2)
            return F.softmax(self.fc(x.view(x.size(0), -1)), dim=-1)

    layers = keras.layers
    fused = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="conv"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(10, activation="softmax", name="fc"),
        ]
    )
    k, t = graph_of(fused), graph_of((Functional(), torch.randn(1, 3, 32, 32)))
    matching = match_graphs(k, t)
    assert matching.fused_new == {"relu": "conv", "softmax": "fc"}
    viewed = t.node(matching.pairs["flatten"])  # Flatten ~ x.view(n, -1)
    assert viewed.type == "Flatten" and viewed.op.endswith("view")
    assert not diff(k, t).differ and not diff(t, k).differ


def test_a_change_across_frameworks_reads_as_shape_and_parameters():
    torch = pytest.importorskip("torch")
    from torch import nn

    wide = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 10))
    keras_model = keras.Sequential(
        [keras.Input((16,)), keras.layers.Dense(64), keras.layers.ReLU(), keras.layers.Dense(10)]
    )
    changes = diff(graph_of(keras_model), graph_of((wide, torch.randn(1, 16))))
    assert changed_ids(changes) == ["0"]  # the first nn.Linear; the second is a ripple
    assert changes.changed[0].describe() == "output (64,) -> (128,), params 1,088 -> 2,176"


def test_positional_names_are_not_names():
    torch = pytest.importorskip("torch")
    from torch import nn

    def build(dropout: bool) -> object:
        body = [nn.Linear(16, 64), nn.ReLU(), *([nn.Dropout(0.1)] if dropout else [])]
        return nn.Sequential(*body, nn.Linear(64, 32), nn.ReLU()), torch.randn(1, 16)

    # nn.Sequential names its entries 0, 1, 2...: inserting one renames all that follow
    changes = diff(graph_of(build(False)), graph_of(build(True)))
    assert changes.added == ("2",)
    assert not changes.changed and not changes.removed


# -- repeated blocks -----------------------------------------------------------------------------
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


def test_keras_hub_bert_4_to_6_layers_is_one_changed_group():
    four, six = graph_of(_keras_hub_bert(4)), graph_of(_keras_hub_bert(6))
    changes = diff(four, six)
    assert changes.stat_lines() == [
        "added: 0",
        "removed: 0",
        "changed: 1",
        "TransformerEncoder: x4 -> x6",
    ]
    (repeat,) = changes.repeats
    assert [u[0] for u in repeat.new_units] == [f"transformer_layer_{i}" for i in range(6)]
    assert {x.split("/")[0] for x in repeat.extra} == {"transformer_layer_4", "transformer_layer_5"}
    assert not changes.added_edges and not changes.removed_edges and not changes.containers
    back = diff(six, four)
    assert back.stat_lines()[3:] == ["TransformerEncoder: x6 -> x4"]
    assert not back.removed and not back.added


def test_hugging_face_bert_4_to_6_layers_is_one_changed_group():
    pytest.importorskip("transformers")
    from tests.zoo import torch_models

    four, six = graph_of(torch_models.hf_bert(4)), graph_of(torch_models.hf_bert(6))
    changes = diff(four, six)
    assert changes.stat_lines() == ["added: 0", "removed: 0", "changed: 1", "BertLayer: x4 -> x6"]
    (repeat,) = changes.repeats
    assert (repeat.old_parent, repeat.new_parent) == ("encoder", "encoder")
    assert (repeat.old_count, repeat.new_count) == (4, 6)
    gained = {x for x in repeat.extra if six.node(x).parent == "encoder"}
    assert gained == {"encoder.layer.4", "encoder.layer.5"}
    # the encoder's parameter count grew with its members: a container, not a change
    assert four.node("encoder").params != six.node("encoder").params
    assert changes.containers == ("encoder",)


def test_a_change_inside_one_repeat_is_that_change_not_a_count():
    old, new = graph_of(papers.gpt_like(4)), graph_of(papers._gpt("gpt_like", 4, 4, 2))
    changes = diff(old, new)
    assert not changes.repeats
    assert changes.added == ("block2/extra",)
    assert changed_ids(changes) == ["block2"]  # its own configuration says extra=True
    assert changes.containers == ("block2",)


@pytest.mark.slow
def test_resnet50_to_resnet101_is_the_fourth_stage_count_only():
    apps = keras.applications
    r50, r101 = graph_of(apps.ResNet50(weights=None)), graph_of(apps.ResNet101(weights=None))
    changes = diff(r50, r101)
    # conv4: a projection block, then identity blocks x5 (ResNet50) or x22 (ResNet101),
    # as the grouped diagram folds them
    assert changes.stat_lines() == [
        "added: 0",
        "removed: 0",
        "changed: 1",
        "conv4_block: x5 -> x22",
    ]
    (repeat,) = changes.repeats
    assert repeat.new_units[0][0] == "conv4_block2_1_conv"
    assert repeat.new_units[-1][-1] == "conv4_block23_out"
    assert len(repeat.extra) == 17 * 10 and not repeat.dropped
    assert not changes.added_edges and not changes.removed_edges
    assert diff(r101, r50).stat_lines()[3:] == ["conv4_block: x22 -> x5"]


@pytest.mark.slow
def test_resnet_stage_counts_by_name_and_by_structure_alone():
    apps = keras.applications
    r50, r152 = graph_of(apps.ResNet50(weights=None)), graph_of(apps.ResNet152(weights=None))
    counts = ["conv3_block: x3 -> x7", "conv4_block: x5 -> x35"]
    assert diff(r50, r152).stat_lines() == ["added: 0", "removed: 0", "changed: 2", *counts]
    # names that carry over nothing: the insertions are slid to whole blocks, same counts
    by_structure = diff(r50, renamed(r152))
    assert [(r.old_count, r.new_count) for r in by_structure.repeats] == [(3, 7), (5, 35)]
    assert not by_structure.added and not by_structure.removed and not by_structure.changed


@pytest.mark.slow
def test_resnet_v2_names_that_mislead_give_way_to_structure():
    # ResNet50V2's conv4_block6 is the stage's strided last block; ResNet101V2's
    # conv4_block6 is an ordinary one, its strided block is conv4_block23
    apps = keras.applications
    old, new = graph_of(apps.ResNet50V2(weights=None)), graph_of(apps.ResNet101V2(weights=None))
    changes = diff(old, new)
    assert changes.stat_lines() == [
        "added: 0",
        "removed: 0",
        "changed: 1",
        "conv4_block: x4 -> x21",
    ]
    pairs = match_graphs(old, new).pairs
    assert pairs["conv4_block6_2_conv"] == "conv4_block23_2_conv"


# -- long chains ---------------------------------------------------------------------------------
def _chain(length: int, *, odd: int | None = None, prefix: str = "d") -> Graph:
    b = Builder("chain")
    x = b.input((64,))
    for i in range(length - 1):
        units = 96 if i == odd else 64
        x = b.layer(
            "Dense", x, (units,), name=f"{prefix}{i}", params=65 * units, config={"units": units}
        )
    b.output(x)
    return b.build()


@pytest.mark.parametrize("prefix", ["d", "renamed_"])
def test_ten_thousand_layer_chains_differing_in_one_layer(prefix):
    old, new = _chain(10_000), _chain(10_000, odd=5_000, prefix=prefix)
    changes = diff(old, new)
    assert changes.stat_lines() == [
        "added: 0",
        "removed: 0",
        "changed: 1",
        f"{prefix}5000: units 64 -> 96",
    ]


def test_one_more_repeat_of_a_single_layer_is_a_count():
    old, new = _chain(6), _chain(7)
    assert diff(old, new).stat_lines()[3:] == ["Dense: x5 -> x6"]


def test_shuffled_chain_still_pairs_every_layer():
    # a chain of random types, one layer deleted somewhere: Myers' alignment, no names
    r = random.Random(3)
    types = [r.choice(["Dense", "ReLU", "Dropout", "LayerNormalization"]) for _ in range(400)]

    def build(skip: int | None, prefix: str) -> Graph:
        b = Builder("mixed")
        x = b.input((8,))
        for i, t in enumerate(types):
            if i != skip:
                x = b.layer(t, x, (8,), name=f"{prefix}{i}")
        return b.build()

    changes = diff(build(None, "a"), build(200, "b"))
    assert changes.stat_lines()[:3] == ["added: 0", "removed: 1", "changed: 0"]
