"""Per-build, per-process state: the one DiagramBuilder and the outcomes of this build.

Why per process: ``sphinx-build -j N`` forks. A DiagramBuilder owns a worker subprocess (a
pipe and a child pid); a forked copy must never talk to its parent's worker or close it. So the
builder is created lazily and remembered together with ``os.getpid()``; a process that finds
a builder made by another pid ignores it and makes its own. In practice only the main process
renders (after reading, and while resolving doctrees, which Sphinx does in the main process
even for parallel writes), so a cold build starts exactly one worker.

Why outcomes are kept here, not on ``env``: they are SVG text, large and derived; the on-disk
cache of the core is the persistent store, this dict only avoids loading one spec twice in a
build (20 diagrams of 5 factories load 5 times).
"""

from __future__ import annotations

import json
import os
import sys
import time
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_netviz.core import NetvizError, Options, option, resolve_options
from sphinx_netviz.core.adapter import for_front_end

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_netviz.core.adapter import BuiltDiagram, DiagramBuilder

__all__ = [
    "NetvizState",
    "Outcome",
    "Request",
    "cache_dir",
    "get_state",
    "options_from_values",
    "request_key",
    "site_types",
    "snapshot_dir",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """One diagram to build: the spec and its render/extract option values (plain data)."""

    spec: str
    options: tuple[tuple[str, Any], ...]

    @property
    def key(self) -> str:
        return request_key(self.spec, dict(self.options))

    def resolved(self) -> Options:
        """The options, rebuilt from already-validated typed values (never re-parsed)."""
        return options_from_values(dict(self.options))


@dataclass(frozen=True)
class Outcome:
    """What building one request gave: a diagram, or the one-line reason it failed."""

    diagram: BuiltDiagram | None
    error: str = ""
    subtype: str = "extract"


@dataclass
class NetvizState:
    """Everything netviz remembers during one build in one process."""

    pid: int
    builder: DiagramBuilder | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    #: (location, request key) already warned about in this build.
    warned: set[tuple[str, str]] = field(default_factory=set)
    #: docnames read in this build (main process), whose diagrams are rendered after reading.
    reading: set[str] = field(default_factory=set)
    #: builders created and workers started in this process (for tests and debug logs).
    builders_created: int = 0
    closed_worker_starts: int = 0
    #: whether this build already probed the cache to decide on prestarting the worker.
    probed: bool = False
    #: where the worker's own warnings are attributed (the diagram being built):
    #: ``"source:line"`` or ``(docname, lineno)``.
    location: str | tuple[str, int] | None = None

    def diagram_builder(self, app: Sphinx) -> DiagramBuilder:
        """The process's DiagramBuilder, created on first use (never one from another pid)."""
        if self.builder is None:
            from sphinx_netviz.core.adapter import DiagramBuilder

            self.builder = DiagramBuilder(
                cache_dir=cache_dir(app),
                base_dir=Path(app.srcdir),
                # The build's own import path: conf.py's sys.path.insert(...) is in it.
                sys_path=tuple(os.fspath(p) for p in sys.path if p),
                timeout=float(app.config.netviz_timeout),
                on_warning=self._core_warning,
                snapshot_dir=snapshot_dir(app),
                offline=bool(app.config.netviz_offline),
                site_types=site_types(app),
            )
            self.builders_created += 1
        return self.builder

    def prestart_if_cold(self, app: Sphinx, request: Request) -> None:
        """Start the worker now if ``request``'s model is not in the cache.

        Called for the first diagram read in a build (main process only): a cold build then
        imports TensorFlow in the worker while Sphinx reads the remaining pages, instead of
        after reading. A warm build only pays one cache lookup and starts nothing.
        """
        if self.probed:
            return
        self.probed = True
        loader = self.diagram_builder(app).loader
        try:
            cold = (
                loader.cached(
                    request.spec,
                    input_shape=request.resolved().input_shape,
                    extract=request.resolved().extract_values(),
                )
                is None
            )
        except NetvizError:
            return  # reported when the diagram is built
        if cold:
            loader.prestart(request.spec)

    def _core_warning(self, message: str) -> None:
        logger.warning(
            "netviz: %s",
            for_front_end(message, "sphinx"),
            location=self.location,
            type="netviz",
            subtype="core",
        )

    def build(self, app: Sphinx, request: Request, location: str | tuple[str, int]) -> Outcome:
        """Build ``request`` once per build (later calls return the remembered outcome)."""
        key = request.key
        if key in self.outcomes:
            return self.outcomes[key]
        builder = self.diagram_builder(app)
        self.location = location
        before, started = builder.loader.extractions, time.perf_counter()
        try:
            diagram = builder.build(request.spec, request.resolved())
        except NetvizError as exc:
            outcome = Outcome(None, _one_line(request.spec, exc), _subtype(exc))
        except Exception as exc:  # the core promises NetvizError; stay robust anyway
            outcome = Outcome(
                None, _one_line(request.spec, exc) + f" ({type(exc).__name__})", "internal"
            )
        else:
            outcome = Outcome(diagram)
        finally:
            self.location = None
        if builder.loader.extractions > before:  # `sphinx-build -v` tells which models ran
            logger.verbose(
                "netviz: extracted %s in %.1f s", request.spec, time.perf_counter() - started
            )
        self.outcomes[key] = outcome
        return outcome

    @property
    def worker_starts(self) -> int:
        """Worker processes this process's builders started (for this app, all builds)."""
        current = self.builder.loader.worker_starts if self.builder is not None else 0
        return self.closed_worker_starts + current

    @property
    def worker_started(self) -> bool:
        """True if a model worker was started in this process (for this app)."""
        return self.worker_starts > 0

    def close(self) -> None:
        """Stop this process's worker (only ever the builder this process created)."""
        if self.builder is not None:
            self.closed_worker_starts += self.builder.loader.worker_starts
            self.builder.close()
            self.builder = None
        # The next build of the same app must see edited models: forget this build's outcomes.
        self.outcomes.clear()
        self.probed = False
        self.warned.clear()


def _one_line(spec: str, exc: BaseException) -> str:
    """The warning (and placeholder) text: one line naming the spec, hints in the
    directive's syntax (``:input-shape:``)."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if spec and spec not in message:
        message = f"model spec {spec!r}: {message}"
    return for_front_end(message, "sphinx")


def _subtype(exc: BaseException) -> str:
    from sphinx_netviz.core import ExtractionError, OptionError, RenderError, SpecError

    for cls, name in (
        (SpecError, "spec"),
        (OptionError, "option"),
        (ExtractionError, "extract"),
        (RenderError, "render"),
    ):
        if isinstance(exc, cls):
            return name
    return "error"


def options_from_values(values: dict[str, Any]) -> Options:
    """:class:`Options` from validated kebab-case values (the node's plain-data copy)."""
    return replace(Options(), **{option(name).attr: value for name, value in values.items()})


def request_key(spec: str, values: dict[str, Any]) -> str:
    """A stable text key for (spec, option values): equal requests are built once."""
    return json.dumps([spec, sorted(values.items())], sort_keys=True, default=list)


def cache_dir(app: Sphinx) -> Path:
    """``netviz_cache_dir`` (relative to the conf.py folder), or ``<doctreedir>/netviz``.

    The default lives next to the pickled doctrees: outside the HTML output (nothing stray is
    published) and outside the source tree (sphinx-autobuild does not loop on it), and it
    survives ``sphinx-build -E``. Set ``netviz_cache_dir = ".cache/netviz"`` to keep it across
    ``make clean``.
    """
    configured = app.config.netviz_cache_dir
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else Path(app.confdir) / path
    return Path(app.doctreedir) / "netviz"


def snapshot_dir(app: Sphinx) -> Path | None:
    """``netviz_snapshot_dir`` relative to the conf.py folder, or None (no snapshots)."""
    configured = app.config.netviz_snapshot_dir
    if not configured:
        return None
    path = Path(configured).expanduser()
    return path if path.is_absolute() else Path(app.confdir) / path


def site_types(app: Sphinx) -> tuple[str, ...]:
    """The layer types ``netviz_defaults`` and ``netviz_autodoc_options`` name in ``hide``
    and ``colors``: meant for whichever models have them (see ``TypeCheck``)."""
    from .config import autodoc_site_options, site_options

    site = site_options(app.config)
    autodoc = resolve_options(autodoc_site_options(app.config))
    return tuple(
        dict.fromkeys(
            [
                *site.hide,
                *(t for t, _ in site.colors),
                *autodoc.hide,
                *(t for t, _ in autodoc.colors),
            ]
        )
    )


_STATES: weakref.WeakKeyDictionary[Sphinx, NetvizState] = weakref.WeakKeyDictionary()


def get_state(app: Sphinx) -> NetvizState:
    """The state of ``app`` in this process (a fresh one after a fork)."""
    state = _STATES.get(app)
    pid = os.getpid()
    if state is None or state.pid != pid:
        # After a fork the inherited outcomes are still valid (plain data); the builder,
        # which owns the parent's worker, is not.
        outcomes = dict(state.outcomes) if state is not None else {}
        state = NetvizState(pid=pid, outcomes=outcomes)
        _STATES[app] = state
    return state
