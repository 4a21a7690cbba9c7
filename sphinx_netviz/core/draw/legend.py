"""Legend geometry: one swatch per shown layer type, one "glyph = members" item per group.

Net2Vis lays its legend out as a single row, which for a real model runs off the page; here
items flow into rows no wider than the diagram (at least a docs column, ~640 px), so the
legend stays readable under a wide diagram and on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..group.grouping import Grouping
from ..ir.categories import display_type
from ..layout import Scene, Sizer, layout
from ..layout.sizes import (
    GROUP_H,
    GROUP_LABEL_H,
    GROUP_W,
    ITEM_GAP,
    LEGEND_FONT,
    MINI_X,
    ROW_GAP,
    SWATCH_H,
    SWATCH_TEXT_GAP,
    SWATCH_W,
    text_width,
)
from ..view.edits import insert_splits
from ..view.structure import Block, Group, Item, Leaf, Opaque, Series, decompose, walk_leaves
from .diffmarks import MARKS, legend_width
from .strip import composition_strip

if TYPE_CHECKING:
    from ..options.schema import Options
    from ..view.vgraph import VGraph

__all__ = ["LegendEntry", "LegendScene", "build_legend", "drawn_kinds", "shown_types"]


@dataclass
class LegendEntry:
    """One legend item; coordinates are relative to the legend's top-left corner."""

    kind: str  # "type" | "group" | "diff" (the key of a diff's marks)
    label: str
    type: str  # layer type, or the group label
    x: float
    y: float
    w: float
    h: float
    gid: int = 0
    mini: Scene | None = None
    mini_x: float = 0.0
    mini_y: float = 0.0
    manual: bool = False
    #: The framework classes a type entry stands for, when its name is another
    #: (``Conv2D`` for ``nn.Conv2d``): what glyphs carry as ``data-type``.
    classes: tuple[str, ...] = ()


@dataclass
class LegendScene:
    entries: list[LegendEntry]
    width: float
    height: float


def shown_types(vg: VGraph, grouping: Grouping) -> list[str]:
    """Layer types drawn anywhere (top level or inside a group), in drawing order."""
    seen: dict[str, None] = {}

    def explain(inside: VGraph) -> None:
        for m in inside.nodes.values():
            if not m.synthetic:
                seen.setdefault(m.type, None)

    def leaf(node: str) -> None:
        n = vg.nodes[node]
        if n.manual:
            sub = vg.members_view(n.id)
            if sub is not None:
                one = vg.composition_of(list(sub.nodes.values()))
                explain(one if one is not None else sub)
            return
        if n.synthetic and n.type == "Split":
            return
        seen.setdefault(n.type, None)
        inside = vg.composition_of([n])
        if inside is not None:  # its legend entry draws its members: explain them
            for m in inside.nodes.values():
                seen.setdefault(m.type, None)

    def visit(items: list[Item]) -> None:
        # Blocks and tangles are walked item by item, so that a group inside a branch is
        # explained like a group (a run of one composite shows its inside, not its type).
        for it in items:
            if isinstance(it, Group):
                one = vg.composition_of([vg.nodes[n] for n in walk_leaves(it.body)])
                if one is not None:  # a run of one composite: its legend shows the inside
                    explain(one)
                else:
                    visit(it.body)
            elif isinstance(it, Block):
                if it.source is not None:
                    leaf(it.source)
                for branch in it.branches:
                    visit(branch.items)
                if it.merge is not None:
                    leaf(it.merge)
            elif isinstance(it, Opaque):
                groups = {n: g for c in it.chains for g in c.items for n in walk_leaves([g])}
                done: set[int] = set()
                for node in it.nodes:  # in the tangle's own order, each group once
                    g = groups.get(node)
                    if g is None or isinstance(g, Leaf):
                        leaf(node)
                    elif id(g) not in done:
                        done.add(id(g))
                        visit([g])
            else:
                leaf(it.node)

    visit(grouping.tree.items)
    return list(seen)


