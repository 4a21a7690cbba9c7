"""Committed IR snapshots: extract where the framework is installed, draw everywhere else.

The pattern of jupyter-cache, sphinx-gallery's stored outputs and lockfiles: a build that
has the framework writes one small, readable JSON file per model into a folder the project
commits (``netviz_snapshot_dir`` / the plugin's ``snapshot_dir``); a build that cannot
extract (no framework installed, ``NETVIZ_OFFLINE=1``, or the ``offline`` setting) draws from
those files and starts no worker. The IR is plain data and rendering is a pure function of
it, so the same snapshot gives byte-identical SVG on any machine.

Each file records the project sources the graph was made from, by portable path and SHA-256
(:mod:`.sources`; never an absolute path). A snapshot whose sources changed since is *stale*:
it still draws, and the loader warns once, so ``-W`` / ``--strict`` in CI catches a model
edited without refreshing its snapshot.

The file format is stable on purpose (sorted keys, two-space indent, a trailing newline,
written only when its content changes), so a refresh that changes nothing leaves no diff.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ir.errors import ExtractionError
from ..ir.graph import Graph
from ..worker.sources import Fingerprint, changed_sources

if TYPE_CHECKING:
    from ..options.schema import Options

__all__ = [
    "SNAPSHOT_SCHEMA",
    "Snapshot",
    "expected_snapshot",
    "extractable",
    "framework_importable",
    "graph_from_text",
    "offline_from_env",
    "read_snapshot",
    "required_modules",
    "snapshot_digest",
    "snapshot_filename",
    "snapshot_text",
    "write_snapshot",
]

#: Layout version of a snapshot file; readers ignore files of another version.
SNAPSHOT_SCHEMA = 1

#: The environment switch that makes every build draw from snapshots only.
OFFLINE_ENV = "NETVIZ_OFFLINE"

_HEAD = 512  # bytes of a file that hold its digest (the first key)
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
_SLUG_MAX = 60


def offline_from_env() -> bool:
    """True when ``NETVIZ_OFFLINE`` is set to a true value (``1``, ``true``, ``yes``)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _canonical_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Option values as stored and hashed: kebab names, JSON types, ``None`` dropped."""
    out: dict[str, Any] = {}
    for key, value in sorted(options.items()):
        if value is None:
            continue
        out[key.replace("_", "-")] = list(value) if isinstance(value, tuple) else value
    return out


def snapshot_filename(spec: str, options: Mapping[str, Any] | None = None) -> str:
    """``<readable slug>-<short hash>.json`` for a spec and its graph-deciding options.

    The slug lets a reader find a model's file in a diff; the hash (over the exact spec text
    and options) keeps ``f(depth=18)`` and ``f(depth=34)`` or two input shapes apart.
    """
    text = spec.strip()
    blob = json.dumps([text, _canonical_options(options or {})], sort_keys=True)
    digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
    slug = _SLUG.sub("-", text.replace(":", "--")).strip("-.")[:_SLUG_MAX].rstrip("-.")
    return f"{slug or 'model'}-{digest}.json"


@dataclass(frozen=True)
class Snapshot:
    """One committed model: the spec and options it answers, its IR and its sources."""

    spec: str
    graph: Graph
    sources: tuple[Fingerprint, ...]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def framework(self) -> str:
        """The framework that extracted the graph (``keras``, ``torch``...), from its meta."""
        return str(self.graph.meta.get("framework") or "")

    def stale(self, base_dir: Path | None, sys_path: Sequence[str]) -> list[str]:
        """Recorded sources that changed or vanished (empty while the snapshot is current)."""
        return changed_sources(self.sources, base_dir, sys_path)


def required_modules(graph: Graph) -> tuple[str, ...]:
    """Top-level modules a worker needs to re-extract ``graph``'s model: the framework and,
    for Keras 3, its backend (``keras`` is useless without ``tensorflow``/``jax``/``torch``);
    a Hugging Face folder (extractor ``hf``) needs ``transformers`` beside torch."""
    meta = graph.meta
    names = [str(meta.get("framework") or "")]
    backend = meta.get("backend")
    if names[0] == "keras" and isinstance(backend, str) and backend != "numpy":
        names.append(backend)
    if meta.get("extractor") == "hf":
        names.append("transformers")
    return tuple(n for n in names if n)


@functools.cache
def framework_importable(module: str) -> bool:
    """Whether ``module`` could be imported, decided without importing it (``find_spec``)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def snapshot_digest(snapshot: Snapshot) -> str:
    """A SHA-256 over everything the file holds, cheap to compute on a warm build (the
    graph's content hash is already known there): written near the top of the file, it lets
    :func:`write_snapshot` see that a file is current by reading a few bytes instead of
    serialising and comparing a large graph."""
    blob = json.dumps(
        [
            SNAPSHOT_SCHEMA,
            snapshot.spec.strip(),
            _canonical_options(snapshot.options),
            snapshot.graph.content_hash(),
            snapshot.graph.meta,
            [list(s) for s in snapshot.sources],
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def snapshot_text(snapshot: Snapshot) -> str:
    """The file's content: stable, readable JSON with a trailing newline."""
    data = {
        "digest": snapshot_digest(snapshot),
        "netviz_snapshot": SNAPSHOT_SCHEMA,
        "spec": snapshot.spec.strip(),
        "options": _canonical_options(snapshot.options),
        "framework": snapshot.framework,
        "requires": list(required_modules(snapshot.graph)),
        "sources": [{"path": p, "sha256": h} for p, h in snapshot.sources],
        "graph": snapshot.graph.to_dict(),
    }
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_snapshot(directory: Path, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` into ``directory`` (atomically, and only if its content changed).

    Whether it changed is read from the digest near the top of the existing file (sorted
    keys put ``"digest"`` first), so a warm build checks a large model's snapshot in
    microseconds instead of re-serialising it."""
    path = Path(directory) / snapshot_filename(snapshot.spec, snapshot.options)
    marker = f'"digest": "{snapshot_digest(snapshot)}"'.encode()
    with contextlib.suppress(OSError), path.open("rb") as fh:
        if marker in fh.read(_HEAD):
            return path
    text = snapshot_text(snapshot)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A plain open() (not mkstemp, which creates mode 0600): a committed file gets the
    # user's usual permissions. The name is unique per process and thread.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        tmp.replace(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return path


def read_snapshot(
    directory: Path, spec: str, options: Mapping[str, Any] | None = None
) -> Snapshot | None:
    """The snapshot of ``spec`` with ``options`` in ``directory``; None when there is none.

    A file that exists but cannot be read as a snapshot of this spec raises
    :class:`ExtractionError` naming the file (a broken commit deserves a message, not a
    silent worker start).
    """
    path = Path(directory) / snapshot_filename(spec, options)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractionError(
            f"model spec {spec.strip()!r}: cannot read snapshot {path.name!r} ({exc})"
        ) from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("netviz_snapshot") != SNAPSHOT_SCHEMA:
            raise ValueError(f"not a netviz snapshot of version {SNAPSHOT_SCHEMA}")
        if str(data.get("spec", "")).strip() != spec.strip():
            raise ValueError(f"it holds {data.get('spec')!r}")
        graph = Graph.from_dict(data["graph"])
        sources = tuple(sorted((str(s["path"]), str(s["sha256"])) for s in data["sources"]))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise ExtractionError(
            f"model spec {spec.strip()!r}: unreadable snapshot {path.name!r} ({first})"
        ) from None
    return Snapshot(
        spec=spec.strip(),
        graph=graph,
        sources=sources,
        options=dict(data.get("options") or {}),
    )


def graph_from_text(text: str) -> tuple[Graph, str | None]:
    """The graph of a snapshot file's or an IR file's text, and the spec a snapshot
    records (None for a bare IR): either kind of file names a model. Raises ValueError."""
    data = json.loads(text)
    if isinstance(data, dict) and "netviz_snapshot" in data:
        if data.get("netviz_snapshot") != SNAPSHOT_SCHEMA:
            raise ValueError(f"not a netviz snapshot of version {SNAPSHOT_SCHEMA}")
        try:
            return Graph.from_dict(data["graph"]), str(data.get("spec", ""))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"unreadable snapshot ({type(exc).__name__}: {exc})") from None
    try:
        return Graph.from_dict(data), None
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from None


def extractable(snap: Snapshot) -> bool:
    """Whether this environment could re-extract the snapshot's model (cheap: find_spec)."""
    return all(framework_importable(m) for m in required_modules(snap.graph))


def expected_snapshot(folder: Path, spec: str, options: Options) -> Path:
    """The file a build with ``options`` looks ``spec`` up in (the loader's own key)."""
    return folder / snapshot_filename(spec, options.graph_values())
