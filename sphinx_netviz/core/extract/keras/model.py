"""The Keras 3 walker: a live model -> :class:`~sphinx_netviz.core.ir.graph.Graph`.

Follows the recipe in shared/reference/peers.md section 3: the node set is the model's
*calls* (``owner._nodes_by_depth``, which only holds calls that belong to this model), never
``model.layers`` (which drops raw ``keras.ops`` operations and merges the calls of shared
layers); edges come from each input tensor's ``_keras_history``; shapes from the call's own
tensors (never ``layer.output``, which is call 0 only).

Keras is imported inside the functions only, and only in the worker (or for a live model the
caller already holds): :data:`EXTRACTOR` answers ``accepts`` from the object's class names and
``version`` from package metadata, so registering and asking it loads no framework. Which
backend Keras runs on is read the way Keras reads it (``KERAS_BACKEND``, then ``keras.json``)
without importing it (:mod:`.keras_env`), for the cache key and the backend's distributions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...ir.categories import category_of
from ...ir.errors import ExtractionError
from ...ir.graph import Edge, Graph, Node, Shape
from .composite import CATEGORY_BLOCK, finish_internals, open_composite
from .env import (
    backend_distributions,
    distribution_versions,
    keras_backend,
    leave_tensorflow_alone,
)
from .jsonable import json_safe_config
from .owner import is_instance, names_kept, owner_of, trace_subclassed

if TYPE_CHECKING:
    from ..base import ExtractRequest

__all__ = [
    "EXTRACTOR",
    "KerasExtractor",
    "backend_distributions",
    "distribution_versions",
    "extract_model",
    "json_safe_config",
    "keras_backend",
    "leave_tensorflow_alone",
    "names_kept",
    "owner_of",
    "trace_subclassed",
]

#: Bump when the walker's output changes for the same model (part of the IR cache key).
WALKER_VERSION = "3"


def _shape(shape: Any) -> Shape:
    """A tensor shape without its batch axis (a scalar stays ``()``)."""
    dims = tuple(None if d is None else int(d) for d in tuple(shape))
    return dims[1:] if dims else ()


@dataclass
class _Walk:
    """Accumulates nodes and edges across nesting levels."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _node_kind(op: Any) -> str:
    import keras

    if isinstance(op, keras.layers.InputLayer):
        return "input"
    if isinstance(op, keras.Model):
        return "model"
    if isinstance(op, keras.layers.Layer):
        return "layer"
    return "op"


