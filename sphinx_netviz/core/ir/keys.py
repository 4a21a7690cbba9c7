"""What names a diagram, kept in a module light enough for the warm path.

The pipeline keys its SVG cache (and adapters name output files) by :func:`diagram_key`
without importing the renderer; the renderer derives its SVG id prefix from the same key.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..options.schema import Options
    from .graph import Graph

__all__ = ["RENDERER_VERSION", "diagram_key"]

#: Bumped whenever the same graph and options would draw differently (invalidates caches).
RENDERER_VERSION = "1.4.0"


def diagram_key(graph: Graph, options: Options) -> str:
    """SHA-256 over the network's content hash, the render options and the renderer version."""
    blob = "\n".join((graph.content_hash(), options.render_key(), RENDERER_VERSION))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
