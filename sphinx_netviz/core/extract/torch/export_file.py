"""Reading a saved ``.pt2`` program with one clear message per failure (no traceback in the
docs build's log): what :mod:`.export` walks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...ir.errors import ExtractionError

if TYPE_CHECKING:
    from ...ir.spec import ModelSpec

__all__ = ["load_program"]


def load_program(spec: ModelSpec) -> Any:
    """The ``torch.export`` program saved at the spec's path; every failure is one
    :class:`ExtractionError` naming the spec (missing file, not a program, another torch's
    export schema)."""
    import logging

    try:
        import torch
    except ImportError:
        raise ExtractionError(
            f"model spec {spec.text!r}: reading a .pt2 program needs PyTorch, which is not "
            "installed here (pip install 'netviz[torch]')"
        ) from None

    assert spec.path is not None
    if not spec.path.is_file():
        raise ExtractionError(f"model spec {spec.text!r}: no such file {str(spec.path)!r}")
    # torch logs the whole traceback of a failed load as a warning; the one-line error below
    # says it all, and a docs build's log should not show a traceback for a bad file.
    logger = logging.getLogger("torch.export")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return torch.export.load(str(spec.path))
    except Exception as exc:  # zip errors, unpickling, version mismatches: all one message
        version = torch.__version__.split("+")[0]
        saved = _saved_versions(spec.path)
        if saved is not None and saved[1] != _schema_major():
            raise ExtractionError(
                f"model spec {spec.text!r}: the .pt2 file was saved by torch {saved[0]} "
                f"(export schema {saved[1]}); this torch {version} reads schema "
                f"{_schema_major()}: export it again with this torch version"
            ) from None
        raise ExtractionError(
            f"model spec {spec.text!r}: not a readable torch.export program (written by "
            f"torch.export.save; this is torch {version}): {_innermost(exc)}"
        ) from None
    finally:
        logger.setLevel(level)


def _innermost(exc: BaseException) -> str:
    """The root cause's type and first line (torch wraps it in a generic RuntimeError)."""
    seen: set[int] = set()
    while (exc.__cause__ or exc.__context__) is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    first = next((line for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first.strip()[:200]}".rstrip(": ")


def _schema_major() -> int:
    from torch._export.serde.schema import SCHEMA_VERSION

    return int(SCHEMA_VERSION[0])


def _saved_versions(path: Any) -> tuple[str, int] | None:
    """(torch version, export schema major) recorded in a .pt2 archive, if readable."""
    import json
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if "/models/" in n and n.endswith(".json"))
            data = json.loads(archive.read(name))
        schema = data.get("schema_version") or {}
        return str(data.get("torch_version") or "?"), int(schema["major"])
    except (OSError, ValueError, KeyError, TypeError, StopIteration, zipfile.BadZipFile):
        return None
