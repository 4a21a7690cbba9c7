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

from .ir.errors import ExtractionError, NetvizError, OptionError, RenderError, SpecError
from .ir.graph import SCHEMA_VERSION, Edge, Graph, Node
from .options.schema import OPTIONS, Option, Options, option, resolve_options

if TYPE_CHECKING:
    from .diagram import Diagram, render
    from .draw.export import svg_to_pdf
    from .embed.figure import (
        FULL_SIZE_TEXT,
        STATIC_DIR,
        STATIC_FILES,
        Embed,
        absolute_links,
        class_candidates,
        deferred_links,
        figure_html,
        link_table,
        placeholder_html,
        placeholder_svg,
        resolve_deferred,
    )
    from .embed.inline import inline_svg, unique_ids
    from .extract.annotations import is_model_annotation
    from .ir.spec import ModelSpec, parse_spec
    from .layout import LayoutStats
    from .pipeline import BuiltDiagram, DiagramBuilder
    from .store.cache import Stamps, file_stamps
    from .store.loader import LoadedModel, ModelLoader, load_graph
    from .store.snapshot import Snapshot, read_snapshot, snapshot_filename, write_snapshot

__all__ = [
    "FULL_SIZE_TEXT",
    "OPTIONS",
    "SCHEMA_VERSION",
    "STATIC_DIR",
    "STATIC_FILES",
    "BuiltDiagram",
    "Diagram",
    "DiagramBuilder",
    "Edge",
    "Embed",
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
    "Stamps",
    "absolute_links",
    "class_candidates",
    "deferred_links",
    "figure_html",
    "file_stamps",
    "inline_svg",
    "is_model_annotation",
    "link_table",
    "load_graph",
    "option",
    "parse_spec",
    "placeholder_html",
    "placeholder_svg",
    "read_snapshot",
    "render",
    "resolve_deferred",
    "resolve_options",
    "snapshot_filename",
    "svg_to_pdf",
    "unique_ids",
    "write_snapshot",
]

_LAZY = {
    "LoadedModel": "store.loader",
    "ModelLoader": "store.loader",
    "load_graph": "store.loader",
    "BuiltDiagram": "pipeline",
    "DiagramBuilder": "pipeline",
    "Diagram": "diagram",
    "render": "diagram",
    "LayoutStats": "layout",
    "ModelSpec": "ir.spec",
    "parse_spec": "ir.spec",
    "Snapshot": "store.snapshot",
    "read_snapshot": "store.snapshot",
    "snapshot_filename": "store.snapshot",
    "write_snapshot": "store.snapshot",
    "Stamps": "store.cache",
    "file_stamps": "store.cache",
    "FULL_SIZE_TEXT": "embed.figure",
    "STATIC_DIR": "embed.figure",
    "STATIC_FILES": "embed.figure",
    "Embed": "embed.figure",
    "class_candidates": "embed.figure",
    "absolute_links": "embed.figure",
    "deferred_links": "embed.figure",
    "resolve_deferred": "embed.figure",
    "figure_html": "embed.figure",
    "link_table": "embed.figure",
    "placeholder_html": "embed.figure",
    "placeholder_svg": "embed.figure",
    "svg_to_pdf": "draw.export",
    "is_model_annotation": "extract.annotations",
    "inline_svg": "embed.inline",
    "unique_ids": "embed.inline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
