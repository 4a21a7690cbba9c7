"""netviz's shared rendering core: model spec -> Graph IR -> grouped, laid-out SVG.

The core imports neither Sphinx, docutils nor MkDocs, and a framework only inside the
extraction step (in the worker process, or in the caller's for a live model it holds). Public API::

    from sphinx_netviz.core import Graph, load_graph, render

    graph = load_graph("mypkg.models:get_model")
    diagram = render(graph, group="auto", palette="colorblind")
    diagram.svg          # the diagram (with legend below, by default) as an SVG document
    diagram.legend_svg   # the legend on its own
    diagram.stats        # the layout's quality: crossings, bends, width, height
    render(model)        # a live keras.Model / torch.nn.Module, walked in this process

Names are resolved lazily so that importing the core stays cheap (no svgwrite, no worker).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ExtractionError, NetvizError, OptionError, RenderError, SpecError
from .graph import SCHEMA_VERSION, Edge, Graph, Node
from .options import OPTIONS, Option, Options, resolve_options

if TYPE_CHECKING:
    from .diagram import Diagram, render
    from .layout import LayoutStats
    from .loader import LoadedModel, ModelLoader, load_graph
    from .pipeline import BuiltDiagram, DiagramBuilder
    from .snapshot import Snapshot, read_snapshot, snapshot_filename, write_snapshot
    from .spec import ModelSpec, parse_spec

__all__ = [
    "OPTIONS",
    "SCHEMA_VERSION",
    "BuiltDiagram",
    "Diagram",
    "DiagramBuilder",
    "Edge",
    "ExtractionError",
    "Graph",
    "LayoutStats",
    "LoadedModel",
    "ModelLoader",
    "ModelSpec",
    "NetvizError",
    "Node",
    "Option",
    "OptionError",
    "Options",
    "RenderError",
    "Snapshot",
    "SpecError",
    "load_graph",
    "parse_spec",
    "read_snapshot",
    "render",
    "resolve_options",
    "snapshot_filename",
    "write_snapshot",
]

_LAZY = {
    "LoadedModel": "loader",
    "ModelLoader": "loader",
    "load_graph": "loader",
    "BuiltDiagram": "pipeline",
    "DiagramBuilder": "pipeline",
    "Diagram": "diagram",
    "render": "diagram",
    "LayoutStats": "layout",
    "ModelSpec": "spec",
    "parse_spec": "spec",
    "Snapshot": "snapshot",
    "read_snapshot": "snapshot",
    "snapshot_filename": "snapshot",
    "write_snapshot": "snapshot",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
