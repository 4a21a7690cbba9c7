"""Node and edge counts equal what Keras reports, on real keras.applications models.

All eight models are built in ONE test (one process, one Keras import) with weights=None
and default input shapes; the top level of the IR must have one node per operation (none
of these models shares a layer, so calls == operations), one edge per tensor passed between
two calls kept in ``model._nodes``, and the same parameter total as ``count_params``; the
config-only route (used for saved files) must give the very same graph.
"""

from __future__ import annotations

import keras
import pytest

from sphinx_netviz.core.extract.keras.model import extract_model
from sphinx_netviz.core.extract.keras.saved import extract_config

APPS = [
    "ResNet50",
    "MobileNetV3Small",
    "InceptionV3",
    "DenseNet121",
    "EfficientNetB0",
    "NASNetMobile",
    "MobileNetV2",
    "VGG16",
]


def reported(model: keras.Model) -> tuple[int, int, int]:
    edges = 0
    for nodes in model._nodes_by_depth.values():
        for node in nodes:
            for tensor in node.input_tensors:
                op, index, _ = tensor._keras_history
                if f"{id(op)}_ib-{index}" in model._nodes:
                    edges += 1
    return len(model.operations), len(model._nodes), edges


def signature(graph: object) -> tuple[object, ...]:
    nodes = sorted(
        (n.id, n.type, n.kind, n.params, n.trainable_params, n.input_shapes, n.output_shapes)
        for n in graph.nodes  # type: ignore[attr-defined]
    )
    edges = sorted((e.source, e.target, e.shape, e.target_index) for e in graph.edges)  # type: ignore[attr-defined]
    return nodes, edges, graph.inputs, graph.outputs  # type: ignore[attr-defined]


@pytest.mark.slow
def test_applications_match_keras() -> None:
    failures = []
    for name in APPS:
        keras.backend.clear_session()
        model = getattr(keras.applications, name)(weights=None)
        graph = extract_model(model)
        top = graph.top_level()
        ops, calls, edges = reported(model)
        got = (len(top.nodes), len(top.edges), sum(n.params for n in top.nodes))
        want = (ops, edges, model.count_params())
        if got != want or calls != ops:
            failures.append(f"{name}: got {got}, keras {want} (calls {calls})")
        if name == "MobileNetV3Small":
            raw = [n for n in top.nodes if n.kind == "op"]
            if len(raw) != 18:
                failures.append(f"MobileNetV3Small: {len(raw)} raw ops, expected 18")
        # One weakly connected component: no dropped ops splitting the graph.
        parent = {n.id: n.id for n in top.nodes}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for e in top.edges:
            parent[find(e.source)] = find(e.target)
        if len({find(n) for n in parent}) != 1:
            failures.append(f"{name}: graph is not connected")
        # The config-only route (saved files) gives the same graph.
        from_config = extract_config(
            {"class_name": "Functional", "config": model.get_config()}, name
        )
        if signature(from_config) != signature(graph):
            failures.append(f"{name}: config-only route differs from the live walk")
        del model
    assert not failures, "; ".join(failures)
