"""Which palette slot (colour family) and shade rank each layer type gets.

The category decides the family, common types have a fixed slot and rank (the ResNet sample
of Net2Vis is the anchor), anything else a stable hash of its name: never first-seen order,
so every diagram of a site agrees.
"""

from __future__ import annotations

import hashlib

from ..ir.categories import (
    ACTIVATION_TYPES,
    DROPOUT_TYPES,
    RESHAPE_TYPES,
    canonical_type,
    category_of,
)
from .palette_colors import _SHADE_STEPS, N_SLOTS

__all__ = ["slot_for"]

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
    2: ACTIVATION_TYPES,
    4: DROPOUT_TYPES,
    9: RESHAPE_TYPES,
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
    # Never rank 0: that is the colour of the slot's own anchor type (Add, Conv2D...).
    digest = _hash(type_name)
    return digest % N_SLOTS, 1 + (digest // N_SLOTS) % (len(_SHADE_STEPS) - 1)


def slot_for(type_name: str, category: str = "") -> int:
    """The palette slot of a layer type: its category's colour family (fixed for common
    types, so ``Conv2d`` and ``Conv2D`` share one), a stable hash for uncategorised types.

    Never first-seen order: the answer depends on the name (and category) alone, so every
    diagram of a site agrees.
    """
    return _slot_and_rank(type_name, category)[0]
