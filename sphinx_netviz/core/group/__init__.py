"""Folding: repeated blocks (with or without side inputs), cells, and names of groups.

- :mod:`.tree`: :func:`group_tree`, folding repeated single-entry/single-exit blocks of the
  series-parallel tree, found by :mod:`.repeats` (canonical symbols, Re-Pair);
- :mod:`.fold`: :func:`fold_side_inputs`, folding repeats that read side inputs (masks,
  encoder outputs, earlier cells), along the main chain of :mod:`.chain`, with the heads of
  :mod:`.fold_heads` and the once-occurring cells of :mod:`.tangle`;
- :mod:`.names`: what a group is called (its class, or a description of the block, told
  apart from its look-alikes), spelled with the words of :mod:`.words`;
  :mod:`.grouping`: what grouping produces.
"""

from __future__ import annotations

from .fold import fold_side_inputs
from .grouping import Fold, GroupDef, Grouping
from .tree import group_tree

__all__ = ["Fold", "GroupDef", "Grouping", "fold_side_inputs", "group_tree"]
