"""The plugin's state across builds: the diagram builder, the page being converted, outputs.

One :class:`DiagramSession` lives as long as the plugin object, which (thanks to
``on_startup``) is the whole ``mkdocs serve`` session. Keeping the
:class:`~sphinx_netviz.core.pipeline.DiagramBuilder` here keeps its worker process and
caches warm, and a small in-memory memo, validated by the ``stat`` of each diagram's source
files, lets a prose-only rebuild reuse every diagram without touching the disk cache, the
worker or TensorFlow. An edit to a model's source changes that ``stat``, so the builder is
asked again and re-extracts it.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import get_relative_url

from mkdocs_netviz.fence_parse import (
    SOURCE_MARK,
    FenceBlock,
    fence_key,
    find_fences,
    parse_fence,
)
from mkdocs_netviz.html import Embed, figure_html, placeholder_html, source_html
from sphinx_netviz.core import NetvizError, Options, resolve_options
from sphinx_netviz.core.adapter import (
    Stamps,
    deferred_links,
    file_stamps,
    for_front_end,
    link_table,
    unique_ids,
)

if TYPE_CHECKING:
    from sphinx_netviz.core.adapter import BuiltDiagram, DiagramBuilder

__all__ = ["ASSET_DIR", "BuilderSettings", "DiagramSession", "FenceFailed", "PageContext"]

log = get_plugin_logger(__name__)


#: Site folder for the full-size SVGs and the stylesheet.
ASSET_DIR = "assets/netviz"

try:  # SuperFences drops a block on any exception except its own, which halts parsing.
    from pymdownx.superfences import SuperFencesException as _Halt
except ImportError:  # pragma: no cover - pymdown-extensions is a dependency

    class _Halt(Exception):  # type: ignore[no-redef]
        pass


class FenceFailed(PluginError, _Halt):  # type: ignore[misc]
    """Raised (only with ``fail_fast``) to stop the build at the first failed diagram.

    A :class:`~mkdocs.exceptions.PluginError` so MkDocs aborts cleanly with the message, and
    a ``SuperFencesException`` so SuperFences lets it through instead of swallowing it.
    """


@dataclass(frozen=True)
class BuilderSettings:
    """Everything the builder is constructed from; a change means a new builder."""

    cache_dir: Path | None
    base_dir: Path
    sys_path: tuple[str, ...]
    timeout: float
    snapshot_dir: Path | None = None
    offline: bool = False
    #: layer types the plugin's ``defaults`` name in ``hide``/``colors`` (see TypeCheck)
    site_types: tuple[str, ...] = ()


@dataclass
class PageContext:
    """The page whose Markdown is being converted (fences have no page of their own)."""

    src_uri: str
    url: str
    lines: dict[tuple[str, ...], deque[int]] = field(default_factory=dict)
    #: SVG id prefixes already inlined on this page, with how often
    prefixes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def scan(cls, src_uri: str, url: str, text: str) -> PageContext:
        """Index the page's fences by body so a warning can name the line of the fence."""
        page = cls(src_uri=src_uri, url=url)
        blocks: Iterable[FenceBlock] = find_fences(text.splitlines())
        for block in blocks:
            page.lines.setdefault(fence_key(block.source), deque()).append(block.start + 1)
        return page

    def line_of(self, source: str) -> int | None:
        found = self.lines.get(fence_key(source))
        return found.popleft() if found else None

    def unique_ids(self, svg: str) -> str:
        """``svg`` with an id prefix unique on this page."""
        return unique_ids(svg, self.prefixes)


@dataclass(frozen=True)
class _Memo:
    built: BuiltDiagram
    stamp: Stamps


