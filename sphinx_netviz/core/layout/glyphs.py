"""Glyphs and their labels: the layout's context, one glyph per leaf or group, the label
stack under a glyph, and the glyph outline (a trapezoid, or a fan with one end per port)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir import dims
from ..view.structure import Block, Group, Item, Leaf, walk_leaves
from .scene import Glyph, Label, Piece, Point, Term
from .sizes import COUNT_FONT_MINI, LINE_STEP, name_lines, text_width

if TYPE_CHECKING:
    from ..group.grouping import GroupDef, Grouping
    from ..options.schema import Options
    from ..view.vgraph import VGraph
    from .sizing import Sizer

__all__ = ["Ctx", "exit_node", "outline"]


class Ctx:
    """What every part of one layout run reads: the view, the group definitions, options and
    sizes, plus the few counters that keep generated ids unique and deterministic."""

    def __init__(
        self,
        vg: VGraph,
        grouping: Grouping,
        options: Options,
        sizer: Sizer,
        *,
        mini: bool = False,
        group_names: bool = True,
    ) -> None:
        self.vg = vg
        #: group glyphs carry their names (off in a drill-down scene of one block's repeats,
        #: whose panel is headed by that name)
        self.group_names = group_names
        self.defs: dict[int, GroupDef] = grouping.defs
        self.o = options
        self.sizer = sizer
        self.mini = mini
        self.gap = 6.0 if mini else options.h_spacing
        self.vgap = 8.0 if mini else max(12.0, options.v_spacing / 4)
        self.labels_on = not mini
        self.dims_on = options.dimensions and not mini and options.h_spacing >= 12
        self.junctions: set[str] = set()
        self.counter = 0
        self.group_seq: dict[int, int] = {}

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- glyph construction ------------------------------------------------------------------
    def leaf_glyph(self, node_id: str) -> Glyph:
        n = self.vg.nodes[node_id]
        if n.synthetic and n.type == "Split":
            kind = "split" if self.o.split_layers or self.mini else "junction"
        else:
            kind = "group" if n.manual else "layer"
        h_in = self.sizer.height(n.in_shape)
        h_out = self.sizer.height(n.out_shape)
        dense = n.out_shape is not None and len(n.out_shape) == 1
        if dense:
            h_in = h_out  # Net2Vis: a 1-D layer is a rule sized by its units
        if kind == "junction":
            w = 0.0
        elif kind == "split":
            w = self.sizer.w_min if not self.mini else 6.0
        else:
            w = self.sizer.width(n.in_shape, n.out_shape)
        if kind == "group":
            w = max(w, 24.0 if not self.mini else 8.0)
        g = Glyph(
            id=node_id,
            kind=kind,
            type=n.type,
            name=n.name,
            x=0.0,
            w=w,
            y=0.0,
            h_in=h_in,
            h_out=h_out,
            in_ports=[0.0],
            out_ports=[0.0],
            members=len(n.members),
            count=n.count,
            gid=n.gid,
            dense=dense,
            node_ids=(node_id,),
            in_shape=n.in_shape,
            out_shape=n.out_shape,
        )
        if kind == "junction":
            self.junctions.add(node_id)
        elif self.vg.diff is not None and kind != "split" and not self.mini:
            g.diff, g.count_old = self.vg.diff.glyph(n.members, n.count)
        return g

    def group_glyph(self, item: Group) -> Glyph:
        d = self.defs[item.gid]
        runs = item.runs or [item.body]
        leaves = [x for run in runs for x in walk_leaves(run)]
        first = self.vg.nodes[walk_leaves(runs[0])[0]]
        last = self.vg.nodes[exit_node(runs[-1])]
        k = self.group_seq.get(item.gid, 0) + 1
        self.group_seq[item.gid] = k
        members = sum(len(self.vg.nodes[x].members) for x in leaves)
        w = self.sizer.width(first.in_shape, last.out_shape)
        if not self.mini:
            w = max(w, 28.0)
        g = Glyph(
            id=f"group-{item.gid}-{k}",
            kind="group",
            type=d.label,
            name=d.label,
            x=0.0,
            w=w,
            y=0.0,
            h_in=self.sizer.height(first.in_shape),
            h_out=self.sizer.height(last.out_shape),
            in_ports=[0.0],
            out_ports=[0.0],
            members=members,
            count=item.count,
            gid=item.gid,
            node_ids=tuple(leaves),
            in_shape=first.in_shape,
            out_shape=last.out_shape,
            dense=last.out_shape is not None and len(last.out_shape) == 1,
        )
        if self.vg.diff is not None and not self.mini:
            ids = [m for x in leaves for m in self.vg.nodes[x].members]
            g.diff, g.count_old = self.vg.diff.glyph(ids, item.count)
        return g

    def junction(self) -> Glyph:
        """A bare fan point (not drawn: edges through it are joined afterwards)."""
        jid = self.new_id("\x01junction")
        self.junctions.add(jid)
        return Glyph(jid, "junction", "", "", 0.0, 0.0, 0.0, 0.0, 0.0, [0.0], [0.0])

    # -- labels --------------------------------------------------------------------------------
    def glyph_labels(self, g: Glyph) -> tuple[list[Label], float, float]:
        """Labels under a glyph; returns (labels, bottom extent, needed width)."""
        if self.mini and g.count > 1:
            text = f"\u00d7{g.count}"
            y = max(g.h_in, g.h_out) / 2 + 9
            label = Label(g.x + g.w / 2, y, text, "count", size=COUNT_FONT_MINI)
            return [label], y + 2, max(g.w, text_width(text, COUNT_FONT_MINI))
        if not self.labels_on or g.kind in ("junction", "split"):
            return [], max(g.h_in, g.h_out) / 2, g.w
        labels: list[Label] = []
        cx = g.x + g.w / 2
        y = max(g.h_in, g.h_out) / 2 + 4
        need = g.w
        lines: list[tuple[str, str]] = []
        if g.kind == "group" and self.group_names:
            # A group carries its name on the page (issue 19): ``BertLayer x6``; a diff's
            # changed count follows on a line of its own.
            count = 1 if g.count_old else g.count
            lines += [(line, "group") for line in name_lines(g.type, count)]
            if g.count_old:
                lines.append((f"\u00d7{g.count_old} \u2192 \u00d7{g.count}", "count"))
        elif g.count_old:  # a diff: the repeat count changed (``x4 -> x6``)
            lines.append((f"\u00d7{g.count_old} \u2192 \u00d7{g.count}", "count"))
        elif g.count > 1:
            lines.append((f"\u00d7{g.count}", "count"))
        if self.o.features:
            text = dims.feature_text(g.out_shape, self.o.dim_names)
            if text:
                lines.append((text, "feat"))
        if self.o.names and g.kind != "group":
            lines.append((g.name, "name"))
        for text, kind in lines:
            y += LINE_STEP
            labels.append(Label(cx, y, text, kind))
            need = max(need, text_width(text))
        return labels, y + 4, need

    def dim_label(self, g: Glyph, x: float, y: float) -> tuple[list[Label], float]:
        """The rotated spatial-size label on the edge leaving ``g`` (at x, y)."""
        if not self.dims_on or g.kind in ("split", "junction"):
            return [], 0.0
        text = dims.dims_text(g.out_shape, self.o.dim_names)
        if not text:
            return [], 0.0
        return [Label(x, y + 5, text, "dim", rotate=True, anchor="start")], 5 + text_width(text)

    def glyph_piece(self, g: Glyph) -> Piece:
        labels, bottom, need = self.glyph_labels(g)
        pad = max(0.0, (need - g.w) / 2)
        g.x = pad
        for lb in labels:
            lb.x += pad
        top = -max(g.h_in, g.h_out) / 2
        w = g.w + 2 * pad
        return Piece(
            w,
            top,
            bottom,
            [g],
            [],
            labels,
            [Term(g.id, [(0.0, 0.0), (g.x, 0.0)])],
            [Term(g.id, [(g.x + g.w, 0.0), (w, 0.0)])],
        )


def exit_node(items: list[Item]) -> str:
    """The node whose output leaves a run of items (the last merge, leaf or group exit)."""
    last = items[-1]
    if isinstance(last, Leaf):
        return last.node
    if isinstance(last, Block) and last.merge is not None:
        return last.merge
    if isinstance(last, Group):
        return exit_node((last.runs or [last.body])[-1])
    return walk_leaves([last])[-1]


def outline(g: Glyph) -> list[Point]:
    """The glyph polygon: a trapezoid, or a fan with one end per port (Net2Vis style)."""
    x0, x1 = g.x, g.x + g.w
    ins = sorted(set(g.in_ports)) or [g.y]
    outs = sorted(set(g.out_ports)) or [g.y]
    hi, ho = g.h_in / 2, g.h_out / 2
    pts: list[Point] = []
    # Top edge, left to right.
    pts.append((x0, ins[0] - hi))
    pts.append((x1, outs[0] - ho))
    # Right side, top to bottom, with notches between fan ends.
    for i, y in enumerate(outs):
        if i > 0 and y - ho > outs[i - 1] + ho:
            notch_x = x1 - g.w * 0.45
            pts.append((notch_x, (outs[i - 1] + ho + y - ho) / 2))
            pts.append((x1, y - ho))
        if i == len(outs) - 1 or outs[i + 1] - ho > y + ho:
            pts.append((x1, y + ho))
    # Bottom edge, right to left.
    pts.append((x0, ins[-1] + hi))
    for i in range(len(ins) - 1, -1, -1):
        y = ins[i]
        if i < len(ins) - 1:
            nxt = ins[i + 1]
            if nxt - hi > y + hi:
                notch_x = x0 + g.w * 0.45
                pts.append((x0, nxt - hi))
                pts.append((notch_x, (y + hi + nxt - hi) / 2))
                pts.append((x0, y + hi))
    out: list[Point] = []
    for p in pts:
        q = (round(p[0], 2), round(p[1], 2))
        if not out or out[-1] != q:
            out.append(q)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out
