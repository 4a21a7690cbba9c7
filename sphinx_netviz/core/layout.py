"""Left-to-right layout: positioned glyphs, orthogonal edges and labels (geometry only).

This layout is hand-written on purpose: it is the product's craft, and the general-purpose
engines get it wrong for this picture (dagre/Graphviz place branches by crossing-minimisation
heuristics, route edges through other nodes, and know nothing about Net2Vis's fan-shaped split
and merge glyphs). Instead the series-parallel tree (structure.py) is laid out recursively:

- a series places its items left to right, ``h-spacing`` apart, all on one lane;
- a branching block draws its fan-out glyph, stacks the branches on separate lanes (the
  heaviest on the main lane, the others alternately above and below, shortcuts nearest), and
  merges them in a fan-in glyph; every lane is a horizontal band reserved for its branch and
  its labels, so nothing overlaps and every edge is a horizontal segment on its own lane;
- non-series-parallel regions get a small layered (Sugiyama-style) layout with dummy slots for
  long edges and orthogonal routes whose vertical parts run only in the gaps between columns;
- ``wrap`` breaks the top-level series into rows, joined by an edge that runs in the channel
  between rows.

Spacing: ``h-spacing`` is the gap between consecutive glyphs (Net2Vis's rank separation);
``v-spacing`` keeps Net2Vis's default of 200, which there is dagre's node separation in an
interactive, zoomed canvas; drawn 1:1 that would make every residual block ~300 px tall, so
the gap between parallel lanes here is a quarter of it (50 px by default, at least 12),
added to each lane's own extent (glyphs and their labels).

Glyph sizes follow Net2Vis exactly (reference/net2vis.md 2.3-2.4): height encodes spatial
resolution, per side (so resolution changes make trapezoids), width encodes channels; 1-D
tensors (Dense) are drawn as narrow rules.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import dims
from .structure import Block, Group, Item, Leaf, Opaque, Series, walk_leaves

if TYPE_CHECKING:
    from .graph import Shape
    from .group import GroupDef, Grouping
    from .options import Options
    from .view import VGraph, VNode

__all__ = [
    "FONT",
    "Glyph",
    "Label",
    "Path",
    "Scene",
    "Sizer",
    "layout",
    "text_width",
]

FONT = 11.0
LABEL_FONT = 11.0
Point = tuple[float, float]


def text_width(text: str, size: float = LABEL_FONT) -> float:
    """An estimate of rendered text width (sans-serif): enough to keep labels apart."""
    return 0.6 * size * len(text) + 2


@dataclass
class Glyph:
    """One drawn glyph (a layer, a group, a split) in absolute coordinates."""

    id: str
    kind: str  # "layer" | "group" | "split" | "junction"
    type: str
    name: str
    x: float
    w: float
    y: float  # lane centre (where edges attach)
    h_in: float
    h_out: float
    in_ports: list[float] = field(default_factory=list)
    out_ports: list[float] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    members: int = 1
    count: int = 1
    gid: int = 0
    dense: bool = False
    node_ids: tuple[str, ...] = ()
    in_shape: Shape | None = None
    out_shape: Shape | None = None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))


@dataclass
class Path:
    """An orthogonal edge polyline from glyph ``source`` to glyph ``target``."""

    source: str
    target: str
    points: list[Point]


@dataclass
class Label:
    """A text label. ``rotate`` labels run downwards from (x, y)."""

    x: float
    y: float
    text: str
    kind: str  # "dim" | "feat" | "name" | "count"
    rotate: bool = False
    anchor: str = "middle"
    size: float = LABEL_FONT


@dataclass
class Scene:
    """Everything the SVG writer draws, in absolute coordinates inside (0, 0, width, height)."""

    glyphs: list[Glyph]
    paths: list[Path]
    labels: list[Label]
    samples: list[tuple[float, float, float, float]]
    width: float
    height: float


# -- sizing ----------------------------------------------------------------------------------
def _spatial(shape: Shape | None) -> float | None:
    if shape is None or len(shape) < 2:
        return None
    dims = shape[:-1]
    if any(d is None or d <= 0 for d in dims):
        return None
    product = float(math.prod(d for d in dims if d is not None))
    return float(product ** (1.0 / len(dims)))


def _channels(shape: Shape | None) -> float | None:
    if shape is None or len(shape) < 2 or shape[-1] is None:
        return None
    return float(shape[-1])


def _units(shape: Shape | None) -> float | None:
    if shape is None or len(shape) != 1 or shape[0] is None:
        return None
    return float(shape[0])


@dataclass
class Sizer:
    """Net2Vis's extremes (over every drawn and hidden layer) and its size formulas."""

    h_min: float
    h_max: float
    w_min: float
    w_max: float
    min_size: float = 0.0
    max_size: float = 0.0
    min_feat: float = 0.0
    max_feat: float = 0.0
    min_dense: float = 0.0
    max_dense: float = 0.0
    uniform: bool = False

    @classmethod
    def from_view(cls, vg: VGraph, options: Options, extra: list[VNode]) -> Sizer:
        s = cls(options.min_height, options.max_height, options.min_width, options.max_width)
        sizes: list[float] = []
        feats: list[float] = []
        dense: list[float] = []
        for n in [*vg.nodes.values(), *extra]:
            for shape in (n.in_shape, n.out_shape):
                sp = _spatial(shape)
                if sp is not None:
                    sizes.append(sp)
            c = _channels(n.out_shape)
            if c is not None:
                feats.append(c)
            u = _units(n.out_shape)
            if u is not None and _units(n.in_shape) is not None:
                dense.append(u)
        if sizes:
            s.min_size, s.max_size = min(sizes), max(sizes)
        if feats:
            s.min_feat, s.max_feat = min(feats), max(feats)
        if dense:
            s.min_dense, s.max_dense = min(dense), max(dense)
        return s

    @classmethod
    def mini(cls) -> Sizer:
        return cls(24, 24, 8, 8, uniform=True)

    def height(self, shape: Shape | None) -> float:
        if self.uniform:
            return self.h_max
        sp = _spatial(shape)
        if sp is not None:
            span = self.max_size - self.min_size
            if span <= 0:
                return self.h_max
            perc = (sp - self.min_size) / span
            return min(self.h_max, self.h_min + max(0.0, perc) * (self.h_max - self.h_min))
        u = _units(shape)
        if u is not None:
            span = self.max_dense - self.min_dense
            if span <= 0 or u > self.max_dense:
                return self.h_max
            perc = (u - self.min_dense) / span
            return min(self.h_max, self.h_min + max(0.0, perc) * (self.h_max - self.h_min))
        return self.h_max if shape is None or len(shape) >= 2 else self.h_min

    def width(self, in_shape: Shape | None, out_shape: Shape | None) -> float:
        if self.uniform:
            return self.w_max
        c = _channels(out_shape)
        if c is None or in_shape is None or len(in_shape) < 2:
            return self.rule_width()
        span = max(1.0, self.max_feat - self.min_feat)
        return self.w_min + (c - self.min_feat) / span * (self.w_max - self.w_min)

    def rule_width(self) -> float:
        return self.w_max if self.uniform else max(6.0, round(self.w_min * 0.5, 2))


