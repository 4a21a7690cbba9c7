"""netviz: Net2Vis-style diagrams of Keras models in Sphinx and MkDocs documentation.

This package is the Sphinx extension (``extensions = ["sphinx_netviz"]``) and holds the shared
rendering core in :mod:`sphinx_netviz.core`. Sphinx is imported only when :func:`setup` runs,
so the core and the CLI work where Sphinx is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point: register the ``netviz`` directive, config values and visitors."""
    from .directive import setup as _setup

    return _setup(app)
