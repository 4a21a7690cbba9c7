"""Spec -> Graph for a whole docs build: cache first, then the persistent worker.

One :class:`ModelLoader` per build. It answers from the disk cache when the entry's source
fingerprints still match (no worker, no TensorFlow), and otherwise asks its worker, started
on first need and kept for the rest of the build. Saved IR files (``graph.json``) are read
directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .cache import DiskCache, Stamps, file_stamps, ir_key, sources_current
from .errors import ExtractionError, NetvizError
from .graph import Graph
from .options import resolve_options
from .spec import ModelSpec, parse_spec
from .worker import WorkerClient

__all__ = ["LoadedModel", "ModelLoader", "default_cache_dir", "load_graph"]


@dataclass(frozen=True)
class LoadedModel:
    """A graph and what it was made from.

    ``sources`` are the project source files the import loaded (plus the model file for
    file specs); adapters register them as dependencies so an edit triggers a rebuild.
    """

    graph: Graph
    sources: tuple[Path, ...]
    from_cache: bool


def default_cache_dir() -> Path:
    """``$NETVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/netviz``, else ``~/.cache/netviz``."""
    explicit = os.environ.get("NETVIZ_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "netviz"


def read_ir_file(spec: ModelSpec) -> Graph:
    """Read a saved IR JSON file; errors name the spec."""
    assert spec.path is not None
    try:
        text = spec.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExtractionError(
            f"model spec {spec.text!r}: no such file {str(spec.path)!r}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractionError(
            f"model spec {spec.text!r}: cannot read the IR file ({exc})"
        ) from None
    try:
        return Graph.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExtractionError(
            f"model spec {spec.text!r}: not a netviz IR JSON file ({first})"
        ) from None


class ModelLoader:
    """Loads specs to graphs through the cache and one persistent worker."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        base_dir: Path | None = None,
        sys_path: Sequence[str] = (),
        timeout: float = 120.0,
        on_warning: Callable[[str], None] | None = None,
        memory_limit: int | None = None,
    ) -> None:
        self.base_dir = Path(base_dir).resolve() if base_dir is not None else None
        self.sys_path = tuple(str(p) for p in sys_path)
        self.timeout = float(timeout)
        self.cache = DiskCache(cache_dir, on_warning=on_warning)
        self.memory_limit = memory_limit  # None: the schema's default (or the last request's)
        self._worker = WorkerClient(sys_path=self.sys_path, base_dir=self.base_dir)
        # Files the running worker has imported, with the hash it saw: if one changes (an
        # edit under ``mkdocs serve``), the worker's module is stale and must be restarted.
        self._worker_sources: dict[str, str] = {}
        # Graphs this loader already returned, with their sources' stat stamps: a page with
        # several diagrams of one model (or a serve rebuild) skips re-reading and re-hashing.
        self._memo: dict[str, tuple[LoadedModel, Stamps]] = {}

    @property
    def worker_started(self) -> bool:
        """True once a worker process has been started (and is still running)."""
        return self._worker.started

    @property
    def worker_starts(self) -> int:
        """How many worker processes this loader has started so far."""
        return self._worker.starts

    def _key(self, spec: ModelSpec, input_shape: Sequence[int | None] | None) -> str:
        return ir_key(
            spec.text, input_shape=input_shape, base_dir=self.base_dir, sys_path=self.sys_path
        )

    def load(
        self,
        spec: str | ModelSpec,
        *,
        input_shape: tuple[int | None, ...] | None = None,
        timeout: float | None = None,
        memory_limit: int | None = None,
    ) -> LoadedModel:
        """The graph of ``spec``; raises :class:`SpecError` / :class:`ExtractionError`.

        ``memory_limit`` (bytes, 0 for none) caps the worker while it extracts ``spec``.
        """
        parsed = spec if isinstance(spec, ModelSpec) else parse_spec(spec, self.base_dir)
        if parsed.kind == "ir":
            assert parsed.path is not None
            return LoadedModel(graph=read_ir_file(parsed), sources=(parsed.path,), from_cache=False)
        if parsed.kind == "file":
            assert parsed.path is not None
            if not parsed.path.is_file():
                raise ExtractionError(
                    f"model spec {parsed.text!r}: no such file {str(parsed.path)!r}"
                )
        cached = self._cached(parsed, input_shape)
        if cached is not None:
            return cached
        key = self._key(parsed, input_shape)
        if self._worker_sources and not sources_current(sorted(self._worker_sources.items())):
            self._worker.restart()
            self._worker_sources.clear()
        result = self._worker.request(
            parsed.text,
            input_shape=input_shape,
            timeout=self.timeout if timeout is None else float(timeout),
            memory_limit=self.memory_limit if memory_limit is None else memory_limit,
        )
        try:
            graph = Graph.from_dict(result.graph)
        except (KeyError, TypeError, ValueError) as exc:
            raise ExtractionError(
                f"model spec {parsed.text!r}: the worker returned an unreadable graph ({exc})"
            ) from None
        self._worker_sources.update(dict(result.sources))
        self.cache.put_ir(key, graph, result.sources, spec=parsed.text)
        return self._remember(
            key,
            LoadedModel(
                graph=graph, sources=tuple(Path(p) for p, _ in result.sources), from_cache=False
            ),
        )

    def _cached(
        self, spec: ModelSpec, input_shape: Sequence[int | None] | None
    ) -> LoadedModel | None:
        key = self._key(spec, input_shape)
        memo = self._memo.get(key)
        if memo is not None and file_stamps(memo[0].sources) == memo[1]:
            return memo[0]
        entry = self.cache.get_ir(key)
        if entry is None:
            return None
        return self._remember(
            key,
            LoadedModel(
                graph=entry.graph,
                sources=tuple(Path(p) for p, _ in entry.sources),
                from_cache=True,
            ),
        )

    def _remember(self, key: str, loaded: LoadedModel) -> LoadedModel:
        stamps = file_stamps(loaded.sources)
        if stamps is not None:
            self._memo[key] = (replace(loaded, from_cache=True), stamps)
        return loaded

    def cached(
        self, spec: str | ModelSpec, *, input_shape: tuple[int | None, ...] | None = None
    ) -> LoadedModel | None:
        """The graph of a factory or model-file ``spec`` if the disk cache holds it with
        unchanged sources, else None; never starts the worker (raises SpecError if malformed)."""
        parsed = spec if isinstance(spec, ModelSpec) else parse_spec(spec, self.base_dir)
        if parsed.kind == "ir":
            return None
        return self._cached(parsed, input_shape)

    def prestart(self, spec: str | ModelSpec | None = None) -> None:
        """Start the worker in the background (a build that knows it is cold calls this early
        so that the framework's import overlaps with its own work). Given the cold ``spec``,
        the worker imports its factory module (and so its framework) right away."""
        module = None
        if spec is not None:
            try:
                parsed = spec if isinstance(spec, ModelSpec) else parse_spec(spec, self.base_dir)
            except NetvizError:
                parsed = None
            module = parsed.module if parsed is not None else None
        self._worker.prestart(preload=module)

    def close(self) -> None:
        """Stop the worker (if any)."""
        self._worker.close()

    def __enter__(self) -> ModelLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_graph(spec: str, **options: object) -> Graph:
    """One-shot: the Graph of ``spec`` through a worker and the cache.

    Keyword arguments are option names (``input_shape=(28, 28, 1)``, ``timeout=60``,
    ``memory_limit="2GiB"``) plus ``cache_dir`` (default :func:`default_cache_dir`; ``None``
    disables), ``base_dir`` and ``sys_path``.
    """
    cache_dir: Any = options.pop("cache_dir", default_cache_dir())
    base_dir: Any = options.pop("base_dir", None)
    sys_path: Any = options.pop("sys_path", ())
    resolved = resolve_options(options)
    loader = ModelLoader(
        cache_dir=None if cache_dir is None else Path(cache_dir),
        base_dir=None if base_dir is None else Path(base_dir),
        sys_path=tuple(sys_path),
        timeout=resolved.timeout,
        memory_limit=resolved.memory_limit,
    )
    try:
        return loader.load(spec, input_shape=resolved.input_shape).graph
    except NetvizError:
        raise
    finally:
        loader.close()
