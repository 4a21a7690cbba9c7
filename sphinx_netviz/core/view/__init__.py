"""What is drawn: the IR opened to a depth, hidden types bridged, manual groups, splits.

- :mod:`.build`: :func:`build_view`, IR -> the drawable graph, and the legend's compositions;
- :mod:`.vgraph`: the drawable graph's data (:class:`VGraph`, :class:`VNode`);
- :mod:`.edits`: hiding types, manual groups, Net2Vis's split insertion, node removal;
- :mod:`.hierarchy`: nested models and composites, which levels are opened;
- :mod:`.structure`: the series-parallel decomposition every later stage walks;
- :mod:`.marks`: a diff's marks on the view (what changed, ghosts of removed layers).

The view never folds: folding repeats is the group stage's.
"""

from __future__ import annotations

from .build import build_view
from .edits import insert_splits
from .structure import decompose
from .vgraph import VGraph, VNode

__all__ = ["VGraph", "VNode", "build_view", "decompose", "insert_splits"]
