"""Colour values and colour arithmetic: Net2Vis's palettes, shades, darkening, hues.

Everything here works on ``#RRGGBB`` strings and palette slots (0-16); which type gets which
slot is :mod:`.palette_slots`, how a glyph is painted is :class:`.palette.Palette`.
"""

from __future__ import annotations

import colorsys
import itertools

__all__ = [
    "COLORBLIND",
    "NET2VIS",
    "N_SLOTS",
    "PALETTES",
    "darken",
    "interpolated_colors",
    "relative_luminance",
    "shade",
]

#: Net2Vis's 17 Material Design 500 colours, in its order (reference/net2vis.md 4.1).
NET2VIS: tuple[str, ...] = (
    "#2196F3",  # 0 blue
    "#8BC34A",  # 1 light green
    "#F44336",  # 2 red
    "#795548",  # 3 brown
    "#FFEB3B",  # 4 yellow
    "#9C27B0",  # 5 purple
    "#9E9E9E",  # 6 grey
    "#009688",  # 7 teal
    "#FF9800",  # 8 orange
    "#3F51B5",  # 9 indigo
    "#4CAF50",  # 10 green
    "#03A9F4",  # 11 light blue
    "#E91E63",  # 12 pink
    "#00BCD4",  # 13 cyan
    "#FFC107",  # 14 amber
    "#673AB7",  # 15 deep purple
    "#607D8B",  # 16 blue grey
)

#: The Okabe-Ito colour-blind-safe set, in Net2Vis's order (reference/net2vis.md 4.2).
COLORBLIND: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)

#: Which Okabe-Ito colour each of the 17 slots uses: chosen so that the categories that
#: usually sit next to each other (conv, norm, activation, pool, merge) differ. Black is
#: kept for the rarely drawn slots, because black glyphs hide their labels' contrast.
_COLORBLIND_OF_SLOT: tuple[int, ...] = (5, 3, 6, 1, 4, 7, 2, 3, 1, 5, 2, 6, 7, 2, 4, 0, 0)

N_SLOTS = len(NET2VIS)

#: HSL lightness offsets of the shades, by rank (cycling): alternately lighter and darker.
_SHADE_STEPS: tuple[float, ...] = (0.0, 0.13, -0.11, 0.24, -0.2, 0.33)


def shade(color: str, rank: int) -> str:
    """``color`` lightened or darkened for the ``rank``-th type of a category (0: itself)."""
    step = _SHADE_STEPS[rank % len(_SHADE_STEPS)]
    if step == 0.0:
        return color.upper()
    h, lightness, s = colorsys.rgb_to_hls(*_rgb(color))
    return _hex(*colorsys.hls_to_rgb(h, min(0.9, max(0.12, lightness + step)), s))


def _hex(r: float, g: float, b: float) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(round(max(0.0, min(1.0, c)) * 255) for c in (r, g, b)))


def _rgb(color: str) -> tuple[float, float, float]:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def _hue(color: str) -> float:
    r, g, b = _rgb(color)
    h, _l, sat = colorsys.rgb_to_hls(r, g, b)
    return h * 360 if sat > 0.15 else -1.0  # -1: a grey, no hue to speak of


def darken(color: str, amount: float = 0.10) -> str:
    """Net2Vis's ``tinycolor(c).darken()``: HSL lightness minus 10 %."""
    h, lightness, s = colorsys.rgb_to_hls(*_rgb(color))
    return _hex(*colorsys.hls_to_rgb(h, max(0.0, lightness - amount), s))


def relative_luminance(color: str) -> float:
    """WCAG relative luminance, to pick a readable text colour on top of a fill."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def interpolated_colors(count: int, *, first_hue: float = 210.0) -> tuple[str, ...]:
    """Net2Vis's interpolation mode: HSV S 0.8, V 0.7, each new hue bisects the largest gap.

    The first hue is 210 degrees; ties between equally large gaps go to the first (lowest)
    gap, as in Net2Vis (strict ``>``), giving 210, 30, 120, 300, 75, 165, ...
    """
    hues: list[float] = []
    for _ in range(count):
        if not hues:
            hues.append(first_hue % 360)
            continue
        ordered = sorted(hues)
        best_gap, best_hue = -1.0, 0.0
        for a, b in itertools.pairwise(ordered):
            if b - a > best_gap:
                best_gap, best_hue = b - a, (a + b) / 2
        wrap = ordered[0] + 360 - ordered[-1]
        if wrap > best_gap:
            best_hue = (ordered[-1] + wrap / 2) % 360
        hues.append(best_hue)
    return tuple(_hex(*colorsys.hsv_to_rgb(h / 360, 0.8, 0.7)) for h in hues)


_INTERPOLATED = interpolated_colors(N_SLOTS)

#: Slot -> colour for each colour palette (``mono`` uses patterns, see :class:`Palette`).
PALETTES: dict[str, tuple[str, ...]] = {
    "net2vis": NET2VIS,
    "interpolate": _INTERPOLATED,
    "colorblind": tuple(COLORBLIND[i] for i in _COLORBLIND_OF_SLOT),
    "mono": tuple("#FFFFFF" for _ in range(N_SLOTS)),
}
