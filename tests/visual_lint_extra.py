"""Visual lint, extra rules: what issue 19 asks for but its Targets table does not count.

- :func:`weak_group_names`: heuristic group names that do not describe the block (``Block``,
  ``Residual A``, ``Linear-view-transpose``);
- :func:`near_legend_colors`: two legend fills a reader cannot tell apart (CIE76 distance
  under 10), such as two groups in near-identical yellows, or a group in a shade of a layer
  type's colour;
- :func:`unlisted_groups`: a group glyph whose name no legend entry carries (a folded
  NASNet cell drawn as ``Cell`` while the legend lists ``Cell A`` to ``Cell E``);
- :func:`oversized_legend`: a legend taller than the diagram plus two legend rows, or wider
  than the diagram where the diagram fills the 800 px column;
- :func:`legend_mismatch`: a glyph whose fill differs from its legend entry's (the legend
  must show the look the diagram draws).
"""

from __future__ import annotations

import math
import re

from tests.visual_lint_doc import Doc, Finding, LegendItem, as_doc, where

__all__ = [
    "legend_mismatch",
    "near_legend_colors",
    "oversized_legend",
    "unlisted_groups",
    "weak_group_names",
]


def _lab(color: str) -> tuple[float, float, float] | None:
    m = re.fullmatch(r"#([0-9A-Fa-f]{6})", color)
    if m is None:
        return None

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(m[1][i : i + 2], 16) / 255) for i in (0, 2, 4))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def near_legend_colors(doc: Doc, *, min_distance: float = 10.0) -> list[Finding]:
    """(Extra rule) Legend fills that differ but closer than ``min_distance`` (CIE76 ΔE):
    the near-identical yellows of two groups. Patterns are compared by :func:`legend_collisions`."""
    d = as_doc(doc)
    labs = [(item, _lab(item.look)) for item in d.legend]
    found: list[Finding] = []
    for i, (a, la) in enumerate(labs):
        for b, lb in labs[i + 1 :]:
            if la is None or lb is None or a.look == b.look:
                continue
            dist = math.dist(la, lb)
            if dist < min_distance:
                found.append(
                    Finding(
                        f"{where(d)}: legend entries {a.type} ({a.look}) and {b.type} "
                        f"({b.look}) are {dist:.1f} apart (CIE76)",
                        min_distance - dist,
                    )
                )
    return found


_GENERIC = re.compile(r"^(Block|Group|Stage|Cell|Layer|Module|Unit)( ?[A-Z0-9]+)?$")
_LETTER = re.compile(r"\s[A-Z]$")
_PLUMBING = re.compile(r"(^|-)(view|transpose|reshape|permute|getitem|contiguous|expand)(-|$)")


def weak_group_names(doc: Doc) -> list[Finding]:
    """(Extra rule) Heuristic group names that do not describe the block: a bare generic
    word (``Block``, ``Cell``), a letter suffix (``Residual A``), shape plumbing in a chain
    name (``Linear-view-transpose``). Legend entries of groups are judged."""
    d = as_doc(doc)
    found: list[Finding] = []
    for item in d.legend:
        if item.kind != "group":
            continue
        name = item.type
        why = (
            "a bare generic word"
            if _GENERIC.match(name)
            else "a letter suffix"
            if _LETTER.search(name)
            else "shape plumbing in the name"
            if _PLUMBING.search(name)
            else ""
        )
        if why:
            found.append(Finding(f"{where(d)}: group name {name!r} is {why}"))
    return found


def unlisted_groups(doc: Doc) -> list[Finding]:
    """(Extra rule) Group glyphs whose name (``data-type``) is not a legend entry: the reader
    cannot look them up. Only judged when the diagram carries its legend."""
    d = as_doc(doc)
    if not d.legend:
        return []
    listed = {item.type for item in d.legend}
    missing = sorted({g.type for g in d.glyphs if g.kind == "group" and g.type not in listed})
    return [
        Finding(f"{where(d)}: group glyphs named {name!r} have no legend entry (legend: "
                f"{', '.join(i.type for i in d.legend if i.kind == 'group')})")
        for name in missing
    ]  # fmt: skip


#: Two legend rows: a swatch (28 px) and the gap between rows (16 px), twice.
TWO_ROWS = 2 * (28.0 + 16.0)


def oversized_legend(doc: Doc, *, column: float = 800.0) -> list[Finding]:
    """(Extra rule) A legend taller than its diagram plus two rows (its composition
    miniatures), or wider than both its diagram and the column."""
    d = as_doc(doc)
    if d.legend_box is None or d.diagram_box is None:
        return []
    lw = d.legend_box[2] - d.legend_box[0]
    lh = d.legend_box[3] - d.legend_box[1]
    dw = d.diagram_box[2] - d.diagram_box[0]
    dh = d.diagram_box[3] - d.diagram_box[1]
    found: list[Finding] = []
    if lh > dh + TWO_ROWS:
        found.append(
            Finding(f"{where(d)}: the legend is {lh:.0f} px tall, the diagram {dh:.0f} px "
                    f"(limit {dh + TWO_ROWS:.0f})", lh / (dh + TWO_ROWS))
        )  # fmt: skip
    if lw > max(dw, column) + 1:
        found.append(
            Finding(f"{where(d)}: the legend is {lw:.0f} px wide, the diagram {dw:.0f} px",
                    lw / max(dw, column))
        )  # fmt: skip
    return found


def legend_mismatch(doc: Doc) -> list[Finding]:
    """(Extra rule) Glyph kinds drawn with another fill than their legend entry shows (a
    composite layer drawn as a layer but listed with a group's darker fill). One finding
    per kind; patterns compare by index."""
    d = as_doc(doc)
    entries = {item.type: item for item in d.legend}
    found: dict[str, Finding] = {}
    for g in d.glyphs:
        item = entries.get(g.type)
        if item is None or g.type in found:
            continue
        drawn = LegendItem(item.kind, g.type, g.fill, "").look
        if drawn != item.look:
            found[g.type] = Finding(
                f"{where(d)}: {g.type} is drawn {drawn} but its legend entry shows {item.look}"
            )
    return list(found.values())
