"""Group labels: the class a block is one of, else a description of the block.

A block that is exactly one nested model or composite layer reads as that class
(``BertLayer``). Otherwise the label describes it (issue 19: never a bare ``Block`` or a
letter suffix): a residual cell as ``Residual(<its main path>)`` (``+ proj`` when the shortcut
has layers), an inception cell by its branches, a dense-net cell by what it adds, a chain
by its layers (:mod:`.words`: ``Conv-BN-ReLU x3``), a run of such blocks as a stage of them
(``Stage(Residual x3)``). Kinds that would still read alike are told apart by what differs
between them: their output size (``@17x17``), their width (``→512``), their number of layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..ir.categories import canonical_type
from ..view.hierarchy import HIERARCHY_KINDS
from ..view.see_through import CONTAINER_TYPES
from ..view.structure import Block, Group, Item, Leaf, Opaque, Series, walk_leaves
from .words import chain_label, short_name

if TYPE_CHECKING:
    from ..ir.graph import Shape
    from ..view.vgraph import VGraph
    from .grouping import Grouping

__all__ = ["Kind", "class_label", "describe", "name_groups", "qualify", "short_name"]


def _ancestors(vg: VGraph, node: str) -> list[str]:
    """The hierarchy nodes (nested models, composite layers) a drawn node is inside."""
    n = vg.nodes[node].node
    chain: list[str] = []
    parent = n.parent if n is not None else None
    while parent is not None and len(chain) < 64:
        chain.append(parent)
        parent = vg.hierarchy_parent.get(parent)
    return chain


def class_label(vg: VGraph, body: list[Item]) -> str | None:
    """The class a block is exactly one of: one nested model or composite layer, or all the
    drawn internals of one (an opened ``TransformerEncoder``, sublayers' internals too)."""
    leaves = [n for n in walk_leaves(body) if not vg.nodes[n].synthetic]
    if not leaves:
        return None
    first = vg.nodes[leaves[0]]
    if len(leaves) == 1 and first.node is not None and first.node.kind in HIERARCHY_KINDS:
        return first.type
    common = _ancestors(vg, leaves[0])
    for leaf in leaves[1:]:
        chain = set(_ancestors(vg, leaf))
        common = [a for a in common if a in chain]
    if not common:
        return None
    lowest = common[0]
    inside = sum(1 for v in vg.nodes if not vg.nodes[v].synthetic and lowest in _ancestors(vg, v))
    named = vg.hierarchy.get(lowest) if inside == len(leaves) else None
    # a container that only holds the block (an opened nn.Sequential) names nothing
    return None if named in CONTAINER_TYPES else named


# -- describing a block --------------------------------------------------------------------
def _flat(vg: VGraph, items: Sequence[Item]) -> list[str] | None:
    """The drawn nodes of a purely linear body (nested groups opened, repeats repeated),
    or None if it branches."""
    out: list[str] = []
    for it in items:
        if isinstance(it, Leaf):
            if not vg.nodes[it.node].synthetic:
                out.append(it.node)
        elif isinstance(it, Group):
            inner = _flat(vg, it.body)
            if inner is None:
                return None
            out.extend(inner * max(1, it.count))
        else:
            return None
    return out


def _chain(vg: VGraph, nodes: list[str]) -> str:
    return chain_label([vg.nodes[n] for n in nodes])


def _kind_word(label: str) -> str:
    """The leading words of a block label (``Residual`` of ``Residual(Conv-BN x2)``,
    ``Normal cell`` of ``Normal cell (45 layers)``)."""
    word = label.split("(", 1)[0].split(" @", 1)[0].split(" \u2192", 1)[0].split(", ", 1)[0]
    return word.strip().removesuffix(" block")


#: Merge layers: blocks ending in one are described by their merge (residual, inception...).
_MERGES = frozenset(
    {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
)


def _reader(vg: VGraph, node: str | None) -> bool:
    """A block's closing node that is no merge layer: a folded run, a composite layer, a
    cell reading two earlier cells; the block reads as its main path, then that node."""
    return node is not None and canonical_type(vg.nodes[node].type) not in _MERGES


def _block(vg: VGraph, b: Block, post: list[str]) -> str:
    """A branching block by its merge: residual, dense-net, inception, gate; ``post`` are
    the layers right after the merge (a residual's closing ReLU belongs to its path)."""
    merge = canonical_type(vg.nodes[b.merge].type) if b.merge is not None else ""
    branches = [_flat(vg, br.items) for br in b.branches]
    linear = [br for br in branches if br is not None]
    main = max(linear, key=len, default=[])
    shortcut = len(b.branches) == 2 and any(br == [] for br in branches)
    if merge in ("Add", "Subtract"):
        path = _chain(vg, main + post) if main or post else "Identity"
        proj = "" if shortcut else " + proj"
        if len(b.branches) == 2 and None not in branches:
            return f"Residual({path}){proj}"
        if len(b.branches) == 2:  # a main path that branches itself (a gate inside)
            widest = max(b.branches, key=lambda br: len(walk_leaves(br.items)))
            inner = describe(vg, widest.items)
            size = sum(1 for n in walk_leaves(widest.items) if not vg.nodes[n].synthetic)
            return f"Residual({inner if len(inner) <= 32 else f'{size} layers'}){proj}"
        return f"Residual({len(b.branches)} paths)"
    if merge == "Concatenate" and shortcut:
        return f"Dense block({_chain(vg, main)})"
    if merge == "Concatenate" and len(b.branches) >= 3:
        return f"Inception({len(b.branches)} branches)"
    if merge == "Multiply":
        if main and canonical_type(vg.nodes[main[0]].type).startswith("Global"):
            return "Squeeze-excite"  # a gate computed from the globally pooled input
        return f"Gate({_chain(vg, main)})" if main else "Gate"
    word = short_name(vg.nodes[b.merge].type) if b.merge is not None else "Fork"
    return f"{word}({len(b.branches)} branches)"


#: One unit of a block body: (label, repeats, is a block rather than a layer).
_Unit = tuple[str, int, bool]


def _units(vg: VGraph, body: Sequence[Item]) -> list[_Unit]:
    """The body as layers and blocks in drawing order: a linear stretch's layers, each
    branching block (with the layers closing it), nested groups, folded runs."""
    units: list[_Unit] = []
    items = list(body)
    i = 0
    while i < len(items):
        it = items[i]
        if isinstance(it, Block) and _reader(vg, it.merge):
            # A block reading side inputs: its main path, then the reader itself.
            main = max(it.branches, key=lambda br: len(walk_leaves(br.items)))
            units += _units(vg, main.items)
            assert it.merge is not None
            units += _layers(vg, [it.merge])
        elif isinstance(it, Block):
            post: list[str] = []
            while i + 1 < len(items) and isinstance(items[i + 1], Leaf):
                i += 1
                leaf = items[i]
                assert isinstance(leaf, Leaf)
                if not vg.nodes[leaf.node].synthetic:
                    post.append(leaf.node)
            units.append((_block(vg, it, post), 1, True))
        elif isinstance(it, Group) and _flat(vg, it.body) is None:
            units.append((describe(vg, it.body), max(1, it.count), True))
        elif isinstance(it, Opaque) and any(vg.nodes[n].manual for n in it.nodes):
            units += _layers(vg, [n for n in it.nodes if not vg.nodes[n].synthetic])
        elif isinstance(it, Opaque):
            units.append((f"Cell({len(it.nodes)} layers)", 1, True))
        else:
            units += _layers(vg, _flat(vg, [it]) or [])
        i += 1
    return units


def _layers(vg: VGraph, nodes: list[str]) -> list[_Unit]:
    """Layers as units; a folded run or manual group among them is a block (its kind)."""
    out: list[_Unit] = []
    for node in nodes:
        n = vg.nodes[node]
        if n.manual:
            out.append((_kind_word(n.type), max(1, n.count), True))
        else:
            out.append((node, 1, False))
    return out


def describe(vg: VGraph, body: Sequence[Item]) -> str:
    """What a block is: its class, else its structure (see the module docstring)."""
    named = class_label(vg, list(body))
    if named is not None:
        return named
    flat = _flat(vg, body)
    if flat is not None and not any(vg.nodes[n].manual for n in flat):
        return _chain(vg, flat)
    parts: list[_Unit] = []  # runs of layers become one chain label each
    layers: list[str] = []
    for label, count, block in _units(vg, body):
        if not block:
            layers.append(label)
            continue
        if layers:
            parts.append((_chain(vg, layers), 1, False))
            layers = []
        parts.append((label, count, True))
    if layers:
        parts.append((_chain(vg, layers), 1, False))
    size = sum(1 for n in walk_leaves(list(body)) if not vg.nodes[n].synthetic)
    return _join(parts, size)


def _join(parts: list[_Unit], size: int) -> str:
    """One label for consecutive parts: spelled out when short, else the stage of blocks
    they are (``Stage(Residual x3)``, ``Stage(Reduction cell, Normal cell x4)``)."""
    if len(parts) == 1 and parts[0][1] == 1:
        return parts[0][0]
    text = ", ".join(f"{p} \u00d7{k}" if k > 1 else p for p, k, _b in parts)
    blocks = [(p, k) for p, k, b in parts if b]
    total = sum(k for _p, k in blocks)
    if len(text) <= _MAX_JOINED:
        return text
    if total < 2:  # layers around one block: named for the block it holds
        word = _kind_word(blocks[0][0]) if blocks else _kind_word(parts[0][0])
        return f"{word} block ({size} layers)"
    words: list[tuple[str, int]] = []
    for p, k in blocks:
        word = _kind_word(p)
        if words and words[-1][0] == word:
            words[-1] = (word, words[-1][1] + k)
        else:
            words.append((word, k))
    inner = ", ".join(f"{w} \u00d7{k}" if k > 1 else w for w, k in words)
    return f"Stage({inner if len(inner) <= _MAX_JOINED - 7 else f'{total} blocks'})"


#: Longest label of several parts spelled out (group labels break over up to 3 lines).
_MAX_JOINED = 42


# -- telling kinds apart ---------------------------------------------------------------------
@dataclass
class Kind:
    """One kind of group as its label is chosen: the described label and what its instances
    look like (to tell kinds with one description apart)."""

    label: str
    shapes: list[tuple[Shape | None, Shape | None]]
    layers: int


def _spatial(shape: Shape | None) -> str:
    if shape is None or len(shape) < 2:
        return ""
    return "x".join("?" if d is None else str(d) for d in shape[:-1])


def _channels(shape: Shape | None) -> str:
    return "" if shape is None or not shape or shape[-1] is None else str(shape[-1])


def _qualifiers(kind: Kind) -> list[str]:
    """Candidate suffixes, in order of preference: one output size, one width, a layer
    count. Empty where the kind's instances differ (the suffix would not describe it)."""
    sizes = {_spatial(out) for _in, out in kind.shapes}
    widths = {_channels(out) for _in, out in kind.shapes}
    size = next(iter(sizes)) if len(sizes) == 1 and "" not in sizes else ""
    width = next(iter(widths)) if len(widths) == 1 and "" not in widths else ""
    return [
        f" @{size}" if size else "",
        f" \u2192{width}" if width else "",
        f" ({kind.layers} layers)",
    ]


def qualify(kinds: list[Kind], taken: Sequence[str] = ()) -> list[str]:
    """Unique labels for ``kinds`` (none equal to a ``taken`` one either): kinds that share
    a description get the first suffix that tells every one of them apart (:func:`_qualifiers`),
    else numbers (`` (2)``, `` (3)``): never letters."""
    out = [k.label for k in kinds]
    by_label: dict[str, list[int]] = {}
    for i, k in enumerate(kinds):
        by_label.setdefault(k.label, []).append(i)
    for label, idx in by_label.items():
        clash = len(idx) > 1 or label in taken
        if not clash:
            continue
        for q in range(3):
            suffixes = [_qualifiers(kinds[i])[q] for i in idx]
            if all(suffixes) and len(set(suffixes)) == len(idx):
                for i, s in zip(idx, suffixes, strict=True):
                    out[i] = label + s
                break
        else:
            for n, i in enumerate(idx):
                out[i] = label if n == 0 and label not in taken else f"{label} ({n + 1})"
    return out


def _instances(vg: VGraph, tree: Series) -> dict[int, list[tuple[Shape | None, Shape | None]]]:
    """(entry input, exit output) shapes of every drawn instance of each group kind."""
    found: dict[int, list[tuple[Shape | None, Shape | None]]] = {}

    def visit(items: list[Item]) -> None:
        for it in items:
            if isinstance(it, Group):
                leaves = walk_leaves(it.runs[0] if it.runs else it.body)
                last = walk_leaves(it.runs[-1] if it.runs else it.body)
                if leaves and last:
                    shapes = (vg.nodes[leaves[0]].in_shape, vg.nodes[last[-1]].out_shape)
                    found.setdefault(it.gid, []).append(shapes)
                for run in it.runs or [it.body]:
                    visit(run)
            elif isinstance(it, Block):
                for br in it.branches:
                    visit(br.items)
            elif isinstance(it, Opaque):
                for c in it.chains:
                    visit(c.items)

    visit(tree.items)
    return found


def name_groups(vg: VGraph, grouping: Grouping) -> None:
    """Label every group kind of ``grouping``: described, then told apart from each other
    and from the folded runs' labels (group/fold.py)."""
    gids = sorted(grouping.defs)
    shapes = _instances(vg, grouping.tree)
    kinds = []
    for gid in gids:
        body = grouping.defs[gid].body
        layers = sum(1 for n in walk_leaves(body) if not vg.nodes[n].synthetic)
        kinds.append(Kind(describe(vg, body), shapes.get(gid, []), layers))
    folds = sorted({f.label for f in vg.folds.values()})
    for gid, label in zip(gids, qualify(kinds, folds), strict=True):
        grouping.defs[gid].label = label
