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
from .options import OPTIONS, Option, Options, option, resolve_options

if TYPE_CHECKING:
    from .autodoc_rules import (
        ARGUMENTS,
        AutodocEntry,
        OverrideProblem,
        draws_class,
        entry_spec,
        parse_overrides,
        unknown_objects,
    )
    from .cache import Stamps, file_stamps
    from .diagram import Diagram, render
    from .embed import (
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
    from .export import svg_to_pdf
    from .factories import is_model_annotation
    from .hints import for_front_end
    from .inline import inline_svg, unique_ids
    from .layout import LayoutStats
    from .loader import LoadedModel, ModelLoader, default_cache_dir, load_graph
    from .model_classes import annotation_names, is_model_class
    from .pipeline import BuiltDiagram, DiagramBuilder
    from .project import expected_snapshot
    from .snapshot import Snapshot, read_snapshot, snapshot_filename, write_snapshot
    from .spec import ModelSpec, parse_spec

__all__ = [
    "ARGUMENTS",
    "FULL_SIZE_TEXT",
    "OPTIONS",
    "SCHEMA_VERSION",
    "STATIC_DIR",
    "STATIC_FILES",
    "AutodocEntry",
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
    "OverrideProblem",
    "RenderError",
    "Snapshot",
    "SpecError",
    "Stamps",
    "absolute_links",
    "annotation_names",
    "class_candidates",
    "default_cache_dir",
    "deferred_links",
    "draws_class",
    "entry_spec",
    "expected_snapshot",
    "figure_html",
    "file_stamps",
    "for_front_end",
    "inline_svg",
    "is_model_annotation",
    "is_model_class",
    "link_table",
    "load_graph",
    "option",
    "parse_overrides",
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
    "unknown_objects",
    "write_snapshot",
]

_LAZY = {
    "ARGUMENTS": "autodoc_rules",
    "AutodocEntry": "autodoc_rules",
    "OverrideProblem": "autodoc_rules",
    "draws_class": "autodoc_rules",
    "entry_spec": "autodoc_rules",
    "parse_overrides": "autodoc_rules",
    "unknown_objects": "autodoc_rules",
    "for_front_end": "hints",
    "default_cache_dir": "loader",
    "annotation_names": "model_classes",
    "is_model_class": "model_classes",
    "expected_snapshot": "project",
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
    "Stamps": "cache",
    "file_stamps": "cache",
    "FULL_SIZE_TEXT": "embed",
    "STATIC_DIR": "embed",
    "STATIC_FILES": "embed",
    "Embed": "embed",
    "class_candidates": "embed",
    "absolute_links": "embed",
    "deferred_links": "embed",
    "resolve_deferred": "embed",
    "figure_html": "embed",
    "link_table": "embed",
    "placeholder_html": "embed",
    "placeholder_svg": "embed",
    "svg_to_pdf": "export",
    "is_model_annotation": "factories",
    "inline_svg": "inline",
    "unique_ids": "inline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
