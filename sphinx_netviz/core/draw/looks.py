"""Looks: how each layer type and each group of one diagram is painted, no two alike.

A look is a fill colour, an outline, and optionally a pattern (a tile of :mod:`.patterns`
drawn in an ink colour over the fill). Within one diagram and its legend every drawn layer
type and every group gets a look of its own (issue 19), in every palette:

- a type's *preferred* look depends on its name (and IR category) alone, so it is the same
  on every page of a site: its palette slot's colour in its shade rank (:mod:`.palette`);
  where a palette has fewer colours than slots (Okabe-Ito: 8 for 17), the slots that share
  a colour after the first carry that slot's tile; ``mono`` paints every slot with its own
  tile over a grey chosen by the shade rank;
- a diagram then *repairs* collisions deterministically: types in (slot, rank, name)
  order keep their preferred look unless an earlier one holds it, and step to the next
  free shade, then the next tile. Only colliding types move, and the anchor type of each
  family (rank 0) never does;
- a group is painted as a group, never as a type: a light tint of its members' dominant
  colour with a tile only groups use (chosen by a stable hash of its name), drawn with the
  thick group outline; two groups of one dominant colour differ by tile (or tint);
- a per-type colour override (``colors``) is kept as given.

Pure functions of (palette, types, groups): byte-identical output for the same diagram.
"""

from __future__ import annotations

import colorsys
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .palette import PALETTES, Palette, darken, relative_luminance, shade
from .palette_colors import _SHADE_STEPS, _hex, _rgb
from .palette_slots import _hash
from .patterns import GROUP_TILES, N_TYPE_TILES

__all__ = ["Look", "Looks", "assign_looks", "dominant_type"]

#: ``mono``: the backgrounds of a family's shade ranks (white first, as Net2Vis's textures).
MONO_BACKGROUNDS = ("#FFFFFF", "#E3E3E3", "#C6C6C6")
MONO_INK = "#4A4A4A"
MONO_STROKE = "#808080"
MONO_GROUP_STROKE = "#555555"

#: The Okabe-Ito palette's slots that share a colour with a lower slot, and the tile each
#: carries (its own number): conv/global pooling, merge/dense, norm/reshape,
#: io/depthwise/block, activation/upsampling, max pooling/Split, dropout/recurrent,
#: attention/Concatenate. Max pooling keeps the plain colour (Split is plumbing).
_COLORBLIND_TILES: dict[int, int] = {s: s for s in (7, 8, 9, 10, 13, 11, 5, 14, 16)}

#: Lightness of a group's tint of its dominant colour, by step (first the lightest).
_GROUP_TINTS = (0.84, 0.74, 0.92)


@dataclass(frozen=True)
class Look:
    """How one kind of glyph is painted (and its legend swatch, identically)."""

    fill: str
    stroke: str
    pattern: int | None = None
    ink: str = ""
    group: bool = False

    @property
    def key(self) -> tuple[str, int | None, str]:
        """What a reader tells looks apart by: the fill and the pattern in its ink."""
        ink = self.ink.upper() if self.pattern is not None else ""
        return (self.fill.upper(), self.pattern, ink)


def _ink(color: str) -> str:
    """A pattern's colour over ``color``: darker, or lighter over a dark colour."""
    if relative_luminance(color) < 0.12:
        h, lightness, s = colorsys.rgb_to_hls(*_rgb(color))
        return _hex(*colorsys.hls_to_rgb(h, min(1.0, lightness + 0.45), s))
    return darken(color, 0.22)


def _tint(color: str, lightness: float) -> str:
    h, _l, s = colorsys.rgb_to_hls(*_rgb(color))
    return _hex(*colorsys.hls_to_rgb(h, lightness, min(s, 0.85)))


def _preferred_tile(palette: str, slot: int) -> int | None:
    if palette == "mono":
        return slot % N_TYPE_TILES
    if palette == "colorblind":
        return _COLORBLIND_TILES.get(slot)
    return None


def _paint(palette: str, slot: int, rank: int, tile: int | None) -> Look:
    """The look of slot ``slot`` in shade ``rank`` with ``tile`` (or none)."""
    if palette == "mono":
        fill = MONO_BACKGROUNDS[rank % len(MONO_BACKGROUNDS)]
        return Look(fill, MONO_STROKE, slot % N_TYPE_TILES if tile is None else tile, MONO_INK)
    base = shade(PALETTES[palette][slot], rank)
    return Look(base, darken(base), tile, _ink(base) if tile is not None else "")


