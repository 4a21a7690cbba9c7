"""Record one forward pass of a ``torch.nn.Module`` as IR nodes and edges.

Two torch mechanisms, no tracer of our own: per-module forward pre/post hooks (with kwargs)
see every module call, and a :class:`torch.overrides.TorchFunctionMode` sees the functional
operations between them (``torch.cat``, ``x + y``, ``F.relu``, ``view``...). Operations that
run inside a leaf module belong to it and are not recorded. Tensors are followed by identity
(``id()`` of live tensors, kept alive until the trace ends) only to draw edges; node ids come
from module qualified names (``encoder.layer.0.attention``), so they are stable.

Each non-leaf module call is a ``composite`` node: its internals carry its id as ``parent``,
it gets one internal ``input`` node per tensor it receives (named after the forward
parameter), and lists them and its internal output producers as ``model_inputs`` /
``model_outputs``, the way the Keras walker records nested models. Edges never cross levels.

This module imports torch inside functions only; it runs in the worker (or the caller's
process for a live module the caller already holds).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...ir.graph import Edge, Graph, Node, Shape
from ...ir.op_types import layer_type, module_role, op_role
from .kinds import (
    SKIPPED_OPS,
    TRANSPARENT_OPS,
    containers_of,
    data_format,
    module_category,
    op_category,
    op_name,
    op_route,
)
from .values import config_of, flatten_tensors, input_names, params_of, shape_of

__all__ = ["Recorder", "flatten_tensors", "input_names", "is_leaf", "shape_of"]

#: torch.nn classes that hold child modules but compute without calling them (their children
#: are parameter holders): drawn as one leaf.
_ATOMIC = frozenset({"MultiheadAttention"})


def is_leaf(module: Any) -> bool:
    """A module drawn as one glyph: no child modules, or an atomic torch class."""
    if type(module).__name__ in _ATOMIC and type(module).__module__.startswith("torch.nn"):
        return True
    return next(iter(module.children()), None) is None


@dataclass
class _Call:
    """A node under construction (mutable until the trace ends)."""

    id: str
    name: str
    type: str
    module: str
    kind: str
    category: str
    parent: str | None
    path: tuple[str, ...]
    input_shapes: tuple[Shape, ...] = ()
    output_shapes: tuple[Shape, ...] = ()
    dtype: str | None = None
    params: tuple[int, int] = (0, 0)
    config: dict[str, Any] = field(default_factory=dict)
    key: int | None = None  # id() of the module, to mark shared calls
    call_index: int = 0
    model_inputs: tuple[str, ...] = ()
    model_outputs: tuple[str, ...] = ()
    op: str = ""
    role: str = ""
    container: str = ""


@dataclass
class _Scope:
    """One level of the hierarchy: the top level or the inside of a composite call."""

    call: _Call | None
    producers: dict[int, tuple[str, int]] = field(default_factory=dict)
    ops: Counter[str] = field(default_factory=Counter)


class Recorder:
    """Collects calls while a module runs; :meth:`graph` turns them into the IR."""

    def __init__(self, root: Any, *, prefix: str = "", parent: str | None = None) -> None:
        self.root = root
        self.prefix = prefix
        self.parent = parent
        self.names = {id(m): name for name, m in root.named_modules(remove_duplicate=True)}
        self.containers = containers_of(root, prefix)
        self.calls: list[_Call] = []
        self.edges: list[Edge] = []
        self.keep: list[Any] = []  # tensors whose id() we rely on: kept alive
        self.used: set[str] = set()
        self.counts: Counter[int] = Counter()
        self.scopes = [_Scope(call=None)]
        self.markers: list[_Call | None] = []
        self.leaf_depth = 0
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self.notes: list[str] = []  # modules traced on the CPU within a meta trace
        # Weights carry no batch axis: an op reading one (``x + self.bias``) records its whole
        # shape, where activations lose their first axis (:meth:`_shape`).
        self.weights = {id(t) for t in (*root.parameters(), *root.buffers())}

    def _shape(self, tensor: Any) -> Shape:
        """A tensor's shape as the IR records it: without the batch axis, unless it is one
        of the model's parameters or buffers."""
        if id(tensor) in self.weights:
            return tuple(int(d) for d in tensor.shape)
        return shape_of(tensor)

    # -- ids ---------------------------------------------------------------------------------
    def _unique(self, wanted: str) -> str:
        candidate, k = wanted, 1
        while candidate in self.used:
            candidate = f"{wanted}_{k}"
            k += 1
        self.used.add(candidate)
        return candidate

    def _local(self, name: str) -> str:
        """Id for an op or input in the current scope: ``parent/name``."""
        scope = self.scopes[-1]
        owner = scope.call.id if scope.call is not None else self.parent
        return self._unique(f"{owner}/{name}" if owner else f"{self.prefix}{name}")

    @property
    def _current_parent(self) -> str | None:
        scope = self.scopes[-1]
        return scope.call.id if scope.call is not None else self.parent

    @property
    def _path(self) -> tuple[str, ...]:
        return tuple(s.call.name for s in self.scopes[1:] if s.call is not None)

    # -- tensors -----------------------------------------------------------------------------
    def _produce(self, scope: _Scope, tensors: list[Any], node_id: str) -> None:
        for i, t in enumerate(tensors):
            scope.producers[id(t)] = (node_id, i)
            self.keep.append(t)

    def _consume(self, scope: _Scope, tensors: list[Any], target: str) -> None:
        for slot, t in enumerate(tensors):
            source = scope.producers.get(id(t))
            if source is not None and source[0] != target:
                self.edges.append(
                    Edge(source[0], target, shape_of(t), source_index=source[1], target_index=slot)
                )

    def add_inputs(self, names: list[str], tensors: list[Any]) -> None:
        """Input nodes of the traced level (the model's own inputs)."""
        scope = self.scopes[-1]
        for name, t in zip(names, tensors, strict=False):
            node_id = self._local(name)
            self.calls.append(self._io(node_id, name, t))
            self._produce(scope, [t], node_id)
            self.inputs.append(node_id)

    def set_outputs(self, tensors: list[Any]) -> None:
        scope = self.scopes[-1]
        self.outputs = [scope.producers[id(t)][0] for t in tensors if id(t) in scope.producers]

    def _io(self, node_id: str, name: str, t: Any) -> _Call:
        return _Call(
            id=node_id,
            name=name,
            type="Input",
            module="torch",
            kind="input",
            category="io",
            parent=self._current_parent,
            path=self._path,
            output_shapes=(shape_of(t),),
            dtype=str(t.dtype).removeprefix("torch."),
        )

    # -- module hooks ------------------------------------------------------------------------
    def pre_hook(self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self.leaf_depth:
            self.leaf_depth += 1
            self.markers.append(None)
            return
        scope = self.scopes[-1]
        key = id(module)
        k = self.counts[key]
        self.counts[key] += 1
        qual = self.names.get(key) or type(module).__name__.lower()
        qual = f"{self.prefix}{qual}" if qual else self.prefix.rstrip("./") or "module"
        node_id = self._unique(qual if k == 0 else f"{qual}@{k}")
        leaf = is_leaf(module)
        tensors = flatten_tensors((args, kwargs))
        call = _Call(
            id=node_id,
            name=qual.rsplit(".", 1)[-1] if k == 0 else f"{qual.rsplit('.', 1)[-1]}@{k}",
            type=type(module).__name__,
            module=type(module).__module__,
            kind="layer" if leaf else "composite",
            category=module_category(type(module).__name__, leaf=leaf),
            parent=self._current_parent,
            path=self._path,
            input_shapes=tuple(self._shape(t) for t in tensors),
            params=params_of(module),
            config=config_of(module),
            key=key,
            call_index=k,
            container=self.containers.get(key, ""),
        )
        self.calls.append(call)
        self._consume(scope, tensors, node_id)
        self.markers.append(call)
        if leaf:
            self.leaf_depth = 1
            return
        inner = _Scope(call=call)
        self.scopes.append(inner)
        names = input_names(module.forward, args, kwargs)
        ids = []
        for name, t in zip(names, tensors, strict=False):
            if id(t) in inner.producers:  # the same tensor passed twice: one input node
                continue
            input_id = self._local(name)
            self.calls.append(self._io(input_id, name, t))
            self._produce(inner, [t], input_id)
            ids.append(input_id)
        call.model_inputs = tuple(ids)

    def post_hook(
        self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
    ) -> None:
        call = self.markers.pop() if self.markers else None
        if call is None:
            self.leaf_depth = max(0, self.leaf_depth - 1)
            return
        tensors = flatten_tensors(output)
        call.output_shapes = tuple(shape_of(t) for t in tensors)
        if tensors:
            call.dtype = str(tensors[0].dtype).removeprefix("torch.")
        if call.kind == "layer":
            self.leaf_depth = 0
            call.role = module_role(call.type, call.input_shapes, call.output_shapes)
        else:
            inner = self.scopes.pop()
            found = (inner.producers.get(id(t)) for t in tensors)
            call.model_outputs = tuple(f[0] for f in found if f is not None)
        self._produce(self.scopes[-1], tensors, call.id)

    # -- functional operations ---------------------------------------------------------------
    def record_op(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
        """Called by the function mode after ``func`` ran outside any leaf module."""
        if self.leaf_depth:
            return
        raw = getattr(func, "__name__", None) or type(func).__name__
        name = op_name(str(raw))
        if name in SKIPPED_OPS:
            return
        outs = flatten_tensors(out)
        if not outs:
            return
        scope = self.scopes[-1]
        ins = flatten_tensors((args, kwargs))
        tracked = [t for t in ins if id(t) in scope.producers]
        if not tracked:
            return  # constants built from nothing we traced (position ids, masks of ones)
        if name in TRANSPARENT_OPS:
            source = scope.producers[id(tracked[0])]
            for t in outs:
                scope.producers[id(t)] = source
                self.keep.append(t)
            return
        node_id = self._local(name)
        config: dict[str, Any] = {}
        dim = kwargs.get("dim")
        if isinstance(dim, int):
            config["dim"] = dim
        in_shapes = tuple(self._shape(t) for t in ins)
        out_shapes = tuple(shape_of(t) for t in outs)
        kind = layer_type(name, in_shapes, out_shapes)
        layout = data_format(kind)
        if layout is not None:
            config["data_format"] = layout
        # Arithmetic on values: a floating-point tensor traced from the inputs, or a weight.
        # Constants do not count: ``torch.where(mask, 0.0, min)`` turns a boolean mask into an
        # additive one, which is mask plumbing, not a layer of the model.
        numeric = any(
            (t.dtype.is_floating_point or t.dtype.is_complex)
            and (id(t) in scope.producers or id(t) in self.weights)
            for t in ins
        )
        self.calls.append(
            _Call(
                id=node_id,
                name=node_id.rsplit("/", 1)[-1],
                type=kind,
                module=str(getattr(func, "__module__", None) or "torch"),
                kind="op",
                category=op_category(name),
                parent=self._current_parent,
                path=self._path,
                input_shapes=in_shapes,
                output_shapes=out_shapes,
                dtype=str(outs[0].dtype).removeprefix("torch."),
                config=config,
                op=op_route(func, name),
                role=op_role(
                    name,
                    in_shapes,
                    out_shapes,
                    numeric=numeric,
                    empty_input=any(t.numel() == 0 for t in ins),
                ),
            )
        )
        self._consume(scope, ins, node_id)
        self._produce(scope, outs, node_id)

    # -- result ------------------------------------------------------------------------------
    def nodes(self) -> list[Node]:
        """The recorded calls as IR nodes, dangling ops pruned, shared calls marked."""
        calls = self._pruned()
        return [
            Node(
                id=c.id,
                name=c.name,
                type=c.type,
                module=c.module,
                kind=c.kind,
                input_shapes=c.input_shapes,
                output_shapes=c.output_shapes,
                dtype=c.dtype,
                params=c.params[0] + c.params[1],
                trainable_params=c.params[0],
                non_trainable_params=c.params[1],
                config=c.config,
                parent=c.parent,
                path=c.path,
                shared=c.key is not None and self.counts[c.key] > 1,
                call_index=c.call_index,
                model_inputs=c.model_inputs,
                model_outputs=c.model_outputs,
                category=c.category,
                op=c.op,
                role=c.role,
                container=c.container,
            )
            for c in calls
        ]

    def _pruned(self) -> list[_Call]:
        """Drop ops whose result nobody used (``x.sum() > 0`` for control flow, shape
        arithmetic), repeatedly, so the drawing shows the dataflow only."""
        needed = set(self.outputs)
        for c in self.calls:
            needed.update(c.model_outputs)
        calls = list(self.calls)
        while True:
            used = {e.source for e in self.edges} | needed
            keep = [c for c in calls if c.kind != "op" or c.id in used]
            if len(keep) == len(calls):
                break
            alive = {c.id for c in keep}
            self.edges = [e for e in self.edges if e.source in alive and e.target in alive]
            calls = keep
        return calls

    def graph(self, name: str, meta: dict[str, Any]) -> Graph:
        nodes = self.nodes()
        return Graph(
            name=name,
            nodes=tuple(nodes),
            edges=tuple(self.edges),
            inputs=tuple(self.inputs),
            outputs=tuple(self.outputs),
            meta=meta,
        )

    def iter_modules(self) -> Iterator[Any]:
        """Every module of the root (each once), the root included."""
        seen: set[int] = set()
        for _, m in self.root.named_modules(remove_duplicate=True):
            if id(m) not in seen:
                seen.add(id(m))
                yield m
