"""Saved PyTorch programs (``.pt2``): not read yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ExtractionError

if TYPE_CHECKING:
    from ..graph import Graph
    from ..spec import ModelSpec

__all__ = ["extract_program"]


def extract_program(spec: ModelSpec) -> Graph:
    """Read a ``torch.export`` program saved with ``torch.export.save``."""
    raise ExtractionError(f"model spec {spec.text!r}: .pt2 files are not supported yet")
