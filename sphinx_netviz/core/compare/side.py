"""One side of an architecture diff: a graph indexed for matching, and the tokens nodes are
compared by.

The diff compares two IRs of any origin: a Keras model and its PyTorch port, a snapshot and a
live model. What counts as "the same layer" must therefore not depend on spelling: types are
compared through their cross-framework twins (categories.py), shapes in one axis order (a
channels-first graph's ``C, H, W`` read as ``H, W, C``), and configuration only between two
graphs of one framework (Keras says ``units``, PyTorch ``out_features``).

Everything here is computed lazily and memoised: a diff of two 10,000-layer chains that match
by name never builds the content tokens that only repeat detection needs.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import TYPE_CHECKING

from ..ir.categories import canonical_type, category_of, node_category

if TYPE_CHECKING:
    from ..ir.graph import Graph, Node, Shape

__all__ = [
    "HIERARCHY_KINDS",
    "INPUT_DERIVED",
    "Side",
    "framework_of",
    "fused_activation",
    "type_key",
]

#: Node kinds whose internals are recorded under their id (as in hierarchy.py).
HIERARCHY_KINDS = ("model", "composite")

#: Configuration keys that restate the size of a layer's input (PyTorch spells the input
#: width into the module; an input node spells its own shape): they change with whatever
#: feeds the layer, so they do not tell a layer, or a change of it, apart.
INPUT_DERIVED = frozenset(
    {
        "in_features",
        "in1_features",
        "in2_features",
        "in_channels",
        "num_features",
        "num_channels",
        "normalized_shape",
        "input_size",
        "embed_dim",
        "kdim",
        "vdim",
    }
)


def framework_of(graph: Graph) -> str:
    """``keras``, ``torch``, ... as the extractor recorded it, else guessed from the nodes'
    defining modules; ``""`` when nothing says (hand-written IR)."""
    recorded = graph.meta.get("framework")
    if isinstance(recorded, str) and recorded:
        return recorded
    for n in graph.nodes[:64]:
        root = n.module.split(".", 1)[0]
        if root in ("keras", "tf_keras", "keras_hub", "keras_nlp"):
            return "keras"
        if root in ("torch", "transformers", "torchvision"):
            return "torch"
    return ""


def type_key(node: Node) -> str:
    """What a node *is*, in one spelling for every framework: ``<input>`` for inputs, the
    class name for nested models and composites, else the Keras twin of the type; an
    ``Activation`` layer reads as its function's twin (``Activation("relu")`` ~ ``nn.ReLU``)."""
    if node.kind == "input":
        return "<input>"
    if node.kind in HIERARCHY_KINDS:
        return "H:" + node.type
    twin = canonical_type(node.type, node.module)
    if twin == "Activation":
        return fused_activation(node) or twin
    return twin


def fused_activation(node: Node) -> str | None:
    """The activation a layer applies itself (Keras's ``activation`` argument), spelled as
    :func:`type_key` spells a standalone activation layer; None for none or ``linear``."""
    function = node.config.get("activation")
    if not isinstance(function, str) or function == "linear":
        return None
    named = canonical_type(function)
    return named if category_of(named) == "activation" else None


