"""ONNX models for the ONNX route's tests and benchmarks, all made in the run.

- :func:`residual_chain`: a ResNet-style chain built with ``onnx.helper`` (any size: the
  10,000-operator benchmark graph), its names scoped like a TorchScript export, flat like
  a converter's, or absent; its weights in an external file that is never written.
- :func:`export`: ``torch.onnx.export`` (the dynamo exporter, which needs onnxscript) of a
  module into a file; :func:`bert` exports a 4-layer Hugging Face BERT from its config.
- :func:`strip`: the same file with every node name (and optionally metadata) removed.

Nothing is downloaded and no binary is committed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import onnx
from onnx import TensorProto, helper

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Operators per block of :func:`residual_chain`: Conv, Relu, Conv, Add, Relu.
BLOCK_OPS = 5


def _external(name: str, dims: list[int]) -> TensorProto:
    """A float initializer whose data lives in ``weights.bin``, which does not exist."""
    tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=dims)
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    return tensor


def residual_chain(
    blocks: int,
    *,
    names: str = "scoped",
    channels: int = 8,
    size: int = 16,
    stem: bool = True,
) -> onnx.ModelProto:
    """``blocks`` residual blocks (Conv-Relu-Conv-Add-Relu) after an optional stem Conv,
    then global pooling and a Gemm. ``names``: ``"scoped"`` (``/layer.3/conv1/Conv``),
    ``"flat"`` (``Conv_12``) or ``"none"``. Batch and spatial sizes: batch symbolic."""
    nodes: list[onnx.NodeProto] = []
    inits: list[TensorProto] = []
    count = 0

    def node(op: str, inputs: list[str], scope: str, **attrs: Any) -> str:
        nonlocal count
        out = f"t{count}"
        if names == "scoped":
            name = f"{scope}/{op}"
        elif names == "flat":
            name = f"{op}_{count}"
        else:
            name = ""
        nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        count += 1
        return out

    x = "pixels"
    if stem:
        inits.append(_external("stem.weight", [channels, 3, 3, 3]))
        x = node("Conv", [x, "stem.weight"], "/stem", pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    for b in range(blocks):
        scope = f"/layer.{b}"
        w1, w2 = f"layer.{b}.conv1.weight", f"layer.{b}.conv2.weight"
        inits += [
            _external(w1, [channels, channels, 3, 3]),
            _external(w2, [channels, channels, 3, 3]),
        ]
        h = node("Conv", [x, w1], f"{scope}/conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3])
        h = node("Relu", [h], f"{scope}/relu")
        h = node("Conv", [h, w2], f"{scope}/conv2", pads=[1, 1, 1, 1], kernel_shape=[3, 3])
        h = node("Add", [h, x], scope)
        x = node("Relu", [h], f"{scope}/relu_1")
    pooled = node("GlobalAveragePool", [x], "/pool")
    flat = node("Flatten", [pooled], "")
    inits += [_external("fc.weight", [10, channels]), _external("fc.bias", [10])]
    logits = node("Gemm", [flat, "fc.weight", "fc.bias"], "/fc", transB=1)
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["batch", 10])],
        initializer=inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def tiny() -> onnx.ModelProto:
    """A factory returning a ModelProto (``tests.zoo.onnx_models:tiny``)."""
    return residual_chain(2, names="flat")


def strip(model: onnx.ModelProto, *, metadata: bool) -> onnx.ModelProto:
    """A copy with every node name removed (and, with ``metadata``, every node's metadata:
    then nothing is left of the module structure)."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for n in copy.graph.node:
        n.name = ""
        if metadata:
            del n.metadata_props[:]
    return copy


def export(
    module: Any, args: tuple[Any, ...], path: Path, *, dynamo: bool = True, **kwargs: Any
) -> Path:
    """``torch.onnx.export`` of ``module`` (eval mode): the dynamo exporter (scopes in node
    metadata), or with ``dynamo=False`` the TorchScript one (scopes in node names)."""
    import contextlib
    import io
    import warnings

    import torch

    module.eval()
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, str(path), dynamo=dynamo, verbose=False, **kwargs)
    return path


def bert(path: Path, layers: int = 4) -> Path:
    """A Hugging Face BERT of ``layers`` layers (hidden 64) exported with named axes."""
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=1000, hidden_size=64, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=128, max_position_embeddings=128,
    )  # fmt: skip
    ids = torch.zeros(1, 16, dtype=torch.long)
    mask = torch.ones(1, 16, dtype=torch.long)
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
    return export(
        BertModel(config),
        (ids, mask),
        path,
        input_names=["input_ids", "attention_mask"],
        dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: seq}),
    )


def see_through(graph: Any, node_id: str) -> Any:
    """``graph`` with the composite ``node_id`` dissolved into its parent (its internals
    take its place): what a see-through container (``depth: auto``) draws."""
    from dataclasses import replace

    from sphinx_netviz.core import Graph
    from sphinx_netviz.core.ir.graph import Edge

    box = graph.node(node_id)
    entries = set(box.model_inputs)
    nodes = [
        replace(n, parent=box.parent) if n.parent == node_id else n
        for n in graph.nodes
        if n.id != node_id and n.id not in entries
    ]
    feeding = {e.target_index: e for e in graph.edges if e.target == node_id}
    edges = []
    for e in graph.edges:
        if e.target == node_id:
            continue
        if e.source == node_id:
            inner = box.model_outputs[min(e.source_index, len(box.model_outputs) - 1)]
            edges.append(replace(e, source=inner, source_index=0))
        elif e.source in entries:
            outer = feeding.get(box.model_inputs.index(e.source))
            if outer is not None:
                edges.append(
                    Edge(outer.source, e.target, e.shape, outer.source_index, e.target_index)
                )
        else:
            edges.append(e)
    return Graph(graph.name, tuple(nodes), tuple(edges), graph.inputs, graph.outputs, graph.meta,
                 graph.dim_names)  # fmt: skip
