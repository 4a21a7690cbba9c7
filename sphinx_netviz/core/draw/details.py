"""Drill-down scenes: what a group or composite glyph reveals when a reader opens it.

The interactive HTML never lays anything out in the browser. At build time, for every glyph
that stands for more than one thing, this module lays out one level of its inside with the
real layout engine, at the diagram's own scale:

- a folded run of repeats (``Residual x3``): one glyph per repeat, so the revealed glyphs'
  ``data-members`` add up to the group's; each repeat, and a group that is not a run,
  opens to the block's body, where nested groups stay folded glyphs, each with a scene of
  its own (level by level);
- a manual group: its members;
- a hierarchy node drawn as one glyph (kind ``"model"``, a nested Keras model, or kind
  ``"composite"``, a layer that calls layers): its internals, rendered as a graph of their
  own (grouped like any model), through one code path for both kinds.

Scenes are returned flat, each naming the glyph id that opens it; ids of group glyphs inside
a scene are prefixed with the opener's id so that they stay unique on the page.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..group.grouping import Grouping
from ..ir.graph import Edge, Graph, Node
from ..layout import Glyph, Scene, Sizer, layout
from ..layout.prepare import prepare
from ..view.edits import insert_splits
from ..view.structure import Group, Item, Series, decompose, walk_leaves
from .diffmarks import path_marks
from .legend import drawn_kinds

if TYPE_CHECKING:
    from ..options.schema import Options
    from ..view.marks import DiffPlan
    from ..view.vgraph import VGraph
    from .looks import Looks

__all__ = ["HIERARCHY_KINDS", "DetailScene", "build_details", "scene_key", "share_scenes"]

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
    looks: Looks
    members: int
    #: further glyphs (repeats drawn the same) that open this very scene
    also: list[str] = field(default_factory=list)
    #: 0 for a scene opened from the diagram itself, 1 from such a scene, ...
    depth: int = 0
    #: a diff's marked edges in this scene (draw/diffmarks.py)
    edge_marks: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Context:
    """What a level was drawn from: needed to lay out and describe the next level."""

    graph: Graph
    vg: VGraph
    grouping: Grouping
    looks: Looks
    items: dict[tuple[int, tuple[str, ...]], Group]
    #: the level's sizer, computed once: layout() would rescan every node per scene
    sizer: Sizer | None = None
    hierarchy: Hierarchy | None = None
    #: a diff being drawn: inner graphs are marked against the reference too
    diff: DiffPlan | None = None

    def lay(self, options: Options, tree: Series, *, names: bool = True) -> Scene:
        """One scene of this level, at the level's scale."""
        return layout(
            self.vg, self.grouping, options, sizer=self.sizer, tree=tree, group_names=names
        )


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


@dataclass(frozen=True)
class Hierarchy:
    """Who is inside whom in one graph, indexed once (a model may hold thousands of
    hierarchy nodes; looking each one's internals up must not rescan the graph)."""

    kids: dict[str, list[Node]]
    order: dict[str, int]
    edges_from: dict[str, list[tuple[int, Edge]]]

    @classmethod
    def of(cls, graph: Graph) -> Hierarchy:
        kids: dict[str, list[Node]] = {}
        for n in graph.nodes:
            if n.parent is not None:
                kids.setdefault(n.parent, []).append(n)
        edges_from: dict[str, list[tuple[int, Edge]]] = {}
        for i, e in enumerate(graph.edges):
            edges_from.setdefault(e.source, []).append((i, e))
        order = {n.id: i for i, n in enumerate(graph.nodes)}
        return cls(kids, order, edges_from)


def inner_graph(graph: Graph, node: Node, index: Hierarchy | None = None) -> Graph | None:
    """The internals of hierarchy node ``node`` as a graph of their own, or None."""
    index = index or Hierarchy.of(graph)
    if node.kind not in HIERARCHY_KINDS or node.id not in index.kids:
        return None
    found: list[Node] = []
    stack = [node.id]
    ids: set[str] = set()
    while stack:
        for child in index.kids.get(stack.pop(), []):
            ids.add(child.id)
            found.append(child)
            stack.append(child.id)
    found.sort(key=lambda n: index.order[n.id])  # IR order: the inner graph draws the same
    inside = [replace(n, parent=None) if n.parent == node.id else n for n in found]
    edges = sorted(
        (pair for i in ids for pair in index.edges_from.get(i, ()) if pair[1].target in ids),
        key=lambda pair: pair[0],
    )
    inputs = tuple(i for i in node.model_inputs if i in ids)
    outputs = tuple(o for o in node.model_outputs if o in ids)
    if not inputs:
        inputs = tuple(n.id for n in inside if n.parent is None and n.kind == "input")
    return Graph(
        name=node.name,
        nodes=tuple(inside),
        edges=tuple(e for _, e in edges),
        inputs=inputs,
        outputs=outputs,
        # The framework's axis order: the scene's shapes are drawn in the diagram's order.
        meta={"layout": graph.meta["layout"]} if "layout" in graph.meta else {},
    )


