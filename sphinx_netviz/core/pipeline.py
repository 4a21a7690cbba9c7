"""What the adapters call: spec + options -> a finished, cached diagram.

``DiagramBuilder.build`` loads the graph through the :class:`~.loader.ModelLoader` (memo,
committed snapshots when the build cannot extract, cache, then worker), then renders it,
caching the SVG on disk by the *diagram key*: a SHA-256 over the IR's content hash, the
render options and the renderer version. Adapters name output files by that key, so an
unchanged diagram keeps its file name across builds.

Warm path: with a valid IR entry (or a snapshot, where no framework is installed) and a
cached SVG, ``build`` starts no worker and imports no framework.

``diff-against`` (issue 21) is resolved here, once for both adapters: the reference is
loaded like any spec, or read from git (``git:REV``: the spec's own snapshot in the build's
snapshot folder as committed at ``REV``; :mod:`.store.revision`), and the diagram is drawn
marked against it, keyed by both graphs' content. A reference that cannot be had is a
:class:`NetvizError` naming the spec and the reference: the adapters' located warning and
placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ir.errors import NetvizError, RenderError
from .ir.keys import diagram_key, diff_key
from .options.unknown_types import TypeCheck
from .store.loader import ModelLoader
from .store.revision import diff_against

if TYPE_CHECKING:
    from .ir.graph import Graph
    from .options.schema import Options

__all__ = ["BuiltDiagram", "DiagramBuilder"]


@dataclass(frozen=True)
class BuiltDiagram:
    """A rendered diagram plus what adapters need to embed it and track dependencies."""

    spec: str
    key: str
    svg: str
    legend_svg: str
    summary: str
    title: str
    sources: tuple[Path, ...]
    width: float
    height: float
    #: hidden drill-down scenes for the HTML embed (see core/draw/details.py)
    details: str = ""
    #: (layer type, defining module) of every class drawn, for links to API docs
    classes: tuple[tuple[str, str], ...] = ()


class DiagramBuilder:
    """One per docs build: owns a :class:`ModelLoader` (and so one worker)."""

    def __init__(
        self,
        *,
        cache_dir: Path | None,
        base_dir: Path | None = None,
        sys_path: Sequence[str] = (),
        timeout: float = 120.0,
        on_warning: Callable[[str], None] | None = None,
        snapshot_dir: Path | None = None,
        offline: bool = False,
        site_types: Sequence[str] = (),
    ) -> None:
        """``site_types``: the layer types the site-wide options name in ``hide`` and
        ``colors``, checked against the models more leniently (:class:`TypeCheck`)."""
        self._on_warning = on_warning
        self._types = TypeCheck(site_types)
        self.loader = ModelLoader(
            cache_dir=cache_dir,
            base_dir=base_dir,
            sys_path=sys_path,
            timeout=timeout,
            on_warning=on_warning,
            snapshot_dir=snapshot_dir,
            offline=offline,
        )

    def build(self, spec: str, options: Options) -> BuiltDiagram:
        """Load and render ``spec``; raises only :class:`NetvizError` subclasses."""
        try:
            return self._build(spec, options)
        except NetvizError as exc:
            if spec.strip() in str(exc):
                raise
            # e.g. a RenderError naming only the model: say which spec it came from.
            raise type(exc)(f"model spec {spec.strip()!r}: {exc}") from exc
        except Exception as exc:
            first = (str(exc).splitlines() or [""])[0][:300]
            raise RenderError(
                f"model spec {spec.strip()!r}: {type(exc).__name__}: {first}".rstrip(": ")
            ) from exc

    def _build(self, spec: str, options: Options) -> BuiltDiagram:
        extract = options.extract_values()
        loaded = self.loader.load(
            spec,
            input_shape=options.input_shape,
            timeout=options.timeout,
            memory_limit=options.memory_limit,
            extract=extract,
        )
        if options.hide or options.colors or options.show:
            unknown = self._types.message(loaded.graph, options)
            if unknown is not None and self._on_warning is not None:
                self._on_warning(f"model spec {spec.strip()!r}: {unknown}")
        reference = self._reference(spec, options) if options.diff_against else None
        if reference is None:
            key = diagram_key(loaded.graph, options)
        else:
            key = diff_key(reference, loaded.graph, options)
        cached = self.loader.cache.get_diagram(key)
        fields: dict[str, Any]
        if cached is not None and _complete(cached):
            fields = cached
        else:
            from .diagram import render, render_diff

            if reference is None:
                diagram = render(loaded.graph, options)
            else:
                diagram = render_diff(reference, loaded.graph, options)
            fields = {
                "svg": diagram.svg,
                "legend_svg": diagram.legend_svg,
                "summary": diagram.summary,
                "title": diagram.title,
                "width": float(diagram.width),
                "height": float(diagram.height),
                "details": diagram.details,
                "classes": [list(c) for c in diagram.classes],
            }
            self.loader.cache.put_diagram(key, fields)
        return BuiltDiagram(
            spec=spec.strip(),
            key=key,
            svg=str(fields["svg"]),
            legend_svg=str(fields["legend_svg"]),
            summary=str(fields["summary"]),
            title=str(fields["title"]),
            sources=loaded.sources,
            width=float(fields["width"]),
            height=float(fields["height"]),
            details=str(fields["details"]),
            classes=tuple((str(t), str(m)) for t, m in fields["classes"]),
        )

    def _reference(self, spec: str, options: Options) -> Graph:
        """The graph ``diff-against`` names; errors name the spec and the reference."""
        return diff_against(
            options.diff_against,
            spec,
            self.loader,
            input_shape=options.input_shape,
            extract=options.extract_values(),
        )

    def close(self) -> None:
        """Stop the worker."""
        self.loader.close()

    def __enter__(self) -> DiagramBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _complete(fields: dict[str, Any]) -> bool:
    return (
        all(
            isinstance(fields.get(k), str)
            for k in ("svg", "legend_svg", "summary", "title", "details")
        )
        and all(isinstance(fields.get(k), int | float) for k in ("width", "height"))
        and isinstance(fields.get("classes"), list)
        and all(isinstance(c, list) and len(c) == 2 for c in fields["classes"])
    )