def dims_text(shape: Shape | None) -> str:
    """``224x224`` for an image tensor; empty for vectors."""
    if shape is None or len(shape) < 2:
        return ""
    return "x".join("?" if d is None else str(d) for d in shape[:-1])


def feature_text(shape: Shape | None) -> str:
    """Channels (last axis) or units of a vector."""
    if shape is None or not shape:
        return ""
    d = shape[-1]
    return "?" if d is None else str(d)


# -- pieces ----------------------------------------------------------------------------------
@dataclass
class _Term:
    glyph: str
    points: list[Point]  # entries: from (0, 0) to the port; exits: from the port to (w, 0)


@dataclass
class _Piece:
    w: float
    top: float  # <= 0
    bottom: float  # >= 0
    glyphs: list[Glyph]
    paths: list[Path]
    labels: list[Label]
    entries: list[_Term]
    exits: list[_Term]

    def shifted(self, dx: float, dy: float) -> _Piece:
        def mv(points: list[Point]) -> list[Point]:
            return [(x + dx, y + dy) for x, y in points]

        for g in self.glyphs:
            g.x += dx
            g.y += dy
            g.in_ports = [p + dy for p in g.in_ports]
            g.out_ports = [p + dy for p in g.out_ports]
        for p in self.paths:
            p.points = mv(p.points)
        for lb in self.labels:
            lb.x += dx
            lb.y += dy
        return _Piece(
            self.w,
            self.top + dy,
            self.bottom + dy,
            self.glyphs,
            self.paths,
            self.labels,
            [_Term(t.glyph, mv(t.points)) for t in self.entries],
            [_Term(t.glyph, mv(t.points)) for t in self.exits],
        )


