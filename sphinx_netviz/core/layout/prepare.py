"""The stages from IR to geometry, in order: view -> fold -> decompose -> group -> layout.

``prepare`` is the one place that runs them, for the diagram (:mod:`..diagram`) and for its
drill-down scenes (:mod:`..draw.details`), which lay out the inside of a group or composite by
the same rules. Folding repeated blocks that read side inputs is the group stage's
(:func:`..group.fold.fold_side_inputs`); it runs on the view before splits are inserted, since
a fold's side inputs become single edges into it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..group.fold import fold_side_inputs
from ..group.tree import group_tree
from ..view.build import build_view
from ..view.edits import insert_splits
from ..view.structure import decompose
from .place import layout
from .sizing import Sizer

if TYPE_CHECKING:
    from ..group.grouping import Grouping
    from ..ir.graph import Graph
    from ..options.schema import Options
    from ..view.vgraph import VGraph
    from .scene import Scene

__all__ = ["Prepared", "prepare", "with_graph_names"]


@dataclass
class Prepared:
    """The intermediate results of a render (for tests, the CLI's inspect, and benchmarks)."""

    view: VGraph
    grouping: Grouping
    scene: Scene
    #: the model's size scale (every IR tensor): drill-down scenes draw at the same scale
    sizer: Sizer


def with_graph_names(graph: Graph, options: Options) -> Options:
    """``options`` with the graph's own axis names (``Graph.dim_names``) under the
    ``dim-names`` the user gave, which win."""
    if not graph.dim_names:
        return options
    return replace(options, dim_names=(*graph.dim_names, *options.dim_names))


def prepare(graph: Graph, options: Options, *, sizer: Sizer | None = None) -> Prepared:
    """View, decompose, group and lay out ``graph``; ``sizer`` is the scale to draw at
    (default: ``graph``'s own, :meth:`Sizer.from_graph`)."""
    return _prepare(graph, with_graph_names(graph, options), sizer=sizer)


def _prepare(graph: Graph, options: Options, *, sizer: Sizer | None = None) -> Prepared:
    vg = build_view(graph, options, splits=False)
    if options.group != "none" and options.fold_repeats:
        fold_side_inputs(vg)
    insert_splits(vg)
    tree = decompose(vg)
    grouping = group_tree(vg, tree, options)
    scale = sizer if sizer is not None else Sizer.from_graph(graph, options)
    scene = layout(vg, grouping, options, sizer=scale)
    return Prepared(vg, grouping, scene, scale)
