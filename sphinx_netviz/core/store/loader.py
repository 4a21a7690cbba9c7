"""Spec -> Graph for a whole docs build: memo, snapshot, cache, then the persistent worker.

One :class:`ModelLoader` per build. It answers from committed snapshots when the build cannot
extract (offline, or the framework is not installed), from the disk cache when the entry's
source fingerprints still match (no worker, no framework), and otherwise asks its worker,
started on first need and kept for the rest of the build. Saved IR files (``graph.json``) are
read directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..ir.errors import ExtractionError, NetvizError
from ..ir.graph import Graph
from ..ir.spec import ModelSpec, missing_file, parse_spec
from ..options.schema import InputShape, resolve_options
from ..worker.client import WorkerClient
from ..worker.sources import (
    SYS_PATH,
    import_anchors,
    portable_only,
    relative_sources,
    resolved_paths,
)
from .cache import DiskCache, Stamps, default_cache_dir, file_stamps, ir_key, sources_current
from .snapshot import (
    Snapshot,
    extractable,
    graph_from_text,
    offline_from_env,
    read_snapshot,
    write_snapshot,
)

__all__ = ["LoadedModel", "ModelLoader", "default_cache_dir", "load_graph"]


@dataclass(frozen=True)
class LoadedModel:
    """A graph and what it was made from.

    ``sources`` are the spec's project source files (its factory's module and the drawn
    classes' modules with their project imports, :mod:`..worker.imports`; the model file for
    file specs); adapters register them as dependencies so an edit triggers a rebuild.
    """

    graph: Graph
    sources: tuple[Path, ...]
    from_cache: bool
    #: True when the graph was read from a committed snapshot (no extraction possible).
    from_snapshot: bool = False


def read_ir_file(spec: ModelSpec) -> Graph:
    """Read a saved IR JSON file (``netviz inspect --json``) or a snapshot file; errors
    name the spec."""
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
        return graph_from_text(text)[0]  # an IR file, or a snapshot file
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExtractionError(
            f"model spec {spec.text!r}: not a netviz IR JSON file ({first})"
        ) from None


class ModelLoader:
    """Loads specs to graphs: memo, snapshot, disk cache, then one persistent worker.

    The order, and why:

    1. memo: a graph this loader already returned, while its sources' stat stamps hold;
    2. snapshot (only when a ``snapshot_dir`` is set and this build cannot extract: offline,
       or the framework the snapshot names is not importable): no worker, no framework;
    3. disk cache: keys free of absolute paths, entries checked by source content hashes;
    4. the worker; afterwards the graph is cached and, with a ``snapshot_dir``, snapshotted.

    A graph that comes from the cache is snapshotted too, so turning snapshots on after a
    warm build still writes every file.
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        base_dir: Path | None = None,
        sys_path: Sequence[str] = (),
        timeout: float = 120.0,
        on_warning: Callable[[str], None] | None = None,
        memory_limit: int | None = None,
        snapshot_dir: Path | None = None,
        offline: bool = False,
    ) -> None:
        self.base_dir = Path(base_dir).resolve() if base_dir is not None else None
        self.sys_path = tuple(str(p) for p in sys_path)
        # Where stored source paths are anchored (sys_path, then PYTHONPATH): see .sources.
        self._anchors = import_anchors(self.sys_path)
        self.timeout = float(timeout)
        self.cache = DiskCache(cache_dir, on_warning=on_warning)
        self.memory_limit = memory_limit  # None: the schema's default (or the last request's)
        self.snapshot_dir = Path(snapshot_dir) if snapshot_dir is not None else None
        #: Extraction is off: graphs come from snapshots (or the cache) only, never a worker.
        self.offline = bool(offline) or offline_from_env()
        self._on_warning = on_warning
        self._snapshot_write_failed = False
        self._worker = WorkerClient(sys_path=self.sys_path, base_dir=self.base_dir)
        #: Graphs the worker extracted for this loader (a cache or snapshot answer is none):
        #: what a build reports, and what tests of staleness count.
        self.extractions = 0
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

    def _key(
        self,
        spec: ModelSpec,
        input_shape: Sequence[Any] | None,
        extract: Mapping[str, Any] | None = None,
    ) -> str:
        return ir_key(spec.text, input_shape=input_shape, extract=extract)

    def _parse(self, spec: str | ModelSpec) -> ModelSpec:
        return spec if isinstance(spec, ModelSpec) else parse_spec(spec, self.base_dir)

    def load(
        self,
        spec: str | ModelSpec,
        *,
        input_shape: InputShape | None = None,
        timeout: float | None = None,
        memory_limit: int | None = None,
        extract: Mapping[str, Any] | None = None,
    ) -> LoadedModel:
        """The graph of ``spec``; raises :class:`SpecError` / :class:`ExtractionError`.

        ``extract`` holds further graph-deciding extract-scope option values (kebab names;
        :meth:`Options.graph_values`, e.g. ``input-dtype``) beside ``input_shape``;
        ``memory_limit`` (bytes, 0 for none) caps the worker while it extracts ``spec``.
        """
        parsed = self._parse(spec)
        if parsed.kind == "ir":
            assert parsed.path is not None
            return LoadedModel(graph=read_ir_file(parsed), sources=(parsed.path,), from_cache=False)
        found = self._lookup(parsed, input_shape, extract)
        if found is not None:
            return found
        if self.offline:
            where = (
                f"no snapshot of it in {self.snapshot_dir.name!r}"
                if self.snapshot_dir is not None
                else "no snapshot_dir is configured"
            )
            raise ExtractionError(
                f"model spec {parsed.text!r}: extraction is off (offline: NETVIZ_OFFLINE or "
                f"the 'offline' setting) and {where}; build once with the framework "
                "installed to write it"
            )
        if parsed.kind == "file":
            assert parsed.path is not None
            if not parsed.path.is_file():
                raise ExtractionError(missing_file(parsed))
        key = self._key(parsed, input_shape, extract)
        # A file the running worker imported was edited (``mkdocs serve``, or an edit between
        # two specs): its module object is stale, so the worker must start afresh.
        if self._worker.loaded and not sources_current(sorted(self._worker.loaded.items())):
            self._worker.restart()
        result = self._worker.request(
            parsed.text,
            input_shape=input_shape,
            timeout=self.timeout if timeout is None else float(timeout),
            memory_limit=self.memory_limit if memory_limit is None else memory_limit,
            input_dtype=(extract or {}).get("input-dtype"),
        )
        try:
            graph = Graph.from_dict(result.graph)
        except (KeyError, TypeError, ValueError) as exc:
            raise ExtractionError(
                f"model spec {parsed.text!r}: the worker returned an unreadable graph ({exc})"
            ) from None
        self.extractions += 1
        portable = relative_sources(result.sources, self.base_dir, self._anchors, keep_outside=True)
        self.cache.put_ir(key, graph, portable, spec=parsed.text)
        self._snapshot(parsed, input_shape, extract, graph, portable)
        return self._remember(
            key,
            LoadedModel(
                graph=graph, sources=tuple(Path(p) for p, _ in result.sources), from_cache=False
            ),
        )

    def _lookup(
        self,
        spec: ModelSpec,
        input_shape: Sequence[Any] | None,
        extract: Mapping[str, Any] | None,
        *,
        probe: bool = False,
    ) -> LoadedModel | None:
        """Memo, snapshot (when this build cannot extract), then the disk cache.

        A ``probe`` (is it there without a worker?) neither warns about a stale snapshot nor
        remembers it: the warning belongs to the load that draws it, where the adapter knows
        the diagram's location.
        """
        key = self._key(spec, input_shape, extract)
        memo = self._memo.get(key)
        if memo is not None and file_stamps(memo[0].sources) == memo[1]:
            return memo[0]
        if self.snapshot_dir is not None:
            snap = self._read_snapshot(spec, input_shape, extract)
            if snap is not None and (self.offline or not extractable(snap)):
                if probe:
                    return self._from_snapshot(snap, warn=False)
                return self._remember(key, self._from_snapshot(snap))
        entry = self.cache.get_ir(key, base_dir=self.base_dir, sys_path=self._anchors)
        if entry is None:
            return None
        self._snapshot(spec, input_shape, extract, entry.graph, entry.sources)
        return self._remember(
            key,
            LoadedModel(
                graph=entry.graph,
                sources=resolved_paths(entry.sources, self.base_dir, self._anchors),
                from_cache=True,
            ),
        )

    # -- snapshots ---------------------------------------------------------------------------
    @staticmethod
    def _snapshot_options(
        input_shape: Sequence[Any] | None, extract: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        return {**(extract or {}), "input-shape": None if input_shape is None else input_shape}

    def _read_snapshot(
        self,
        spec: ModelSpec,
        input_shape: Sequence[Any] | None,
        extract: Mapping[str, Any] | None,
    ) -> Snapshot | None:
        assert self.snapshot_dir is not None
        return read_snapshot(
            self.snapshot_dir, spec.text, self._snapshot_options(input_shape, extract)
        )

    def _from_snapshot(self, snap: Snapshot, *, warn: bool = True) -> LoadedModel:
        stale = snap.stale(self.base_dir, self._anchors) if warn else []
        if stale and self._on_warning is not None:
            shown = ", ".join(p.removeprefix(SYS_PATH) for p in stale)
            self._on_warning(
                f"snapshot of {snap.spec} is stale ({shown} changed); "
                "rebuild with the framework installed to refresh"
            )
        return LoadedModel(
            graph=snap.graph,
            sources=resolved_paths(snap.sources, self.base_dir, self._anchors),
            from_cache=True,
            from_snapshot=True,
        )

    def _snapshot(
        self,
        spec: ModelSpec,
        input_shape: Sequence[Any] | None,
        extract: Mapping[str, Any] | None,
        graph: Graph,
        sources: Sequence[tuple[str, str]],
    ) -> None:
        """Write (or refresh) the snapshot of a freshly extracted or cached graph."""
        if self.snapshot_dir is None or self._snapshot_write_failed:
            return
        snap = Snapshot(
            spec=spec.text,
            graph=graph,
            sources=portable_only(sources),
            options=self._snapshot_options(input_shape, extract),
        )
        try:
            write_snapshot(self.snapshot_dir, snap)
        except OSError as exc:
            self._snapshot_write_failed = True
            if self._on_warning is not None:
                self._on_warning(
                    f"cannot write snapshots to {str(self.snapshot_dir)!r} "
                    f"({exc.strerror or exc}); continuing without writing them"
                )

    def _remember(self, key: str, loaded: LoadedModel) -> LoadedModel:
        stamps = file_stamps(loaded.sources)
        if stamps is not None:
            self._memo[key] = (replace(loaded, from_cache=True), stamps)
        return loaded

    def cached(
        self,
        spec: str | ModelSpec,
        *,
        input_shape: InputShape | None = None,
        extract: Mapping[str, Any] | None = None,
    ) -> LoadedModel | None:
        """The graph of a factory or model-file ``spec`` if it can be had without a worker
        (memo, snapshot when this build cannot extract, or the disk cache with unchanged
        sources), else None; never starts the worker (raises SpecError if malformed)."""
        parsed = self._parse(spec)
        if parsed.kind == "ir":
            return None
        return self._lookup(parsed, input_shape, extract, probe=True)

    def prestart(self, spec: str | ModelSpec | None = None) -> None:
        """Start the worker in the background (a build that knows it is cold calls this early
        so that the framework's import overlaps with its own work). Given the cold ``spec``,
        the worker imports its factory module (and so its framework) right away. Never when
        offline."""
        if self.offline:
            return
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
    ``memory_limit="2GiB"``, ``input_dtype="int64"``) plus ``cache_dir`` (default
    :func:`default_cache_dir`; ``None`` disables), ``base_dir``, ``sys_path``,
    ``snapshot_dir`` and ``offline``.
    """
    cache_dir: Any = options.pop("cache_dir", default_cache_dir())
    base_dir: Any = options.pop("base_dir", None)
    sys_path: Any = options.pop("sys_path", ())
    snapshot_dir: Any = options.pop("snapshot_dir", None)
    offline: Any = options.pop("offline", False)
    resolved = resolve_options(options)
    loader = ModelLoader(
        cache_dir=None if cache_dir is None else Path(cache_dir),
        base_dir=None if base_dir is None else Path(base_dir),
        sys_path=tuple(sys_path),
        timeout=resolved.timeout,
        memory_limit=resolved.memory_limit,
        snapshot_dir=None if snapshot_dir is None else Path(snapshot_dir),
        offline=bool(offline),
    )
    try:
        return loader.load(
            spec, input_shape=resolved.input_shape, extract=resolved.extract_values()
        ).graph
    except NetvizError:
        raise
    finally:
        loader.close()
