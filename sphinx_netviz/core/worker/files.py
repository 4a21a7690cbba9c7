"""Which files are the user's project, and their digests: what the worker reports as a
diagram's sources (the cache key follows them) and how its crash messages pick a frame.

Project files are whatever is neither the standard library nor an installed package.
"""

from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from pathlib import Path

__all__ = ["file_sha256", "is_project_file"]


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _library_roots() -> tuple[str, ...]:
    roots: set[str] = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if key in paths:
            roots.add(os.path.realpath(paths[key]))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        lib = Path(prefix) / "lib"
        ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
        roots.add(os.path.realpath(lib / ver))
    return tuple(sorted(roots))


_LIBRARY_ROOTS = _library_roots()


def is_project_file(path: str | Path) -> bool:
    """True for a source file of the user's project (not stdlib, not an installed package)."""
    real = os.path.realpath(path)
    parts = Path(real).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    return not any(real == root or real.startswith(root + os.sep) for root in _LIBRARY_ROOTS)
