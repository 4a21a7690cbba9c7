"""The one line a user sees when the Sphinx extension runs without its extra installed.

A module of its own, free of Sphinx imports, because both entry points print it: the
extension's ``setup`` (``sphinx_netviz/__init__.py``) and the snapshot collector that
``netviz snapshot --project`` starts (:mod:`sphinx_netviz.snapshots`).
"""

from __future__ import annotations

__all__ = ["MISSING_SPHINX"]

MISSING_SPHINX = (
    'netviz: the Sphinx extension needs Sphinx; install it with: pip install "netviz[sphinx]"'
)
