"""Content-addressed disk cache for IRs and rendered diagrams.

IR entries are keyed by what decides the extracted graph: the spec text, the extract-scope
options (input shape...), the installed framework versions (read from package metadata, never
by importing them) and the extractor and IR versions. Not by where the project lies nor by
``sys.path``: a project moved to another folder, restored by CI at another path or built with
one more ``PYTHONPATH`` entry keeps its warm entries. Each entry stores the fingerprints of
the spec's project source files (the factory's module and the drawn classes' modules with
their project imports, :mod:`..worker.imports`), by *portable* path (relative to the project
or to a ``sys.path`` entry, :mod:`..worker.sources`) and SHA-256; a lookup re-hashes those
files, resolved against the *current* project, and returns the IR only if all still match.
That check is also what keeps two projects with the same spec apart (their sources differ),
and it needs neither the worker nor the framework, which is what makes a warm docs build fast.

A key keeps several *versions* side by side, one per distinct source list (at most
:data:`MAX_VERSIONS`, least recently used evicted): ``ir/<key>/<version>.sources.json`` (the
small file a lookup reads) and ``ir/<key>/<version>.graph.json``. So reverting an edit finds
the version of before the edit, warm, and a branch switch back and forth stays warm too. The
version is a hash of the fingerprints, never of a path: the same sources, the same file.

Diagram entries are keyed by the diagram key (IR content hash + render options + renderer
version) and hold the SVG documents.

Writes are atomic (a temporary file in the same directory, then :func:`os.replace`), so two
processes sharing the directory never see half an entry; a truncated, corrupt or
wrong-schema entry is treated as a miss and overwritten. If the directory cannot be created
or written, the cache switches itself off and reports that once through ``on_warning``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..ir.graph import SCHEMA_VERSION, Graph
from ..worker.sources import Fingerprint, changed_sources, resolve_source, sha256_file

__all__ = [
    "CACHE_SCHEMA",
    "EXTRACTOR_VERSION",
    "MAX_VERSIONS",
    "DiskCache",
    "IrEntry",
    "default_cache_dir",
    "framework_versions",
    "ir_key",
]

#: Layout version of cache entries; bump to invalidate every entry. (2: IR entries became
#: folders of versions; the single ``ir/<key>.json`` files of 1 are never read again.)
CACHE_SCHEMA = 2
#: Versions of one IR key kept side by side (an edit, its revert, a branch or two); the least
#: recently used beyond these are deleted when a new one is stored.
MAX_VERSIONS = 4
_SOURCES = ".sources.json"
_GRAPH = ".graph.json"
#: Bump when the extractor's output changes for the same model.
EXTRACTOR_VERSION = "2"


@functools.cache
def default_cache_dir() -> Path:
    """``$NETVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/netviz``, else ``~/.cache/netviz``."""
    explicit = os.environ.get("NETVIZ_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "netviz"


def framework_versions() -> dict[str, str]:
    """Each registered extraction route's version string, by route name.

    A route's ``version()`` holds its own version, the installed versions of the
    distributions that shape its output (read from package metadata, never by importing a
    framework) and, for Keras, the configured backend: the same model on JAX and TensorFlow
    is cached apart. Read once per process: ``importlib.metadata`` scans site-packages
    (milliseconds a call, which every warm lookup would pay).
    """
    from ..extract.keras.env import keras_backend

    return dict(_versions(keras_backend()))


@functools.cache
def _versions(backend: str) -> tuple[tuple[str, str], ...]:
    """The routes' versions under one Keras backend (the one input that can change within a
    process, with ``KERAS_BACKEND``); measured: 12 ms a lookup, a quarter of a warm
    20-diagram ``sphinx-build -E``, before it was kept."""
    from ..extract.base import registered

    del backend  # the cache key: each route reads the backend itself
    return tuple((extractor.name, extractor.version()) for extractor in registered())


def ir_key(
    spec: str,
    *,
    input_shape: Sequence[Any] | None = None,
    extract: Mapping[str, Any] | None = None,
    versions: dict[str, str] | None = None,
) -> str:
    """The cache key of an IR: a SHA-256 over everything that decides the extracted graph.

    ``extract`` holds further extract-scope option values (beside ``input_shape``) that change
    the graph. Deliberately absent: the base directory and ``sys.path`` (see the module
    docstring); the stored sources' hashes, checked on lookup, stand in for them.
    """
    scope = {k: v for k, v in sorted((extract or {}).items()) if v is not None}
    blob = json.dumps(
        {
            "spec": spec.strip(),
            "input_shape": None if input_shape is None else list(input_shape),
            "extract": scope,
            "versions": framework_versions() if versions is None else versions,
            "extractor": EXTRACTOR_VERSION,
            "ir_schema": SCHEMA_VERSION,
        },
        sort_keys=True,
        default=list,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IrEntry:
    """A valid cached IR and the sources it was checked against."""

    graph: Graph
    #: Portable fingerprints (:mod:`.sources`), all current at lookup time.
    sources: tuple[Fingerprint, ...]


#: ``(path, mtime_ns, size)`` per file: a cheap "has anything changed" check for in-process
#: memos (the disk cache itself compares content hashes).
Stamps = tuple[tuple[str, int, int], ...]


def file_stamps(paths: Iterable[Path]) -> Stamps | None:
    """The stamps of ``paths`` (sorted, deduplicated), or None when one of them is gone."""
    out = []
    for path in sorted(set(paths)):
        try:
            st = path.stat()
        except OSError:
            return None
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _current(
    sources: Sequence[tuple[str, str]],
    base_dir: Path | None,
    sys_path: Sequence[str],
    digests: dict[str, str | None],
) -> bool:
    """:func:`sources_current` with a memo of digests by stored path (one lookup hashes a
    file once, however many versions list it)."""
    for rel, digest in sources:
        if rel not in digests:
            path = resolve_source(rel, base_dir, sys_path)
            digests[rel] = None if path is None else sha256_file(path)
        if digests[rel] != digest:
            return False
    return True


def sources_current(
    sources: Sequence[tuple[str, str]],
    base_dir: Path | None = None,
    sys_path: Sequence[str] = (),
) -> bool:
    """True if every recorded file still exists with the same SHA-256 (portable paths are
    resolved against ``base_dir`` and ``sys_path``)."""
    return not changed_sources(sources, base_dir, sys_path)


class DiskCache:
    """The cache directory: ``ir/<key>/<version>.{sources,graph}.json`` and
    ``svg/<key>.json``.

    ``root=None`` is a disabled cache (every lookup misses, stores do nothing).
    """

    def __init__(
        self, root: Path | None, *, on_warning: Callable[[str], None] | None = None
    ) -> None:
        self.root = Path(root) if root is not None else None
        self._on_warning = on_warning
        self._warned = False

    @property
    def enabled(self) -> bool:
        """False when no directory was given or it turned out to be unwritable."""
        return self.root is not None

    def _disable(self, why: str) -> None:
        root = self.root
        self.root = None
        if not self._warned:
            self._warned = True
            if self._on_warning is not None:
                self._on_warning(
                    f"netviz cache directory {str(root)!r} is unusable ({why}); "
                    "continuing without a cache"
                )

    # -- raw entries --------------------------------------------------------------------
    def _path(self, section: str, key: str) -> Path | None:
        if self.root is None:
            return None
        if not key or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"invalid cache key {key!r}")
        return self.root / section / f"{key}.json"

    def _read(self, section: str, key: str) -> dict[str, Any] | None:
        path = self._path(section, key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("cache_schema") != CACHE_SCHEMA:
            return None
        if data.get("key") != key:
            return None
        return data

    def _write(self, section: str, key: str, data: dict[str, Any]) -> None:
        path = self._path(section, key)
        if path is not None:
            self._write_file(path, key, data)

    def _write_file(self, path: Path, key: str, data: dict[str, Any]) -> None:
        if self.root is None:
            return
        payload = dict(data, cache_schema=CACHE_SCHEMA, key=key)
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            Path(tmp).replace(path)
            tmp = None
        except OSError as exc:
            self._disable(exc.strerror or str(exc))
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    Path(tmp).unlink()

    # -- IR -------------------------------------------------------------------------------
    def _versions(self, key: str) -> list[tuple[int, Path]]:
        """``(mtime_ns, <version>.sources.json)`` of ``key``'s versions, most recently used
        first (ties by name: the order is deterministic)."""
        folder = self._path("ir", key)
        if folder is None:
            return []
        stamped = []
        with contextlib.suppress(OSError):
            for path in folder.with_suffix("").glob(f"*{_SOURCES}"):
                with contextlib.suppress(OSError):
                    stamped.append((-path.stat().st_mtime_ns, path.name, path))
        return [(-neg, path) for neg, _, path in sorted(stamped)]

    @staticmethod
    def _mark_used(marker: Path, versions: list[tuple[int, Path]]) -> None:
        """Make ``marker`` the most recently used version: its mtime is now, or just after
        the newest one's (file clocks tick in milliseconds; the order must stay strict)."""
        newest = max((stamp for stamp, path in versions if path != marker), default=0)
        stamp = max(time.time_ns(), newest + 1)
        with contextlib.suppress(OSError):
            os.utime(marker, ns=(stamp, stamp))

    def _read_file(self, path: Path, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("cache_schema") != CACHE_SCHEMA:
            return None
        return data if data.get("key") == key else None

    def get_ir(
        self, key: str, *, base_dir: Path | None = None, sys_path: Sequence[str] = ()
    ) -> IrEntry | None:
        """The newest cached IR of ``key`` whose source files (resolved against the current
        ``base_dir`` and ``sys_path``) are all unchanged, or None.

        Several versions of one key live side by side (an edit and its revert are both
        warm); each file is hashed at most once per lookup, however many versions list it.
        The version found becomes the most recently used one."""
        digests: dict[str, str | None] = {}
        versions = self._versions(key)
        for _, marker in versions:
            data = self._read_file(marker, key)
            if data is None:
                continue
            try:
                sources = tuple((str(p), str(h)) for p, h in data["sources"])
            except (KeyError, TypeError, ValueError):
                continue
            if not _current(sources, base_dir, sys_path, digests):
                continue
            graph_data = self._read_file(
                marker.with_name(marker.name[: -len(_SOURCES)] + _GRAPH), key
            )
            try:
                graph = Graph.from_dict(graph_data["graph"]) if graph_data else None
            except (KeyError, TypeError, ValueError):
                graph = None
            if graph is None:
                continue  # a version without its graph is a miss for that version only
            self._mark_used(marker, versions)
            return IrEntry(graph=graph, sources=sources)
        return None

    def put_ir(
        self, key: str, graph: Graph, sources: Sequence[tuple[str, str]], *, spec: str = ""
    ) -> None:
        """Store an IR with the (portable) fingerprints of the files it depends on, as the
        version of ``key`` those fingerprints name; keep the :data:`MAX_VERSIONS` most
        recently used versions of ``key``.

        The graph is written first and the small sources file last: a reader that finds the
        sources file finds the graph too. No index file, so concurrent writers cannot lose
        each other's versions (only eviction, which ignores files already gone)."""
        folder = self._path("ir", key)
        if folder is None:
            return
        folder = folder.with_suffix("")
        listed = [list(s) for s in sorted(sources)]
        version = hashlib.sha256(json.dumps(listed).encode("utf-8")).hexdigest()[:32]
        marker = folder / f"{version}{_SOURCES}"
        self._write_file(
            folder / f"{version}{_GRAPH}", key, {"spec": spec, "graph": graph.to_dict()}
        )
        self._write_file(marker, key, {"spec": spec, "sources": listed})
        self._mark_used(marker, self._versions(key))
        for _, old in self._versions(key)[MAX_VERSIONS:]:
            for path in (old, old.with_name(old.name[: -len(_SOURCES)] + _GRAPH)):
                with contextlib.suppress(OSError):
                    path.unlink()

    # -- diagrams -------------------------------------------------------------------------
    def get_diagram(self, key: str) -> dict[str, Any] | None:
        """The cached rendered diagram fields (svg, legend_svg, ...) or None."""
        data = self._read("svg", key)
        if data is None:
            return None
        diagram = data.get("diagram")
        if not isinstance(diagram, dict) or not isinstance(diagram.get("svg"), str):
            return None
        return diagram

    def put_diagram(self, key: str, diagram: dict[str, Any]) -> None:
        """Store rendered diagram fields (JSON-safe values)."""
        self._write("svg", key, {"diagram": diagram})
