"""Saved-file route (placeholder until the config walker lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ExtractionError

if TYPE_CHECKING:
    from ..graph import Graph
    from ..spec import ModelSpec


def extract_file(spec: ModelSpec) -> Graph:
    """Not yet implemented."""
    raise ExtractionError(f"model spec {spec.text!r}: saved model files are not supported yet")
