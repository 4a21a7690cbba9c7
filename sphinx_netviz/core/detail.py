"""Drill-down scenes: what a group or composite glyph reveals when a reader opens it.

The interactive HTML never lays anything out in the browser. At build time, for every glyph
that stands for more than one thing, this module lays out one level of its inside with the
real layout engine, at the diagram's own scale:

- a folded group (``Residual x3``): all of its repeats, one after another, so the revealed
  glyphs' ``data-members`` add up to the group's; groups nested in it stay folded glyphs,
  each with a scene of its own (level by level);
- a manual group: its members;
- a hierarchy node drawn as one glyph (kind ``"model"``, a nested Keras model, or kind
  ``"composite"``, a layer that calls layers): its internals, rendered as a graph of their
  own (grouped like any model), through one code path for both kinds.

Scenes are returned flat, each naming the glyph id that opens it; ids of group glyphs inside
a scene are prefixed with the opener's id so that they stay unique on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .graph import Edge, Graph, Node
from .group import Grouping
from .layout import Glyph, Scene, layout
from .structure import Group, Item, Series, decompose, walk_leaves
from .view import VGraph, _insert_splits

if TYPE_CHECKING:
    from .options import Options
    from .palette import Palette

__all__ = ["HIERARCHY_KINDS", "DetailScene", "build_details"]

#: IR node kinds whose internals a glyph can reveal (DESIGN.md: "hierarchy nodes").
HIERARCHY_KINDS = frozenset({"model", "composite"})

#: Glyph ids in a scene grow with nesting; deeper levels than this stay folded (a guard
#: against pathological IR, not a limit real models reach).
MAX_DEPTH = 12


@dataclass(frozen=True)
class DetailScene:
    """One level of a glyph's inside, laid out and ready for the SVG writer."""

    for_id: str
    label: str
    scene: Scene
    tooltips: dict[str, str]
    group_colors: dict[int, str]
    members: int


@dataclass(frozen=True)
class _Context:
    """What a level was drawn from: needed to lay out and describe the next level."""

    graph: Graph
    vg: VGraph
    grouping: Grouping
    group_colors: dict[int, str]
    items: dict[tuple[int, tuple[str, ...]], Group]


def _group_items(grouping: Grouping) -> dict[tuple[int, tuple[str, ...]], Group]:
    """Every folded group of the tree (at any depth), keyed as its glyph is: (gid, leaves)."""
    found: dict[tuple[int, tuple[str, ...]], Group] = {}

    def visit(items: list[Item]) -> None:
        for it in items:
            if isinstance(it, Group):
                runs = it.runs or [it.body]
                key = (it.gid, tuple(x for run in runs for x in walk_leaves(run)))
                found[key] = it
                for run in runs:
                    visit(run)
            else:
                for series in _child_series(it):
                    visit(series.items)

    visit(grouping.tree.items)
    return found


def _child_series(item: Item) -> list[Series]:
    branches = getattr(item, "branches", None)
    if branches is not None:
        return list(branches)
    chains = getattr(item, "chains", None)
    return list(chains) if chains is not None else []


def _children(graph: Graph) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = {}
    for n in graph.nodes:
        if n.parent is not None:
            out.setdefault(n.parent, []).append(n)
    return out


def inner_graph(graph: Graph, node: Node) -> Graph | None:
    """The internals of hierarchy node ``node`` as a graph of their own, or None."""
    kids = _children(graph)
    if node.kind not in HIERARCHY_KINDS or node.id not in kids:
        return None
    inside: list[Node] = []
    stack = [node.id]
    ids: set[str] = set()
    while stack:
        for child in kids.get(stack.pop(), []):
            ids.add(child.id)
            stack.append(child.id)
    for n in graph.nodes:  # IR order, so the inner graph draws deterministically
        if n.id in ids:
            inside.append(replace(n, parent=None) if n.parent == node.id else n)
    edges: list[Edge] = [e for e in graph.edges if e.source in ids and e.target in ids]
    inputs = tuple(i for i in node.model_inputs if i in ids)
    outputs = tuple(o for o in node.model_outputs if o in ids)
    if not inputs:
        inputs = tuple(n.id for n in inside if n.parent is None and n.kind == "input")
    return Graph(
        name=node.name, nodes=tuple(inside), edges=tuple(edges), inputs=inputs, outputs=outputs
    )


