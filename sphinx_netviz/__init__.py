"""netviz: Net2Vis-style diagrams of Keras and PyTorch models in Sphinx and MkDocs documentation.

This package is the Sphinx extension (``extensions = ["sphinx_netviz"]``) and holds the shared
rendering core in :mod:`sphinx_netviz.core`. Sphinx is imported only when :func:`setup` runs,
so the core and the CLI work where Sphinx is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core import __version__
from .extra import MISSING_SPHINX

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["MISSING_SPHINX", "__version__", "setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point: register the ``netviz`` directive, config values and visitors."""
    try:
        from sphinx_netviz.directive import setup as _setup
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in {"sphinx", "docutils"}:
            raise ModuleNotFoundError(MISSING_SPHINX, name=exc.name) from None
        raise
    return _setup(app)
