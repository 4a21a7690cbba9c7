"""The adapter API: what the Sphinx extension and the MkDocs plugin import, besides the user API.

Both adapters are wiring only (DESIGN.md section 1): they turn a directive, a fence or an API
entry into a request, and the page's HTML comes back from here, written once for both:

- the build's diagram service: :class:`DiagramBuilder` (loader, render cache, outcome or
  placeholder) and what it hands back, :class:`BuiltDiagram`;
- the page: :func:`figure_html`, :func:`placeholder_html` / :func:`placeholder_svg`,
  :class:`Embed`, the static assets (:data:`STATIC_DIR`, :data:`STATIC_FILES`), inlining
  (:func:`inline_svg`, :func:`unique_ids`), links to API docs (:func:`class_candidates`,
  :func:`link_table`, :func:`deferred_links`, :func:`resolve_deferred`,
  :func:`absolute_links`);
- specs, snapshots and staleness: :func:`parse_spec`, :class:`ModelSpec`, the snapshot
  functions, :func:`file_stamps`; which documented callables are model factories
  (:func:`is_model_annotation`); PDF for LaTeX builds (:func:`svg_to_pdf`).

An adapter imports ``sphinx_netviz.core`` and this module, nothing else of the core (a test
checks it). Names are resolved lazily: a warm docs build that finds every diagram cached never
imports the renderer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import (
    OPTIONS,
    ExtractionError,
    NetvizError,
    Option,
    OptionError,
    Options,
    RenderError,
    SpecError,
    __version__,
    option,
    resolve_options,
)

if TYPE_CHECKING:
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
    from .extract.autodoc_rules import (
        ARGUMENTS,
        AutodocEntry,
        OverrideProblem,
        draws_class,
        entry_spec,
        parse_overrides,
        unknown_objects,
    )
    from .extract.model_classes import annotation_names, is_model_class
    from .ir.spec import ModelSpec, parse_spec
    from .options.hints import for_front_end
    from .pipeline import BuiltDiagram, DiagramBuilder
    from .store.cache import Stamps, default_cache_dir, file_stamps
    from .store.collector import collector_parser
    from .store.loader import LoadedModel, ModelLoader
    from .store.snapshot import (
        Snapshot,
        expected_snapshot,
        read_snapshot,
        snapshot_filename,
        write_snapshot,
    )

__all__ = [
    "ARGUMENTS",
    "FULL_SIZE_TEXT",
    "OPTIONS",
    "STATIC_DIR",
    "STATIC_FILES",
    "AutodocEntry",
    "BuiltDiagram",
    "DiagramBuilder",
    "Embed",
    "ExtractionError",
    "LoadedModel",
    "ModelLoader",
    "ModelSpec",
    "NetvizError",
    "Option",
    "OptionError",
    "Options",
    "OverrideProblem",
    "RenderError",
    "Snapshot",
    "SpecError",
    "Stamps",
    "__version__",
    "absolute_links",
    "annotation_names",
    "class_candidates",
    "collector_parser",
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
    "option",
    "parse_overrides",
    "parse_spec",
    "placeholder_html",
    "placeholder_svg",
    "read_snapshot",
    "resolve_deferred",
    "resolve_options",
    "snapshot_filename",
    "svg_to_pdf",
    "unique_ids",
    "unknown_objects",
    "write_snapshot",
]

_LAZY = {
    "BuiltDiagram": "pipeline",
    "DiagramBuilder": "pipeline",
    "LoadedModel": "store.loader",
    "ModelLoader": "store.loader",
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
    "absolute_links": "embed.figure",
    "class_candidates": "embed.figure",
    "deferred_links": "embed.figure",
    "figure_html": "embed.figure",
    "link_table": "embed.figure",
    "placeholder_html": "embed.figure",
    "placeholder_svg": "embed.figure",
    "resolve_deferred": "embed.figure",
    "inline_svg": "embed.inline",
    "unique_ids": "embed.inline",
    "is_model_annotation": "extract.annotations",
    "svg_to_pdf": "draw.export",
    "ARGUMENTS": "extract.autodoc_rules",
    "AutodocEntry": "extract.autodoc_rules",
    "OverrideProblem": "extract.autodoc_rules",
    "draws_class": "extract.autodoc_rules",
    "entry_spec": "extract.autodoc_rules",
    "parse_overrides": "extract.autodoc_rules",
    "unknown_objects": "extract.autodoc_rules",
    "for_front_end": "options.hints",
    "collector_parser": "store.collector",
    "default_cache_dir": "store.cache",
    "annotation_names": "extract.model_classes",
    "is_model_class": "extract.model_classes",
    "expected_snapshot": "store.snapshot",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
