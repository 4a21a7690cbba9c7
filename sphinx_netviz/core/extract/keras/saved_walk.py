"""The walk of a model config: one Node per call, edges from the serialized tensors.

Nested Functional/Sequential configs are walked recursively like the live walker does (one
``model`` node, internals with ``parent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...ir.categories import category_of
from ...ir.graph import Edge, Node, Shape
from .jsonable import json_safe_config
from .saved_calls import _call_inputs, _endpoints, _model_body, _shape, _TensorRef
from .saved_layers import (
    _MODEL_CLASSES,
    _WEIGHTLESS,
    _builtin_layer,
    _is_op,
    _output_shapes,
    _param_counts,
)


@dataclass
class _Out:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)


@dataclass
class _Call:
    layer_cfg: dict[str, Any]
    name: str
    index: int
    inputs: list[_TensorRef]
    node_id: str


def _walk(
    body: dict[str, Any],
    out: _Out,
    *,
    prefix: str,
    parent: str | None,
    path: tuple[str, ...],
) -> tuple[list[str], list[str], dict[str, Node]]:
    layers = [lay for lay in body.get("layers", []) if isinstance(lay, dict)]
    by_name: dict[str, dict[str, Any]] = {}
    calls: list[_Call] = []
    ncalls: dict[str, int] = {}
    for layer in layers:
        name = str(layer.get("name") or (layer.get("config") or {}).get("name"))
        by_name[name] = layer
        inbound = layer.get("inbound_nodes") or []
        if layer.get("class_name") == "InputLayer" or not inbound:
            entries: list[Any] = [None]
        else:
            entries = list(inbound)
        ncalls[name] = len(entries)
        for i, entry in enumerate(entries):
            refs = [] if entry is None else _call_inputs(entry)
            local = name if i == 0 else f"{name}@{i}"
            calls.append(_Call(layer, name, i, refs, prefix + local))
    ids = {(c.name, c.index): c.node_id for c in calls}

    # Output shapes seen by consumers: (layer, node) -> {tensor index: shape}.
    seen: dict[tuple[str, int], dict[int, Shape]] = {}
    for call in calls:
        for ref in call.inputs:
            if ref.shape is not None:
                seen.setdefault((ref.layer, ref.node_index), {})[ref.tensor_index] = ref.shape

    # Topological order (serialized order is usually topological already; be safe).
    done: dict[str, Node] = {}
    pending = list(calls)
    produced: dict[tuple[str, int], tuple[Shape, ...]] = {}
    internals: dict[str, _Out] = {}
    while pending:
        progressed = False
        rest: list[_Call] = []
        for call in pending:
            if any(
                (r.layer, r.node_index) not in produced and (r.layer, r.node_index) in ids
                for r in call.inputs
            ):
                rest.append(call)
                continue
            progressed = True
            node, sub = _make_node(call, body, seen, produced, ncalls, prefix, parent, path)
            produced[(call.name, call.index)] = node.output_shapes
            done[call.node_id] = node
            if sub is not None:
                internals[call.node_id] = sub
        if not progressed:  # a cycle cannot happen in a valid config; keep what we have
            for call in rest:
                node, sub = _make_node(call, body, seen, produced, ncalls, prefix, parent, path)
                produced[(call.name, call.index)] = node.output_shapes
                done[call.node_id] = node
            break
        pending = rest

    for call in calls:
        out.nodes.append(done[call.node_id])
        if call.node_id in internals:
            out.nodes.extend(internals[call.node_id].nodes)
            out.edges.extend(internals[call.node_id].edges)
            out.notes |= internals[call.node_id].notes
        for slot, ref in enumerate(call.inputs):
            source = ids.get((ref.layer, ref.node_index))
            if source is None:
                continue
            shape = ref.shape
            if shape is None:
                outs = produced.get((ref.layer, ref.node_index), ())
                shape = outs[ref.tensor_index] if ref.tensor_index < len(outs) else None
            out.edges.append(
                Edge(source, call.node_id, shape, source_index=ref.tensor_index, target_index=slot)
            )

    def resolve(entries: Any) -> list[str]:
        found: list[str] = []
        for layer_name, node_index, _ in _endpoints(entries):
            n = ncalls.get(layer_name, 0)
            if node_index >= n and 0 <= node_index - 1 < n:
                node_index -= 1  # the nested-model +1 offset of input/output_layers
            node_id = ids.get((layer_name, node_index))
            if node_id is not None:
                found.append(node_id)
        return found

    return resolve(body.get("input_layers")), resolve(body.get("output_layers")), done


def _make_node(
    call: _Call,
    body: dict[str, Any],
    seen: dict[tuple[str, int], dict[int, Shape]],
    produced: dict[tuple[str, int], tuple[Shape, ...]],
    ncalls: dict[str, int],
    prefix: str,
    parent: str | None,
    path: tuple[str, ...],
) -> tuple[Node, _Out | None]:
    layer_cfg = call.layer_cfg
    cls = str(layer_cfg.get("class_name"))
    cfg = layer_cfg.get("config") or {}
    in_shapes: list[Shape | None] = []
    for ref in call.inputs:
        shape = ref.shape
        if shape is None:
            outs = produced.get((ref.layer, ref.node_index), ())
            shape = outs[ref.tensor_index] if ref.tensor_index < len(outs) else None
        in_shapes.append(shape)
    dtype = None
    if isinstance(cfg.get("dtype"), str):
        dtype = cfg["dtype"]
    elif isinstance(cfg.get("dtype"), dict):
        dtype = str((cfg["dtype"].get("config") or {}).get("name") or "") or None

    # Outputs seen by consumers, by tensor index.
    consumed = seen.get((call.name, call.index), {})
    outputs: tuple[Shape, ...] | None = None
    if consumed:
        outputs = tuple(consumed.get(t, ()) for t in range(max(consumed) + 1))
    kind = "layer"
    trainable = non_trainable = 0
    sub: _Out | None = None
    model_inputs: tuple[str, ...] = ()
    model_outputs: tuple[str, ...] = ()
    params_known = True
    if _is_op(layer_cfg):
        kind = "op"
    elif cls == "InputLayer":
        kind = "input"
        batch = cfg.get("batch_shape") or cfg.get("batch_input_shape")
        shape = _shape(batch)
        if shape is not None:
            outputs = (shape,)
        in_shapes = []
    else:
        nested = _model_body(layer_cfg) if cls in _MODEL_CLASSES or "layers" in cfg else None
        if nested is not None:
            kind = "model"
            sub = _Out()
            inner_in, inner_out, inner_nodes = _walk(
                nested, sub, prefix=call.node_id + "/", parent=call.node_id, path=(*path, call.name)
            )
            model_inputs, model_outputs = tuple(inner_in), tuple(inner_out)
            trainable = sum(n.trainable_params for n in sub.nodes if n.parent == call.node_id)
            non_trainable = sum(
                n.non_trainable_params for n in sub.nodes if n.parent == call.node_id
            )
            if outputs is None or len(outputs) < len(model_outputs):
                shapes = [inner_nodes[o].output_shape for o in model_outputs if o in inner_nodes]
                if all(s is not None for s in shapes):
                    outputs = tuple(s for s in shapes if s is not None)
        elif cls in _WEIGHTLESS and outputs is not None and not _is_op(layer_cfg):
            pass  # nothing to learn from instantiating it
        else:
            layer = _builtin_layer(layer_cfg)
            if layer is None:
                params_known = False
            else:
                trainable, non_trainable = _param_counts(
                    layer, layer_cfg.get("build_config"), in_shapes
                )
                if outputs is None:
                    outputs = _output_shapes(layer, in_shapes)
    del body
    config = json_safe_config(cfg)
    inner = None
    if isinstance(cfg.get("layer"), dict) and "class_name" in cfg["layer"]:
        inner = str(cfg["layer"]["class_name"])
    node = Node(
        id=call.node_id,
        name=call.name,
        type=cls.rsplit(">", 1)[-1],
        module=str(layer_cfg.get("module") or ""),
        kind=kind,
        category=category_of(cls.rsplit(">", 1)[-1], str(layer_cfg.get("module") or ""), kind),
        input_shapes=tuple(s if s is not None else () for s in in_shapes),
        output_shapes=outputs or (),
        dtype=dtype,
        params=trainable + non_trainable,
        trainable_params=trainable,
        non_trainable_params=non_trainable,
        config=config if params_known else {**config, "params_unknown": True},
        parent=parent,
        path=path,
        shared=ncalls.get(call.name, 1) > 1,
        call_index=call.index,
        inner=inner,
        model_inputs=model_inputs,
        model_outputs=model_outputs,
    )
    del prefix
    return node, sub
