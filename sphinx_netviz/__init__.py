"""netviz: Net2Vis-style diagrams of Keras and PyTorch models in Sphinx and MkDocs documentation.

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


#: The one line a user sees when the Sphinx extension is used without its extra.
MISSING_SPHINX = (
    'netviz: the Sphinx extension needs Sphinx; install it with: pip install "netviz[sphinx]"'
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point: register the ``netviz`` directive, config values and visitors."""
    try:
        from .directive import setup as _setup
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in {"sphinx", "docutils"}:
            raise ModuleNotFoundError(MISSING_SPHINX, name=exc.name) from None
        raise
    return _setup(app)
