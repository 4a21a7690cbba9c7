"""Channels first or last: the one rule for which axis of a tensor holds the channels.

Net2Vis sizes a glyph by ``H, W, C`` (height from the spatial size, width from the channels).
PyTorch and ONNX write ``C, H, W`` for images and ``C, L`` for ``Conv1d``, but ``L, C`` for
a Transformer's tokens; Keras writes ``H, W, C`` unless a layer says ``channels_first``. So
the layout is a property of each layer, not of the framework: a route records it where the
layer fixes it (``config["data_format"]``: convolutions, poolings, batch norms say
``channels_first`` in PyTorch, linear layers and layer norms ``channels_last``), and a layer
that does not care (an activation, an ``Add``) has the layout of the tensor it reads.

:func:`channels_first_nodes` answers per node for a whole graph, and :func:`channels_last`
turns a channels-first shape into the order glyphs are sized by. Every scene uses them: the
top level, ``expand-nested``, ``depth``, drill-down scenes and legend compositions (each is
drawn from the nodes themselves, so no graph-wide flag can get lost on the way). Tooltips
keep the framework's own order. Graphs without any ``data_format`` (written before it was
recorded) fall back to their ``meta["layout"]`` for shapes of rank 3 or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .categories import display_type

if TYPE_CHECKING:
    from .graph import Graph, Shape

__all__ = ["CHANNELS_FIRST", "Layouts", "channels_first_nodes", "channels_last"]

#: ``config["data_format"]`` of a layer whose channels come first.
CHANNELS_FIRST = "channels_first"


@dataclass(frozen=True)
class Layouts:
    """Which nodes of a graph are channels-first, and from which rank on that matters."""

    first: frozenset[str] = frozenset()
    #: 2 when layers say their format (``C, L`` is channels-first too); 3 for the legacy rule
    min_rank: int = 2
    #: Global poolings that keep unit spatial axes (``AdaptiveAvgPool2d(1)``: ``C, 1, 1``):
    #: what they write is drawn as the vector Keras's ``GlobalAveragePooling2D`` writes.
    vectors: frozenset[str] = frozenset()

    def drawn(self, node_id: str, shape: Shape | None) -> Shape | None:
        """``shape`` (of a tensor ``node_id`` reads) in the order glyphs use."""
        if node_id in self.first:
            return channels_last(shape, min_rank=self.min_rank)
        return shape

    def drawn_out(self, node_id: str, shape: Shape | None) -> Shape | None:
        """``shape`` (of a tensor ``node_id`` writes) in the order glyphs use."""
        shape = self.drawn(node_id, shape)
        if node_id in self.vectors and shape and all(d == 1 for d in shape[:-1]):
            return shape[-1:]
        return shape


def channels_first_nodes(graph: Graph) -> Layouts:
    """The nodes whose tensors are channels-first, by the rule above."""
    declared = {
        n.id: n.config["data_format"] == CHANNELS_FIRST
        for n in graph.nodes
        if isinstance(n.config.get("data_format"), str)
    }
    if not declared:
        return _legacy(graph)
    first_source: dict[str, str] = {}
    first_target: dict[str, str] = {}
    for e in sorted(graph.edges, key=lambda e: e.target_index):
        first_source.setdefault(e.target, e.source)
    for e in graph.edges:
        first_target.setdefault(e.source, e.target)
    # A nested model or composite writes what its last internal node writes.
    inner = {n.id: n.model_outputs[0] for n in graph.nodes if n.model_outputs}
    layout: dict[str, bool] = dict(declared)
    for _ in range(4):  # forward along the data, then back to inputs; a few rounds settle it
        before = len(layout)
        for n in graph.nodes:  # IR order is topological: what a node reads comes first
            if n.id not in layout:
                src = inner.get(n.id) or first_source.get(n.id)
                if src in layout:
                    layout[n.id] = layout[src]
        for n in reversed(graph.nodes):  # inputs (and what only they feed) take their reader's
            if n.id not in layout:
                dst = first_target.get(n.id)
                if dst in layout:
                    layout[n.id] = layout[dst]
        if len(layout) == before:
            break
    vectors = frozenset(
        n.id for n in graph.nodes if layout.get(n.id) and display_type(n.type).startswith("Global")
    )
    return Layouts(frozenset(i for i, first in layout.items() if first), vectors=vectors)


def _legacy(graph: Graph) -> Layouts:
    """Graphs without per-layer formats: the whole graph's ``meta["layout"]``, applied to
    shapes of rank 3 or more (images), as it always was."""
    if graph.meta.get("layout") != CHANNELS_FIRST:
        return Layouts()
    return Layouts(frozenset(n.id for n in graph.nodes), min_rank=3)


def channels_last(shape: Shape | None, *, min_rank: int = 2) -> Shape | None:
    """A channels-first shape (``C, H, W`` or ``C, L``) in the order glyphs are sized by
    (``H, W, C`` or ``L, C``); shapes of lower rank stay as they are."""
    if shape is None or len(shape) < min_rank:
        return shape
    return (*shape[1:], shape[0])
