"""Folding repeated blocks that take side inputs: a mask, an encoder output, earlier cells.

The series-parallel grouping (structure.py, group.py) folds blocks with one entry and one
exit. A Transformer stack is not like that: every block also reads the padding mask (the same
outside tensor for every repeat), and a NASNet cell reads the previous cell *and* the one
before it (earlier outputs of the chain). Such graphs are not series-parallel, so they end up
in opaque regions and nothing folds. This pass runs first, on the drawable graph before
Split insertion, and only when the graph has an opaque region:

1. The *main path* is the longest path through the graph (the chain a reader follows).
   Every other node is *attached* to the first main-path node it feeds (its cell), except
   nodes upstream of no main node that feed several cells: those are *outside* tensors
   (masks, position ids) and stay outside every block.
2. Each main-path position gets a signature: its node's and its attached nodes' types and
   configuration keys, and where each of their inputs comes from, written relative to the
   position (the previous main node, a main node ``d`` steps back, an attached node ``d``
   steps back) or, for outside tensors, by the tensor's id. Repeated blocks that read the
   same outside tensors or the same earlier outputs then have equal signature sequences.
3. Periodic runs of the signature sequence (period p, at least two repeats) are found per
   period; the largest saving wins, runs do not overlap; a run's phase is chosen where the
   fewest tensors cross the block boundary (between blocks, not inside one).
4. Each run is contracted into one node standing for all its IR nodes (``count`` repeats):
   its side inputs become single edges into it, so they are drawn once. The graph is then
   series-parallel again and the usual decomposition, grouping and layout draw it.

Anything irregular (one repeat differs in one layer, a side input feeds only some repeats)
breaks the signature equality, so those repeats are simply not folded: the honest drawing.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .structure import Leaf, Opaque, Series, decompose, topo_order

if TYPE_CHECKING:
    from .view import VGraph, VNode

__all__ = ["Fold", "fold_side_inputs"]

#: Longest block period searched (main-path positions); bounds the pass at O(L * 256).
_MAX_PERIOD = 256


@dataclass
class Fold:
    """One folded run: its repeats' node ids (main path order) and the first repeat's view."""

    node: str
    key: str
    label: str
    count: int
    repeats: list[list[str]]
    body: VGraph | None = None
    side_inputs: list[str] = field(default_factory=list)


def _has_opaque(series: Series) -> bool:
    from .structure import Block, Group

    for it in series.items:
        if isinstance(it, Opaque):
            return True
        if isinstance(it, Block) and any(_has_opaque(b) for b in it.branches):
            return True
        if isinstance(it, Group) and _has_opaque(Series(list(it.body))):
            return True
    return False


def _opaque_nodes(series: Series, out: set[str]) -> None:
    from .structure import Block

    for it in series.items:
        if isinstance(it, Opaque):
            out.update(it.nodes)
        elif isinstance(it, Block):
            for b in it.branches:
                _opaque_nodes(b, out)


def _weight(n: VNode) -> int:
    """Layers with weights (and blocks) count double on the main path, so the data stream
    (embedding, norm, attention) wins over a longer chain of parameter-free mask ops."""
    node = n.node
    return 2 if n.manual or (node is not None and (node.params > 0 or _is_block(n))) else 1


def _main_path(vg: VGraph, topo: list[str]) -> list[str]:
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


def _attach(vg: VGraph, topo: list[str], index: dict[str, int]) -> dict[str, int]:
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
        if below[v] or (
            spread <= 2 and not _is_input(vg.nodes[v]) and len(vals) == len(vg.succ[v])
        ):
            att[v] = min(vals)  # the block that first reads it (a mask op inside a block)
        elif spread == 1 and len(vals) == len(vg.succ[v]):
            att[v] = vals[0]
        # else: an outside tensor read by several blocks (a model's mask input, or a tensor
        # made from one and read in three or more places): stays outside every block
    return att


def _signatures(vg: VGraph, path: list[str], att: dict[str, int], marks: list[bool]) -> list[str]:
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
    starts = [0]
    for k in range(len(path)):
        starts.append(starts[-1] + (marks[k] and not (k > 0 and marks[k - 1])))

    def between(i: int, j: int) -> int:
        if j <= i:
            return j - i
        a = i + 1
        if a >= j:
            return 0
        carried = a > 0 and marks[a] and marks[a - 1]
        return starts[j] - starts[a] + int(carried)

    def desc(v: str, j: int) -> str:
        n = vg.nodes[v]
        addrs = []
        for u in vg.pred[v]:
            i = att.get(u)
            if i is None:
                addrs.append(f"x:{u}")
            elif u in main:
                addrs.append("prev" if v in main and i == j - 1 else f"m:{between(i, j)}")
            else:
                addrs.append(f"a:{between(i, j)}:{vg.nodes[u].type}")
        kind = "M" if v in main else "A"
        return f"{kind}|{n.type}|{n.config_key}|{n.manual or ''}|{n.structure}|{sorted(addrs)}"

    sigs = []
    for j, v in enumerate(path):
        parts = [desc(v, j), *sorted(desc(a, j) for a in members[j])]
        blob = "\n".join(parts)
        sigs.append(hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()[:20])
    return sigs


def _crossings(vg: VGraph, att: dict[str, int], length: int) -> list[int]:
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


def _runs(
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
        k = 0
        while k + p < n:
            if sigs[k] != sigs[k + p]:
                k += 1
                continue
            a = k
            while k + p < n and sigs[k] == sigs[k + p]:
                k += 1
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


def _inner_first(run: tuple[int, int, int]) -> tuple[int, int, int]:
    start, period, count = run
    return (period, -(count - 1) * period, start)


def _segments(sigs: list[str], cross: list[int]) -> list[tuple[int, int, int]]:
    """Repeated cells that are not adjacent: cut the chain where at most two tensors cross
    (a cell's output and the one before it), and return (start, length, 1) for every segment
    whose signature sequence occurs at least twice."""
    cuts = [s for s in range(1, len(sigs)) if cross[s] <= 2]
    bounds = [0, *cuts, len(sigs)]
    segs = [(a, b) for a, b in itertools.pairwise(bounds) if b - a >= 2]
    seen = Counter("|".join(sigs[a:b]) for a, b in segs)
    return [(a, b - a, 1) for a, b in segs if seen["|".join(sigs[a:b])] >= 2]


def _creates_cycle(vg: VGraph, inside: set[str]) -> bool:
    """True when a path leaves ``inside`` and comes back (contracting would make a cycle)."""
    frontier = [s for c in inside for s in vg.succ[c] if s not in inside]
    seen: set[str] = set()
    while frontier:
        x = frontier.pop()
        if x in seen:
            continue
        seen.add(x)
        for y in vg.succ[x]:
            if y in inside:
                return True
            frontier.append(y)
    return False


def _label(vg: VGraph, nodes: list[str]) -> str:
    """A block that is one hierarchy node, or all of one's internals, is named after its
    class; otherwise after what it does."""
    from .group import class_label

    named = class_label(vg, [Leaf(n) for n in nodes])
    if named is not None:
        return named
    vnodes = [vg.nodes[n] for n in nodes]
    types = Counter(n.type for n in vnodes)
    if any("Attention" in t for t in types):
        return "Transformer block"
    if types.get("Concatenate", 0) and len(vnodes) > 6:
        return "Cell"
    if types.get("Add", 0):
        return "Residual"
    return "Block"


def fold_side_inputs(vg: VGraph) -> list[Fold]:
    """Contract repeated blocks with side inputs in place; returns the folds made.

    Rounds: adjacent repeats (innermost first), then cells repeated apart from each other,
    then adjacent repeats again (which may now be made of folds: nested repeats nest)."""
    folds: list[Fold] = []
    labels: dict[str, str] = {}
    for mode in ("runs", "segments", "runs"):
        _round(vg, mode, folds, labels)
    _letter_duplicates(folds)
    return folds


def _round(vg: VGraph, mode: str, folds: list[Fold], labels: dict[str, str]) -> None:
    tree = decompose(vg)
    if not _has_opaque(tree):
        return
    hard: set[str] = set()
    _opaque_nodes(tree, hard)
    order = topo_order(vg)
    topo = sorted(vg.nodes, key=order.__getitem__)
    path = _main_path(vg, topo)
    if len(path) < 4:
        return
    index = {v: j for j, v in enumerate(path)}
    att = _attach(vg, topo, index)
    cross = _crossings(vg, att, len(path))
    marks = [
        [len(vg.succ[v]) > 1 for v in path],
        [cross[k + 1] <= 2 for k in range(len(path))],
        [True] * len(path),
    ]
    variants = [_signatures(vg, path, att, m) for m in marks]
    sigs = variants[0]
    by_pos: dict[int, list[str]] = {}
    for v in topo:
        if v in att:
            by_pos.setdefault(att[v], []).append(v)
    fan = [0] + [len(vg.succ[v]) for v in path]
    if mode == "runs":
        edge = [
            int(k > 0 and _parent(vg.nodes[path[k]]) != _parent(vg.nodes[path[k - 1]]))
            for k in range(len(path))
        ]
        runs = [r for variant in variants for r in _runs(variant, cross, fan, edge)]
        found = sorted(runs, key=_inner_first)
    else:
        found = _segments(sigs, cross)
    taken: list[tuple[int, int]] = []
    for s, p, count in found:
        lo, hi = s, s + p * count
        if any(lo < b and a < hi for a, b in taken):
            continue
        repeats = [
            [v for j in range(s + r * p, s + (r + 1) * p) for v in by_pos.get(j, ())]
            for r in range(count)
        ]
        inside = {v for rep in repeats for v in rep}
        if len(repeats[0]) == 1 and not _is_block(vg.nodes[repeats[0][0]]):
            continue  # Conv, Conv: single layers are not blocks (Net2Vis folds none either)
        if not inside & hard or _sese(vg, repeats) or _creates_cycle(vg, inside):
            continue  # single-entry/single-exit repeats are the grouper's (group.py)
        if any(_kind(vg.nodes[v]) == "input" for v in inside):
            continue  # model inputs stay visible
        taken.append((lo, hi))
        key = "|".join(sigs[s : s + p])
        if key not in labels:
            labels[key] = _label(vg, repeats[0])
        folds.append(_contract(vg, repeats, key, labels[key], f"fold:{len(folds) + 1}"))


def _sese(vg: VGraph, repeats: list[list[str]]) -> bool:
    """True when every repeat is entered by one tensor only and left by one only."""
    for rep in repeats:
        inside = set(rep)
        sources = {p for c in rep for p in vg.pred[c] if p not in inside}
        exits = {c for c in rep for s in vg.succ[c] if s not in inside}
        if len(sources) > 1 or len(exits) > 1:
            return False
    return True


def _parent(n: VNode) -> str | None:
    return n.node.parent if n.node is not None else None


def _is_input(n: VNode) -> bool:
    return n.node is not None and n.node.kind == "input"


def _kind(n: VNode) -> str:
    return n.node.kind if n.node is not None else ""


def _is_block(n: VNode) -> bool:
    """A hierarchy node (nested model, composite layer) or an already folded group."""
    return bool(n.manual) or (n.node is not None and n.node.kind in ("model", "composite"))


def _letter_duplicates(folds: list[Fold]) -> None:
    kinds: dict[str, list[Fold]] = {}
    for f in folds:
        kinds.setdefault(f.key, []).append(f)
    by_label: dict[str, list[str]] = {}
    for key, fs in kinds.items():
        by_label.setdefault(fs[0].label, []).append(key)
    for label, keys in by_label.items():
        if len(keys) < 2:
            continue
        for k, key in enumerate(keys):
            for f in kinds[key]:
                f.label = f"{label} {chr(ord('A') + k) if k < 26 else k + 1}"


def _contract(vg: VGraph, repeats: list[list[str]], key: str, label: str, new_id: str) -> Fold:
    from .view import VGraph, VNode

    inside = {v for rep in repeats for v in rep}
    first = repeats[0]
    fset = set(first)
    body = VGraph(
        name=label,
        nodes={c: vg.nodes[c] for c in first},
        succ={c: [s for s in vg.succ[c] if s in fset] for c in first},
        pred={c: [p for p in vg.pred[c] if p in fset] for c in first},
        shapes={k: v for k, v in vg.shapes.items() if k[0] in fset and k[1] in fset},
        inputs=[c for c in first if not any(p in fset for p in vg.pred[c])],
        outputs=[c for c in first if not any(s in fset for s in vg.succ[c])],
        hierarchy=vg.hierarchy,
        hierarchy_parent=vg.hierarchy_parent,
    )
    ordered = [v for v in vg.nodes if v in inside]
    entry = vg.nodes[repeats[0][0]]
    exit_ = vg.nodes[repeats[-1][-1]]
    ext_in = [(p, c) for c in ordered for p in vg.pred[c] if p not in inside]
    ext_out = [(c, s) for c in ordered for s in vg.succ[c] if s not in inside]
    shapes = {e: vg.shapes.get(e) for e in ext_in + ext_out}
    position = list(vg.nodes).index(ordered[0])
    members = tuple(m for c in ordered for m in vg.nodes[c].members)
    _drop(vg, ordered)
    node: VNode = VNode(
        id=new_id,
        type=label,
        name=label,
        in_shape=entry.in_shape,
        out_shape=exit_.out_shape,
        members=members,
        manual=label,
        config_key=hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16],
        count=len(repeats),
    )
    items = list(vg.nodes.items())
    items.insert(position, (new_id, node))
    vg.nodes = dict(items)
    vg.succ[new_id] = []
    vg.pred[new_id] = []
    side: list[str] = []
    for p, c in ext_in:
        if p not in side:
            side.append(p)
        vg.add_edge(p, new_id, shapes[(p, c)])
    for c, s in ext_out:
        vg.add_edge(new_id, s, shapes[(c, s)])
    vg.inputs = list(dict.fromkeys(new_id if i in inside else i for i in vg.inputs))
    vg.outputs = list(dict.fromkeys(new_id if o in inside else o for o in vg.outputs))
    fold = Fold(new_id, key, label, len(repeats), repeats, body, side)
    vg.folds[new_id] = fold
    return fold


def _drop(vg: VGraph, ids: list[str]) -> None:
    gone = set(ids)
    for c in ids:
        for p in vg.pred[c]:
            if p not in gone:
                vg.succ[p] = [s for s in vg.succ[p] if s not in gone]
        for s in vg.succ[c]:
            if s not in gone:
                vg.pred[s] = [p for p in vg.pred[s] if p not in gone]
    for c in ids:
        del vg.succ[c]
        del vg.pred[c]
        del vg.nodes[c]
    vg.shapes = {k: v for k, v in vg.shapes.items() if k[0] not in gone and k[1] not in gone}
