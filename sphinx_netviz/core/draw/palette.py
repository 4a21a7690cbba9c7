"""Colours: Net2Vis's palettes, colour modes, and a site-wide stable colour per layer type.

Net2Vis colours by layer *type*: every class name is its own legend entry with its own colour
(reference/net2vis.md 1.1, 4), handed out in first-seen order, so the same ``Conv2D`` is blue
on one page and green on the next. A documentation site needs one type, one colour,
everywhere, and a site that documents Keras and PyTorch models side by side needs twins
(``keras.layers.Conv2D`` and ``nn.Conv2d``) to look alike. So:

- the layer's **category** (carried in the IR, :mod:`.categories`) decides the colour family,
  i.e. the palette *slot*: every conv is a green, every pooling layer a pink (the way Netron
  colours by category);
- within a category, each **type** still gets its own colour, as in Net2Vis: the category's
  common types have a fixed slot and rank (the first type of a slot is drawn in the slot's
  colour, the next ones in lighter/darker shades of it), and any other type of the category
  a shade chosen by a stable hash of its name;
- a framework's class is coloured as its Keras twin (:func:`~.categories.canonical_type`:
  ``Conv2d`` -> ``Conv2D``, ``Linear`` -> ``Dense``, ``torch.cat`` -> ``Concatenate``), which
  keeps every Keras colour netviz drew before categories existed;
- a type whose category says nothing (``other``) gets a slot from a stable hash of its name.

A palette maps slots to colours, so switching palettes never reshuffles which types share a
colour family.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .palette_colors import (
    _SHADE_STEPS,
    COLORBLIND,
    N_SLOTS,
    NET2VIS,
    PALETTES,
    _hue,
    darken,
    interpolated_colors,
    relative_luminance,
    shade,
)
from .palette_slots import _hash, _slot_and_rank, slot_for

__all__ = [
    "COLORBLIND",
    "NET2VIS",
    "PALETTES",
    "Palette",
    "Swatch",
    "darken",
    "interpolated_colors",
    "relative_luminance",
    "shade",
    "slot_for",
]

#: Number of monochrome fill patterns (Net2Vis has 12 textures).
N_PATTERNS = 12


@dataclass(frozen=True)
class Swatch:
    """How one glyph is painted: fill, stroke, and (mono palette) a pattern index."""

    fill: str
    stroke: str
    pattern: int | None = None


@dataclass(frozen=True)
class Palette:
    """A colour mode plus per-type overrides; answers "what colour is this type"."""

    name: str = "net2vis"
    overrides: Mapping[str, str] = field(default_factory=dict)
    #: Category of each type as the diagram's IR says (``Node.category``); types not listed
    #: are categorised by name.
    categories: Mapping[str, str] = field(default_factory=dict)

    @property
    def mono(self) -> bool:
        return self.name == "mono"

    def color(self, type_name: str) -> str:
        """The base colour of a layer type (override first, then its slot's colour)."""
        if type_name in self.overrides:
            return self.overrides[type_name].upper()
        slot, rank = _slot_and_rank(type_name, self.categories.get(type_name, ""))
        return shade(PALETTES[self.name][slot], rank)

    def slot(self, type_name: str) -> int:
        """The palette slot of a type in this diagram (its IR category considered)."""
        return slot_for(type_name, self.categories.get(type_name, ""))

    def swatch(self, type_name: str, *, group: bool = False, dense: bool = False) -> Swatch:
        """Fill and stroke the Net2Vis way: groups get a darkened fill and the plain colour
        as a (thick) rim; dense (1-D) layers have no visible border; others a darkened rim."""
        if self.mono and type_name not in self.overrides:
            return Swatch(
                fill="#FFFFFF",
                stroke="#555555" if group else "#808080",
                pattern=self.slot(type_name) % N_PATTERNS,
            )
        base = self.color(type_name)
        if group:
            return Swatch(fill=darken(base), stroke=base)
        if dense:
            return Swatch(fill=base, stroke=base)
        return Swatch(fill=base, stroke=darken(base))

    def group_color_slots(self, keys: list[str], taken: Iterable[int]) -> list[int]:
        """Slots for group glyphs, one per key, in order.

        Each group takes the free slot whose hue is farthest from every colour already in
        the diagram (its layer types and the groups before it), so groups stand apart from
        each other and from the layers; ties go to a stable hash of the group's structure.
        When the 17 slots run out, slots are reused.
        """
        used = set(taken)
        colors = PALETTES[self.name]
        out: list[int] = []
        for key in keys:
            free = (
                [s for s in range(N_SLOTS) if s not in used]
                or [s for s in range(N_SLOTS) if s not in out]
                or list(range(N_SLOTS))
            )
            digest = _hash(key)
            hues = [h for h in (_hue(colors[s]) for s in used) if h >= 0]

            def distance(slot: int, hues: list[float] = hues) -> float:
                h = _hue(colors[slot])
                if h < 0:
                    return 0.0  # greys are the last resort for a group
                return min((min(abs(h - u), 360 - abs(h - u)) for u in hues), default=180.0)

            best = max(distance(s) for s in free)
            candidates = [s for s in free if distance(s) >= best - 1e-9]
            slot = candidates[digest % len(candidates)]
            out.append(slot)
            used.add(slot)
        return out

    def group_colors(self, keys: list[str], types: Iterable[str]) -> list[str]:
        """Colours for the group glyphs of a diagram whose layer types are ``types``.

        Slots come from :meth:`group_color_slots`; where a slot had to be reused (more colours
        needed than the palette has), the group takes a shade of it, so no group looks like a
        layer type or another group of the same diagram.
        """
        shown = list(types)
        slots = self.group_color_slots(keys, {self.slot(t) for t in shown})
        if self.mono:
            return [self.slot_color(s) for s in slots]
        used = {self.color(t) for t in shown}
        out: list[str] = []
        for slot in slots:
            base = self.slot_color(slot)
            color, rank = base.upper(), 0
            while color in used and rank < len(_SHADE_STEPS) - 1:
                rank += 1
                color = shade(base, rank)
            used.add(color)
            out.append(color)
        return out

    def slot_color(self, slot: int) -> str:
        return PALETTES[self.name][slot % N_SLOTS]