class _Layout:
    def __init__(
        self,
        vg: VGraph,
        grouping: Grouping,
        options: Options,
        sizer: Sizer,
        *,
        mini: bool = False,
    ) -> None:
        self.vg = vg
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

    # -- glyph construction ------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

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
        return g

    def group_glyph(self, item: Group) -> Glyph:
        d = self.defs[item.gid]
        runs = item.runs or [item.body]
        leaves = [x for run in runs for x in walk_leaves(run)]
        first = self.vg.nodes[walk_leaves(runs[0])[0]]
        exit_id = _exit_node(runs[-1])
        last = self.vg.nodes[exit_id]
        k = self.group_seq.get(item.gid, 0) + 1
        self.group_seq[item.gid] = k
        members = sum(len(self.vg.nodes[x].members) for x in leaves)
        w = self.sizer.width(first.in_shape, last.out_shape)
        if not self.mini:
            w = max(w, 28.0)
        return Glyph(
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

    # -- labels --------------------------------------------------------------------------------
    def glyph_labels(self, g: Glyph) -> tuple[list[Label], float, float]:
        """Labels under a glyph; returns (labels, bottom extent, needed width)."""
        if self.mini and g.count > 1:
            text = f"\u00d7{g.count}"
            y = max(g.h_in, g.h_out) / 2 + 9
            label = Label(g.x + g.w / 2, y, text, "count", size=8.0)
            return [label], y + 2, max(g.w, text_width(text, 8.0))
        if not self.labels_on or g.kind in ("junction", "split"):
            return [], max(g.h_in, g.h_out) / 2, g.w
        labels: list[Label] = []
        cx = g.x + g.w / 2
        y = max(g.h_in, g.h_out) / 2 + 4
        need = g.w
        if g.count > 1:
            y += 13
            text = f"\u00d7{g.count}"
            labels.append(Label(cx, y, text, "count"))
            need = max(need, text_width(text))
        if self.o.features:
            text = dims.feature_text(g.out_shape, self.o.dim_names)
            if text:
                y += 13
                labels.append(Label(cx, y, text, "feat"))
                need = max(need, text_width(text))
        if self.o.names:
            text = g.name
            y += 13
            labels.append(Label(cx, y, text, "name"))
            need = max(need, text_width(text))
        return labels, y + 4, need

    # -- pieces --------------------------------------------------------------------------------
    def glyph_piece(self, g: Glyph) -> _Piece:
        labels, bottom, need = self.glyph_labels(g)
        pad = max(0.0, (need - g.w) / 2)
        g.x = pad
        for lb in labels:
            lb.x += pad
        top = -max(g.h_in, g.h_out) / 2
        w = g.w + 2 * pad
        return _Piece(
            w,
            top,
            bottom,
            [g],
            [],
            labels,
            [_Term(g.id, [(0.0, 0.0), (g.x, 0.0)])],
            [_Term(g.id, [(g.x + g.w, 0.0), (w, 0.0)])],
        )

    def item_piece(self, it: Item) -> _Piece:
        if isinstance(it, Leaf):
            return self.glyph_piece(self.leaf_glyph(it.node))
        if isinstance(it, Group):
            return self.glyph_piece(self.group_glyph(it))
        if isinstance(it, Block):
            return self.block_piece(it)
        return self.opaque_piece(it)

    def dim_label(self, g: Glyph, x: float, y: float) -> tuple[list[Label], float]:
        if not self.dims_on or g.kind in ("split", "junction"):
            return [], 0.0
        text = dims.dims_text(g.out_shape, self.o.dim_names)
        if not text:
            return [], 0.0
        return [Label(x, y + 5, text, "dim", rotate=True, anchor="start")], 5 + text_width(text)

    def series_piece(self, series: Series) -> _Piece | None:
        pieces = [self.item_piece(it) for it in series.items]
        if not pieces:
            return None
        return self.join(pieces)

    def join(self, pieces: list[_Piece]) -> _Piece:
        """Place pieces left to right and connect each one's exits to the next's entries."""
        glyphs: list[Glyph] = []
        paths: list[Path] = []
        labels: list[Label] = []
        x = 0.0
        top = 0.0
        bottom = 0.0
        prev: _Piece | None = None
        for p in pieces:
            if prev is not None:
                x += self.gap
            q = p.shifted(x, 0.0)
            if prev is not None:
                for ex in prev.exits:
                    for en in q.entries:
                        paths.append(Path(ex.glyph, en.glyph, _concat(ex.points, en.points)))
                    src = _find(prev.glyphs, ex.glyph)
                    if src is not None and len(prev.exits) == 1:
                        lbs, depth = self.dim_label(src, x - self.gap / 2, 0.0)
                        labels.extend(lbs)
                        bottom = max(bottom, depth)
            glyphs.extend(q.glyphs)
            paths.extend(q.paths)
            labels.extend(q.labels)
            top = min(top, q.top)
            bottom = max(bottom, q.bottom)
            x += q.w
            prev = q
        first, last = pieces[0], prev
        assert last is not None
        return _Piece(x, top, bottom, glyphs, paths, labels, first.entries, last.exits)

    def block_piece(self, b: Block) -> _Piece:
        # Fan-out glyph (a Split, a real layer with several consumers, or a bare junction).
        src = self.leaf_glyph(b.source) if b.source is not None else self._junction()
        mrg = self.leaf_glyph(b.merge) if b.merge is not None else self._junction()
        branch_pieces: list[tuple[int, _Piece | None]] = []
        for k, br in enumerate(b.branches):
            branch_pieces.append((k, self.series_piece(br)))

        # Heaviest branch on the main lane; shortcuts nearest to it; then alternate sides.
        def weight(entry: tuple[int, _Piece | None]) -> tuple[float, int]:
            k, p = entry
            return (-(p.w if p else -1.0), k)

        ordered = sorted(branch_pieces, key=weight)
        main = ordered[0]
        rest = sorted(ordered[1:], key=lambda e: (e[1] is not None, e[0]))
        lane_gap = self.vgap
        bypass_half = 6.0
        placed: list[tuple[int, _Piece | None, float]] = []
        mp = main[1]
        up = mp.top if mp else -bypass_half
        down = mp.bottom if mp else bypass_half
        placed.append((main[0], mp, 0.0))
        for i, (k, p) in enumerate(rest):
            ptop = p.top if p else -bypass_half
            pbot = p.bottom if p else bypass_half
            above = i % 2 == 0
            if above:
                y = up - lane_gap - pbot
                up = y + ptop
            else:
                y = down + lane_gap - ptop
                down = y + pbot
            placed.append((k, p, y))
        placed.sort(key=lambda e: e[2])
        lanes = [y for _k, _p, y in placed]
        # Fan-out and fan-in glyphs take a port per lane.
        fan_src = src.kind in ("split", "junction")
        src.out_ports = list(lanes) if fan_src else [0.0]
        mrg.in_ports = list(lanes)
        gap = self.gap
        # Room for labels wider than the fan glyphs themselves (names, long counts).
        pad_s = max(0.0, (self.glyph_labels(src)[2] - src.w) / 2)
        pad_m = max(0.0, (self.glyph_labels(mrg)[2] - mrg.w) / 2)
        src.x = pad_s
        x0 = pad_s + src.w + gap
        inner_w = max((p.w for _k, p, _y in placed if p is not None), default=0.0)
        if all(p is None for _k, p, _y in placed):
            inner_w = 0.0
        if not fan_src:
            x0 += gap  # room for the vertical part of the edges leaving a plain layer
        xm = x0 + inner_w + gap + pad_m
        if mrg.kind == "junction":
            xm = x0 + inner_w + gap / 2
        mrg.x = xm
        glyphs: list[Glyph] = [src, mrg]
        paths: list[Path] = []
        labels: list[Label] = []
        fan_half = max(src.h_out if fan_src else 0.0, mrg.h_in) / 2
        top = min(-src.h_in / 2, -mrg.h_out / 2, lanes[0] - fan_half)
        bottom = max(src.h_in / 2, mrg.h_out / 2, lanes[-1] + fan_half)
        for _k, p, y in placed:
            if p is None:
                # A shortcut: straight from the fan-out port to the fan-in port.
                start = self._src_port(src, y, fan_src)
                paths.append(Path(src.id, mrg.id, [*start, (xm, y)]))
                top = min(top, y - bypass_half)
                bottom = max(bottom, y + bypass_half)
                continue
            q = p.shifted(x0, y)
            glyphs.extend(q.glyphs)
            paths.extend(q.paths)
            labels.extend(q.labels)
            top = min(top, q.top)
            bottom = max(bottom, q.bottom)
            start = self._src_port(src, y, fan_src)
            for en in q.entries:
                paths.append(Path(src.id, en.glyph, _concat(start, en.points)))
            for ex in q.exits:
                paths.append(Path(ex.glyph, mrg.id, [*ex.points, (xm, y)]))
            if len(q.exits) == 1:
                g = _find(q.glyphs, q.exits[0].glyph)
                end_x = x0 + p.w
                if g is not None and xm - end_x >= gap * 0.9:
                    lbs, depth = self.dim_label(g, end_x + gap / 2, y)
                    labels.extend(lbs)
                    bottom = max(bottom, y + depth)
        if not fan_src:
            lbs, depth = self.dim_label(src, src.x + src.w + gap / 2, 0.0)
            labels.extend(lbs)
            bottom = max(bottom, depth)
        for g in (src, mrg):
            if g.kind == "junction":
                continue
            lbs, lb_bottom, _need = self.glyph_labels(g)
            span_bottom = max(g.in_ports + g.out_ports) + max(g.h_in, g.h_out) / 2
            for lb in lbs:
                lb.y += span_bottom - max(g.h_in, g.h_out) / 2
            labels.extend(lbs)
            bottom = max(bottom, lb_bottom + span_bottom - max(g.h_in, g.h_out) / 2)
        w = xm + mrg.w + pad_m
        entries = [_Term(src.id, [(0.0, 0.0), (src.x, 0.0)])]
        exits = [_Term(mrg.id, [(xm + mrg.w, 0.0), (w, 0.0)])]
        return _Piece(w, top, bottom, glyphs, paths, labels, entries, exits)

    def _src_port(self, src: Glyph, y: float, fan: bool) -> list[Point]:
        x = src.x + src.w
        if fan or abs(y) < 1e-9:
            return [(x, y)]
        bend = x + self.gap
        return [(x, 0.0), (bend, 0.0), (bend, y)]

    def _junction(self) -> Glyph:
        jid = self._new_id("\x01junction")
        self.junctions.add(jid)
        return Glyph(jid, "junction", "", "", 0.0, 0.0, 0.0, 0.0, 0.0, [0.0], [0.0])

    # -- non-series-parallel regions ---------------------------------------------------------
    def opaque_piece(self, op: Opaque) -> _Piece:
        vg = self.vg
        units: list[_Piece] = []
        unit_glyph: list[str] = []
        owner: dict[str, int] = {}
        for chain in op.chains:
            for it in chain.items:
                if isinstance(it, Leaf) and vg.nodes[it.node].synthetic:
                    # A Split inside a tangle cannot fan out cleanly: draw a bare junction.
                    j = self.leaf_glyph(it.node)
                    j.kind, j.w = "junction", 0.0
                    self.junctions.add(j.id)
                    piece = self.glyph_piece(j)
                else:
                    piece = self.item_piece(it)
                idx = len(units)
                units.append(piece)
                unit_glyph.append(piece.glyphs[0].id if piece.glyphs else "")
                for leaf in walk_leaves([it]):
                    owner[leaf] = idx
        n = len(units)
        succ: list[list[int]] = [[] for _ in range(n)]
        pred: list[list[int]] = [[] for _ in range(n)]
        entries: list[int] = []
        exits: list[int] = []
        for node, u in owner.items():
            for s in vg.succ[node]:
                v = owner.get(s)
                if v is not None and v != u and v not in succ[u]:
                    succ[u].append(v)
                    pred[v].append(u)
                elif v is None and u not in exits:
                    exits.append(u)
            ps = vg.pred[node]
            if (not ps or any(p not in owner for p in ps)) and u not in entries:
                entries.append(u)
            if not vg.succ[node] and u not in exits:
                exits.append(u)
        # Virtual entry and exit units (no glyphs) in their own first and last columns, so
        # that edges from the region's entry and to its exit are routed like any other.
        entry_u, exit_u = n, n + 1
        for _ in range(2):
            units.append(
                _Piece(
                    0.0,
                    0.0,
                    0.0,
                    [],
                    [],
                    [],
                    [_Term("", [(0.0, 0.0), (0.0, 0.0)])],
                    [_Term("", [(0.0, 0.0), (0.0, 0.0)])],
                )
            )
            succ.append([])
            pred.append([])
        for u in entries:
            succ[entry_u].append(u)
            pred[u].append(entry_u)
        for u in exits:
            succ[u].append(exit_u)
            pred[exit_u].append(u)
        n += 2
        # Longest-path ranks (real units are in topological order already).
        rank = [0] * n
        for u in [entry_u, *range(entry_u)]:
            for v in succ[u]:
                if v != exit_u:
                    rank[v] = max(rank[v], rank[u] + 1)
        rank[exit_u] = max(rank[:entry_u], default=0) + 1
        n_ranks = max(rank) + 1
        columns: list[list[tuple[str, int]]] = [[] for _ in range(n_ranks)]
        for u in range(n):
            columns[rank[u]].append(("u", u))
        # Dummy slots for edges spanning several ranks.
        chains_of: dict[tuple[int, int], list[int]] = {}
        dummy_count = 0
        for u in range(n):
            for v in succ[u]:
                if rank[v] - rank[u] > 1:
                    ids = []
                    for r in range(rank[u] + 1, rank[v]):
                        columns[r].append(("d", dummy_count))
                        ids.append(dummy_count)
                        dummy_count += 1
                    chains_of[(u, v)] = ids
        # Barycentre ordering, two sweeps.
        pos: dict[tuple[str, int], float] = {}
        for col in columns:
            for i, key in enumerate(col):
                pos[key] = float(i)
        nbr_prev: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for (u, v), ids in chains_of.items():
            seq: list[tuple[str, int]] = [("u", u), *(("d", d) for d in ids), ("u", v)]
            for a, b2 in itertools.pairwise(seq):
                nbr_prev.setdefault(b2, []).append(a)
        for u in range(n):
            for v in succ[u]:
                if (u, v) not in chains_of:
                    nbr_prev.setdefault(("u", v), []).append(("u", u))
        for col in columns[1:]:
            col.sort(
                key=lambda k: (
                    sum(pos[p] for p in nbr_prev.get(k, [])) / len(nbr_prev[k])
                    if nbr_prev.get(k)
                    else pos[k],
                    pos[k],
                )
            )
            for i, key in enumerate(col):
                pos[key] = float(i)
        # Vertical placement: each column's items keep their order and try to sit at the
        # mean height of their predecessors (straight chains), pushed apart where needed.
        ext: dict[tuple[str, int], tuple[float, float]] = {}
        for col in columns:
            for key in col:
                ext[key] = (
                    (units[key[1]].top, units[key[1]].bottom) if key[0] == "u" else (-4.0, 4.0)
                )
        ycen: dict[tuple[str, int], float] = {}
        for ci, col in enumerate(columns):
            desired: list[float | None] = []
            for key in col:
                prev_keys = nbr_prev.get(key, [])
                desired.append(
                    sum(ycen[p] for p in prev_keys) / len(prev_keys)
                    if prev_keys and ci > 0
                    else None
                )
            # Stack in order of wanted height (the barycentre order breaks ties), so that no
            # item is pushed past a neighbour that wanted to sit lower: no downward drift.
            stack = sorted(
                range(len(col)),
                key=lambda i: (desired[i] if desired[i] is not None else float(i), i),
            )
            col[:] = [col[i] for i in stack]
            desired = [desired[i] for i in stack]
            ys: list[float] = []
            cursor = -math.inf
            for key, want in zip(col, desired, strict=True):
                lo, hi = ext[key]
                y = cursor - lo if want is None else max(want, cursor - lo)
                if cursor == -math.inf and want is None:
                    y = 0.0
                ys.append(y)
                cursor = y + hi + self.vgap
            diffs = [w_ - y for w_, y in zip(desired, ys, strict=True) if w_ is not None]
            shift = sum(diffs) / len(diffs) if diffs else -(ys[0] + ys[-1]) / 2
            for key, y in zip(col, ys, strict=True):
                ycen[key] = y + shift
        ycen[("u", entry_u)] = 0.0
        ycen[("u", exit_u)] = 0.0
        # Each hop between adjacent columns that changes height needs a vertical track in the
        # gap; tracks are spread so that edges never run on top of each other.
        hops: list[list[tuple[float, float, int]]] = [[] for _ in range(n_ranks)]
        edge_list: list[tuple[int, int]] = [(u, v) for u in range(n) for v in succ[u]]
        route_keys: dict[tuple[int, int], list[tuple[str, int]]] = {}
        for ei, (u, v) in enumerate(edge_list):
            seq = [("u", u), *(("d", d) for d in chains_of.get((u, v), [])), ("u", v)]
            route_keys[(u, v)] = seq
            for a_key, b_key in itertools.pairwise(seq):
                r = rank[u] + seq.index(a_key)
                if abs(ycen[a_key] - ycen[b_key]) > 0.5:
                    hops[r].append((ycen[a_key], ycen[b_key], ei))
        track_step = 5.0
        base_gap = max(self.gap * 1.5, 16.0)
        gaps = [max(base_gap, track_step * (len(h) + 1)) for h in hops]
        x = 0.0
        placed_units: dict[int, _Piece] = {}
        col_x: list[tuple[float, float]] = []
        top = 0.0
        bottom = 0.0
        glyphs: list[Glyph] = []
        paths: list[Path] = []
        labels: list[Label] = []
        for ci, col in enumerate(columns):
            width = max((units[k].w for kind, k in col if kind == "u"), default=8.0)
            for key in col:
                lo, hi = ext[key]
                yc = ycen[key]
                if key[0] == "u":
                    k = key[1]
                    q = units[k].shifted(x + (width - units[k].w) / 2, yc)
                    placed_units[k] = q
                    glyphs.extend(q.glyphs)
                    paths.extend(q.paths)
                    labels.extend(q.labels)
                top = min(top, yc + lo)
                bottom = max(bottom, yc + hi)
            col_x.append((x, x + width))
            x += width + gaps[ci]
        w = x - gaps[-1]
        track_x: dict[tuple[int, int], float] = {}
        for r, hs in enumerate(hops):
            if r >= len(col_x) - 1:
                continue
            g0 = col_x[r][1]
            g1 = col_x[r + 1][0]
            # Edges going up take the left tracks, edges going down the right ones, each
            # ordered so that they nest instead of crossing.
            order = sorted(hs, key=lambda h: (h[1] > h[0], h[0] if h[1] > h[0] else -h[0]))
            step = (g1 - g0) / (len(order) + 1)
            for i, (_ya, _yb, ei) in enumerate(order):
                track_x[(r, ei)] = g0 + step * (i + 1)
        # Orthogonal routes; vertical segments only in the gaps between columns.
        entry_terms: list[_Term] = []
        exit_terms: list[_Term] = []
        for ei, (u, v) in enumerate(edge_list):
            pu, pv = placed_units[u], placed_units[v]
            seq = route_keys[(u, v)]
            for ex in pu.exits:
                for en in pv.entries:
                    pts = list(ex.points)
                    cur_y = pts[-1][1]
                    for i in range(1, len(seq)):
                        r = rank[u] + i - 1
                        ny = ycen[seq[i]] if i < len(seq) - 1 else en.points[-1][1]
                        xg = track_x.get((r, ei), (col_x[r][1] + col_x[r + 1][0]) / 2)
                        pts += [(xg, cur_y), (xg, ny)]
                        cur_y = ny
                        if i < len(seq) - 1:
                            pts.append((col_x[r + 1][1], cur_y))
                    pts += list(en.points[1:])
                    if u == entry_u:
                        entry_terms.append(_Term(en.glyph, _clean([(0.0, 0.0), *pts])))
                    elif v == exit_u:
                        exit_terms.append(_Term(ex.glyph, _clean([*pts, (w, 0.0)])))
                    else:
                        paths.append(Path(ex.glyph, en.glyph, _clean(pts)))
        return _Piece(w, top, bottom, glyphs, paths, labels, entry_terms, exit_terms)


def _exit_node(items: list[Item]) -> str:
    last = items[-1]
    if isinstance(last, Leaf):
        return last.node
    if isinstance(last, Block) and last.merge is not None:
        return last.merge
    if isinstance(last, Group):
        return _exit_node((last.runs or [last.body])[-1])
    return walk_leaves([last])[-1]


def _find(glyphs: list[Glyph], gid: str) -> Glyph | None:
    for g in glyphs:
        if g.id == gid:
            return g
    return None


def _concat(a: list[Point], b: list[Point]) -> list[Point]:
    return _clean([*a, *b])


def _clean(points: list[Point]) -> list[Point]:
    """Drop repeated and collinear points (keeps the polyline minimal and orthogonal)."""
    out: list[Point] = []
    for p in points:
        p = (round(p[0], 2), round(p[1], 2))
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - p[0]) < 1e-6) or (
                abs(a[1] - b[1]) < 1e-6 and abs(b[1] - p[1]) < 1e-6
            ):
                out[-1] = p
                continue
        out.append(p)
    if len(out) == 1:
        out.append(out[0])
    return out