def _params(op: Any) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts; ops and unbuilt layers have none."""
    import math as _m

    def count(weights: Any) -> int:
        total = 0
        for w in weights or ():
            total += int(_m.prod(int(d) for d in tuple(w.shape)))
        return total

    try:
        return count(op.trainable_weights), count(op.non_trainable_weights)
    except Exception:  # ops, or layers whose weights cannot be listed
        return 0, 0


def _config(op: Any) -> dict[str, Any]:
    try:
        return json_safe_config(op.get_config())
    except Exception:  # custom layers without get_config, ops without serialisable args
        return {}


def _inner_type(op: Any) -> str | None:
    for attr in ("layer", "forward_layer"):
        inner = getattr(op, attr, None)
        if inner is not None and is_instance(inner, "layers.Layer") and inner is not op:
            return type(inner).__name__
    return None


def _walk(
    owner: Any, walk: _Walk, *, prefix: str, parent: str | None, path: tuple[str, ...]
) -> tuple[dict[tuple[int, int], str], list[str], list[str]]:
    """Record ``owner``'s calls; returns (call key -> id, input ids, output ids)."""
    kept: dict[int, list[int]] = {}
    depth_keys = sorted(owner._nodes_by_depth, reverse=True)
    position = {id(op): i for i, op in enumerate(owner.operations)}
    order: list[tuple[Any, int, Any]] = []
    seen: set[tuple[int, int]] = set()
    for depth in depth_keys:
        # Input -> output; within a depth, the model's own operation order, then call order.
        level = sorted(
            owner._nodes_by_depth[depth],
            key=lambda n: (
                position.get(id(n.operation), len(position)),
                n.operation._inbound_nodes.index(n),
            ),
        )
        for knode in level:
            op = knode.operation
            idx = op._inbound_nodes.index(knode)
            key = (id(op), idx)
            if key in seen:
                continue
            seen.add(key)
            order.append((op, idx, knode))
            kept.setdefault(id(op), []).append(idx)

    ids: dict[tuple[int, int], str] = {}
    for op, idx, _ in order:
        calls = sorted(kept[id(op)])
        k = calls.index(idx)
        local = op.name if k == 0 else f"{op.name}@{k}"
        ids[(id(op), idx)] = prefix + local

    for op, idx, knode in order:
        calls = sorted(kept[id(op)])
        node_id = ids[(id(op), idx)]
        kind = _node_kind(op)
        trainable, non_trainable = _params(op)
        outs = list(knode.output_tensors)
        ins = list(knode.input_tensors)
        dtype = None
        if outs:
            dtype = str(getattr(outs[0], "dtype", "") or "") or None
        model_inputs: tuple[str, ...] = ()
        model_outputs: tuple[str, ...] = ()
        internals = _Walk()
        if kind == "model":
            inner_owner = owner_of(op)
            if inner_owner is not None:
                _, inner_in, inner_out = _walk(
                    inner_owner,
                    internals,
                    prefix=node_id + "/",
                    parent=node_id,
                    path=(*path, op.name),
                )
                model_inputs = tuple(inner_in)
                model_outputs = tuple(inner_out)
        elif type(op).__name__ == "TorchModuleWrapper":  # a raw torch module: the torch route
            from ..torch.module import trace_wrapped

            inner = trace_wrapped(op.module, [t.shape for t in ins], node_id, (*path, op.name))
            internals.nodes.extend(inner.nodes)
            internals.edges.extend(inner.edges)
            kind, model_inputs, model_outputs = "composite", inner.inputs, inner.outputs
        elif kind == "layer":
            opened = _open_composite(op, knode, internals, node_id, (*path, op.name))
            if opened is not None:
                kind, (model_inputs, model_outputs) = "composite", opened
        walk.nodes.append(
            Node(
                id=node_id,
                name=op.name,
                type=type(op).__name__,
                module=type(op).__module__,
                kind=kind,
                category=CATEGORY_BLOCK
                if kind == "composite"
                else category_of(
                    type(op).__name__,
                    type(op).__module__,
                    kind,
                    [c.__name__ for c in type(op).__mro__[1:]],
                ),
                input_shapes=tuple(_shape(t.shape) for t in ins),
                output_shapes=tuple(_shape(t.shape) for t in outs),
                dtype=dtype,
                params=trainable + non_trainable,
                trainable_params=trainable,
                non_trainable_params=non_trainable,
                config=_config(op),
                parent=parent,
                path=path,
                shared=len(calls) > 1,
                call_index=calls.index(idx),
                inner=_inner_type(op),
                model_inputs=model_inputs,
                model_outputs=model_outputs,
            )
        )
        walk.nodes.extend(internals.nodes)
        walk.edges.extend(internals.edges)
        for slot, tensor in enumerate(ins):
            history = getattr(tensor, "_keras_history", None)
            if history is None or history.operation is None:
                continue
            source = ids.get((id(history.operation), history.node_index))
            if source is None:
                continue
            walk.edges.append(
                Edge(
                    source=source,
                    target=node_id,
                    shape=_shape(tensor.shape),
                    source_index=int(history.tensor_index),
                    target_index=slot,
                )
            )

    def producer(tensor: Any) -> str | None:
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return None
        return ids.get((id(history.operation), history.node_index))

    inputs = [i for i in (producer(t) for t in owner.inputs) if i is not None]
    outputs = [o for o in (producer(t) for t in owner.outputs) if o is not None]
    return ids, inputs, outputs


