"""Matching two versions of a model, node for node, respecting the hierarchy (issue 21).

``match_graphs(old, new)`` pairs each node of ``old`` with its counterpart in ``new``, if it
has one. Matching runs level by level down the hierarchy (shared/DESIGN.md section 5): the top
levels are matched first, then the internals of each matched pair of nested models or
composite layers, so a layer is only ever matched inside its parent's counterpart (its place
in the hierarchy), and a changed ``BertLayer`` never swallows a layer of another block.

Within one level, in IR order (the call order, a topological order):

1. **Names**, within one framework: a node matches the node of the same name (and call
   index) when the two are the same kind of thing (same type twin or category). Anchors that
   disagree in order are dropped (longest increasing subsequence). Positional names (``0``,
   ``1``: ``nn.Sequential`` and ``ModuleList`` entries) are not names: they shift when a layer
   is inserted. A level whose names mostly do not carry over (Keras's generated ``dense_7``
   in another session) is matched by structure alone.
2. **Structure**, between the anchors, aligned like a sequence diff (diff_align.py) in three
   passes of falling strictness: type and output shape, then type alone (a layer whose width
   changed), then category (``Conv2D`` -> ``SeparableConv2D``). Types are compared through
   the cross-framework twins, so a Keras model and its PyTorch port align.
3. **Repeats**: what is left unmatched may be extra (or missing) copies of a repeated block;
   those become one :class:`RepeatChange` (diff_repeats.py), not added or removed nodes.

Cost: every level is aligned in near-linear time; nothing compares all pairs of nodes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..ir.categories import node_category
from .align import align, increasing_pairs
from .repeats import Level, RepeatChange, level_repeats
from .side import HIERARCHY_KINDS, Side, fused_activation, type_key

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["Matching", "RepeatChange", "match_graphs"]


@dataclass(frozen=True)
class Matching:
    """Which node of ``old`` is which node of ``new``.

    Attributes:
        old, new: The two graphs.
        sides: Their indexes (diff_side.py), for the summary to reuse.
        pairs: Old id -> new id, for every node with a counterpart.
        added: New ids with no counterpart, outside repeat changes (internals included).
        removed: Old ids with no counterpart, outside repeat changes (internals included).
        repeats: Repeated blocks whose count changed; their extra or dropped copies are in
            :attr:`RepeatChange.extra` / ``dropped``, not in ``added`` / ``removed``.
        by_name: New ids that were matched through their name (the rest by structure).
        cross_framework: The graphs come from two frameworks (configuration keys are then
            not comparable, only types, shapes and trainable parameters).
        fused_old, fused_new: Between frameworks, standalone activations the other side
            fuses into the layer before (``Conv2D(activation="relu")`` ~ ``Conv2d, ReLU``):
            id -> that layer's id, on the same side. Neither added nor removed.
    """

    old: Graph = field(repr=False)
    new: Graph = field(repr=False)
    sides: tuple[Side, Side] = field(repr=False, compare=False)
    pairs: dict[str, str]
    added: frozenset[str]
    removed: frozenset[str]
    repeats: tuple[RepeatChange, ...]
    by_name: frozenset[str]
    cross_framework: bool
    fused_old: dict[str, str] = field(default_factory=dict)
    fused_new: dict[str, str] = field(default_factory=dict)

    @cached_property
    def new_to_old(self) -> dict[str, str]:
        """New id -> old id, for every node with a counterpart."""
        return {n: o for o, n in self.pairs.items()}

    @cached_property
    def extra(self) -> frozenset[str]:
        """New ids of repeats gained (all repeat changes)."""
        return frozenset(i for r in self.repeats for i in r.extra)

    @cached_property
    def dropped(self) -> frozenset[str]:
        """Old ids of repeats lost (all repeat changes)."""
        return frozenset(i for r in self.repeats for i in r.dropped)


def match_graphs(old: Graph, new: Graph) -> Matching:
    """Pair the nodes of two versions of a model (see the module docstring)."""
    so, sn = Side(old), Side(new)
    cross = bool(so.framework and sn.framework and so.framework != sn.framework)
    pairs: dict[str, str] = {}
    by_name: set[str] = set()
    repeats: list[RepeatChange] = []
    queue: deque[tuple[str | None, str | None]] = deque([(None, None)])
    while queue:
        parent_old, parent_new = queue.popleft()
        lo, ln = Level(so, parent_old), Level(sn, parent_new)
        level_pairs, named = _match_level(lo, ln, cross)
        by_name.update(ln.ids[j] for j in named)
        found, level_pairs = level_repeats(lo, ln, level_pairs)
        repeats.extend(found)
        for i, j in level_pairs:
            o, n = lo.ids[i], ln.ids[j]
            pairs[o] = n
            if so.opened(o) and sn.opened(n):
                queue.append((o, n))
    back = {n: o for o, n in pairs.items()}
    by_name &= back.keys()  # a slide may have undone a name anchor
    accounted_old = pairs.keys() | {i for r in repeats for i in r.dropped}
    accounted_new = back.keys() | {i for r in repeats for i in r.extra}
    fused_old = _fused(so, sn, accounted_old, pairs) if cross else {}
    fused_new = _fused(sn, so, accounted_new, back) if cross else {}
    return Matching(
        old=old,
        new=new,
        sides=(so, sn),
        pairs=pairs,
        added=frozenset(
            n.id for n in new.nodes if n.id not in accounted_new and n.id not in fused_new
        ),
        removed=frozenset(
            n.id for n in old.nodes if n.id not in accounted_old and n.id not in fused_old
        ),
        repeats=tuple(repeats),
        by_name=frozenset(by_name),
        cross_framework=cross,
        fused_old=fused_old,
        fused_new=fused_new,
    )


def _fused(
    this: Side, other: Side, accounted: AbstractSet[str], counterpart: dict[str, str]
) -> dict[str, str]:
    """Activations of ``this`` side that the other side fuses into the layer before them.

    Keras writes ``Conv2D(..., activation="relu")`` where PyTorch writes ``nn.Conv2d`` then
    ``nn.ReLU``: the same architecture. An unmatched activation whose single predecessor's
    counterpart names that activation in its configuration is *fused* into the predecessor
    (id -> predecessor's id, on this side): neither added nor removed.
    """
    out: dict[str, str] = {}
    for node in this.graph.nodes:
        if node.id in accounted or node.kind not in ("layer", "op") or node.params:
            continue
        preds = this.preds.get(node.id, [])
        if len(preds) != 1 or preds[0] not in counterpart:
            continue
        host = other.by_id[counterpart[preds[0]]]
        if fused_activation(host) == type_key(node) and node_category(node) == "activation":
            out[node.id] = preds[0]
    return out


# -- one level -------------------------------------------------------------------------------
Token = Callable[[Side, str], Hashable]
#: The structural passes, strictest first.
_PASSES: tuple[Token, ...] = (Side.detail_token, Side.coarse_token, Side.category_token)


def _match_level(lo: Level, ln: Level, cross: bool) -> tuple[list[tuple[int, int]], set[int]]:
    """Position pairs of one level (old, new), and the new positions matched by name.

    Name anchors whose type and output shape agree are taken first; a name whose node
    changed shape is only trusted where the strict structural pass left both ends open
    (ResNet50V2's ``conv4_block6`` is the stage's strided last block, ResNet101V2's is an
    ordinary one: by structure, the strided block matches ``conv4_block23``).
    """
    names = [] if cross else _name_anchors(lo, ln)
    pairs = [(i, j) for i, j in names if lo.detail(i) == ln.detail(j)]
    for step, token in enumerate(_PASSES):
        pairs = _align_regions(lo, ln, pairs, token)
        if step == 0 and len(pairs) < len(names):
            pairs = sorted(pairs + _fitting(pairs, names, len(lo), len(ln)))
    anchored = set(names)
    return pairs, {j for i, j in pairs if (i, j) in anchored}


def _align_regions(
    lo: Level, ln: Level, pairs: list[tuple[int, int]], token: Token
) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for a_lo, a_hi, b_lo, b_hi in _regions(pairs, len(lo), len(ln)):
        ta = [token(lo.side, lo.ids[i]) for i in range(a_lo, a_hi)]
        tb = [token(ln.side, ln.ids[j]) for j in range(b_lo, b_hi)]
        found.extend((a_lo + i, b_lo + j) for i, j in align(ta, tb))
    return sorted(pairs + found) if found else pairs


def _fitting(
    pairs: list[tuple[int, int]], candidates: list[tuple[int, int]], n: int, m: int
) -> list[tuple[int, int]]:
    """The candidate pairs (increasing) whose two ends lie in one region left open."""
    out: list[tuple[int, int]] = []
    k = 0
    for a_lo, a_hi, b_lo, b_hi in _regions(pairs, n, m):
        while k < len(candidates) and candidates[k][0] < a_lo:
            k += 1
        while k < len(candidates) and candidates[k][0] < a_hi:
            i, j = candidates[k]
            if b_lo <= j < b_hi:
                out.append((i, j))
            k += 1
    return out


def _regions(pairs: list[tuple[int, int]], n: int, m: int) -> list[tuple[int, int, int, int]]:
    """The stretches between consecutive pairs where both sides have unmatched nodes."""
    out: list[tuple[int, int, int, int]] = []
    prev_i, prev_j = 0, 0
    for i, j in [*pairs, (n, m)]:
        if i > prev_i and j > prev_j:
            out.append((prev_i, i, prev_j, j))
        prev_i, prev_j = i + 1, j + 1
    return out


def _kind_class(kind: str) -> str:
    return "input" if kind == "input" else "block" if kind in HIERARCHY_KINDS else "layer"


def _name_anchors(lo: Level, ln: Level) -> list[tuple[int, int]]:
    """Pairs of nodes with the same (non-positional) name, compatible, in agreeing order."""
    keys_old = _name_keys(lo)
    keys_new = _name_keys(ln)
    shared = [(i, keys_new[key]) for key, i in keys_old.items() if key in keys_new]
    if 2 * len(shared) < min(len(lo), len(ln)):
        return []  # names do not carry over here: structure decides
    old_side, new_side = lo.side, ln.side
    candidates: list[tuple[int, int]] = []
    for i, j in shared:  # in old position order: keys_old was filled in that order
        a, b = old_side.by_id[lo.ids[i]], new_side.by_id[ln.ids[j]]
        if a.type == b.type and a.kind == b.kind:
            candidates.append((i, j))
        elif _kind_class(a.kind) != _kind_class(b.kind):
            continue
        elif old_side.coarse_token(a.id) == new_side.coarse_token(b.id):
            candidates.append((i, j))
        else:
            category = old_side.category_token(a.id)
            if category is not None and category == new_side.category_token(b.id):
                candidates.append((i, j))
    return increasing_pairs(candidates)


def _name_keys(level: Level) -> dict[tuple[str, int], int]:
    """Name and call index -> position, for names that occur once and are not positional."""
    keys: dict[tuple[str, int], int] = {}
    repeated: set[tuple[str, int]] = set()
    by_id = level.side.by_id
    for i, node_id in enumerate(level.ids):
        node = by_id[node_id]
        name = node.name
        if not name or name.isdigit():
            continue
        key = (name, node.call_index)
        if key in keys:
            repeated.add(key)
        keys[key] = i
    for key in repeated:
        del keys[key]
    return keys
