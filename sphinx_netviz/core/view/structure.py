"""Series-parallel decomposition of the drawable graph.

Neural networks are mostly *series-parallel*: a chain of layers, where now and then a tensor
fans out into branches (a residual shortcut, inception towers, a U-Net skip) that merge back.
This module finds that structure with dominators: the *spine* of a region is the set of nodes
every path from its entry to its exit passes through (the dominators of the exit); between two
consecutive spine nodes lies either nothing or a *diamond*, whose weakly connected components
are parallel branches, each decomposed the same way. What does not decompose (NASNet cells
reading two earlier cells, say) becomes an :class:`Opaque` region, drawn by a general layered
layout, whose linear chains still take part in grouping.

The result is a tree of :class:`Series`; grouping (group/tree.py) folds windows of series items and
layout (layout.py) lays the tree out recursively, which is why edges never cross glyphs.
Everything is linear-time in practice and deterministic (IR order breaks every tie).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from .vgraph import VGraph

__all__ = [
    "ROOT",
    "SINK",
    "Block",
    "Group",
    "Item",
    "Leaf",
    "Opaque",
    "Series",
    "decompose",
    "has_opaque",
    "topo_order",
    "walk_leaves",
]

#: Virtual entry and exit of the whole graph (never drawn).
ROOT = "\x00root"
SINK = "\x00sink"


@dataclass(eq=False, slots=True)
class Leaf:
    """One drawable node."""

    node: str


@dataclass(eq=False, slots=True)
class Series:
    """Items one after another; consecutive items are joined by exactly one tensor path."""

    items: list[Item] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Block:
    """A fan-out node, parallel branches, and the node where they merge.

    ``source`` is ``None`` when the fan-out happens at the enclosing region's entry (or at
    the graph's virtual root: several model inputs); ``merge`` is ``None`` when the branches
    end at the enclosing region's exit (or at the graph's outputs). An empty branch is a
    direct edge from source to merge (a residual shortcut).
    """

    source: str | None
    branches: list[Series]
    merge: str | None


@dataclass(eq=False, slots=True)
class Opaque:
    """A region that is not series-parallel; ``nodes`` in topological order, ``chains`` its
    maximal linear runs (as series, so that grouping can fold them)."""

    nodes: list[str]
    chains: list[Series]
    entry: str
    exit: str


@dataclass(eq=False, slots=True)
class Group:
    """A folded block: the items it replaced (``body``), drawn as one glyph.

    ``count > 1`` marks a run of the same block, one after another (drawn once, marked xN);
    ``body`` then holds the first repetition and ``runs`` all of them.
    """

    gid: int
    body: list[Item]
    count: int = 1
    runs: list[list[Item]] = field(default_factory=list)


Item = Union[Leaf, Block, Opaque, Group]  # noqa: UP007 (a runtime alias, used in isinstance)


def topo_order(vg: VGraph) -> dict[str, int]:
    """Topological positions; ties broken by IR order so the result is deterministic."""
    index = {n: i for i, n in enumerate(vg.nodes)}
    indeg = {n: len(vg.pred[n]) for n in vg.nodes}
    heap = [index[n] for n, d in indeg.items() if d == 0]
    heapq.heapify(heap)
    names = list(vg.nodes)
    order: dict[str, int] = {}
    while heap:
        i = heapq.heappop(heap)
        n = names[i]
        order[n] = len(order)
        for s in vg.succ[n]:
            indeg[s] -= 1
            if indeg[s] == 0:
                heapq.heappush(heap, index[s])
    if len(order) != len(names):  # a cycle: should not happen for Keras graphs
        for n in names:
            order.setdefault(n, len(order))
    return order


class _Decomposer:
    def __init__(self, vg: VGraph) -> None:
        self.vg = vg
        self.topo = topo_order(vg)

    def preds(self, x: str, region: set[str], entry: str) -> list[str]:
        ps = [p for p in self.vg.pred[x] if p in region or p == entry]
        if not ps and entry == ROOT:
            ps = [ROOT]
        return ps

    def region_series(self, region: set[str], entry: str, exit_: str) -> Series:
        if not region:
            return Series([])
        nodes = sorted(region, key=self.topo.__getitem__)
        idom: dict[str, str] = {}
        depth: dict[str, int] = {entry: 0}
        for x in nodes:
            ps = self.preds(x, region, entry)
            cur = ps[0]
            for p in ps[1:]:
                cur = self._meet(cur, p, idom, depth)
            idom[x] = cur
            depth[x] = depth[cur] + 1
        # The exit's dominator: meet of the region's nodes that lead to it.
        if exit_ == SINK:
            last = [x for x in nodes if not self.vg.succ[x]]
        else:
            last = [x for x in nodes if exit_ in self.vg.succ[x]]
        if not last:  # a region whose nodes all lead elsewhere: fall back to its sinks
            last = [x for x in nodes if not any(s in region for s in self.vg.succ[x])]
        cur = last[0]
        for p in last[1:]:
            cur = self._meet(cur, p, idom, depth)
        spine: list[str] = []
        while cur != entry:
            spine.append(cur)
            cur = idom[cur]
        spine.reverse()
        spine_index = {v: k + 1 for k, v in enumerate(spine)}
        full = [entry, *spine, exit_]
        if not spine and len(nodes) > 1 and self._connected(region):
            return Series([self.opaque(nodes, region, entry, exit_)])
        segments: list[list[str]] = [[] for _ in range(len(full) - 1)]
        seg_of: dict[str, int] = {}
        for x in nodes:
            if x in spine_index:
                continue
            d = idom[x]
            k = spine_index.get(d, 0) if d in spine_index or d == entry else seg_of[d]
            seg_of[x] = k
            segments[k].append(x)
        items: list[Item] = []
        m = len(spine)
        for k in range(m + 1):
            if segments[k]:
                src: str | None = None
                if k >= 1 and items and isinstance(items[-1], Leaf) and items[-1].node == full[k]:
                    src = items.pop().node  # type: ignore[union-attr]
                a, b = full[k], full[k + 1]
                branches = [
                    self.region_series(set(comp), a, b) for comp in self._components(segments[k])
                ]
                if a != ROOT and b != SINK and b in self.vg.succ[a]:
                    branches.append(Series([]))  # the direct edge: a shortcut
                items.append(Block(src, branches, b if k + 1 <= m else None))
            elif k + 1 <= m:
                items.append(Leaf(full[k + 1]))
        return Series(items)

    @staticmethod
    def _meet(a: str, b: str, idom: dict[str, str], depth: dict[str, int]) -> str:
        while a != b:
            if depth[a] >= depth[b]:
                a = idom[a]
            else:
                b = idom[b]
        return a

    def _components(self, nodes: list[str]) -> list[list[str]]:
        """Weakly connected components, each in topological order, ordered by first node."""
        inside = set(nodes)
        seen: set[str] = set()
        comps: list[list[str]] = []
        for start in nodes:
            if start in seen:
                continue
            comp = []
            stack = [start]
            seen.add(start)
            while stack:
                x = stack.pop()
                comp.append(x)
                for y in (*self.vg.succ[x], *self.vg.pred[x]):
                    if y in inside and y not in seen:
                        seen.add(y)
                        stack.append(y)
            comp.sort(key=self.topo.__getitem__)
            comps.append(comp)
        return comps

    def _connected(self, region: set[str]) -> bool:
        return len(self._components(sorted(region, key=self.topo.__getitem__))) == 1

    def opaque(self, nodes: list[str], region: set[str], entry: str, exit_: str) -> Opaque:
        """A non-series-parallel region; its maximal chains become series of leaves."""
        vg = self.vg

        def linked(x: str, y: str) -> bool:
            return y in region and vg.succ[x] == [y] and vg.pred[y] == [x]

        chains: list[Series] = []
        in_chain: set[str] = set()
        for x in nodes:
            if x in in_chain:
                continue
            ps = vg.pred[x]
            if len(ps) == 1 and ps[0] in region and linked(ps[0], x):
                continue  # not a chain head
            run = [x]
            in_chain.add(x)
            while len(vg.succ[run[-1]]) == 1 and linked(run[-1], vg.succ[run[-1]][0]):
                nxt = vg.succ[run[-1]][0]
                run.append(nxt)
                in_chain.add(nxt)
            chains.append(Series([Leaf(n) for n in run]))
        return Opaque(nodes=nodes, chains=chains, entry=entry, exit=exit_)


def decompose(vg: VGraph) -> Series:
    """The series-parallel tree of the whole drawable graph."""
    return _Decomposer(vg).region_series(set(vg.nodes), ROOT, SINK)


def has_opaque(series: Series) -> bool:
    """True when the tree has a region that is not series-parallel."""
    for it in series.items:
        if isinstance(it, Opaque):
            return True
        if isinstance(it, Block) and any(has_opaque(b) for b in it.branches):
            return True
        if isinstance(it, Group) and has_opaque(Series(list(it.body))):
            return True
    return False


def walk_leaves(items: list[Item]) -> list[str]:
    """Every node id under ``items``, in drawing order."""
    out: list[str] = []
    for it in items:
        if isinstance(it, Leaf):
            out.append(it.node)
        elif isinstance(it, Block):
            if it.source is not None:
                out.append(it.source)
            for br in it.branches:
                out.extend(walk_leaves(br.items))
            if it.merge is not None:
                out.append(it.merge)
        elif isinstance(it, Opaque):
            out.extend(it.nodes)
        else:
            for run in it.runs or [it.body]:
                out.extend(walk_leaves(run))
    return out
