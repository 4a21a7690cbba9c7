"""Composite Keras layers opened up: the layers and raw ops a layer's ``call`` runs.

A keras_hub ``TransformerDecoder`` (or a user's own block) is one call in its model's graph;
Keras records nothing of what happens inside, because ``layer(x)`` on symbolic tensors traces
``call`` with backend placeholders. To see the inside, the layer's ``call`` is run once more,
directly, on fresh ``keras.Input`` tensors shaped like the recorded call's arguments: every
sublayer and ``keras.ops`` call inside then records a node, and a throw-away Functional over
those tensors is walked like a nested model.

Tracing must not change the model: the layer is already built (no weight is created), the
nodes the re-call records on sublayers are removed again afterwards, and Keras's name
counters are swapped for fresh ones during the trace (so raw ops inside get names that do not
depend on what ran before: deterministic ids) and restored after. A ``call`` that cannot be
traced symbolically leaves the layer opaque, with its shapes; it never raises.

Imports Keras inside functions only (the worker side).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...ir.graph import Edge, Node, Shape

__all__ = [
    "CATEGORY_BLOCK",
    "SENTINEL",
    "finish_internals",
    "is_composite",
    "leaf_category",
    "open_composite",
    "traced_call",
]

#: Category of hierarchy nodes (graph.Node.category).
CATEGORY_BLOCK = "block"

# A small local mapping of class-name fragments to Node.category for the nodes a trace
# creates; the general framework-independent table lives with the core's categories module.
_CATEGORY_HINTS: tuple[tuple[str, str], ...] = (
    ("attention", "attention"),
    ("embedding", "embedding"),
    ("normalization", "norm"),
    ("norm", "norm"),
    ("conv", "conv"),
    ("dense", "dense"),
    ("pool", "pooling"),
    ("dropout", "dropout"),
    ("activation", "activation"),
    ("softmax", "activation"),
    ("relu", "activation"),
    ("gelu", "activation"),
    ("add", "merge"),
    ("concatenate", "merge"),
    ("multiply", "merge"),
    ("reshape", "reshape"),
    ("flatten", "reshape"),
    ("transpose", "reshape"),
    ("lstm", "recurrent"),
    ("gru", "recurrent"),
    ("rnn", "recurrent"),
    ("input", "io"),
)


def leaf_category(type_name: str, kind: str) -> str:
    """The Node.category of a traced node, from its kind and class name."""
    if kind in ("composite", "model"):
        return CATEGORY_BLOCK
    if kind == "input":
        return "io"
    lowered = type_name.lower()
    for fragment, category in _CATEGORY_HINTS:
        if fragment in lowered:
            return category
    return "other"


def _builtin(cls: type) -> bool:
    return cls.__module__.startswith(("keras.", "tf_keras.", "tensorflow."))


def is_composite(layer: Any) -> bool:
    """True for a layer worth opening: it tracks sublayers, and it is not a Keras built-in
    (nor a subclass of a built-in other than ``Layer``: ``MultiHeadAttention``, ``LSTM`` and
    ``Embedding`` subclasses stay the leaves readers know; an RNN's cell loop cannot be traced
    symbolically anyway)."""
    import keras

    if isinstance(layer, keras.Model) or not isinstance(layer, keras.layers.Layer):
        return False
    cls = type(layer)
    if _builtin(cls):
        return False
    for base in cls.__mro__[1:]:
        if (
            _builtin(base)
            and base is not keras.layers.Layer
            and issubclass(base, keras.layers.Layer)
        ):
            return False
        if base is keras.layers.Layer:
            break
    try:
        return bool(layer._flatten_layers(include_self=False, recursive=False))
    except Exception:  # a layer whose tracking is unusual: leave it a leaf
        return False


def _nodes_of(layer: Any) -> list[tuple[Any, list[Any], list[Any]]]:
    """Every sublayer (recursively) with copies of its node lists, to restore later."""
    saved = []
    for sub in layer._flatten_layers(include_self=False, recursive=True):
        saved.append((sub, list(sub._inbound_nodes), list(sub._outbound_nodes)))
    return saved


@contextmanager
def _lenient_specs(layer: Any) -> Iterator[None]:
    """Sublayers whose own ``compute_output_spec`` rejects the arguments their composite
    passes (keras_hub's ``CachedMultiHeadAttention`` gets ``cache=None``, which the base
    ``MultiHeadAttention`` spec does not take) fall back to Keras's generic spec, which traces
    ``call``. Instance attributes, removed again on exit."""
    import keras

    generic = keras.layers.Layer.compute_output_spec
    patched = []
    for sub in layer._flatten_layers(include_self=False, recursive=True):
        if "compute_output_spec" in vars(sub):
            continue
        own = sub.compute_output_spec

        def lenient(*args: Any, _own: Any = own, _sub: Any = sub, **kwargs: Any) -> Any:
            try:
                return _own(*args, **kwargs)
            except TypeError:
                return generic(_sub, *args, **kwargs)

        object.__setattr__(sub, "compute_output_spec", lenient)
        patched.append(sub)
    try:
        yield
    finally:
        for sub in patched:
            object.__delattr__(sub, "compute_output_spec")


@contextmanager
def _fresh_names() -> Iterator[None]:
    from keras.src.backend.common import global_state

    before = global_state.get_global_attribute("object_name_uids")
    global_state.set_global_attribute("object_name_uids", collections.defaultdict(int))
    try:
        yield
    finally:
        global_state.set_global_attribute("object_name_uids", before)


#: Stand-in length for unknown axes when a ``call`` needs a concrete one (``ops.arange`` of a
#: sequence length, as keras_hub's causal masks do; the batch axis is then 1); mapped back to
#: ``None`` in the IR. Such calls run some ops eagerly on constants (a causal mask of
#: length x length), so it is small; an unusual prime, so a real axis is unlikely to equal it.
SENTINEL = 509


def _attempt(layer: Any, knode: Any, unknown: int | None) -> Any | None:
    import keras
    from keras import tree

    inputs: list[Any] = []

    def fresh(x: Any) -> Any:
        if isinstance(x, keras.KerasTensor):
            dims = tuple(x.shape)
            batch = dims[:1] if unknown is None else (1,)
            shape = batch + tuple(unknown if d is None else d for d in dims[1:])
            t = keras.Input(batch_shape=shape, dtype=x.dtype, name=f"arg{len(inputs)}")
            inputs.append(t)
            return t
        return x

    # Fresh inputs in the order Keras flattens the call's arguments (the order of the outer
    # edges' target_index), so model_inputs[i] is where the i-th input tensor goes.
    structure = (knode.arguments.args, knode.arguments.kwargs)
    flat_args = [fresh(x) for x in tree.flatten(structure)]
    args, kwargs = tree.pack_sequence_as(structure, flat_args)
    outputs = layer.call(*args, **kwargs)
    flat = [t for t in tree.flatten(outputs) if isinstance(t, keras.KerasTensor)]
    if not inputs or not flat:
        return None
    functional = keras.Model(inputs, flat, name=f"{layer.name}_internals")
    return functional if functional._nodes_by_depth else None


@contextmanager
def traced_call(layer: Any, knode: Any) -> Iterator[tuple[Any, bool] | None]:
    """A Functional over the internals of ``layer``'s recorded call ``knode`` and whether
    unknown axes were traced as :data:`SENTINEL`; ``None`` when it cannot be traced.

    Valid only inside the ``with`` block (the sublayers' recorded nodes are removed on exit).
    """
    if not is_composite(layer):
        yield None
        return
    saved = _nodes_of(layer)

    def restore() -> None:
        for sub, inbound, outbound in saved:
            sub._inbound_nodes[:] = inbound
            sub._outbound_nodes[:] = outbound

    result: tuple[Any, bool] | None = None
    try:
        with _lenient_specs(layer):
            for unknown in (None, SENTINEL):
                try:
                    with _fresh_names():
                        functional = _attempt(layer, knode, unknown)
                except Exception:  # untraceable call: try concrete lengths, then give up
                    restore()
                    continue
                if functional is not None:
                    result = (functional, unknown is not None)
                break
        yield result
    finally:
        restore()


def open_composite(
    layer: Any, knode: Any, walk: Callable[[Any, bool], tuple[list[str], list[str]]]
) -> tuple[list[str], list[str]] | None:
    """Walk ``layer``'s internals with ``walk(functional, sentinel)`` -> (input ids, output
    ids); ``sentinel`` tells the walker to map :data:`SENTINEL` axes back to ``None``.

    ``None`` when the layer is no composite or its call could not be traced (or walked).
    """
    try:
        with traced_call(layer, knode) as traced:
            if traced is None:
                return None
            return walk(*traced)
    except Exception:  # a walk that fails on an odd internal graph: stay opaque
        return None


def _unsentinel(shape: Shape | None) -> Shape | None:
    if shape is None:
        return None
    return tuple(None if d == SENTINEL else d for d in shape)


def finish_internals(
    nodes: list[Node], edges: list[Edge], sentinel: bool
) -> tuple[list[Node], list[Edge]]:
    """Traced internals with ``category`` filled in and stand-in lengths unknown again."""
    out: list[Node] = []
    for n in nodes:
        changes: dict[str, Any] = {}
        if not n.category:
            changes["category"] = leaf_category(n.type, n.kind)
        if sentinel:
            changes["input_shapes"] = tuple(_unsentinel(s) or () for s in n.input_shapes)
            changes["output_shapes"] = tuple(_unsentinel(s) or () for s in n.output_shapes)
        out.append(replace(n, **changes) if changes else n)
    if sentinel:
        edges = [replace(e, shape=_unsentinel(e.shape)) for e in edges]
    return out, edges
