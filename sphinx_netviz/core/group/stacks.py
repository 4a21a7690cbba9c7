"""A framework's own layer stack whose layers read different side tensors.

The fold pass (fold.py) finds repeats by their wiring: two layers repeat when they read the
same tensors, relative to where they stand. That is the honest rule for anything drawn from a
graph alone, but it misses a stack the model itself declares as one: Gemma's decoder layers
alternate local and global attention, so some read the local rotary table and one reads the
global one, and no two adjacent layers' signatures agree on all three. The paper draws
"decoder layer x N" all the same.

A *declared stack* is two or more items of one container list (``layers.0``, ``layers.1``,
...: the IR's ``container``), drawn closed, of one class with the same internals (and the
same configuration under ``group-match: config``), each reading the one before it and no
other item. Such a stack folds whole, with every tensor any item reads drawn once as a side
input of the fold, when its items read *different* side tensors. A stack whose items read the
same ones is left to the signature rounds, which fold it (and draw the same fold); what they
leave unfolded folds after them. ModernBERT's second table is read by layers 1 and 2 only
(layer 0, of another inside, reads the first), so it belongs to layer 1's cell, and layer 2's
wiring differs from layer 1's.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .chain import is_block

if TYPE_CHECKING:
    from ..view.vgraph import VGraph, VNode

__all__ = ["declared_stacks"]


def _item(n: VNode) -> bool:
    """A closed item of a container list, not yet folded."""
    return is_block(n) and not n.manual and n.count == 1 and bool(n.node and n.node.container)


def _alike(a: VNode, b: VNode) -> bool:
    return (a.type, a.structure, a.config_key) == (b.type, b.structure, b.config_key)


def declared_stacks(vg: VGraph, *, differing: bool = True) -> list[list[str]]:
    """The stacks of ``vg`` that fold by their declaration (see the module docstring), each
    as its items' ids in order: those whose items read different side tensors, or
    (``differing=False``, after the signature rounds) every one still unfolded whose items
    read side tensors at all."""
    lists: dict[str, list[str]] = {}
    for node_id, n in vg.nodes.items():
        if _item(n):
            assert n.node is not None
            lists.setdefault(n.node.container, []).append(node_id)
    out: list[list[str]] = []
    for items in lists.values():
        runs = [[items[0]]]
        for before, item in itertools.pairwise(items):
            if _chained(vg, before, item):
                runs[-1].append(item)
            else:
                runs.append([item])
        out += [run for run in runs if _folds(vg, run, differing)]
    return out


def _chained(vg: VGraph, before: str, item: str) -> bool:
    return _alike(vg.nodes[before], vg.nodes[item]) and before in vg.pred[item]


def _folds(vg: VGraph, run: list[str], differing: bool) -> bool:
    """Whether a run of chained items folds by its declaration (see the module docstring)."""
    if len(run) < 2:
        return False
    inside = set(run)
    sides = []
    for before, item in itertools.pairwise(run):
        side = frozenset(vg.pred[item]) - {before}
        if side & inside:
            return False  # an item reading an earlier one than its predecessor: no plain stack
        sides.append(side)
    return len(set(sides)) > 1 or (not differing and all(sides))
