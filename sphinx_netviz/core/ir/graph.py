"""The intermediate representation (IR) between extraction and rendering.

One :class:`Node` per layer *call* (a shared layer called twice is two nodes), one
:class:`Edge` per tensor passed from one call to another. The IR holds no framework objects:
it is plain data that crosses the worker's process boundary as JSON and is cached on disk, so
the rendering half of the core never needs TensorFlow.

The JSON form is a public contract (``netviz inspect --json``, shared/DESIGN.md section 3);
fields are only ever added, and :data:`SCHEMA_VERSION` changes when a reader would misread.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["SCHEMA_VERSION", "Edge", "Graph", "Node", "Shape"]

#: Version of the IR JSON layout. Readers refuse other versions (the cache then rebuilds).
SCHEMA_VERSION = 1

#: A tensor shape without the batch axis; ``None`` marks an unknown (dynamic) dimension.
Shape = tuple[int | None, ...]


def _shallow_dict(obj: Any) -> dict[str, Any]:
    """Field values by name; unlike ``dataclasses.asdict`` no deep copy (10x faster on large
    graphs, and the values are immutable or JSON-only anyway)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _shape(value: Any) -> Shape:
    return tuple(None if d is None else int(d) for d in value)


@dataclass(frozen=True)
class Node:
    """One call of a layer or operation.

    Attributes:
        id: Unique within the graph and stable across runs (derived from layer names, never
            from ``id()``), e.g. ``"conv1"``, ``"dense@1"`` for a second call, and
            ``"encoder/conv1"`` for the internals of a nested model ``encoder``.
        name: The layer's name as the user gave it (or Keras generated it).
        type: The class name, e.g. ``"Conv2D"``; for a wrapper, the wrapper's class.
        module: The defining module of the class, e.g. ``"keras.src.layers..."``; tells a
            ``keras.layers.Add`` layer from a raw ``keras.ops`` add with the same class name.
        kind: ``"input"`` (InputLayer / a model input), ``"layer"`` (a leaf layer or leaf
            module call), ``"op"`` (a raw operation: ``keras.ops.*``, ``torch.cat``,
            ``x + y``), ``"model"`` (a nested Functional/Sequential model) or
            ``"composite"`` (a layer or module that calls other layers: keras_hub's
            ``TransformerDecoder``, a torch ``BertLayer`` or ``ModuleList`` entry). Nodes of
            kind ``"model"`` and ``"composite"`` are hierarchy nodes: their internals carry
            their id as ``parent`` and they list ``model_inputs``/``model_outputs``.
        category: The layer's category, independent of framework and class name: one of
            ``conv``, ``dense``, ``norm``, ``activation``, ``pooling``, ``attention``,
            ``embedding``, ``merge``, ``reshape``, ``recurrent``, ``dropout``, ``io``,
            ``block`` (hierarchy nodes) or ``other``. Palettes and group names key on it, so
            ``nn.Conv2d`` and ``keras.layers.Conv2D`` look alike. Empty in IR written before
            it existed; readers then derive it from ``type``.
        input_shapes: Shapes of the tensors the call consumed, batch axis dropped.
        output_shapes: Shapes of the tensors the call produced, batch axis dropped.
        dtype: The compute dtype of the call's first output, if known.
        params: Total parameter count of the layer (shared layers report it on every call).
        trainable_params: Trainable parameter count.
        non_trainable_params: Non-trainable parameter count.
        config: A JSON-safe subset of the layer's config (scalars, short lists, nested
            objects reduced to their class name).
        parent: ``None`` for the calls of the top-level model; for the internals of a nested
            model, the id of the nested model's own node.
        path: Names from the top-level model down to this call's owner (nesting path).
        shared: True when the layer (or nested model) is called more than once.
        call_index: Which call of the layer this node is (0 for the first).
        inner: For wrappers (TimeDistributed, Bidirectional), the inner layer's class name.
        model_inputs: For ``kind == "model"`` nodes whose internals were recorded: ids of the
            internal nodes that receive the nested model's inputs, by input position.
        model_outputs: Likewise, ids of the internal nodes that produce its outputs.
        op: For ``kind == "op"`` nodes, the route the model took to the operation
            (``F.relu``, ``Tensor.relu_``, ``torch.cat``), while ``type`` is the layer type it
            matches (``ReLU``; :mod:`.op_types`). Empty when not recorded.
        role: ``"plumbing"`` for shape plumbing and index/mask arithmetic (``view``,
            ``transpose``, ``getitem``...), which serves the glyph next to it and is folded
            into it by default; empty for everything drawn as a layer.
        container: For a module call, the qualified name of the ``nn.ModuleList``,
            ``nn.ModuleDict`` or ``nn.Sequential`` the module is an item of
            (``encoder.layer`` for ``encoder.layer.2``): the calls of one container are one
            stack, whatever module calls them. ``op``, ``role`` and ``container`` are written
            to JSON only when set, so graphs without them keep their content hash.
        folded: The source format's own operations this node stands for, by their names
            there, when a route folds several into one call: an ONNX ``MatMul`` and its bias
            ``Add`` drawn as one ``Dense``, with the ``Shape``/``Gather``/``Concat`` shape
            arithmetic and the casts that serve it. Listed so that nothing of the file is
            lost (each source operation is in exactly one node's list); empty for routes
            whose nodes are the framework's own calls. Written to JSON only when present.
    """

    id: str
    name: str
    type: str
    module: str = ""
    kind: str = "layer"
    input_shapes: tuple[Shape, ...] = ()
    output_shapes: tuple[Shape, ...] = ()
    dtype: str | None = None
    params: int = 0
    trainable_params: int = 0
    non_trainable_params: int = 0
    config: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    parent: str | None = None
    path: tuple[str, ...] = ()
    shared: bool = False
    call_index: int = 0
    inner: str | None = None
    model_inputs: tuple[str, ...] = ()
    model_outputs: tuple[str, ...] = ()
    category: str = ""
    op: str = ""
    role: str = ""
    container: str = ""
    folded: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; tuples become lists; ``op``, ``role``, ``container`` when set."""
        data = _shallow_dict(self)
        for optional in ("op", "role", "container"):
            if not data[optional]:
                del data[optional]
        data["input_shapes"] = [list(s) for s in self.input_shapes]
        data["output_shapes"] = [list(s) for s in self.output_shapes]
        data["path"] = list(self.path)
        data["model_inputs"] = list(self.model_inputs)
        data["model_outputs"] = list(self.model_outputs)
        if self.folded:
            data["folded"] = list(self.folded)
        else:  # absent, not empty: IR written before the field keeps its content hash
            del data["folded"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        """Inverse of :meth:`to_dict`; unknown keys (from newer writers) are ignored."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["input_shapes"] = tuple(_shape(s) for s in data.get("input_shapes", ()))
        kwargs["output_shapes"] = tuple(_shape(s) for s in data.get("output_shapes", ()))
        kwargs["path"] = tuple(data.get("path", ()))
        kwargs["model_inputs"] = tuple(data.get("model_inputs", ()))
        kwargs["model_outputs"] = tuple(data.get("model_outputs", ()))
        kwargs["folded"] = tuple(str(f) for f in data.get("folded") or ())
        kwargs["config"] = dict(data.get("config") or {})
        return cls(**kwargs)

    @property
    def output_shape(self) -> Shape | None:
        """The first output shape, the one Net2Vis sizes glyphs by."""
        return self.output_shapes[0] if self.output_shapes else None

    @property
    def input_shape(self) -> Shape | None:
        """The first input shape."""
        return self.input_shapes[0] if self.input_shapes else None


