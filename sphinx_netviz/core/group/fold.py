"""Folding repeated blocks that take side inputs: a mask, an encoder output, earlier cells.

The series-parallel grouping (view/structure.py, tree.py) folds blocks with one entry and one
exit. A Transformer stack is not like that: every block also reads the padding mask (the same
outside tensor for every repeat), and a NASNet cell reads the previous cell *and* the one
before it (earlier outputs of the chain). Such graphs are not series-parallel, so they end up
in opaque regions and nothing folds. This pass runs first, on the drawable graph before
Split insertion, and only when the graph has an opaque region (steps 1-3 live in chain.py):

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

5. Last, a *cell* that occurs once (NASNet's stem reduction cells: a non-series-parallel
   tangle of a dozen layers or more, read from one or two earlier chain tensors, closed by
   one merge of three or more of its branches; see tangle.py) is contracted alone, drawn as
   one group glyph without xN. A block reading an outside tensor (a mask) is never one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

from ..view.edits import drop_nodes, insert_splits
from ..view.structure import Block, Leaf, Opaque, Series, decompose, has_opaque, topo_order
from ..view.vgraph import VNode, creates_cycle
from .chain import (
    attach,
    crossings,
    inner_first,
    is_block,
    main_path,
    node_kind,
    runs,
    segments,
    signatures,
)
from .fold_heads import absorb_heads
from .grouping import Fold
from .names import Kind, class_label, describe, qualify
from .stacks import declared_stacks
from .tangle import cells

if TYPE_CHECKING:
    from ..view.vgraph import VGraph

__all__ = ["Fold", "fold_side_inputs"]


def _opaque_nodes(series: Series, out: set[str]) -> None:
    for it in series.items:
        if isinstance(it, Opaque):
            out.update(it.nodes)
        elif isinstance(it, Block):
            for b in it.branches:
                _opaque_nodes(b, out)


def _label(vg: VGraph, nodes: list[str]) -> str:
    """A block that is one hierarchy node, or all of one's internals, is named after its
    class; a cell (a tangle closed by a Concatenate) after what it does to the resolution
    (``Normal cell``, ``Reduction cell``); a block with attention is a ``Transformer
    block``; anything else is described by its structure (names.py)."""
    named = class_label(vg, [Leaf(n) for n in nodes])
    if named is not None:
        return named
    vnodes = [vg.nodes[n] for n in nodes]
    types = Counter(n.type for n in vnodes)
    if any("Attention" in t for t in types):
        return "Transformer block"
    if types.get("Concatenate", 0) and len(vnodes) > 6:
        inside = set(nodes)
        reads = [vg.nodes[p].out_shape for n in nodes for p in vg.pred[n] if p not in inside]
        exits = [n for n in nodes if not vg.succ[n] or any(s not in inside for s in vg.succ[n])]
        out = vg.nodes[exits[-1]].out_shape if exits else vnodes[-1].out_shape
        known = [r for r in reads if r is not None]
        smaller = out is not None and bool(known) and all(_size(out) < _size(r) for r in known)
        return "Reduction cell" if smaller else "Normal cell"
    sub = vg.subgraph(nodes, "").copy()
    insert_splits(sub)
    return describe(sub, decompose(sub).items)


def _size(shape: tuple[int | None, ...]) -> float:
    """Spatial resolution (the product of all but the last axis; unknown axes count 1)."""
    size = 1.0
    for d in shape[:-1]:
        size *= d or 1
    return size


def fold_side_inputs(vg: VGraph) -> list[Fold]:
    """Contract repeated blocks with side inputs in place; returns the folds made.

    First the stacks a model declares whose layers read different side tensors (stacks.py),
    then rounds: adjacent repeats (innermost first), then cells repeated apart from each other,
    then adjacent repeats again (which may now be made of folds: nested repeats nest), then
    the declared stacks still unfolded, then cells that occur once (tangle.py), each
    contracted alone."""
    folds: list[Fold] = []
    labels: dict[str, str] = {}
    tree: Series | None = None
    _fold_stacks(vg, declared_stacks(vg), folds, labels)
    for mode in ("runs", "segments", "runs", "stacks", "cells"):
        made = len(folds)
        if mode == "stacks":
            _fold_stacks(vg, declared_stacks(vg, differing=False), folds, labels)
        else:
            tree = _round(vg, mode, folds, labels, tree)
        if len(folds) != made:  # contracted: the next round decomposes the new graph
            tree = None
    absorb_heads(vg, folds)
    _distinct_labels(vg, folds)
    return folds


def _fold_stacks(
    vg: VGraph, stacks: list[list[str]], folds: list[Fold], labels: dict[str, str]
) -> None:
    """Contract each declared stack (stacks.py) into one fold."""
    for items in stacks:
        if not creates_cycle(vg, set(items)):
            head = vg.nodes[items[0]]
            key = f"stack|{head.type}|{head.structure}|{head.config_key}"
            labels.setdefault(key, _label(vg, items[:1]))
            repeats = [[i] for i in items]
            folds.append(_contract(vg, repeats, key, labels[key], f"fold:{len(folds) + 1}"))


def _round(
    vg: VGraph, mode: str, folds: list[Fold], labels: dict[str, str], tree: Series | None
) -> Series:
    """One round; returns the decomposition it read (``tree``, when the caller still has the
    one of this graph: a round that folds nothing leaves the graph as it was, and decomposing
    a 10,000-node chain four times cost half of its render)."""
    tree = decompose(vg) if tree is None else tree
    if not has_opaque(tree):
        return tree
    hard: set[str] = set()
    _opaque_nodes(tree, hard)
    path = set(_fold_along(vg, vg, mode, folds, labels, hard))
    # A region the main path does not cross (the text tower of a two-tower model, beside the
    # longer image tower) gets a main path of its own.
    for region in _regions(tree):
        if len(region) < 4 or path & set(region) or any(v not in vg.nodes for v in region):
            continue
        # With the tensors it reads and the layers that read it: a repeat's side inputs and
        # the last repeat's consumers are then what they are in the whole graph.
        inside = set(region)
        rim = {u for v in region for u in (*vg.pred[v], *vg.succ[v]) if u not in inside}
        nodes = [v for v in vg.nodes if v in inside or v in rim]
        _fold_along(vg, vg.subgraph(nodes, "region"), mode, folds, labels, hard)
    return tree


def _regions(series: Series) -> list[list[str]]:
    """The nodes of every opaque region of a decomposition, outermost first."""
    out: list[list[str]] = []
    for it in series.items:
        if isinstance(it, Opaque):
            out.append(list(it.nodes))
        elif isinstance(it, Block):
            for b in it.branches:
                out.extend(_regions(b))
    return out


def _fold_along(
    vg: VGraph,
    graph: VGraph,
    mode: str,
    folds: list[Fold],
    labels: dict[str, str],
    hard: set[str],
) -> list[str]:
    """Find repeats along the main path of ``graph`` (``vg`` or one region of it) and
    contract them in ``vg``; returns the main path."""
    order = topo_order(graph)
    topo = sorted(graph.nodes, key=order.__getitem__)
    path = main_path(graph, topo)
    if len(path) < 4:
        return path
    index = {v: j for j, v in enumerate(path)}
    att = attach(graph, topo, index)
    cross = crossings(graph, att, len(path))
    marks = [
        [len(graph.succ[v]) > 1 for v in path],
        [cross[k + 1] <= 2 for k in range(len(path))],
        [True] * len(path),
    ]
    # Adjacent repeats are searched under all three markings; the other rounds need one.
    variants = signatures(graph, path, att, marks if mode == "runs" else marks[:1])
    sigs = variants[0]
    by_pos: dict[int, list[str]] = {}
    for v in topo:
        if v in att:
            by_pos.setdefault(att[v], []).append(v)
    fan = [0] + [len(graph.succ[v]) for v in path]
    if mode == "runs":
        edge = [
            int(k > 0 and _parent(graph.nodes[path[k]]) != _parent(graph.nodes[path[k - 1]]))
            for k in range(len(path))
        ]
        candidates = [r for variant in variants for r in runs(variant, cross, fan, edge)]
        found = sorted(candidates, key=inner_first)
    elif mode == "segments":
        found = segments(sigs, cross)
    else:  # "cells": checked by tangle.py, none repeats
        found = [(a, b - a, 1) for a, b in cells(graph, path, by_pos, att, cross, hard)]
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
        if mode != "cells" and not _foldable(vg, repeats, inside, hard):
            continue
        taken.append((lo, hi))
        key = "|".join(sigs[s : s + p])
        if key not in labels:
            labels[key] = _label(vg, repeats[0])
        folds.append(_contract(vg, repeats, key, labels[key], f"fold:{len(folds) + 1}"))
    return path


def _foldable(vg: VGraph, repeats: list[list[str]], inside: set[str], hard: set[str]) -> bool:
    if len(repeats[0]) == 1 and not is_block(vg.nodes[repeats[0][0]]):
        return False  # Conv, Conv: single layers are not blocks (Net2Vis folds none either)
    if not inside & hard or _sese(vg, repeats) or creates_cycle(vg, inside):
        return False  # single-entry/single-exit repeats are the grouper's (tree.py)
    # model inputs stay visible
    return not any(node_kind(vg.nodes[v]) == "input" for v in inside)


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


def _distinct_labels(vg: VGraph, folds: list[Fold]) -> None:
    """Kinds of fold (one key each) that read alike are told apart by what differs between
    them (names.py :func:`qualify`), on the fold and on the node standing for it."""
    kinds: dict[str, list[Fold]] = {}
    for f in folds:
        kinds.setdefault(f.key, []).append(f)
    keys = list(kinds)
    described = []
    for key in keys:
        fs = kinds[key]
        shapes = [
            (vg.nodes[f.node].in_shape, vg.nodes[f.node].out_shape)
            for f in fs
            if f.node in vg.nodes
        ]
        described.append(Kind(fs[0].label, shapes, len(fs[0].repeats[0])))
    for key, label in zip(keys, qualify(described), strict=True):
        for f in kinds[key]:
            f.label = label
            n = vg.nodes.get(f.node)
            if n is not None:
                n.type = n.name = n.manual = label


def _contract(vg: VGraph, repeats: list[list[str]], key: str, label: str, new_id: str) -> Fold:
    inside = {v for rep in repeats for v in rep}
    first = repeats[0]
    body = vg.subgraph(first, label)
    ordered = [v for v in vg.nodes if v in inside]
    entry = vg.nodes[repeats[0][0]]
    exit_ = vg.nodes[repeats[-1][-1]]
    ext_in = [(p, c) for c in ordered for p in vg.pred[c] if p not in inside]
    ext_out = [(c, s) for c in ordered for s in vg.succ[c] if s not in inside]
    shapes = {e: vg.shapes.get(e) for e in ext_in + ext_out}
    position = list(vg.nodes).index(ordered[0])
    members = tuple(m for c in ordered for m in vg.nodes[c].members)
    drop_nodes(vg, ordered)
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
