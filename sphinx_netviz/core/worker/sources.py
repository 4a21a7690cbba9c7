"""Source fingerprints that survive a move: project files by relative path and SHA-256.

The worker reports the project files a model's import loaded by absolute path. Stored as
such (in the disk cache or a committed snapshot) they would tie an entry to one checkout:
the same project restored by CI at another path would miss every entry. So what is stored
is a path relative to the project (the Sphinx conf/source dir or the ``mkdocs.yml`` dir),
and a file outside it is stored relative to the ``sys.path`` entry it was imported from,
marked with the :data:`SYS_PATH` prefix and looked up on the current ``sys.path`` when
checked. Never an absolute path: that is what makes a cache or snapshot portable.

A file under neither lies outside the project, so it does not move with it: the disk cache
(local to one machine) records it by absolute path, which still validates the entry after the
project moved; a snapshot (committed, read on other machines) does not record it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

__all__ = [
    "SYS_PATH",
    "Fingerprint",
    "changed_sources",
    "import_anchors",
    "portable_only",
    "portable_path",
    "relative_sources",
    "resolve_source",
    "resolved_paths",
    "sha256_file",
]

#: Prefix of a recorded path that is relative to a ``sys.path`` entry, not to the project.
SYS_PATH = "<sys.path>/"

#: ``(portable relative path, sha256 hex)`` of one source file.
Fingerprint = tuple[str, str]


def sha256_file(path: Path) -> str | None:
    """SHA-256 hex digest of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _under(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` in POSIX form if it lies inside it, else None."""
    if not root:
        return None
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return PurePosixPath(*Path(rel).parts).as_posix()


def _roots(base_dir: Path | None) -> list[str]:
    """Where project-relative paths are anchored: the base dir, then its parent (the usual
    ``docs/`` + ``src/`` layout of a Sphinx project keeps both in one repository)."""
    if base_dir is None:
        return []
    base = os.path.realpath(base_dir)
    return [base, str(Path(base).parent)]


def portable_path(path: str | Path, base_dir: Path | None, sys_path: Sequence[str]) -> str | None:
    """The stored form of ``path`` (see the module docstring), or None if it has none."""
    real = os.path.realpath(path)
    roots = _roots(base_dir)
    if roots:
        inside = _under(real, roots[0])
        if inside is not None:
            return inside
    # Longest matching sys.path entry first: a package dir nested in another entry.
    for entry in sorted((os.path.realpath(p) for p in sys_path if p), key=len, reverse=True):
        rel = _under(real, entry)
        if rel is not None:
            return SYS_PATH + rel
    if len(roots) > 1:
        rel = _under(real, roots[1])
        if rel is not None:
            return f"../{rel}"
    return None


def relative_sources(
    sources: Iterable[tuple[str, str]],
    base_dir: Path | None,
    sys_path: Sequence[str],
    *,
    keep_outside: bool = False,
) -> tuple[Fingerprint, ...]:
    """``(absolute path, sha)`` pairs from the worker as sorted portable fingerprints.

    A file outside the project and ``sys.path`` is dropped, or with ``keep_outside`` kept by
    its absolute path (see the module docstring)."""
    out: dict[str, str] = {}
    for path, digest in sources:
        rel = portable_path(path, base_dir, sys_path)
        if rel is None and keep_outside:
            rel = str(Path(path).resolve())
        if rel is not None:
            out[rel] = digest
    return tuple(sorted(out.items()))


def portable_only(sources: Iterable[Fingerprint]) -> tuple[Fingerprint, ...]:
    """The fingerprints that hold no absolute path (what a committed snapshot may record)."""
    return tuple(s for s in sources if not Path(s[0]).is_absolute())


def import_anchors(sys_path: Sequence[str]) -> tuple[str, ...]:
    """Where a worker may have imported project files from: ``sys_path`` and ``PYTHONPATH``
    (the worker inherits the environment), deduplicated in order."""
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return tuple(dict.fromkeys([*(p for p in sys_path if p), *extra]))


def resolve_source(rel: str, base_dir: Path | None, sys_path: Sequence[str]) -> Path | None:
    """The current file a stored path names (None if it cannot be found)."""
    if rel.startswith(SYS_PATH):
        tail = rel[len(SYS_PATH) :]
        for entry in sys_path:
            if entry:
                candidate = Path(entry) / tail
                if candidate.is_file():
                    return candidate
        return None
    if Path(rel).is_absolute():
        return Path(rel)  # never written by netviz itself; still checked by content
    if base_dir is None:
        return None
    return Path(base_dir) / rel


def changed_sources(
    sources: Sequence[Fingerprint], base_dir: Path | None, sys_path: Sequence[str]
) -> list[str]:
    """The stored paths whose file is gone or has other content now (empty: all current)."""
    changed = []
    for rel, digest in sources:
        path = resolve_source(rel, base_dir, sys_path)
        if path is None or sha256_file(path) != digest:
            changed.append(rel)
    return changed


def resolved_paths(
    sources: Sequence[Fingerprint], base_dir: Path | None, sys_path: Sequence[str]
) -> tuple[Path, ...]:
    """The current absolute files of stored fingerprints (those that exist)."""
    out = []
    for rel, _ in sources:
        path = resolve_source(rel, base_dir, sys_path)
        if path is not None and path.exists():
            out.append(path)
    return tuple(out)