def _rename_groups(scene: Scene, opener: str, counter: list[int]) -> None:
    """Give folded-group glyphs (``group-2-1``: a per-layout counter) ids unique on the
    page: the top-level opener's id and a running number (short, as ids repeat in edges
    and ``data-for`` lists), so a scene's groups never share an id with the diagram's."""
    renamed: dict[str, str] = {}
    root = opener.split("/", 1)[0]
    for g in scene.glyphs:
        if g.kind == "group" and g.gid:
            counter[0] += 1
            renamed[g.id] = f"{root}/{counter[0]}"
            g.id = renamed[g.id]
    for p in scene.paths:
        p.source = renamed.get(p.source, p.source)
        p.target = renamed.get(p.target, p.target)


def _context(
    graph: Graph,
    options: Options,
    looks: Looks,
    sizer: Sizer | None,
    diff: DiffPlan | None,
    root: str,
) -> tuple[_Context, Scene]:
    prep = prepare(graph, options, diff, root, sizer=sizer)
    types, groups = drawn_kinds(prep.view, prep.grouping, prep.scene)
    ctx = _Context(
        graph,
        prep.view,
        prep.grouping,
        looks.extended(types, groups),
        _group_items(prep.grouping),
        prep.sizer,
        Hierarchy.of(graph),
        diff,
    )
    return ctx, prep.scene


def build_details(
    graph: Graph,
    vg: VGraph,
    grouping: Grouping,
    scene: Scene,
    options: Options,
    looks: Looks,
    sizer: Sizer,
    diff: DiffPlan | None = None,
) -> Iterator[DetailScene]:
    """The drill-down scenes of every openable glyph of ``scene`` (and of theirs), level by
    level (breadth first), so that a caller with a byte budget keeps the outer levels.
    Every level is drawn at the diagram's scale (``sizer``): a glyph keeps its size when
    opened; with a ``diff``, every scene is marked against its reference as the diagram
    is."""
    ctx = _Context(
        graph,
        vg,
        grouping,
        looks,
        _group_items(grouping),
        sizer,
        Hierarchy.of(graph),
        diff,
    )
    counter = [0]
    seen: dict[tuple[object, ...], DetailScene] = {}
    queue: deque[tuple[_Context, Scene, int]] = deque([(ctx, scene, 0)])
    while queue:
        level, drawn, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for g in drawn.glyphs:
            opened = _open(level, g, options)
            if opened is None:
                continue
            inner_ctx, inner, label = opened
            _rename_groups(inner, g.id, counter)
            # Scene glyphs carry no tooltips: name and type are in their data attributes
            # and the shapes in their labels, and scenes must stay light (page weight).
            tips = {sg.id: "" for sg in inner.glyphs}
            members = sum(sg.members for sg in inner.glyphs)
            found = DetailScene(
                g.id,
                label,
                inner,
                tips,
                inner_ctx.looks,
                members,
                depth=depth,
                edge_marks=path_marks(inner, inner_ctx.vg),
            )
            key = scene_key(found)
            if key in seen:
                # A repeat drawn the same: it shows the first one's scene, whose nested
                # scenes come anyway; its own would never be reached.
                seen[key].also.append(g.id)
                continue
            seen[key] = found
            yield found
            queue.append((inner_ctx, inner, depth + 1))


