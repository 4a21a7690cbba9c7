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
- a type whose category says nothing (``other``) gets a slot and a shade (never the slot's
  own colour, which is its anchor type's) from a stable hash of its name.

Which look a type finally gets in one diagram (a pattern where colours run out, a group's
own look) is :mod:`.looks`'.

A palette maps slots to colours, so switching palettes never reshuffles which types share a
colour family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .palette_colors import (
    COLORBLIND,
    N_SLOTS,
    NET2VIS,
    PALETTES,
    darken,
    interpolated_colors,
    relative_luminance,
    shade,
)
from .palette_slots import _slot_and_rank, slot_for

__all__ = [
    "COLORBLIND",
    "NET2VIS",
    "PALETTES",
    "Palette",
    "darken",
    "interpolated_colors",
    "relative_luminance",
    "shade",
    "slot_for",
]


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

    def slot_and_rank(self, type_name: str) -> tuple[int, int]:
        """(palette slot, shade rank) of a type (its IR category considered): what its
        preferred look is made of (:mod:`.looks`)."""
        return _slot_and_rank(type_name, self.categories.get(type_name, ""))

    def slot_color(self, slot: int) -> str:
        return PALETTES[self.name][slot % N_SLOTS]
