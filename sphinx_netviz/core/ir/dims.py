"""Symbolic sizes: how an axis of unknown size is written.

A Transformer's sequence length is unknown when the model is built (``keras.Input((None,))``),
so its tensors have shapes like ``(None, 768)``. A ``?`` in a diagram tells the reader nothing;
a paper writes ``seq x 768``. Every label and tooltip writes shapes through this module: an
unknown axis gets a name (``seq`` for sequence-like tensors, ``h``/``w``/``d`` for the spatial
axes of images), which the ``dim-names`` option can rename by axis number (``1=tokens``,
counted after the batch axis, which is never shown) or by the default name (``seq=tokens``).
Pure functions; shapes here never include the batch axis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Shape

__all__ = ["AXIS_NAME", "DimNames", "axis_name", "dims_text", "feature_text", "shape_text"]

#: What an axis may be called (the ``dim-names`` option, a model's own names): a short
#: identifier, which reads well under a glyph and needs no escaping anywhere.
AXIS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,15}")

#: ``dim-names`` as the options schema stores it: sorted ``(axis or name, new name)`` pairs.
DimNames = Sequence[tuple[str, str]]

_SPATIAL = ("h", "w")
_VOLUME = ("d", "h", "w")


def _default(shape: Shape, axis: int) -> str:
    """The default name of unknown axis ``axis`` (0-based, batch excluded): ``h``/``w``
    (``d`` first for volumes) when all leading axes of an image-like tensor are unknown, else
    ``seq`` (a sequence, its mask, an attention matrix, a head split)."""
    rank = len(shape)
    leading = shape[:-1]
    if rank in (3, 4) and axis < rank - 1 and all(d is None for d in leading):
        return (_SPATIAL if rank == 3 else _VOLUME)[axis]
    return "seq"


def axis_name(shape: Shape, axis: int, names: DimNames = ()) -> str:
    """The name printed for unknown axis ``axis`` (0-based, batch excluded) of ``shape``."""
    default = _default(shape, axis)
    lookup = dict(names)
    return lookup.get(str(axis + 1)) or lookup.get(default) or default


def _dim(shape: Shape, axis: int, names: DimNames) -> str:
    d = shape[axis]
    return axis_name(shape, axis, names) if d is None else str(d)


def dims_text(shape: Shape | None, names: DimNames = ()) -> str:
    """``224x224`` (or ``seq``) for a tensor's leading axes; empty for vectors."""
    if shape is None or len(shape) < 2:
        return ""
    return "x".join(_dim(shape, k, names) for k in range(len(shape) - 1))


def feature_text(shape: Shape | None, names: DimNames = ()) -> str:
    """Channels (last axis) or units of a vector."""
    if shape is None or not shape:
        return ""
    return _dim(shape, len(shape) - 1, names)


def shape_text(shape: Shape | None, names: DimNames = ()) -> str:
    """A whole shape for tooltips and summaries: ``seq\u00d7768``, ``scalar``, ``unknown``."""
    if shape is None:
        return "unknown"
    if not shape:
        return "scalar"
    return "\u00d7".join(_dim(shape, k, names) for k in range(len(shape)))