def type_candidates(palette: Palette, type_name: str) -> Iterator[Look]:
    """A type's looks in order of preference: the preferred one, then its other shades,
    then the same with other tiles (the repair's steps; every one distinct)."""
    if type_name in palette.overrides:
        color = palette.color(type_name)
        yield Look(color, darken(color))
        return
    slot, rank = palette.slot_and_rank(type_name)
    first = _preferred_tile(palette.name, slot)
    tiles: list[int | None] = [first]
    tiles += [(slot + k) % N_TYPE_TILES for k in range(N_TYPE_TILES)]
    if first is not None and palette.name != "mono":
        tiles.insert(1, None)
    ranks = len(MONO_BACKGROUNDS) if palette.mono else len(_SHADE_STEPS)
    seen: set[int | None] = set()
    for tile in tiles:
        if tile in seen:
            continue
        seen.add(tile)
        for step in range(ranks):
            yield _paint(palette.name, slot, (rank + step) % ranks, tile)


def group_candidates(palette: Palette, label: str, base: Look | None) -> Iterator[Look]:
    """A group's looks in order of preference: a tint of its dominant colour with a group
    tile chosen by its name, then the other group tiles, then other tints."""
    start = _hash(label) % len(GROUP_TILES)
    tiles = [*GROUP_TILES[start:], *GROUP_TILES[:start]]
    color = base.fill if base is not None else PALETTES["net2vis"][16]
    for step in range(len(_GROUP_TINTS)):
        for tile in tiles:
            if palette.mono:
                fill = MONO_BACKGROUNDS[step % len(MONO_BACKGROUNDS)]
                yield Look(fill, MONO_GROUP_STROKE, tile, MONO_INK, group=True)
                continue
            ink = color if relative_luminance(color) < 0.45 else darken(color, 0.2)
            yield Look(_tint(color, _GROUP_TINTS[step]), color, tile, ink, group=True)


def dominant_type(types: Sequence[str]) -> str | None:
    """The type most members have (ties: the first drawn); Splits do not count."""
    shown = [t for t in types if t and t != "Split"]
    if not shown:
        return None
    counts = Counter(shown)
    first = {t: i for i, t in reversed(list(enumerate(shown)))}
    return max(counts, key=lambda t: (counts[t], -first[t]))


@dataclass
class Looks:
    """The looks of one diagram (and of its drill-down scenes): by type and by group name."""

    palette: Palette
    types: dict[str, Look] = field(default_factory=dict)
    groups: dict[str, Look] = field(default_factory=dict)

    def of_type(self, type_name: str) -> Look:
        found = self.types.get(type_name)
        return found if found is not None else next(type_candidates(self.palette, type_name))

    def of_group(self, label: str) -> Look:
        found = self.groups.get(label)
        return found if found is not None else next(group_candidates(self.palette, label, None))

    def extended(self, types: Iterable[str], groups: Iterable[tuple[str, Sequence[str]]]) -> Looks:
        """These looks plus the missing ones of ``types`` and ``groups``, none alike (a
        drill-down scene keeps the diagram's looks and adds its own kinds)."""
        return assign_looks(self.palette, types, groups, base=self)


def assign_looks(
    palette: Palette,
    types: Iterable[str],
    groups: Iterable[tuple[str, Sequence[str]]],
    *,
    base: Looks | None = None,
) -> Looks:
    """Give every type and every group (``(label, member types)``) a look of its own."""
    looks = Looks(palette, dict(base.types) if base else {}, dict(base.groups) if base else {})
    used = [*looks.types.values(), *looks.groups.values()]

    def order(t: str) -> tuple[int, int, int, str]:
        slot, rank = palette.slot_and_rank(t)
        return (t not in palette.overrides, slot, rank, t)

    for t in sorted({t for t in types if t not in looks.types}, key=order):
        look = _first_free(type_candidates(palette, t), used, keep=t in palette.overrides)
        looks.types[t] = look
        used.append(look)
    for label, members in groups:
        if label in looks.groups:
            continue
        dom = dominant_type(members)
        look = _first_free(
            group_candidates(palette, label, looks.of_type(dom) if dom else None), used
        )
        looks.groups[label] = look
        used.append(look)
    return looks


#: Two fills closer than this (CIE76) read as one colour: a look that close to another of
#: the diagram with the same pattern counts as taken.
MIN_DISTANCE = 10.0


def _lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def _taken(look: Look, used: list[Look]) -> bool:
    """The same look as one used, or one a reader could not tell from it."""
    lab = _lab(look.fill)
    for other in used:
        if other.key == look.key:
            return True
        same_pattern = other.pattern == look.pattern and other.group == look.group
        if same_pattern and math.dist(lab, _lab(other.fill)) < MIN_DISTANCE:
            return True
    return False


def _first_free(candidates: Iterator[Look], used: list[Look], *, keep: bool = False) -> Look:
    first: Look | None = None
    for look in candidates:
        if first is None:
            first = look
            if keep:
                return look
        if not _taken(look, used):
            return look
    assert first is not None
    return first
