"""Cells that occur once: a non-series-parallel tangle closed to one output, drawn as a group.

fold.py folds blocks that repeat. What is left of a graph that is not series-parallel after
that (NASNet's two stem reduction cells, each occurring once) is drawn by the general layered
layout of an opaque region: forty-odd glyphs of crossing-prone wiring for what a paper draws
as one box ("Reduction cell"). Net2Vis groups are defined by structure and may be used where
the structure occurs only once; this module finds such *cells* so that fold.py can contract
each into one group glyph, drawn once (no xN) with its composition in the legend and its
internals in the drill-down.

A cell is a region of the *main path* (chain.py) between two cuts (positions before which at
most two tensors cross: a cell's output and the one before it), with every node attached to
those positions, such that:

1. it lies in a stretch of the main path that reaches into an opaque (non-series-parallel)
   region of the drawable graph, and none of its nodes is a model input, a manual group, an
   already folded run or a diff's ghost (view/marks.py);
2. it has at least ``_MIN_CELL`` drawable nodes (a cell, not a layer or two);
3. exactly one of its nodes is read from outside (one output tensor), and it reads one or two
   nodes from outside, all of them earlier chain tensors (attached to a main-path position):
   never an outside tensor such as a padding mask (a block of a stack reading the mask that
   differs from its neighbours stays open, so the difference shows);
4. its output node merges at least three of its own tensors: a cell gathers its branches
   (NASNet, AmoebaNet and DARTS cells concatenate theirs), whereas a stretch of a chain with
   staggered skips, or a transformer block, ends in a two-input residual sum and stays open;
5. it is itself not series-parallel (its own decomposition has an opaque part): a series-
   parallel block that occurs once is drawn open by the grouper (tree.py), as Net2Vis does;
6. contracting it makes no cycle.

Regions are searched left to right within each maximal stretch of eligible main-path
positions; from a start, the *smallest* region that is a cell wins (cells stay cell-sized),
and the search resumes after it, otherwise at the next cut. Only structure (types, wiring) is
used, never layer names; the result is deterministic (topological order, IR order on ties).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..view.structure import decompose, has_opaque
from ..view.vgraph import creates_cycle
from .chain import is_input

if TYPE_CHECKING:
    from ..view.vgraph import VGraph

__all__ = ["cells"]

#: Fewest drawable nodes a once-occurring cell must have to be drawn as one group glyph.
_MIN_CELL = 12
#: Fewest of its own tensors a cell's output merges.
_MIN_MERGE = 3
#: Longest region searched, in main-path positions (bounds the search at O(L * 256)).
_MAX_SPAN = 256


def cells(
    vg: VGraph,
    path: list[str],
    by_pos: dict[int, list[str]],
    att: dict[str, int],
    cross: list[int],
    hard: set[str],
) -> list[tuple[int, int]]:
    """(start, end) main-path ranges of the cells, left to right (see the module docstring)."""

    def eligible(v: str) -> bool:
        n = vg.nodes[v]
        return not n.manual and not is_input(n) and not n.diff  # a diff's ghosts never fold

    ok = [all(eligible(v) for v in by_pos.get(j, ())) for j in range(len(path))]
    found: list[tuple[int, int]] = []
    j = 0
    while j < len(path):
        if not ok[j]:
            j += 1
            continue
        k = j
        while k < len(path) and ok[k]:
            k += 1
        if any(v in hard for i in range(j, k) for v in by_pos.get(i, ())):
            found.extend(_partition(vg, path, by_pos, att, cross, j, k))
        j = k
    return found


def _partition(
    vg: VGraph,
    path: list[str],
    by_pos: dict[int, list[str]],
    att: dict[str, int],
    cross: list[int],
    lo: int,
    hi: int,
) -> list[tuple[int, int]]:
    cuts = [s for s in range(lo + 1, hi) if cross[s] <= 2] + [hi]
    out: list[tuple[int, int]] = []
    a = lo
    while a < hi:
        end = next((b for b in cuts if b > a), hi)
        for b in cuts:
            if b <= a:
                continue
            if b - a > _MAX_SPAN:
                break
            if len(vg.pred[path[b - 1]]) < _MIN_MERGE:
                continue  # the region's output would be path[b - 1]: not a cell's merge
            region = [v for j in range(a, b) for v in by_pos.get(j, ())]
            if _is_cell(vg, region, att):
                out.append((a, b))
                end = b
                break
        a = end
    return out


def _is_cell(vg: VGraph, region: list[str], att: dict[str, int]) -> bool:
    if len(region) < _MIN_CELL:
        return False
    inside = set(region)
    outputs = set(vg.outputs)
    exits = [c for c in region if c in outputs or any(s not in inside for s in vg.succ[c])]
    if len(exits) != 1 or sum(p in inside for p in vg.pred[exits[0]]) < _MIN_MERGE:
        return False
    sources = {p for c in region for p in vg.pred[c] if p not in inside}
    if not 1 <= len(sources) <= 2 or any(p not in att for p in sources):
        return False
    if creates_cycle(vg, inside):
        return False
    return has_opaque(decompose(vg.subgraph(region, "cell")))
