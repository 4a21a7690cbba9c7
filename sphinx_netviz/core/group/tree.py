"""Automatic grouping: fold every repeated single-entry/single-exit block into one glyph.

Net2Vis folds only linear chains, matched by type names in order, one click per group. Here a
block is any window of consecutive items of a series in the series-parallel tree
(view/structure.py): a chain, a residual or inception cell (fan-out, branches, merge), or several of
those. A window of a series is single-entry/single-exit by construction, so folding it keeps a
well-formed diagram.

How repeats are found, in time linear in the graph size (no window enumeration):

1. Every item gets a canonical symbol, bottom up: a layer by its type (and, with
   ``group-match=config``, its configuration); a branching block by its fan-out and merge
   symbols plus the *multiset* of its branches' symbol sequences (so the order in which Keras
   lists branches does not matter); an opaque region by a Weisfeiler-Lehman hash.
2. Series are processed deepest first. In each series, runs of one symbol are collapsed into a
   run token; then, over all series of that depth at once, the most frequent adjacent pair of
   tokens becomes a new rule (Re-Pair grammar compression), repeatedly, while some pair occurs
   at least twice. Ties prefer pairs that start with a block or a parametric layer, so cells
   are cut where a person would cut them (Conv-BN-ReLU, not BN-ReLU-Conv).
3. Rules that are used only inside one other rule are inlined (so a residual cell is one
   group, not a tower of binary pairs); rules that cannot be a block (ending at a fan-out,
   starting at a merge) dissolve. A run of the same block becomes one glyph marked xN.

Nothing that occurs once is ever folded: a rule exists only because its pair occurred at least
twice, and a block atom is folded on its own only when its symbol occurs at least twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..view.structure import Block, Group, Item, Leaf, Opaque, Series
from .grouping import GroupDef, Grouping
from .names import class_label, name_groups, short_name
from .repeats import Grouper

if TYPE_CHECKING:
    from ..options.schema import Options
    from ..view.vgraph import VGraph

__all__ = ["GroupDef", "Grouping", "class_label", "group_tree", "label_counts", "short_name"]


def group_tree(vg: VGraph, tree: Series, options: Options) -> Grouping:
    """Fold repeated blocks of ``tree`` in place (per ``options``) and name the groups."""
    if options.group == "none":
        return Grouping(tree=tree)
    grouping = Grouper(vg, options).run(tree)
    _absorb_stack_heads(vg, grouping, tree)
    name_groups(vg, grouping)
    _register_folds(vg, grouping)
    return grouping


def _absorb_stack_heads(vg: VGraph, grouping: Grouping, series: Series) -> None:
    """A run of a container list's items (``encoder.block.1..5``) takes the list's first
    item when it stands just before the run, alone, of the same class: it differs inside
    only because it makes what the others read (T5's relative position bias), so the stack
    reads ``T5Block x6``, not ``T5Block, T5Block x5``."""
    items = series.items
    i = 0
    while i < len(items) - 1:
        head, run = items[i], items[i + 1]
        if (
            isinstance(head, Leaf)
            and isinstance(run, Group)
            and run.count >= 2
            and len(run.body) == 1
            and isinstance(run.body[0], Leaf)
            and _same_stack(vg, head.node, run.body[0].node)
        ):
            run.runs = [[head], *(run.runs or [run.body])]
            run.body = [head]
            run.count += 1
            grouping.defs[run.gid].instances += 1
            del items[i]
            continue
        for child in _children(items[i]):
            _absorb_stack_heads(vg, grouping, child)
        i += 1
    if items:
        for child in _children(items[-1]):
            _absorb_stack_heads(vg, grouping, child)


def _same_stack(vg: VGraph, a: str, b: str) -> bool:
    """Two calls of one class from one container list."""
    na, nb = vg.nodes[a], vg.nodes[b]
    if na.node is None or nb.node is None or na.count != 1 or na.manual:
        return False
    return bool(na.node.container) and (na.type, na.node.container) == (
        nb.type,
        nb.node.container,
    )


def _children(item: Item) -> list[Series]:
    """The series nested in one item of a series (branches, chains, group bodies)."""
    if isinstance(item, Block):
        return list(item.branches)
    if isinstance(item, Opaque):
        return list(item.chains)
    if isinstance(item, Group):
        return [Series(run) for run in (item.runs or [item.body])]
    return []


def _register_folds(vg: VGraph, grouping: Grouping) -> None:
    """Folded runs with side inputs (made before decomposition) become group kinds too: a
    colour, a legend entry "glyph = one repeat"."""
    by_key: dict[str, int] = {}
    for node_id, fold in vg.folds.items():
        gid = by_key.get(fold.key)
        if gid is None:
            gid = max(grouping.defs, default=0) + 1
            by_key[fold.key] = gid
            grouping.defs[gid] = GroupDef(
                gid=gid, label=fold.label, key=fold.key, body=[], sub=fold.body
            )
        grouping.defs[gid].instances += fold.count
        if node_id in vg.nodes:
            vg.nodes[node_id].gid = gid


def label_counts(grouping: Grouping) -> dict[str, int]:
    """Instances per group label (for summaries)."""
    return {d.label: d.instances for d in grouping.defs.values()}