def _member_types(vg: VGraph, nodes: list[str]) -> list[str]:
    """The layer types of ``nodes`` (a group's leaves), folded runs and manual groups
    opened, Splits left out: what a group's dominant colour is taken from."""
    out: list[str] = []
    for node in nodes:
        n = vg.nodes[node]
        if n.synthetic:
            continue
        fold = vg.folds.get(node)
        inside = fold.body if fold is not None else vg.manual_members.get(node)
        if inside is not None:
            out += [m.type for m in inside.nodes.values() if not m.synthetic]
        else:
            out.append(n.type)
    return out


def drawn_kinds(
    vg: VGraph, grouping: Grouping, scene: Scene
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The kinds a diagram draws, which each need a look of their own (draw/looks.py): the
    layer types (the legend's, and any other glyph's: a Split), and every group by label
    with its members' types (folded and manual groups)."""
    types = shown_types(vg, grouping)
    for g in scene.glyphs:
        if g.kind in ("layer", "split") and g.type not in types:
            types.append(g.type)
    groups: list[tuple[str, list[str]]] = []
    for gid in sorted(grouping.defs):
        d = grouping.defs[gid]
        if d.sub is not None:
            members = [m.type for m in d.sub.nodes.values() if not m.synthetic]
        else:
            members = _member_types(vg, walk_leaves(d.body))
        groups.append((d.label, members))
    labels = {label for label, _m in groups}
    for node, sub in vg.manual_members.items():
        label = vg.nodes[node].manual if node in vg.nodes else None
        if label and label not in labels:
            labels.add(label)
            groups.append((label, [m.type for m in sub.nodes.values() if not m.synthetic]))
    return types, groups


def _mini_group(vg: VGraph, grouping: Grouping, options: Options, body: list[Item]) -> Scene:
    return layout(
        vg, grouping, options, sizer=Sizer.mini(), mini=True, tree=Series(list(body)), margin=2
    )


def _mini_manual(sub: VGraph, options: Options) -> Scene:
    sub = sub.copy()
    insert_splits(sub)
    tree = decompose(sub)
    return layout(
        sub, Grouping(tree=tree), options, sizer=Sizer.mini(), mini=True, tree=tree, margin=2
    )


def _strip_members(vg: VGraph, grouping: Grouping, entry: LegendEntry) -> list[str]:
    """The member types a group entry's composition strip counts."""
    if entry.gid:
        d = grouping.defs[entry.gid]
        if d.sub is not None:
            return [m.type for m in d.sub.nodes.values() if not m.synthetic]
        return _member_types(vg, walk_leaves(d.body))
    inside = vg.compositions.get(entry.type)
    if inside is None:
        inside = next(
            (vg.manual_members[n.id] for n in vg.nodes.values() if n.manual == entry.label), None
        )
    return [m.type for m in inside.nodes.values() if not m.synthetic] if inside else []


def _group_entry(label: str, kind_type: str, mini: Scene, **kw: object) -> LegendEntry:
    w = max(GROUP_W + MINI_X + mini.width, text_width(label, LEGEND_FONT))
    h = max(GROUP_H, mini.height) + GROUP_LABEL_H
    return LegendEntry("group", label, kind_type, 0, 0, w, h, mini=mini, **kw)  # type: ignore[arg-type]


def _flow(items: list[LegendEntry], max_width: float) -> tuple[float, float]:
    """Place items in rows no wider than ``max_width``; returns (width, height)."""
    x = 0.0
    y = 0.0
    row_h = 0.0
    width = 0.0
    for e in items:
        if x > 0 and x + e.w > max_width:
            x = 0.0
            y += row_h + ROW_GAP
            row_h = 0.0
        e.x, e.y = x, y
        if e.mini is not None:
            e.mini_x = x + GROUP_W + MINI_X
            e.mini_y = y + max(0.0, (GROUP_H - e.mini.height) / 2)
        x += e.w + ITEM_GAP
        row_h = max(row_h, e.h)
        width = max(width, e.x + e.w)
    return width, (y + row_h if items else 0.0)


def build_legend(
    vg: VGraph,
    grouping: Grouping,
    options: Options,
    *,
    max_width: float,
    split_shown: bool,
    max_height: float | None = None,
    wider: float | None = None,
    diff_marks: Sequence[str] = (),
) -> LegendScene:
    """Lay the legend out in rows no wider than ``max_width``.

    A group's entry draws its members as a miniature diagram; where those would make the
    legend taller than ``max_height``, the tallest miniatures become composition strips
    (one swatch per member type with its count, :func:`composition_strip`), and if that is
    not enough the rows may run to ``wider``. ``diff_marks``: the marks a diff drew, each
    keyed at the end (draw/diffmarks.py)."""
    types = shown_types(vg, grouping)
    if split_shown:
        types.append("Split")
    manual_labels: dict[str, VGraph] = {}
    for n in vg.nodes.values():
        if n.manual and n.id in vg.manual_members:
            manual_labels.setdefault(n.manual, vg.manual_members[n.id])
    items: list[LegendEntry] = []
    named: dict[str, LegendEntry] = {}
    explained: dict[str, VGraph] = {}  # composite entries by label, with their composition
    for t in types:
        if t in manual_labels:
            continue
        inside = vg.compositions.get(t)
        if inside is not None:  # a composite layer or nested model: "glyph = its members"
            items.append(_group_entry(t, t, _mini_manual(inside, options)))
            explained[t] = inside
            continue
        shown = display_type(t)  # one entry per type, whatever framework or route wrote it
        if shown in named:
            entry = named[shown]
            entry.classes = (*entry.classes, t) if t != shown else entry.classes
            continue
        w = SWATCH_W + SWATCH_TEXT_GAP + text_width(shown, LEGEND_FONT)
        classes = (t,) if t != shown else ()
        named[shown] = LegendEntry("type", shown, shown, 0, 0, w, SWATCH_H, classes=classes)
        items.append(named[shown])
    for label, sub in manual_labels.items():
        items.append(_group_entry(label, label, _mini_manual(sub, options), manual=True))
    for gid in sorted(grouping.defs):
        d = grouping.defs[gid]
        members = list(d.sub.nodes.values()) if d.sub is not None else []
        if d.sub is None:
            members = [vg.nodes[n] for n in walk_leaves(d.body)]
        one = vg.composition_of(members)
        if one is not None and explained.get(d.label) is one:
            continue  # a run of a composite also drawn alone: its entry explains both
        if one is not None:  # a run of one composite layer: draw what the layer is made of
            mini = _mini_manual(one, options)
        elif d.sub is not None:
            mini = _mini_manual(d.sub, options)
        else:
            mini = _mini_group(vg, grouping, options, d.body)
        items.append(_group_entry(d.label, d.label, mini, gid=gid))
    for mark in MARKS:
        if mark in diff_marks:
            items.append(LegendEntry("diff", mark, mark, 0, 0, legend_width(mark), SWATCH_H))
    width, height = _flow(items, max_width)
    stripped: set[int] = set()
    while max_height is not None and height > max_height:
        tall = [
            (e.mini.height, -i)
            for i, e in enumerate(items)
            if e.mini is not None and i not in stripped and e.mini.height > GROUP_H + 8
        ]
        if not tall:
            break
        i = -max(tall)[1]
        stripped.add(i)
        e = items[i]
        strip = composition_strip(_strip_members(vg, grouping, e))
        items[i] = _group_entry(e.label, e.type, strip, gid=e.gid, manual=e.manual)
        width, height = _flow(items, max_width)
    if max_height is not None and wider is not None and height > max_height:
        width, height = _flow(items, max(max_width, wider))
    return LegendScene(items, width, height)
