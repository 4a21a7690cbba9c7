"""netviz's shared rendering core: model -> Graph IR -> grouped, laid-out SVG. The user API.

What a Python script or a notebook calls, and nothing else::

    from sphinx_netviz.core import Graph, load_graph, render

    graph = load_graph("mypkg.models:get_model")  # a spec, through the worker and the cache
    diagram = render(graph, group="auto", palette="colorblind")
    diagram.svg          # the diagram (with legend below, by default) as an SVG document
    diagram.legend_svg   # the legend on its own
    diagram.stats        # the layout's quality: crossings, bends, width, height
    diagram.save("net.pdf")
    render(model)        # a live keras.Model / torch.nn.Module, walked in this process
    d = diff("git:main:docs/_snapshots/net.json", model)  # changes against a reference
    d.changes.stat()     # added / removed / changed, one line each

Option names are the schema's (:data:`OPTIONS`) with ``-`` written ``_``. The Sphinx extension
and the MkDocs plugin use these names too, plus the adapter API (:mod:`.adapter`: page HTML,
placeholders, links, the build pipeline, snapshots). The core imports neither Sphinx, docutils
nor MkDocs, and a framework only inside the extraction step (in the worker process, or in the
caller's for a live model it holds).

The pipeline's stages are packages, each importing only earlier ones: ``ir`` (what every stage
speaks) <- ``options``; ``extract`` <- ``worker`` <- ``store``; ``view`` <- ``group`` <-
``layout`` <- ``draw`` <- :mod:`.diagram` <- ``embed`` <- :mod:`.pipeline` <- the adapters.

Names are resolved lazily so that importing the core stays cheap (no svgwrite, no worker).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .ir.errors import ExtractionError, NetvizError, OptionError, RenderError, SpecError
from .ir.graph import SCHEMA_VERSION, Edge, Graph, Node
from .options.schema import OPTIONS, Option, Options, option, resolve_options

if TYPE_CHECKING:
    from .diagram import Diagram, diff, render
    from .store.loader import load_graph

#: The netviz release (the distribution's version; the Sphinx extension reports it too).
__version__ = "0.1.0"

__all__ = [
    "OPTIONS",
    "SCHEMA_VERSION",
    "Diagram",
    "Edge",
    "ExtractionError",
    "Graph",
    "NetvizError",
    "Node",
    "Option",
    "OptionError",
    "Options",
    "RenderError",
    "SpecError",
    "__version__",
    "diff",
    "load_graph",
    "option",
    "render",
    "resolve_options",
]

_LAZY = {
    "Diagram": "diagram",
    "diff": "diagram",
    "render": "diagram",
    "load_graph": "store.loader",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """What a notebook's completion offers: the user API, not the module's own imports."""
    return sorted(__all__)
