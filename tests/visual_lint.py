"""Visual lint: the picture's promises of issue 19, checked on a rendered diagram.

One pure function per rule of the issue's Targets table, each taking the parsed SVG
(:func:`tests.visual_lint_doc.parse_svg`, or the SVG text) and returning readable findings,
one string per violation (empty when the rule holds):

- :func:`merge_spikes`: a merge or split glyph taller than the tallest tensor it reads or
  writes (height encodes size: a needle reaching other lanes says something false);
- :func:`legend_collisions`: two legend entries (types or groups) with the same fill and
  pattern;
- :func:`nameless_groups`: a group glyph whose label row lacks its name;
- :func:`resized_glyphs`: a glyph whose size changes between two renders of one model (with
  and without ``hide``/``group``/``depth``): the size scale must follow the model, not what is
  drawn;
- :func:`small_labels`: label text under 9 px at an 800 px column (one finding per diagram);
- :func:`unbalanced_rows`: a wrapped row with fewer than half the glyphs of the fullest row.

:func:`lint` runs every single-diagram rule. Extra rules that the issue asks for but its
table does not count are reported apart (``tests/visual_lint_extra.py``): weak heuristic
group names (``Block``, ``Residual A``, op names), legend looks a reader cannot tell apart
(CIE76 distance under 10), group glyphs whose name no legend entry carries, a legend taller
than its diagram plus two rows, a glyph drawn in another look than its legend entry.

How tall a tensor is drawn is read from the diagram itself: every plain glyph (a trapezoid,
one port per side) shows the height of its input on its left side and of its output on its
right side, and the tooltip names those tensors' shapes. So a merge glyph is judged against
the heights its own diagram gives its tensors, whatever scale the renderer used. A vector
length that no plain glyph shows (a Concatenate of two 8-vectors writes 16) is read off the
line through two lengths that are shown: Net2Vis sizes vectors linearly by their length.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from tests.visual_lint_doc import Doc, Finding, Glyph, SvgDoc, as_doc, where
from tests.visual_lint_extra import (
    legend_mismatch,
    near_legend_colors,
    oversized_legend,
    unlisted_groups,
    weak_group_names,
)

__all__ = [
    "EXTRA_RULES",
    "RULES",
    "Finding",
    "label_row",
    "legend_collisions",
    "legend_mismatch",
    "lint",
    "lint_by_rule",
    "merge_spikes",
    "nameless_groups",
    "near_legend_colors",
    "oversized_legend",
    "resized_glyphs",
    "small_labels",
    "tensor_heights",
    "unbalanced_rows",
    "unlisted_groups",
    "weak_group_names",
    "wrapped_rows",
]

#: Layer types that combine or split tensors (Keras, PyTorch functional names, ONNX ops).
MERGE_TYPES = frozenset(
    t.lower()
    for t in (
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot", "Concatenate",
        "Split", "add", "sub", "mul", "cat", "concat", "stack", "iadd", "imul", "matmul",
        "Mul", "Sub", "Concat", "Sum", "Max", "Min", "Mean",
    )
)  # fmt: skip

#: How much taller than its tallest tensor a glyph may be drawn (rounding of coordinates).
TOLERANCE = 1.0


# -- rule 1: merge and split glyphs sized by their own tensors --------------------------------
def tensor_heights(doc: Doc) -> dict[str, float]:
    """Shape text -> the height this diagram draws a tensor of that shape at, read from its
    plain glyphs (a vector output draws both sides at its units, so its left side is not
    its input's height). Where one text is drawn at several heights, the largest is kept."""
    d = as_doc(doc)
    fan_in, fan_out = _fans(d)
    heights: dict[str, float] = {}

    def put(shape: str, h: float) -> None:
        heights[shape] = max(h, heights.get(shape, 0.0))

    for g in d.glyphs:
        if not g.plain or _is_merge(g, fan_in[g.id], fan_out[g.id]):
            continue  # a merge's own sides are what is judged, never the yardstick
        ins, outs = g.shapes
        if outs:
            put(outs[0], g.h_out)
        if ins and not g.vector_out:
            put(ins[0], g.h_in)
    return heights


def _vector_height(d: SvgDoc, shape: str) -> list[float]:
    """The height a vector of ``shape`` (``16``) is drawn at when no plain glyph shows that
    length: Net2Vis sizes vectors linearly by their length (up to the tallest glyph), so
    two lengths the diagram does show give the line. Empty when it cannot be read."""
    if not shape.isdigit():
        return []
    points = sorted(
        {(int(s), h) for s, h in tensor_heights(d).items() if s.isdigit()}, key=lambda p: p[0]
    )
    lengths = {u for u, _h in points}
    if len(lengths) < 2:
        return []
    (u0, h0), (u1, h1) = points[0], points[-1]
    units = int(shape)
    below = [p for p in points if p[0] <= units]
    above = [p for p in points if p[0] >= units]
    if below and above and below[-1][0] != above[0][0]:
        (u0, h0), (u1, h1) = below[-1], above[0]
    elif below and len(below) >= 2 and not above:
        (u0, h0), (u1, h1) = below[-2], below[-1]
    if u1 == u0:
        return []
    tallest = max((max(g.h_in, g.h_out) for g in d.glyphs if g.plain), default=0.0)
    return [min(tallest, h0 + (h1 - h0) * (units - u0) / (u1 - u0))]


def _fans(d: SvgDoc) -> tuple[dict[str, int], dict[str, int]]:
    """(edges in, edges out) per glyph id."""
    fan_in: dict[str, int] = defaultdict(int)
    fan_out: dict[str, int] = defaultdict(int)
    for e in d.edges:
        fan_in[e.target] += 1
        fan_out[e.source] += 1
    return fan_in, fan_out


def _is_merge(g: Glyph, fan_in: int, fan_out: int) -> bool:
    return g.synthetic or g.type.lower() in MERGE_TYPES or fan_in > 1 or fan_out > 1


def merge_spikes(doc: Doc, *, tolerance: float = TOLERANCE) -> list[Finding]:
    """Merge and split glyphs (by type, or reading or writing more than one edge) drawn
    taller than the tallest tensor they read or write."""
    d = as_doc(doc)
    heights = tensor_heights(d)
    fan_in, fan_out = _fans(d)
    sources: dict[str, list[str]] = defaultdict(list)
    targets: dict[str, list[str]] = defaultdict(list)
    for e in d.edges:
        sources[e.target].append(e.source)
        targets[e.source].append(e.target)
    found: list[Finding] = []
    for g in d.glyphs:
        if not _is_merge(g, fan_in[g.id], fan_out[g.id]):
            continue
        ins, outs = g.shapes
        known = [heights[s] for s in (*ins, *outs) if s in heights]
        known += [h for s in (*ins, *outs) if s not in heights for h in _vector_height(d, s)]
        # Tensors whose shape no plain glyph shows: their producer's or consumer's end.
        # (An end is one tensor when that side has one port and one edge.)
        for s in sources[g.id]:
            src = d.by_id.get(s)
            if src is not None and len(src.right_runs) == 1 and fan_out[s] == 1:
                known.append(src.h_out)
        for t in targets[g.id]:
            dst = d.by_id.get(t)
            if dst is not None and len(dst.left_runs) == 1 and fan_in[t] == 1:
                if not dst.vector_out:
                    known.append(dst.h_in)
        if not known:
            continue
        tallest = max(known)
        if g.height > tallest + tolerance:
            found.append(
                Finding(
                    f"{where(d)}: {g.type} glyph {g.id!r} is {g.height:.0f} px tall, its "
                    f"tallest tensor {tallest:.0f} px ({g.height / tallest:.1f}x; "
                    f"reads {', '.join(ins) or '?'}, writes {', '.join(outs) or '?'})",
                    g.height / tallest,
                )
            )
    return found


# -- rule 2: every legend entry has a look of its own -----------------------------------------
def legend_collisions(doc: Doc) -> list[Finding]:
    """Legend entries (layer types and groups) that share one fill and pattern."""
    d = as_doc(doc)
    by_look: dict[str, list[str]] = defaultdict(list)
    for item in d.legend:
        by_look[item.look].append(f"{item.type} ({item.kind})")
    return [
        Finding(f"{where(d)}: legend entries {', '.join(names)} share the look {look}", len(names))
        for look, names in by_look.items()
        if len(names) > 1
    ]


# -- rule 3: group glyphs carry their name ----------------------------------------------------
def label_row(doc: SvgDoc, g: Glyph) -> list[str]:
    """The horizontal labels centred under ``g``, down to the next glyph below it."""
    _, top, _, bottom = g.bbox
    below = [
        o.bbox[1]
        for o in doc.glyphs
        if o is not g and o.bbox[0] < g.cx < o.bbox[2] and o.bbox[1] > bottom - 0.5
    ]
    limit = min(below, default=math.inf)
    return [
        t.text
        for t in sorted(doc.labels, key=lambda t: t.y)
        if not t.rotated and abs(t.x - g.cx) < 1.0 and top < t.y < limit
    ]


def nameless_groups(doc: Doc) -> list[Finding]:
    """Group glyphs whose label row does not show their name (``BertLayer x6``)."""
    d = as_doc(doc)
    found: list[Finding] = []
    for g in d.glyphs:
        if g.kind != "group" or not g.type:
            continue
        row = label_row(d, g)
        # A long name may be broken over two lines of the row.
        if not any(g.type in text for text in (*row, " ".join(row), "".join(row))):
            found.append(
                Finding(
                    f"{where(d)}: group {g.id!r} ({g.type!r}) has the label row {' | '.join(row)!r}"
                )
            )
    return found


# -- rule 4: sizes follow the model -----------------------------------------------------------
def resized_glyphs(
    base: Doc, variant: Doc, *, tolerance: float = 0.5, what: str = ""
) -> list[Finding]:
    """Glyphs drawn in both renders (same ``data-id``, same type) whose width or input or
    output height differ: ``hide``, ``group`` and ``depth`` must not resize what stays.
    Heights are compared where the glyph is plain and no merge in both renders."""
    a, b = as_doc(base), as_doc(variant)
    (a_in, a_out), (b_in, b_out) = _fans(a), _fans(b)
    found: list[Finding] = []
    for g in a.glyphs:
        o = b.by_id.get(g.id)
        if o is None or o.type != g.type or o.kind != g.kind:
            continue
        sizes = [("width", g.width, o.width)]
        # A fan's ends may touch (then it looks plain): a merge's sides are rule 1's business.
        fans = (_is_merge(g, a_in[g.id], a_out[g.id]), _is_merge(o, b_in[o.id], b_out[o.id]))
        if g.plain and o.plain and not any(fans):
            sizes += [("in height", g.h_in, o.h_in), ("out height", g.h_out, o.h_out)]
        pairs = [(label, x, y) for label, x, y in sizes if abs(x - y) > tolerance]
        if pairs:
            diffs = ", ".join(f"{label} {x:.0f} -> {y:.0f}" for label, x, y in pairs)
            ratio = max(max(x, y) / max(min(x, y), 1e-9) for _, x, y in pairs)
            place = f"{where(a)}{f' ({what})' if what else ''}"
            found.append(Finding(f"{place}: {g.type} {g.id!r} {diffs}", ratio))
    return found


# -- rule 5: readable labels at the column width ----------------------------------------------
def small_labels(doc: Doc, *, column: float = 800.0, min_px: float = 9.0) -> list[Finding]:
    """One finding when any text would be drawn under ``min_px`` once a diagram wider than
    ``column`` is scaled down to it (effective size = font-size * column / width)."""
    d = as_doc(doc)
    scale = min(1.0, column / d.width) if d.width > 0 else 1.0
    small = [t for t in d.texts if t.size * scale < min_px - 1e-9]
    if not small:
        return []
    least = min(t.size for t in small)
    unscaled = sum(1 for t in small if t.size < min_px - 1e-9)
    return [
        Finding(
            f"{where(d)}: {len(small)} of {len(d.texts)} texts under {min_px:g} px at a "
            f"{column:g} px column (width {d.width:.0f} px, scale {scale:.2f}: "
            f"{least:g} px -> {least * scale:.1f} px; {unscaled} under {min_px:g} px unscaled)",
            min_px - least * scale,
        )
    ]


# -- rule 6: balanced rows --------------------------------------------------------------------
def wrapped_rows(doc: Doc) -> list[list[str]]:
    """The glyph ids of each row of a wrapped diagram, top to bottom; one row when the
    diagram is not wrapped. Rows are what the edges join once the backward edges (those
    carrying the chain down to the next row) are cut; parts side by side in one band of
    height are one row."""
    d = as_doc(doc)
    if not any(e.backward for e in d.edges):
        return [[g.id for g in d.glyphs]] if d.glyphs else []
    parent = {g.id: g.id for g in d.glyphs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in d.edges:
        if not e.backward and e.source in parent and e.target in parent:
            parent[find(e.source)] = find(e.target)
    parts: dict[str, list[Glyph]] = defaultdict(list)
    for g in d.glyphs:
        parts[find(g.id)].append(g)
    bands = sorted(
        (min(g.bbox[1] for g in gs), max(g.bbox[3] for g in gs), [g.id for g in gs])
        for gs in parts.values()
    )
    rows: list[tuple[float, list[str]]] = []
    for top, bottom, ids in bands:
        if rows and top < rows[-1][0]:
            rows[-1][1].extend(ids)
            rows[-1] = (max(rows[-1][0], bottom), rows[-1][1])
        else:
            rows.append((bottom, list(ids)))
    return [ids for _, ids in rows]


def unbalanced_rows(doc: Doc) -> list[Finding]:
    """Rows of a wrapped diagram holding fewer than half the glyphs of the fullest row."""
    d = as_doc(doc)
    rows = wrapped_rows(d)
    if len(rows) < 2:
        return []
    counts = [len(r) for r in rows]
    full = max(counts)
    return [
        Finding(
            f"{where(d)}: row {i + 1} of {len(rows)} holds {n} glyphs, the fullest {full} "
            f"(rows: {counts})",
            full / max(n, 1),
        )
        for i, n in enumerate(counts)
        if 2 * n < full
    ]


# -- all single-diagram rules -----------------------------------------------------------------
#: The single-diagram rules of the Targets table, by name (resized_glyphs needs two renders).
RULES: dict[str, Callable[[SvgDoc], list[Finding]]] = {
    "merge spikes": merge_spikes,
    "legend collisions": legend_collisions,
    "nameless groups": nameless_groups,
    "labels under 9 px": small_labels,
    "unbalanced rows": unbalanced_rows,
}

#: Rules the issue asks for but its table does not count (reported apart).
EXTRA_RULES: dict[str, Callable[[SvgDoc], list[Finding]]] = {
    "weak group names": weak_group_names,
    "near legend colours": near_legend_colors,
    "groups missing from the legend": unlisted_groups,
    "oversized legend": oversized_legend,
    "legend shows another look": legend_mismatch,
}


def lint_by_rule(svg: Doc, rules: Iterable[str] | None = None) -> dict[str, list[Finding]]:
    """Findings per rule name (all single-diagram rules and the extras by default)."""
    d = as_doc(svg)
    table = {**RULES, **EXTRA_RULES}
    names = list(table) if rules is None else list(rules)
    return {name: table[name](d) for name in names}


def lint(diagram_svg: str) -> list[Finding]:
    """Every finding of the Targets table's single-diagram rules, prefixed by the rule."""
    return [
        Finding(f"[{rule}] {finding}", finding.score)
        for rule, findings in lint_by_rule(diagram_svg, RULES).items()
        for finding in findings
    ]
