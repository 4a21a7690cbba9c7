"""What every stage speaks: the Graph IR, model specs, sizes, the layer vocabulary, errors.

- :mod:`.graph`: :class:`Graph`, :class:`Node`, :class:`Edge` (the IR and its JSON, with a
  content hash that keys every cache);
- :mod:`.spec`: the text a user writes to name a model, parsed without executing anything;
- :mod:`.dims`: symbolic sizes (``seq``) and how a shape is written;
- :mod:`.categories`: what a layer *is*, whatever framework wrote it (``Conv2d`` ~ ``Conv2D``);
- :mod:`.keys`: the key that names a rendered diagram; :mod:`.summary`: ``netviz inspect``'s
  table; :mod:`.errors`: the error types every stage raises.

Nothing here imports a later stage.
"""

from __future__ import annotations

from .errors import ExtractionError, NetvizError, OptionError, RenderError, SpecError
from .graph import SCHEMA_VERSION, Edge, Graph, Node, Shape
from .spec import ModelSpec, parse_spec

__all__ = [
    "SCHEMA_VERSION",
    "Edge",
    "ExtractionError",
    "Graph",
    "ModelSpec",
    "NetvizError",
    "Node",
    "OptionError",
    "RenderError",
    "Shape",
    "SpecError",
    "parse_spec",
]
