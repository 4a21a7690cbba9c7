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

import colorsys
import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .categories import canonical_type, category_of

__all__ = [
    "COLORBLIND",
    "NET2VIS",
    "PALETTES",
    "Palette",
    "Swatch",
    "darken",
    "interpolated_colors",
    "shade",
    "slot_for",
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

# Fixed slots for common types, by category (Netron-like). The ResNet sample of Net2Vis is
# the anchor: Input grey, Conv light green, MaxPool pink, Add brown, GlobalAveragePooling
# teal, Dense orange, Split purple.
_CATEGORY_SLOTS: dict[int, tuple[str, ...]] = {
    6: ("InputLayer", "Input", "Rescaling", "Resizing", "Normalization", "CenterCrop"),
    1: ("Conv2D", "Conv1D", "Conv3D", "Convolution2D", "Convolution1D"),
    10: ("DepthwiseConv2D", "SeparableConv2D", "DepthwiseConv1D", "SeparableConv1D"),
    11: (
        "Conv2DTranspose",
        "UpSampling2D",
        "Conv1DTranspose",
        "Conv3DTranspose",
        "UpSampling1D",
        "UpSampling3D",
    ),
    12: ("MaxPooling2D", "MaxPooling1D", "MaxPooling3D", "MaxPool2D"),
    # Average pooling and recurrent layers share amber: they rarely meet in one model.
    14: (
        "AveragePooling2D",
        "LSTM",
        "AveragePooling1D",
        "AveragePooling3D",
        "AvgPool2D",
        "GRU",
        "SimpleRNN",
        "RNN",
        "Bidirectional",
        "ConvLSTM1D",
        "ConvLSTM2D",
        "TimeDistributed",
    ),
    7: (
        "GlobalAveragePooling2D",
        "GlobalAveragePooling1D",
        "GlobalMaxPooling2D",
        "GlobalAveragePooling3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling3D",
    ),
    3: ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"),
    16: ("Concatenate",),
    8: ("Dense", "EinsumDense"),
    15: (
        "Embedding",
        "MultiHeadAttention",
        "Attention",
        "AdditiveAttention",
        "GroupQueryAttention",
    ),
    0: (
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "SpectralNormalization",
    ),
    2: ("Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "ThresholdedReLU"),
    4: (
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianDropout",
        "GaussianNoise",
        "AlphaDropout",
        "ActivityRegularization",
    ),
    9: (
        "Flatten",
        "Reshape",
        "Permute",
        "RepeatVector",
        "ZeroPadding1D",
        "ZeroPadding2D",
        "ZeroPadding3D",
        "Cropping1D",
        "Cropping2D",
        "Cropping3D",
        "Lambda",
    ),
    5: ("Split",),
    13: ("Functional", "Sequential", "Model"),
}

_SLOT_OF_TYPE: dict[str, int] = {
    name: slot for slot, names in _CATEGORY_SLOTS.items() for name in names
}


#: Position of a type within its category; the first is drawn in the slot's colour, the others
#: in shades of it (:func:`shade`), so two types of one category that meet in a diagram
#: (Embedding and MultiHeadAttention, Rescaling and InputLayer) stay apart in the legend.
_RANK_OF_TYPE: dict[str, int] = {
    name: rank for names in _CATEGORY_SLOTS.values() for rank, name in enumerate(names)
}

#: HSL lightness offsets of the shades, by rank (cycling): alternately lighter and darker.
_SHADE_STEPS: tuple[float, ...] = (0.0, 0.13, -0.11, 0.24, -0.2, 0.33)


def shade(color: str, rank: int) -> str:
    """``color`` lightened or darkened for the ``rank``-th type of a category (0: itself)."""
    step = _SHADE_STEPS[rank % len(_SHADE_STEPS)]
    if step == 0.0:
        return color.upper()
    h, lightness, s = colorsys.rgb_to_hls(*_rgb(color))
    return _hex(*colorsys.hls_to_rgb(h, min(0.9, max(0.12, lightness + step)), s))


#: Each category's colour family (the slot of its most common type), for types the slot
#: table does not list.
_CATEGORY_SLOT: dict[str, int] = {
    "io": 6,
    "conv": 1,
    "pooling": 12,
    "recurrent": 14,
    "merge": 3,
    "dense": 8,
    "attention": 15,
    "embedding": 15,
    "norm": 0,
    "activation": 2,
    "dropout": 4,
    "reshape": 9,
    "block": 13,
}


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")


def _slot_and_rank(type_name: str, category: str = "") -> tuple[int, int]:
    """(slot, shade rank) of a type: its twin's fixed place, else its category's family
    with a hashed shade, else a hashed slot. Depends on the name (and category) alone."""
    twin = canonical_type(type_name)
    slot = _SLOT_OF_TYPE.get(twin)
    # The IR's category wins over a twin of the same name from another family (Hugging Face
    # GPT-2's "Conv1D" is a linear layer).
    if slot is not None and (not category or category_of(twin) == category):
        return slot, _RANK_OF_TYPE.get(twin, 0)
    family = _CATEGORY_SLOT.get(category or category_of(type_name))
    if family is not None:
        return family, 1 + _hash(type_name) % (len(_SHADE_STEPS) - 1)
    return _hash(type_name) % N_SLOTS, 0


def slot_for(type_name: str, category: str = "") -> int:
    """The palette slot of a layer type: its category's colour family (fixed for common
    types, so ``Conv2d`` and ``Conv2D`` share one), a stable hash for uncategorised types.

    Never first-seen order: the answer depends on the name (and category) alone, so every
    diagram of a site agrees.
    """
    return _slot_and_rank(type_name, category)[0]


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
            digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big")
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
