"""netviz for MkDocs: the ``netviz`` plugin and the ``netviz`` Markdown fence.

Wiring only; the diagrams come from :mod:`sphinx_netviz.core`.
"""

from __future__ import annotations

__all__: list[str] = []
