"""The files a page's diagram depends on, found before (and without) importing the model.

Recorded at read time, so that editing a model's source re-reads the page even when the
model failed to import; the full list comes from the core after loading.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["module_file", "spec_dependencies"]


def spec_dependencies(kind: str, module: str | None, path: Path | None) -> list[Path]:
    """Files a page depends on, found without importing anything.

    For a factory that is the module's own source file on ``sys.path`` (so even a model that
    fails to import is retried when its file is edited); for saved models the file itself.
    The full list (every project file the import touched) comes from the core after loading.
    """
    if kind != "factory":
        return [path] if path is not None else []
    found = module_file(module or "")
    return [found] if found is not None else []


def module_file(module: str, search_path: Iterable[str] | None = None) -> Path | None:
    """The ``.py`` file of dotted ``module`` on ``search_path`` (default ``sys.path``)."""
    import sys

    parts = module.split(".")
    if not module or not all(p.isidentifier() for p in parts):
        return None
    for entry in search_path if search_path is not None else sys.path:
        base = Path(entry or ".").joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate.resolve()
    return None