# -- glyph outlines --------------------------------------------------------------------------
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


# -- entry point -----------------------------------------------------------------------------
def layout(
    vg: VGraph,
    grouping: Grouping,
    options: Options,
    *,
    sizer: Sizer | None = None,
    mini: bool = False,
    tree: Series | None = None,
    margin: float = 10.0,
) -> Scene:
    """Lay out the grouped tree of ``vg``; coordinates end up inside (0, 0, w, h)."""
    if sizer is None:
        extra = [n for sub in vg.manual_members.values() for n in sub.nodes.values()]
        sizer = Sizer.from_view(vg, options, extra)
    lay = _Layout(vg, grouping, options, sizer, mini=mini)
    series = tree if tree is not None else grouping.tree
    if options.wrap and not mini:
        piece = _wrapped(lay, series, options.wrap - 2 * margin)
    else:
        piece = lay.series_piece(series)
    if piece is None:
        return Scene([], [], [], [], 2 * margin, 2 * margin)
    glyphs, paths = _dissolve_junctions(piece.glyphs, piece.paths, lay.junctions)
    for g in glyphs:
        g.points = outline(g)
    labels = piece.labels
    samples: list[tuple[float, float, float, float]] = []
    if options.samples and not mini:
        samples = _samples(vg, glyphs, options.h_spacing)
    # Bounding box over everything drawn, then move into the positive quadrant.
    xs: list[float] = []
    ys: list[float] = []
    for g in glyphs:
        x0, y0, x1, y1 = g.bbox
        xs += [x0, x1]
        ys += [y0, y1]
    for p in paths:
        xs += [q[0] for q in p.points]
        ys += [q[1] for q in p.points]
    for lb in labels:
        tw = text_width(lb.text, lb.size)
        if lb.rotate:
            xs += [lb.x - lb.size / 2, lb.x + lb.size / 2]
            ys += [lb.y, lb.y + tw]
        else:
            xs += [lb.x - tw / 2, lb.x + tw / 2]
            ys += [lb.y - lb.size, lb.y + 3]
    for sx, sy, sw, sh in samples:
        xs += [sx, sx + sw]
        ys += [sy, sy + sh]
    ys += [piece.top, piece.bottom]
    stroke_pad = 6.0
    dx = margin + stroke_pad - min(xs)
    dy = margin + stroke_pad - min(ys)
    for g in glyphs:
        g.x += dx
        g.y += dy
        g.in_ports = [p + dy for p in g.in_ports]
        g.out_ports = [p + dy for p in g.out_ports]
        g.points = [(round(x + dx, 2), round(y + dy, 2)) for x, y in g.points]
    for p in paths:
        p.points = [(round(x + dx, 2), round(y + dy, 2)) for x, y in p.points]
    for lb in labels:
        lb.x = round(lb.x + dx, 2)
        lb.y = round(lb.y + dy, 2)
    samples = [(round(a + dx, 2), round(b + dy, 2), c, d) for a, b, c, d in samples]
    width = round(max(xs) - min(xs) + 2 * (margin + stroke_pad), 2)
    height = round(max(ys) - min(ys) + 2 * (margin + stroke_pad), 2)
    return Scene(glyphs, paths, labels, samples, width, height)


