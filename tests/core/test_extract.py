"""The Keras 3 walker on the zoo (in process, real Keras on the CPU)."""

from __future__ import annotations

from collections import Counter

import keras
import pytest

from sphinx_netviz.core.extract.keras.model import extract_model
from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.ir.graph import Graph
from tests.zoo import GOOD_MODELS, bad, models


def walk(factory: object, **kw: object) -> Graph:
    keras.backend.clear_session()
    return extract_model(factory(), **kw)  # type: ignore[operator]


def keras_counts(model: keras.Model) -> tuple[int, int, int]:
    """What Keras itself reports: operations, calls (``_nodes``), tensors between calls."""
    owner = model._functional if isinstance(model, keras.Sequential) else model
    edges = 0
    for depth_nodes in owner._nodes_by_depth.values():
        for node in depth_nodes:
            for tensor in node.input_tensors:
                op, index, _ = tensor._keras_history
                key = f"{id(op)}_ib-{index}"
                if key in owner._nodes:
                    edges += 1
    return len(owner.operations), len(owner._nodes), edges


@pytest.mark.parametrize("name", GOOD_MODELS)
def test_top_level_equals_keras(name: str) -> None:
    keras.backend.clear_session()
    model = getattr(models, name)()
    graph = extract_model(model).top_level()
    ops, calls, edges = keras_counts(model)
    assert len(graph.nodes) == calls
    assert len({n.name for n in graph.nodes}) == ops
    assert len(graph.edges) == edges
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids))
    assert sum(n.params for n in graph.nodes if n.call_index == 0) == model.count_params()


def test_sequential_shapes_and_params() -> None:
    graph = walk(models.mnist_convnet)
    assert [n.id for n in graph.nodes][:3] == ["input_layer", "conv1", "pool1"]
    conv = graph.node("conv1")
    assert conv.kind == "layer" and conv.type == "Conv2D"
    assert conv.input_shapes == ((28, 28, 1),) and conv.output_shapes == ((26, 26, 8),)
    assert conv.params == 80 and conv.trainable_params == 80
    assert conv.config["filters"] == 8 and conv.config["kernel_size"] == [3, 3]
    assert "name" not in conv.config
    assert conv.dtype == "float32"
    assert graph.node("input_layer").kind == "input"
    assert graph.inputs == ("input_layer",) and graph.outputs == ("predictions",)
    assert ("pool2", "flatten", (5, 5, 16)) in {(e.source, e.target, e.shape) for e in graph.edges}


def test_non_trainable_params() -> None:
    graph = walk(models.residual)
    bn = graph.node("block0_bn1")
    assert (bn.params, bn.trainable_params, bn.non_trainable_params) == (32, 16, 16)


def test_unbuilt_sequential_needs_input_shape() -> None:
    with pytest.raises(ExtractionError, match=r"not built.*input-shape"):
        walk(models.unbuilt_sequential, source="m:unbuilt")
    graph = walk(models.unbuilt_sequential, input_shape=(7,))
    assert [n.id for n in graph.nodes] == ["input_layer", "hidden", "out"]
    assert graph.node("out").output_shapes == ((2,),)


def test_empty_model() -> None:
    with pytest.raises(ExtractionError, match=r"'m:empty'.*empty"):
        walk(models.empty_sequential, source="m:empty")


def test_branches_merge_and_argument_order() -> None:
    graph = walk(models.inception)
    concat = [e for e in graph.edges if e.target == "inc0_concat"]
    assert [e.source for e in sorted(concat, key=lambda e: e.target_index)] == [
        "inc0_1x1",
        "inc0_3x3",
        "inc0_5x5",
        "inc0_pool_proj",
    ]
    assert graph.node("inc0_concat").output_shapes == ((16, 16, 16),)


def test_multi_io() -> None:
    graph = walk(models.multi_io)
    assert graph.inputs == ("title", "body")
    assert graph.outputs == ("priority", "department")


