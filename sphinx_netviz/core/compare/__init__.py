"""What changed between two graphs: hierarchy-aware matching and the change summary.

- :mod:`.match`: :func:`match_graphs`, level by level through the hierarchy (names within a
  framework, else structure aligned like a sequence diff by :mod:`.align`), with repeat-count
  changes found by :mod:`.repeats` over the comparison tokens of :mod:`.side`;
- :mod:`.changes`: :func:`diff_graphs` -> :class:`Changes` (added, removed, changed, repeat
  counts; root changes only, not their ripples) and the ``--stat`` lines.

Pure functions of two IRs: the drawing stage marks glyphs from a :class:`Changes`.
"""

from __future__ import annotations

from .changes import Changes, diff_graphs
from .match import Matching, match_graphs

__all__ = ["Changes", "Matching", "diff_graphs", "match_graphs"]