def _wrapped(lay: _Layout, series: Series, max_w: float) -> _Piece | None:
    """Break the top-level series into rows no wider than ``max_w`` (when possible)."""
    pieces = [lay.item_piece(it) for it in series.items]
    if not pieces:
        return None
    rows: list[list[_Piece]] = [[]]
    width = 0.0
    gap = lay.gap
    lead = gap  # left room for the edge coming down from the previous row
    for p in pieces:
        extra = p.w + (gap if rows[-1] else lead)
        if rows[-1] and width + extra + gap + 16 > max_w:
            rows.append([])
            width = 0.0
            extra = p.w + lead
        rows[-1].append(p)
        width += extra
    if len(rows) == 1:
        return lay.join(pieces)
    joined = [lay.join(r) for r in rows]
    glyphs: list[Glyph] = []
    paths: list[Path] = []
    labels: list[Label] = []
    y = 0.0
    prev: _Piece | None = None
    channel = max(16.0, lay.vgap / 2)
    top = 0.0
    bottom = 0.0
    w = 0.0
    for k, row in enumerate(joined):
        prev_bottom = 0.0
        if prev is not None:
            # The dimension label of the row's last glyph hangs beside the edge going down.
            prev_bottom = prev.bottom
            if len(prev.exits) == 1:
                ex_x, ex_y = prev.exits[0].points[-1]
                src = _find(prev.glyphs, prev.exits[0].glyph)
                if src is not None:
                    lbs, depth = lay.dim_label(src, ex_x + gap / 2 + 8, ex_y)
                    labels.extend(lbs)
                    prev_bottom = max(prev_bottom, ex_y + depth)
                    w = max(w, ex_x + gap / 2 + 16)
            y = prev_bottom + channel * 2 - row.top
        q = row.shifted(lead, y)
        if prev is not None:
            mid = prev_bottom + channel
            for ex in prev.exits:
                ex_x, ex_y = ex.points[-1]
                for en in q.entries:
                    pts = [
                        *ex.points,
                        (ex_x + gap / 2, ex_y),
                        (ex_x + gap / 2, mid),
                        (lead / 2, mid),
                        (lead / 2, y),
                        *en.points,
                    ]
                    paths.append(Path(ex.glyph, en.glyph, _clean(pts)))
        if k == 0:
            first_entries = q.entries
        glyphs.extend(q.glyphs)
        paths.extend(q.paths)
        labels.extend(q.labels)
        top = min(top, q.top)
        bottom = max(bottom, q.bottom)
        w = max(w, lead + row.w + gap)
        prev = q
    assert prev is not None
    return _Piece(w, top, bottom, glyphs, paths, labels, first_entries, prev.exits)