@dataclass(frozen=True)
class Edge:
    """One tensor passed from the call ``source`` to the call ``target``.

    ``source_index`` is the position of the tensor among the source's outputs and
    ``target_index`` its position among the target's (flattened) inputs, so multi-input
    layers keep their argument order.
    """

    source: str
    target: str
    shape: Shape | None = None
    source_index: int = 0
    target_index: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        data = _shallow_dict(self)
        data["shape"] = None if self.shape is None else list(self.shape)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edge:
        """Inverse of :meth:`to_dict`."""
        shape = data.get("shape")
        return cls(
            source=str(data["source"]),
            target=str(data["target"]),
            shape=None if shape is None else _shape(shape),
            source_index=int(data.get("source_index", 0)),
            target_index=int(data.get("target_index", 0)),
        )


@dataclass(frozen=True)
class Graph:
    """A whole model: its calls, the tensors between them, and its inputs and outputs.

    ``meta`` carries facts about the extraction (framework and version, whether the model
    was traced, notes for the reader); it is not part of :meth:`content_hash`, so two
    extractions of the same network on different machines render identically.

    ``dim_names`` names the model's own symbolic axes, as ``(default name, name)`` pairs
    read like the ``dim-names`` option (``("seq", "tokens")``): what the model's author
    called an axis (PyTorch's ``Dim("tokens")``). Written to JSON only when present, so
    graphs without names keep their content hash.
    """

    name: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    dim_names: tuple[tuple[str, str], ...] = ()

    # -- JSON --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The IR JSON object of the public contract."""
        return {
            "schema": SCHEMA_VERSION,
            "name": self.name,
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "meta": self.meta,
            **({"dim_names": [list(p) for p in self.dim_names]} if self.dim_names else {}),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise deterministically (sorted keys)."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graph:
        """Build from the IR JSON object; raises ``ValueError`` on another schema version."""
        if not isinstance(data, dict):
            raise ValueError("IR JSON must be an object")
        version = data.get("schema")
        if version != SCHEMA_VERSION:
            raise ValueError(f"IR schema {version!r} is not supported (expected {SCHEMA_VERSION})")
        try:
            return cls(
                name=str(data.get("name", "model")),
                nodes=tuple(Node.from_dict(n) for n in data.get("nodes", ())),
                edges=tuple(Edge.from_dict(e) for e in data.get("edges", ())),
                inputs=tuple(str(i) for i in data.get("inputs", ())),
                outputs=tuple(str(o) for o in data.get("outputs", ())),
                meta=dict(data.get("meta") or {}),
                dim_names=tuple((str(a), str(b)) for a, b in data.get("dim_names") or ()),
            )
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            # A malformed document (a node that is not an object, a missing field...) is
            # one kind of error for every reader: the cache then rebuilds, a CLI user sees
            # one line.
            raise ValueError(f"malformed IR JSON ({type(exc).__name__}: {exc})") from None

    @classmethod
    def from_json(cls, text: str) -> Graph:
        """Parse IR JSON text (see :meth:`from_dict`); raises only ``ValueError``."""
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("malformed IR JSON (nested too deeply)") from None
        return cls.from_dict(data)

    # -- identity ----------------------------------------------------------------------------
    def content_hash(self) -> str:
        """A stable SHA-256 of the network itself (everything but ``meta``).

        Computed once per graph: the pipeline keys every diagram by it, warm builds included.
        """
        cached: str | None = self.__dict__.get("_content_hash")
        if cached is None:
            data = self.to_dict()
            del data["meta"]
            blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            cached = hashlib.sha256(blob.encode("utf-8")).hexdigest()
            object.__setattr__(self, "_content_hash", cached)
        return cached

    # -- queries -----------------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        """The node with id ``node_id`` (``KeyError`` if absent)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def top_level(self) -> Graph:
        """The graph Keras reports for the outer model: nodes with ``parent is None``."""
        keep = {n.id for n in self.nodes if n.parent is None}
        return Graph(
            name=self.name,
            nodes=tuple(n for n in self.nodes if n.id in keep),
            edges=tuple(e for e in self.edges if e.source in keep and e.target in keep),
            inputs=self.inputs,
            outputs=self.outputs,
            meta=self.meta,
        )
