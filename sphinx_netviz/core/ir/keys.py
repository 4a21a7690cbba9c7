"""What names a diagram, kept in a module light enough for the warm path.

The pipeline keys its SVG cache (and adapters name output files) by :func:`diagram_key`
without importing the renderer; the renderer derives its SVG id prefix from the same key.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["RENDERER_VERSION", "RenderKeyed", "diagram_key", "diff_key"]

#: Bumped whenever the same graph and options would draw differently (invalidates caches).
RENDERER_VERSION = "1.6.0"


class RenderKeyed(Protocol):
    """What the key needs of the options (:class:`~sphinx_netviz.core.options.schema.Options`
    has it): the text of every option that changes the picture. A protocol, so that the IR
    stage names no later stage."""

    def render_key(self) -> str: ...


def diagram_key(graph: Graph, options: RenderKeyed) -> str:
    """SHA-256 over the network's content hash, the render options and the renderer version."""
    blob = "\n".join((graph.content_hash(), options.render_key(), RENDERER_VERSION))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def diff_key(old: Graph, new: Graph, options: RenderKeyed) -> str:
    """The key of ``new`` drawn with its changes against ``old``: the diagram key of ``new``
    and the reference's content hash (a reference named ``git:main`` moves with ``main``)."""
    blob = "\n".join((diagram_key(new, options), "diff", old.content_hash()))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