def _rename_groups(scene: Scene, opener: str) -> None:
    """Prefix the ids of folded-group glyphs (``group-2-1``: a per-layout counter) with the
    opener's id, so a scene's groups never share an id with the main diagram's."""
    renamed: dict[str, str] = {}
    for g in scene.glyphs:
        if g.kind == "group" and g.gid:
            renamed[g.id] = f"{opener}/{g.id}"
            g.id = renamed[g.id]
    for p in scene.paths:
        p.source = renamed.get(p.source, p.source)
        p.target = renamed.get(p.target, p.target)


def _context(graph: Graph, options: Options, palette: Palette) -> tuple[_Context, Scene]:
    from .diagram import prepare  # diagram imports this module
    from .legend import shown_types

    prep = prepare(graph, options)
    gids = sorted(prep.grouping.defs)
    types = shown_types(prep.view, prep.grouping)
    colors = palette.group_colors([prep.grouping.defs[g].key for g in gids], [*types, "Split"])
    ctx = _Context(graph, prep.view, prep.grouping, dict(zip(gids, colors, strict=True)), {})
    return replace(ctx, items=_group_items(prep.grouping)), prep.scene


def build_details(
    graph: Graph,
    vg: VGraph,
    grouping: Grouping,
    scene: Scene,
    options: Options,
    palette: Palette,
    group_colors: dict[int, str],
) -> list[DetailScene]:
    """The drill-down scenes of every openable glyph of ``scene`` (and of theirs, recursively)."""
    out: list[DetailScene] = []
    ctx = _Context(graph, vg, grouping, group_colors, _group_items(grouping))
    _collect(ctx, scene, options, palette, out, 0)
    return out


def _collect(
    ctx: _Context,
    scene: Scene,
    options: Options,
    palette: Palette,
    out: list[DetailScene],
    depth: int,
) -> None:
    if depth >= MAX_DEPTH:
        return
    from .diagram import tooltip

    for g in scene.glyphs:
        opened = _open(ctx, g, options, palette)
        if opened is None:
            continue
        inner_ctx, inner, label = opened
        _rename_groups(inner, g.id)
        tips = {sg.id: tooltip(inner_ctx.vg, inner_ctx.grouping, sg) for sg in inner.glyphs}
        members = sum(sg.members for sg in inner.glyphs)
        out.append(DetailScene(g.id, label, inner, tips, inner_ctx.group_colors, members))
        _collect(inner_ctx, inner, options, palette, out, depth + 1)


def _open(
    ctx: _Context, g: Glyph, options: Options, palette: Palette
) -> tuple[_Context, Scene, str] | None:
    """(context, scene, label) of what glyph ``g`` reveals, or None if it is a plain layer."""
    if g.kind == "group" and g.gid:
        item = ctx.items.get((g.gid, g.node_ids))
        if item is None:
            return None
        runs = item.runs or [item.body]
        tree = Series([x for run in runs for x in run])
        inner = layout(ctx.vg, ctx.grouping, options, tree=tree)
        count = f" \u00d7{item.count}" if item.count > 1 else ""
        return ctx, inner, f"{g.type}{count}"
    if g.kind == "group" and g.id in ctx.vg.manual_members:
        sub = _copy_view(ctx.vg.manual_members[g.id])
        _insert_splits(sub)
        tree = decompose(sub)
        grouping = Grouping(tree=tree)
        inner = layout(sub, grouping, options, tree=tree)
        return _Context(ctx.graph, sub, grouping, {}, {}), inner, g.type
    vnode = ctx.vg.nodes.get(g.id)
    node = vnode.node if vnode is not None else None
    if g.kind != "layer" or node is None:
        return None
    sub_graph = inner_graph(ctx.graph, node)
    if sub_graph is None or not sub_graph.nodes:
        return None
    inner_ctx, inner = _context(sub_graph, options, palette)
    return inner_ctx, inner, f"{node.name} ({node.type})"


def _copy_view(sub: VGraph) -> VGraph:
    return VGraph(
        name=sub.name,
        nodes=dict(sub.nodes),
        succ={k: list(v) for k, v in sub.succ.items()},
        pred={k: list(v) for k, v in sub.pred.items()},
        shapes=dict(sub.shapes),
        inputs=list(sub.inputs),
        outputs=list(sub.outputs),
    )