class Side:
    """One graph of a diff, indexed: nodes by id, children per parent (IR order, which is the
    call order, a topological order), predecessors within a level, and memoised tokens."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_id: dict[str, Node] = {n.id: n for n in graph.nodes}
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for n in graph.nodes:
            self.children[n.parent].append(n.id)
        self.framework = framework_of(graph)
        self.channels_first = graph.meta.get("layout") == "channels_first"
        self._content: dict[str, str] = {}
        self._preds: dict[str, list[str]] | None = None

    @property
    def preds(self) -> dict[str, list[str]]:
        """Predecessors within the same level (every IR edge joins two nodes of one level;
        one that did not would say nothing about a level's order). Built on first use: only
        repeat detection needs it."""
        if self._preds is None:
            self._preds = defaultdict(list)
            by_id = self.by_id
            for e in self.graph.edges:
                source, target = by_id.get(e.source), by_id.get(e.target)
                if source is not None and target is not None and source.parent == target.parent:
                    self._preds[e.target].append(e.source)
        return self._preds

    # -- shapes ------------------------------------------------------------------------------
    def shape(self, shape: Shape) -> Shape:
        """A shape in channels-last order (PyTorch's ``C, H, W`` -> ``H, W, C``), so twins
        compare equal; shapes of rank < 3 have no channel axis to move."""
        if self.channels_first and len(shape) >= 3:
            return (*shape[1:], shape[0])
        return shape

    def out_shapes(self, node: Node) -> tuple[Shape, ...]:
        if not self.channels_first:
            return node.output_shapes
        return tuple(self.shape(s) for s in node.output_shapes)

    def in_shapes(self, node: Node) -> tuple[Shape, ...]:
        if not self.channels_first:
            return node.input_shapes
        return tuple(self.shape(s) for s in node.input_shapes)

    # -- hierarchy ---------------------------------------------------------------------------
    def opened(self, node_id: str) -> bool:
        """A hierarchy node whose internals were recorded (and are matched level by level)."""
        return self.by_id[node_id].kind in HIERARCHY_KINDS and bool(self.children.get(node_id))

    def subtree(self, node_id: str) -> list[str]:
        """The node and all its internals, nested ones included."""
        if node_id not in self.children:
            return [node_id]
        out: list[str] = []
        stack = [node_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return out

    def ancestors(self, node_id: str) -> list[str]:
        """The hierarchy nodes a node is inside, innermost first."""
        chain: list[str] = []
        parent = self.by_id[node_id].parent
        while parent is not None and parent in self.by_id and len(chain) < 256:
            chain.append(parent)
            parent = self.by_id[parent].parent
        return chain

    def plumbing(self, node_id: str) -> bool:
        """A raw operation that only reshapes (``view``, ``transpose``, ``getitem``...)."""
        node = self.by_id[node_id]
        return node.kind == "op" and node_category(node) == "reshape"

    # -- tokens ------------------------------------------------------------------------------
    def detail_token(self, node_id: str) -> tuple[str, tuple[Shape, ...]]:
        """Type and output shapes: the first, strictest alignment pass."""
        node = self.by_id[node_id]
        return type_key(node), self.out_shapes(node)

    def coarse_token(self, node_id: str) -> str:
        """The type alone: pairs a layer whose width changed with its counterpart."""
        return type_key(self.by_id[node_id])

    def category_token(self, node_id: str) -> str | None:
        """The category: pairs a layer whose type changed within its role (``Conv2D`` ->
        ``SeparableConv2D``); ``other`` pairs nothing."""
        node = self.by_id[node_id]
        category = "block" if node.kind in HIERARCHY_KINDS else node_category(node)
        return None if category == "other" else category

    def content(self, node_id: str) -> str:
        """What makes two nodes of *one* graph repeats of each other: kind, type,
        configuration and, for a hierarchy node, its internals (the same, and their wiring,
        recursively). Names are left out (repeats differ in name), and so is all that follows
        from the input's size: shapes, parameter counts, ``in_channels`` (a DenseNet's layers
        are repeats although each reads a wider concatenation)."""
        cached = self._content.get(node_id)
        if cached is not None:
            return cached
        # post-order over the subtree without recursion (nesting can be deep)
        order = self.subtree(node_id)
        for current in reversed(order):
            if current in self._content:
                continue
            node = self.by_id[current]
            own = {k: v for k, v in node.config.items() if k not in INPUT_DERIVED}
            if node.kind == "input" and node.parent is not None:
                own = {}  # a block's own input spells its caller's shape
            config = json.dumps(own, sort_keys=True, default=str)
            inner = self._inner_hash(current) if current in self.children else ""
            self._content[current] = f"{node.kind}|{node.type}|{config}|{inner}"
        return self._content[node_id]

    def _inner_hash(self, node_id: str) -> str:
        kids = self.children[node_id]
        pos = {k: i for i, k in enumerate(kids)}
        lines = [
            f"{self._content[k]}<{sorted(i - pos[p] for p in self.preds.get(k, ()) if p in pos)}"
            for i, k in enumerate(kids)
        ]
        blob = "\n".join(lines).encode()
        return hashlib.sha1(blob, usedforsecurity=False).hexdigest()[:16]