def _open(ctx: _Context, g: Glyph, options: Options) -> tuple[_Context, Scene, str] | None:
    """(context, scene, label) of what glyph ``g`` reveals, or None if it is a plain layer."""
    if g.kind == "group" and g.gid:
        item = ctx.items.get((g.gid, g.node_ids))
        if item is None:
            return None
        if item.count > 1 and item.runs:
            # A run of K repeats opens to K glyphs, one per repeat (together they hold the
            # group's members), and each of those opens to the block's body: level by
            # level, and the body's scene is drawn once for all repeats (share_scenes).
            repeats: list[Item] = []
            for run in item.runs:
                one = Group(gid=item.gid, body=list(run))
                ctx.items[(item.gid, tuple(walk_leaves(run)))] = one
                repeats.append(one)
            # The repeats of one block: the panel's head names them, their glyphs need not.
            inner = ctx.lay(options, Series(repeats), names=False)
            return ctx, inner, f"{g.type} \u00d7{item.count}"
        inner = ctx.lay(options, Series(list(item.body)))
        return ctx, inner, g.type
    if g.kind == "group" and g.id in ctx.vg.manual_members:
        sub = ctx.vg.manual_members[g.id].copy()
        sub.diff = ctx.vg.diff
        insert_splits(sub)
        tree = decompose(sub)
        grouping = Grouping(tree=tree)
        inner = layout(sub, grouping, options, sizer=ctx.sizer, tree=tree)
        return _Context(ctx.graph, sub, grouping, ctx.looks, {}, ctx.sizer), inner, g.type
    vnode = ctx.vg.nodes.get(g.id)
    node = vnode.node if vnode is not None else None
    if g.kind != "layer" or node is None or vnode is None or vnode.diff:
        return None  # a plain layer, or a diff's ghost (a node of the reference)
    sub_graph = inner_graph(ctx.graph, node, ctx.hierarchy)
    if sub_graph is None or not sub_graph.nodes:
        return None
    inner_ctx, inner = _context(sub_graph, options, ctx.looks, ctx.sizer, ctx.diff, node.id)
    return inner_ctx, inner, f"{node.name} ({node.type})"


# -- sharing: one scene per distinct drawing -------------------------------------------------

_FOR = re.compile(r'\sdata-for="([^"]*)"')
_IDS = re.compile(r'\sdata-id="([^"]*)"')
#: What tells two instances of one block apart without changing the drawing: ids, names,
#: tooltips, edge ends, the scene's own opener and its pattern-id prefix.
_INSTANCE = re.compile(
    r'\s(?:data-(?:id|name|source|target|for)|id)="[^"]*"|<title>.*?</title>|url\(#[^)]*\)',
    re.DOTALL,
)


def scene_key(d: DetailScene) -> tuple[object, ...]:
    """What a scene looks like, without who it belongs to (ids and names of its glyphs):
    two repeats of a block with equal keys draw the very same picture."""
    glyphs = tuple(
        (g.kind, g.type, tuple(g.points), g.members, g.count, g.gid, g.dense, g.diff, g.count_old)
        for g in d.scene.glyphs
    )
    paths = tuple(tuple(p.points) for p in d.scene.paths)
    labels = tuple(
        (lb.text, lb.x, lb.y, lb.kind, lb.rotate, lb.anchor, lb.size) for lb in d.scene.labels
    )
    colours = tuple(sorted((label, look.key) for label, look in d.looks.groups.items()))
    marks = tuple(d.edge_marks.get((p.source, p.target), "") for p in d.scene.paths)
    return (d.label, glyphs, paths, labels, tuple(d.scene.samples), colours, marks)


def share_scenes(main_svg: str, scenes: list[tuple[list[str], str]]) -> str:
    """The scenes a page needs, each distinct drawing once.

    ``scenes`` are (openers, SVG) pairs. The repeats of a block draw identically (same
    types, shapes, geometry); only their layers' names differ. A scene identical to an
    earlier one but for those is dropped and its openers added to the earlier scene's
    ``data-for`` (space-separated), which then shows the members of the block's first
    occurrence (their names and ids) for every repeat. Scenes no longer reachable from the
    diagram (the nested groups of a dropped scene) are dropped too. This is what keeps a
    page of folded diagrams light.
    """
    kept: dict[str, int] = {}  # signature -> index into out
    out: list[tuple[list[str], str]] = []
    for openers, svg in scenes:
        signature = _INSTANCE.sub("", svg)
        if signature in kept:
            out[kept[signature]][0].extend(openers)
            continue
        kept[signature] = len(out)
        out.append((list(openers), svg))
    by_opener = {o: i for i, (openers, _) in enumerate(out) for o in openers}
    reachable: set[int] = set()
    shown: set[str] = set()  # glyph ids a reader can actually reach
    frontier = [m for m in _IDS.findall(main_svg) if m in by_opener]
    while frontier:
        opener = frontier.pop()
        shown.add(opener)
        index = by_opener[opener]
        if index in reachable:
            continue
        reachable.add(index)
        frontier.extend(m for m in _IDS.findall(out[index][1]) if m in by_opener)
    parts = []
    for i, (openers, svg) in enumerate(out):
        if i not in reachable:
            continue
        names = " ".join(o for o in openers if o in shown)
        parts.append(_FOR.sub(f' data-for="{names}"'.replace("\\", "\\\\"), svg, count=1))
    return "".join(parts)
