"""The main chain of a graph that is not series-parallel, and the repeats along it.

fold.py folds repeated blocks that take side inputs; this module finds them. The *main path*
is the heaviest path through the graph (the chain a reader follows); every other node is
*attached* to the first main-path node it feeds (its cell), except outside tensors (a model's
mask input) read by several cells. Each main-path position gets a *signature*: its node's and
its attached nodes' types, configuration and structure keys, and where each of their inputs
comes from, written relative to the position. Equal signature sequences are repeated blocks;
:func:`runs` finds adjacent repeats (periodic runs), :func:`segments` cells repeated apart.
Pure functions of the drawable graph; deterministic.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..view.vgraph import VGraph, VNode

__all__ = [
    "attach",
    "crossings",
    "inner_first",
    "is_block",
    "is_input",
    "main_path",
    "node_kind",
    "runs",
    "segments",
    "signatures",
]

#: Longest block period searched (main-path positions); bounds the search at O(L * 256).
_MAX_PERIOD = 256


def _weight(n: VNode) -> int:
    """Layers with weights (and blocks) count double on the main path, so the data stream
    (embedding, norm, attention) wins over a longer chain of parameter-free mask ops."""
    node = n.node
    return 2 if n.manual or (node is not None and (node.params > 0 or is_block(n))) else 1


def main_path(vg: VGraph, topo: list[str]) -> list[str]:
    """The heaviest path (ties: the graph's outputs, then the latest node in IR order)."""
    dist: dict[str, int] = {}
    best_pred: dict[str, str | None] = {}
    position = {n: i for i, n in enumerate(topo)}
    for v in topo:
        preds = vg.pred[v]
        w = _weight(vg.nodes[v])
        if not preds:
            dist[v], best_pred[v] = w, None
            continue
        p = max(preds, key=lambda u: (dist[u], position[u]))
        dist[v], best_pred[v] = dist[p] + w, p
    outputs = set(vg.outputs)
    end = max(topo, key=lambda v: (dist[v], v in outputs, position[v]))
    path = [end]
    while (prev := best_pred[path[-1]]) is not None:
        path.append(prev)
    path.reverse()
    return path


def attach(vg: VGraph, topo: list[str], index: dict[str, int]) -> dict[str, int]:
    """Main-path position each node belongs to (absent: outside every block)."""
    below: dict[str, bool] = {}  # has a main-path ancestor
    for v in topo:
        below[v] = v in index or any(below[p] for p in vg.pred[v])
    att = dict(index)
    for v in reversed(topo):
        if v in index:
            continue
        vals = [att[s] for s in vg.succ[v] if s in att]
        if not vals:
            continue  # feeds no block: a dead end or an outside-only tensor
        spread = len(set(vals))
        if below[v] or (spread <= 2 and not is_input(vg.nodes[v]) and len(vals) == len(vg.succ[v])):
            att[v] = min(vals)  # the block that first reads it (a mask op inside a block)
        elif spread == 1 and len(vals) == len(vg.succ[v]):
            att[v] = vals[0]
        # else: an outside tensor read by several blocks (a model's mask input, or a tensor
        # made from one and read in three or more places): stays outside every block
    return att


def signatures(
    vg: VGraph, path: list[str], att: dict[str, int], markings: list[list[bool]]
) -> list[list[str]]:
    """One signature sequence per marking of the main path (see below); the wiring of every
    node is read once for all of them."""
    members: list[list[str]] = [[] for _ in path]
    for v, j in att.items():
        if path[j] != v:
            members[j].append(v)
    main = set(path)
    # Distances along the chain count the *marked* main-path tensors in between, not layers,
    # so "the cell before the previous one" reads the same whether the cell in between is as
    # long as this one (a stem) or not. Three markings are searched (see _round): reused
    # tensors (several consumers), cuts (at most two tensors cross after it: a cell output,
    # even the last one), and every layer (plain distance).
    # Consecutive marked tensors (a concatenation and its projection) count once: the number
    # of runs of marks that meet the positions strictly between source and reader.
    counters = []
    for marks in markings:
        starts = [0]
        for k in range(len(path)):
            starts.append(starts[-1] + (marks[k] and not (k > 0 and marks[k - 1])))
        counters.append((marks, starts))

    def between(i: int, j: int, marks: list[bool], starts: list[int]) -> int:
        if j <= i:
            return j - i
        a = i + 1
        if a >= j:
            return 0
        carried = a > 0 and marks[a] and marks[a - 1]
        return starts[j] - starts[a] + int(carried)

    def descs(v: str, j: int) -> list[str]:
        """The node's description under every marking."""
        n = vg.nodes[v]
        fixed: list[str] = []
        far: list[tuple[int, str | None]] = []  # (source position, type of an attached one)
        for u in vg.pred[v]:
            i = att.get(u)
            if i is None:
                fixed.append(f"x:{u}")
            elif u in main:
                if v in main and i == j - 1:
                    fixed.append("prev")
                else:
                    far.append((i, None))
            else:
                far.append((i, vg.nodes[u].type))
        kind = "M" if v in main else "A"
        head = f"{kind}|{n.type}|{n.config_key}|{n.manual or ''}|{n.structure}|"
        out = []
        for marks, starts in counters:
            addrs = list(fixed)
            for i, t in far:
                d = between(i, j, marks, starts)
                addrs.append(f"m:{d}" if t is None else f"a:{d}:{t}")
            out.append(f"{head}{sorted(addrs)}")
        return out

    sigs: list[list[str]] = [[] for _ in markings]
    for j, v in enumerate(path):
        own = descs(v, j)
        others = [descs(a, j) for a in members[j]]
        for m, seq in enumerate(sigs):
            parts = [own[m], *sorted(o[m] for o in others)]
            blob = "\n".join(parts)
            seq.append(hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()[:20])
    return sigs


def crossings(vg: VGraph, att: dict[str, int], length: int) -> list[int]:
    """Distinct tensors crossing the boundary before each main position (block cut cost)."""
    diff = [0] * (length + 2)
    for u, i in att.items():
        far = max((att[s] for s in vg.succ[u] if s in att), default=i)
        if far > i:
            diff[i + 1] += 1
            diff[far + 1] -= 1
    out = []
    running = 0
    for k in range(length + 1):
        running += diff[k]
        out.append(running)
    return out


def runs(
    sigs: list[str], cross: list[int], fan: list[int], edge: list[int]
) -> list[tuple[int, int, int]]:
    """Candidate (start, period, count) runs, innermost (shortest period) first.

    A run's phase: the most repeats, then a cut where the framework's own blocks begin
    (``edge``: the node's parent differs from its predecessor's), then the fewest tensors
    crossing the cut, then the cut right after the most used tensor (a cell ends at the output
    the next cells read)."""
    n = len(sigs)
    candidates: list[tuple[int, int, int, int]] = []  # (period, -saving, start, count)
    for p in range(1, min(n // 2, _MAX_PERIOD) + 1):
        # same[k]: position k repeats p later. Compared and searched by C loops (map, count,
        # index): most periods have too few matches for a run and are skipped at once.
        same = list(map(operator.eq, sigs, sigs[p:]))
        if same.count(True) < p:
            continue
        m = n - p
        k = 0
        while k < m:
            try:
                a = same.index(True, k)
            except ValueError:
                break
            try:
                k = same.index(False, a)
            except ValueError:
                k = m
            e = k + p  # [a, e) has period p
            if e - a < 2 * p:
                continue
            best: tuple[int, int, int, int, int] | None = None
            for s in range(a, a + p):
                count = (e - s) // p
                if count < 2:
                    continue
                score = (-count, -edge[s], cross[s], -fan[s], s)
                if best is None or score < best:
                    best = score
            if best is not None:
                start, count = best[4], -best[0]
                candidates.append((p, -(count - 1) * p, start, count))
    candidates.sort()
    return [(start, p, count) for p, _neg, start, count in candidates]


def inner_first(run: tuple[int, int, int]) -> tuple[int, int, int]:
    start, period, count = run
    return (period, -(count - 1) * period, start)


def segments(sigs: list[str], cross: list[int]) -> list[tuple[int, int, int]]:
    """Repeated cells that are not adjacent: cut the chain where at most two tensors cross
    (a cell's output and the one before it), and return (start, length, 1) for every segment
    whose signature sequence occurs at least twice."""
    cuts = [s for s in range(1, len(sigs)) if cross[s] <= 2]
    bounds = [0, *cuts, len(sigs)]
    segs = [(a, b) for a, b in itertools.pairwise(bounds) if b - a >= 2]
    seen = Counter("|".join(sigs[a:b]) for a, b in segs)
    return [(a, b - a, 1) for a, b in segs if seen["|".join(sigs[a:b])] >= 2]


def is_input(n: VNode) -> bool:
    return n.node is not None and n.node.kind == "input"


def node_kind(n: VNode) -> str:
    return n.node.kind if n.node is not None else ""


def is_block(n: VNode) -> bool:
    """A hierarchy node (nested model, composite layer) or an already folded group."""
    return bool(n.manual) or (n.node is not None and n.node.kind in ("model", "composite"))