def _open_composite(
    op: Any, knode: Any, internals: _Walk, node_id: str, path: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Record a composite layer's internals (composite.py); ``None`` keeps it a leaf."""

    def walk(functional: Any, sentinel: bool) -> tuple[list[str], list[str]]:
        trial = _Walk()
        _, inner_in, inner_out = _walk(
            functional, trial, prefix=node_id + "/", parent=node_id, path=path
        )
        nodes, edges = finish_internals(trial.nodes, trial.edges, sentinel)
        internals.nodes.extend(nodes)
        internals.edges.extend(edges)
        return inner_in, inner_out

    opened = open_composite(op, knode, walk)
    if opened is None:
        return None
    return tuple(opened[0]), tuple(opened[1])


def extract_model(
    model: Any,
    *,
    input_shape: Sequence[int | None] | None = None,
    source: str = "",
) -> Graph:
    """Walk a live Keras 3 model into a Graph.

    Sequential models are built from ``input_shape`` if needed; subclassed models are traced
    through ``model.call``. Raises :class:`ExtractionError` (message naming ``source``) when
    there is no graph to walk.
    """
    import keras

    label = source or getattr(model, "name", "model")
    if not isinstance(model, keras.Model):
        raise ExtractionError(
            f"model spec {label!r}: expected a keras.Model, got {type(model).__module__}."
            f"{type(model).__qualname__}"
        )
    traced = False
    try:
        with names_kept():
            owner = owner_of(model, input_shape)
            if owner is None:
                owner = trace_subclassed(model, input_shape)
                traced = True
    except ValueError as exc:
        raise ExtractionError(f"model spec {label!r}: {exc}") from None
    if not owner._nodes_by_depth:
        raise ExtractionError(f"model spec {label!r}: the model has no layers (empty model)")

    walk = _Walk()
    leave_tensorflow_alone()
    _, inputs, outputs = _walk(owner, walk, prefix="", parent=None, path=())
    meta: dict[str, Any] = {
        "framework": "keras",
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "class": type(model).__name__,
        "traced": traced,
    }
    if traced:
        meta["notes"] = ["subclassed model traced through model.call on keras.Input"]
    return Graph(
        name=model.name,
        nodes=tuple(walk.nodes),
        edges=tuple(walk.edges),
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        meta=meta,
    )


def _is_keras_model_class(cls: type) -> bool:
    return any(
        c.__name__ == "Model" and c.__module__.split(".", 1)[0] == "keras" for c in cls.__mro__
    )


class KerasExtractor:
    """The live-model route: any ``keras.Model`` (Functional, Sequential, subclassed)."""

    name = "keras"
    #: Annotations (as written in source) that mark a function returning this route's models.
    return_types: tuple[str, ...] = ("keras.Model", "keras.Sequential", "keras.Functional")

    @property
    def distributions(self) -> tuple[str, ...]:
        """Keras and the configured backend's distributions (TensorFlow's by default)."""
        return backend_distributions()

    @property
    def extra(self) -> str:
        """The extra for the configured backend: ``jax`` and ``torch`` have their own."""
        backend = keras_backend()
        return backend if backend in ("jax", "torch") else "tensorflow"

    def accepts(self, obj: object) -> bool:
        """A ``keras.Model`` instance, told by class names alone (no Keras import)."""
        return _is_keras_model_class(type(obj))

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        """Walk ``obj``; ``input-shape`` builds an unbuilt Sequential or traces a subclass."""
        shape = request.input_shapes[0] if request.input_shapes else None
        return extract_model(obj, input_shape=shape, source=request.source)

    def version(self) -> str:
        """Walker version, backend and installed versions (part of the IR cache key)."""
        backend = keras_backend()
        installed = distribution_versions(backend_distributions(backend))
        return f"keras-walker/{WALKER_VERSION} backend={backend} {installed}".strip()


#: The registered instance (``sphinx_netviz.core.extract.keras.model:EXTRACTOR``).
EXTRACTOR = KerasExtractor()

if TYPE_CHECKING:
    from ..base import Extractor

    _CONFORMS: Extractor = EXTRACTOR
