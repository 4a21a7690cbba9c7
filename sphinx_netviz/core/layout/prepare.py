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
from .wrapping import auto_wrap_width

if TYPE_CHECKING:
    from ..group.grouping import Grouping
    from ..ir.graph import Graph
    from ..options.schema import Options
    from ..view.marks import DiffPlan
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


def prepare(
    graph: Graph,
    options: Options,
    diff: DiffPlan | None = None,
    root: str | None = None,
    *,
    sizer: Sizer | None = None,
) -> Prepared:
    """View, decompose, group and lay out ``graph``; with a ``diff``, marked against its
    reference (``root``: the composite whose inside ``graph`` is, for a drill-down);
    ``sizer`` is the scale to draw at (default: ``graph``'s own, :meth:`Sizer.from_graph`)."""
    return _prepare(graph, with_graph_names(graph, options), diff, root, sizer=sizer)


def _prepare(
    graph: Graph,
    options: Options,
    diff: DiffPlan | None = None,
    root: str | None = None,
    *,
    sizer: Sizer | None = None,
) -> Prepared:
    if sizer is not None:
        return _lay(graph, options, sizer, diff, root)
    scale = Sizer.from_graph(graph, options)
    prep = _lay(graph, options, scale, diff, root)
    if options.wrap != "auto":
        return prep
    # wrap: auto. A model whose default drawing no rows fit into the column (a U-Net is one
    # block from end to end) is drawn with narrower glyphs and gaps. Whether is the model's
    # to say, not this drawing's: hide, group and depth never resize what stays. The
    # reference is the default drawing (``depth: auto`` sees through containers: a torch
    # U-Net's closed drawing fits where its default one is 1,104 px wide).
    default = type(options)()
    reference = replace(
        options,
        hide=(),
        group=default.group,
        groups=(),
        depth=default.depth,
        expand_nested=default.expand_nested,
        fold_repeats=default.fold_repeats,
    )
    fits = prep.scene.width <= auto_wrap_width()
    as_deep = options.expand_nested or options.depth == default.depth
    if fits and as_deep and not options.hide and not options.groups:
        # This drawing shows at least what the reference shows (unfolded, as deep or
        # deeper): if it fits, so does the reference, which need not be laid out.
        return prep
    if reference != options:
        fits = _lay(graph, reference, scale, diff, root).scene.width <= auto_wrap_width()
    if fits:
        return prep
    return _lay(graph, compact_options(options), scale.narrowed(COMPACT), diff, root)


#: How much ``wrap: auto`` narrows the glyphs and gaps of a model that no rows fit.
COMPACT = 0.6


def compact_options(options: Options) -> Options:
    """``options`` with the gap between glyphs narrowed like the glyphs (at least 12 px,
    where dimension labels still fit)."""
    return replace(
        options, h_spacing=min(options.h_spacing, max(12.0, options.h_spacing * COMPACT))
    )


def _lay(
    graph: Graph, options: Options, sizer: Sizer, diff: DiffPlan | None, root: str | None
) -> Prepared:
    vg = build_view(graph, options, splits=False)
    if diff is not None:  # before folding: marked nodes fold apart, ghosts never
        diff.apply(vg, root=root, hide=options.hide)
    if options.group != "none" and options.fold_repeats:
        fold_side_inputs(vg)
    insert_splits(vg)
    tree = decompose(vg)
    grouping = group_tree(vg, tree, options)
    scene = layout(vg, grouping, options, sizer=sizer)
    return Prepared(vg, grouping, scene, sizer)