def test_raw_ops_are_nodes_distinct_from_layers() -> None:
    graph = walk(models.raw_ops)
    kinds = {n.id: (n.type, n.kind) for n in graph.nodes}
    assert kinds["add"] == ("Add", "op")
    assert kinds["add_layer"] == ("Add", "layer")
    assert kinds["multiply"] == ("Multiply", "op") and kinds["relu"] == ("Relu", "op")
    assert graph.node("add").module.startswith("keras.src.ops")
    assert graph.node("add_layer").module.startswith("keras.src.layers")
    assert {(e.source, e.target) for e in graph.edges} >= {
        ("a", "add"),
        ("b", "add"),
        ("add", "multiply"),
        ("relu", "add_layer"),
    }


def test_nested_models_one_node_with_expandable_internals() -> None:
    graph = walk(models.nested)
    top = graph.top_level()
    assert [n.id for n in top.nodes] == ["features", "encoder", "head"]
    enc = graph.node("encoder")
    assert enc.kind == "model" and enc.type == "Functional" and enc.params == 82
    assert enc.model_inputs == ("encoder/enc_in",) and enc.model_outputs == ("encoder/enc_code",)
    inner = [n for n in graph.nodes if n.parent == "encoder"]
    assert [n.id for n in inner] == ["encoder/enc_in", "encoder/enc_hidden", "encoder/enc_code"]
    assert all(n.path == ("encoder",) for n in inner)
    head = graph.node("head")
    assert head.type == "Sequential" and head.model_outputs == ("head/head_out",)
    assert ("encoder/enc_hidden", "encoder/enc_code") in {(e.source, e.target) for e in graph.edges}
    # Top level is exactly the outer graph: internals never connect to outer calls.
    assert {(e.source, e.target) for e in top.edges} == {
        ("features", "encoder"),
        ("encoder", "head"),
    }


def test_shared_layers_and_models() -> None:
    graph = walk(models.siamese)
    proj, proj1 = graph.node("proj"), graph.node("proj@1")
    assert proj.shared and proj1.shared and (proj.call_index, proj1.call_index) == (0, 1)
    assert graph.node("encoder@1").model_inputs == ("encoder@1/enc_in",)
    assert not graph.node("diff").shared
    diff_in = sorted((e for e in graph.edges if e.target == "diff"), key=lambda e: e.target_index)
    assert [e.source for e in diff_in] == ["proj", "proj@1"]


def test_wrappers_record_inner() -> None:
    graph = walk(models.lstm)
    assert graph.node("bilstm").inner == "LSTM" and graph.node("bilstm").params == 720
    assert graph.node("per_step").inner == "Dense"
    assert graph.node("per_step").output_shapes == ((12, 5),)
    assert graph.node("tokens").dtype == "int32"


def test_custom_layer_walked_live() -> None:
    graph = walk(models.custom_layer)
    scale = graph.node("scale")
    assert scale.type == "Scale" and scale.module == "tests.zoo.models"
    assert (scale.trainable_params, scale.non_trainable_params) == (5, 5)
    assert scale.config["factor"] == 3.0


def test_subclassed_traced() -> None:
    graph = walk(models.subclassed)
    assert graph.meta["traced"] is True
    types = Counter(n.type for n in graph.nodes)
    assert types == Counter({"InputLayer": 1, "Dense": 3, "Concatenate": 1})
    assert graph.node("out").output_shapes == ((1,),)


def test_subclassed_unbuilt_needs_shape_then_traces() -> None:
    with pytest.raises(ExtractionError, match=r"input-shape"):
        walk(models.subclassed_unbuilt)
    graph = walk(models.subclassed_unbuilt, input_shape=(6,))
    assert graph.node("merge").output_shapes == ((8,),)


def test_untraceable_subclassed_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match=r"could not be traced through model.call"):
        walk(bad.untraceable, input_shape=(3,), source="tests.zoo.bad:untraceable")


def test_not_a_model() -> None:
    with pytest.raises(ExtractionError, match=r"expected a keras.Model"):
        extract_model(object(), source="m:f")


def test_ids_stable_across_walks_and_json_round_trip() -> None:
    a, b = walk(models.siamese), walk(models.siamese)
    assert a.content_hash() == b.content_hash()
    again = Graph.from_json(a.to_json())
    assert again == a and again.content_hash() == a.content_hash()
    assert again.node("encoder").config == a.node("encoder").config