class DiagramSession:
    """Renders fences for the current page and remembers what the build must ship."""

    def __init__(
        self,
        settings: BuilderSettings,
        *,
        defaults: Mapping[str, object] | None = None,
        enabled: bool = True,
        fail_fast: bool = False,
        logger: logging.LoggerAdapter[logging.Logger] | logging.Logger | None = None,
        builder_factory: Callable[[BuilderSettings, Callable[[str], None]], DiagramBuilder]
        | None = None,
    ) -> None:
        self.settings = settings
        self.defaults: dict[str, object] = dict(defaults or {})
        self.enabled = enabled
        self.fail_fast = fail_fast
        self.log = logger or log
        self._builder_factory = builder_factory or _make_builder
        self._builder: DiagramBuilder | None = None
        self._memo: dict[tuple[str, str, str], _Memo] = {}
        self.page: PageContext | None = None
        self._location = ""  # page:line of the fence being rendered
        #: site-relative path -> SVG text, for the outputs of the current build
        self.assets: dict[str, str] = {}
        #: every project source file a diagram was made from (for ``mkdocs serve`` to watch)
        self.sources: set[Path] = set()
        self.failures = 0
        #: ``type_links`` of the plugin config: layer type or dotted name -> URL
        self.type_links: dict[str, str] = {}
        #: diagrams asked of the builder / answered from the memo (tests and benchmarks read them)
        self.builder_calls = 0
        self.memo_hits = 0
        #: (spec, options) of every diagram of the current build (``netviz snapshot --project``)
        self.requests: list[tuple[str, Options]] = []

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def standalone(cls) -> DiagramSession:
        """A session for the Markdown extension used without the plugin."""
        base = Path.cwd()
        return cls(BuilderSettings(None, base, _import_path(base, ()), 120.0))

    def configure(
        self,
        settings: BuilderSettings,
        *,
        defaults: Mapping[str, object],
        enabled: bool,
        fail_fast: bool,
    ) -> None:
        """Apply (possibly changed) settings at the start of a build; keep what still holds."""
        if settings != self.settings:
            self.close()
            self._memo.clear()
            self.settings = settings
        self.defaults = dict(defaults)
        self.enabled = enabled
        self.fail_fast = fail_fast

    def start_build(self) -> None:
        self.assets = {}
        self.failures = 0
        self.page = None
        self.requests = []

    @property
    def builder(self) -> DiagramBuilder:
        if self._builder is None:
            self._builder = self._builder_factory(self.settings, self._core_warning)
        return self._builder

    def _core_warning(self, message: str) -> None:
        """Warnings the core raises while building (e.g. a layer it could not describe)."""
        if self._location:
            where = f"{self._location}: "
        else:
            where = f"{self.page.src_uri}: " if self.page else ""
        self.log.warning(f"{where}{for_front_end(message, 'mkdocs')}")

    @property
    def builder_started(self) -> bool:
        return self._builder is not None

    def close(self) -> None:
        """Stop the builder's worker; a later diagram starts a new builder."""
        if self._builder is not None:
            builder, self._builder = self._builder, None
            builder.close()

    # -- rendering ---------------------------------------------------------------------------
    def render_fence(
        self, source: str, header: Mapping[str, str], *, line: int | None = None
    ) -> str:
        """HTML for one fence. Never raises (except with ``fail_fast``): problems become a
        warning naming the page and line, and a visible placeholder."""
        page_line = self.page.line_of(source) if self.page else None
        where = self._where(page_line if page_line is not None else line, _docstring(source))
        spec = source.strip().splitlines()[0].strip() if source.strip() else ""
        if not self.enabled:
            return source_html(source)
        self._location = where  # core warnings (a stale snapshot) name the fence's line
        try:
            request = parse_fence(source)
            spec = request.spec
            options = resolve_options(self.defaults, header, dict(request.values))
            self.requests.append((spec, options))
            return self._render(spec, options)
        except NetvizError as exc:
            return self._fail(where, spec, str(exc), header)
        except FenceFailed:
            raise
        except Exception as exc:  # a bug must not silently drop the diagram
            return self._fail(where, spec, f"internal error: {type(exc).__name__}: {exc}", header)
        finally:
            self._location = ""

    def _render(self, spec: str, options: Options) -> str:
        built = self._build(spec, options)
        name = built.key[:16]
        svg_path = f"{ASSET_DIR}/{name}.svg"
        self.assets[svg_path] = built.svg
        legend_path = ""
        if built.legend_svg and options.legend == "separate":
            legend_path = f"{ASSET_DIR}/{name}-legend.svg"
            self.assets[legend_path] = built.legend_svg
        return figure_html(
            svg=built.svg,
            legend_svg=built.legend_svg if legend_path else "",
            details=built.details,
            links=self.links(built.classes),
            embed=Embed.from_options(options),
            href=self._href(svg_path),
            legend_href=self._href(legend_path) if legend_path else "",
            seen=self.page.prefixes if self.page is not None else None,
        )

    def links(self, classes: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Glyph links: ``type_links`` by hand, the rest deferred to autorefs (resolved or
        dropped in the plugin's ``on_env``, once every page has registered its anchors)."""
        return {**deferred_links(classes), **link_table(classes, None, self.type_links)}

    def _build(self, spec: str, options: Options) -> BuiltDiagram:
        memo_key = (spec, options.render_key(), repr(options.input_shape))
        memo = self._memo.get(memo_key)
        if memo is not None and file_stamps(memo.built.sources) == memo.stamp:
            self.memo_hits += 1
            return memo.built
        self.builder_calls += 1
        before, started = self.builder.loader.extractions, time.perf_counter()
        built = self.builder.build(spec, options)
        if self.builder.loader.extractions > before:  # `mkdocs build -v` tells which models ran
            self.log.debug(f"extracted {spec} in {time.perf_counter() - started:.1f} s")
        stamp = file_stamps(built.sources)
        if stamp is not None:
            self._memo[memo_key] = _Memo(built, stamp)
        self.sources.update(built.sources)
        return built

    def _href(self, site_path: str) -> str:
        page_url = self.page.url if self.page else ""
        return get_relative_url(site_path, page_url)

    def _where(self, line: int | None, docstring: tuple[str, str] | None = None) -> str:
        """``page:line``; for a fence the griffe extension put into a docstring, the
        docstring's file and line first (``src/pkg/models.py:12``), as griffe's own
        warnings say, then the object and the page."""
        if docstring is not None:
            name, source = docstring
            path, _, lineno = source.rpartition(":")
            shown = _relative(path, self.settings.base_dir)
            page = f", on {self.page.src_uri}" if self.page is not None else ""
            return f"{shown}:{lineno} (docstring of {name}{page})"
        if self.page is None:
            return "<markdown>" if line is None else f"<markdown>:{line}"
        if line is None:
            return f"{self.page.src_uri} (in a docstring)"
        return f"{self.page.src_uri}:{line}"

    def _fail(self, where: str, spec: str, cause: str, header: Mapping[str, str]) -> str:
        self.failures += 1
        cause = for_front_end(cause, "mkdocs")
        if "(docstring of " in where and "give the option" in cause:
            name = where.split("(docstring of ", 1)[1].split(",", 1)[0].rstrip(")")
            cause += f" (for an autodoc diagram: the plugin's autodoc_overrides entry {name})"
        message = f"{where}: netviz diagram {spec!r} failed: {cause}"
        if self.fail_fast:
            raise FenceFailed(message)
        self.log.warning(message)
        try:
            embed = Embed.from_options(resolve_options(self.defaults, header))
        except NetvizError:
            embed = Embed()
        return placeholder_html(spec=spec, message=cause, embed=embed)


def _docstring(source: str) -> tuple[str, str] | None:
    """``(object, file:line)`` from the comment the griffe extension puts in its fences."""
    for line in source.splitlines():
        text = line.strip()
        if text.startswith(SOURCE_MARK):
            name, _, where = text[len(SOURCE_MARK) :].strip().partition(" ")
            return (name, where) if where else None
    return None


def _relative(path: str, base: Path) -> str:
    """``path`` relative to the project when inside it (as MkDocs names pages)."""
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return path


def _import_path(base_dir: Path, extra: Sequence[str]) -> tuple[str, ...]:
    """The build's import path: project root, ``PYTHONPATH``, then extra paths (deduplicated)."""
    entries = [str(base_dir)]
    entries.extend(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    entries.extend(extra)
    seen: dict[str, None] = {}
    for entry in entries:
        seen.setdefault(str(Path(entry).resolve()) if entry else entry, None)
    return tuple(seen)


def import_path(base_dir: Path, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Public alias of the import-path rule (used by the plugin and the tests)."""
    return _import_path(base_dir, extra)


def _make_builder(settings: BuilderSettings, on_warning: Callable[[str], None]) -> DiagramBuilder:
    from sphinx_netviz.core.adapter import DiagramBuilder

    return DiagramBuilder(
        cache_dir=settings.cache_dir,
        base_dir=settings.base_dir,
        sys_path=settings.sys_path,
        timeout=settings.timeout,
        on_warning=on_warning,
        snapshot_dir=settings.snapshot_dir,
        offline=settings.offline,
        site_types=settings.site_types,
    )
