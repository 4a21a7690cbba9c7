"""Group labels: the class a block is one of, else its shape, else its layer types.

A block that is exactly one nested model or composite layer reads as that class
(``BertLayer``); else a residual, dense, inception or gate cell by its merge; else a short
chain spelled out (``Conv-BN-ReLU``). Kinds that would read alike get letters (``Residual A``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..ir.categories import canonical_type, display_type
from ..view.hierarchy import HIERARCHY_KINDS
from ..view.see_through import CONTAINER_TYPES
from ..view.structure import Block, Group, Item, Leaf, walk_leaves

if TYPE_CHECKING:
    from ..view.vgraph import VGraph
    from .grouping import Grouping

__all__ = ["class_label", "name_groups", "short_name"]

_SHORT = {
    "BatchNormalization": "BN",
    "LayerNormalization": "LN",
    "Activation": "Act",
    "Conv2D": "Conv",
    "Conv1D": "Conv",
    "Conv3D": "Conv",
    "DepthwiseConv2D": "DWConv",
    "SeparableConv2D": "SepConv",
    "MaxPooling2D": "MaxPool",
    "AveragePooling2D": "AvgPool",
    "ZeroPadding2D": "Pad",
    "Dropout": "Drop",
    "Conv2DTranspose": "UpConv",
    "UpSampling2D": "Up",
}


def short_name(layer_type: str) -> str:
    """The abbreviation a group label uses for a layer type (``BN``, ``Conv``...), shared by
    its framework twins (``BatchNorm2d`` reads ``BN`` like ``BatchNormalization``)."""
    twin = canonical_type(layer_type)
    return _SHORT.get(twin, _SHORT.get(layer_type, display_type(layer_type)))


def _blocks(items: list[Item]) -> list[Block]:
    out: list[Block] = []
    for it in items:
        if isinstance(it, Block):
            out.append(it)
        elif isinstance(it, Group):
            out.extend(_blocks(it.body))
    return out


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


def _base_label(vg: VGraph, body: list[Item]) -> str:
    named = class_label(vg, body)
    if named is not None:
        return named
    blocks = _blocks(body)
    for b in blocks:
        merge = canonical_type(vg.nodes[b.merge].type) if b.merge is not None else ""
        empty = any(not br.items for br in b.branches)
        if merge in ("Add", "Subtract"):
            return "Residual"
        if merge == "Concatenate" and empty:
            return "Dense block"
        if merge == "Concatenate" and len(b.branches) >= 3:
            return "Inception"
        if merge == "Multiply":
            return "Gate"
    if blocks:
        # A run of cells or blocks that are groups themselves (a NASNet reduction cell and
        # the normal cells after it) is a stage of the network, not a branch.
        nested = any(isinstance(it, Group) for it in body) or any(
            vg.nodes[n].manual for n in walk_leaves(body)
        )
        return "Stage" if nested else "Branch"
    flat = _flat_leaves(body)
    if flat is not None and len(flat) <= 4:
        return "-".join(short_name(vg.nodes[n].type) for n in flat)
    return "Block"


def _flat_leaves(items: list[Item]) -> list[str] | None:
    """The leaves of a purely linear body (nested groups opened), or None if it branches."""
    out: list[str] = []
    for it in items:
        if isinstance(it, Leaf):
            out.append(it.node)
        elif isinstance(it, Group):
            inner = _flat_leaves(it.body)
            if inner is None:
                return None
            out.extend(inner * max(1, it.count))
        else:
            return None
    return out


def name_groups(vg: VGraph, grouping: Grouping) -> None:
    bases = {gid: _base_label(vg, d.body) for gid, d in grouping.defs.items()}
    counts = Counter(bases.values())
    seen: Counter[str] = Counter()
    for gid in sorted(grouping.defs):
        base = bases[gid]
        if counts[base] > 1:
            letter = chr(ord("A") + seen[base]) if seen[base] < 26 else str(seen[base] + 1)
            seen[base] += 1
            grouping.defs[gid].label = f"{base} {letter}"
        else:
            grouping.defs[gid].label = base