def _dissolve_junctions(
    glyphs: list[Glyph], paths: list[Path], junctions: set[str]
) -> tuple[list[Glyph], list[Path]]:
    """Bare junctions are not drawn: each edge through one is joined into a single edge."""
    if not junctions:
        return glyphs, paths
    incoming: dict[str, list[Path]] = {}
    outgoing: dict[str, list[Path]] = {}
    kept: list[Path] = []
    for p in paths:
        if p.target in junctions:
            incoming.setdefault(p.target, []).append(p)
        if p.source in junctions:
            outgoing.setdefault(p.source, []).append(p)
        if p.source not in junctions and p.target not in junctions:
            kept.append(p)

    def expand(p: Path, depth: int = 0) -> list[Path]:
        if p.target not in junctions or depth > 100:
            return [p]
        out: list[Path] = []
        for q in outgoing.get(p.target, []):
            out.extend(expand(Path(p.source, q.target, _concat(p.points, q.points)), depth + 1))
        return out

    for p in paths:
        if p.source not in junctions and p.target in junctions:
            kept.extend(expand(p))
    return [g for g in glyphs if g.id not in junctions], kept


def _samples(
    vg: VGraph, glyphs: list[Glyph], gap: float
) -> list[tuple[float, float, float, float]]:
    """Dashed input/output sample boxes beside input and output glyphs, where free."""
    boxes: list[tuple[float, float, float, float]] = []
    by_node: dict[str, Glyph] = {}
    for g in glyphs:
        for nid in g.node_ids:
            by_node.setdefault(nid, g)
    bboxes = [g.bbox for g in glyphs]

    def free(b: tuple[float, float, float, float]) -> bool:
        x, y, w, h = b
        return all(x + w < g[0] - 2 or x > g[2] + 2 or y + h < g[1] or y > g[3] for g in bboxes)

    def box(g: Glyph, side: str) -> tuple[float, float, float, float] | None:
        """The sample box left of an input glyph or right of an output glyph (multi-dim
        tensors only, as in Net2Vis)."""
        shape, h = (g.in_shape, g.h_in) if side == "in" else (g.out_shape, g.h_out)
        if shape is None or len(shape) < 2:
            return None
        x = g.x - gap - h if side == "in" else g.x + g.w + gap
        return (x, g.y - h / 2, h, h)

    done: set[tuple[str, str]] = set()
    for side, ids in (("in", vg.inputs), ("out", vg.outputs)):
        for nid in ids:
            glyph = by_node.get(nid)
            if glyph is None or (glyph.id, side) in done:
                continue
            b = box(glyph, side)
            if b is not None and free(b):
                boxes.append(b)
                done.add((glyph.id, side))
    return boxes
