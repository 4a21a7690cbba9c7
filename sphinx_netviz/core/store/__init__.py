"""Where graphs are kept between builds: the disk cache, committed snapshots, the loader.

- :mod:`.loader`: :class:`ModelLoader` (memo -> snapshot -> cache -> worker) and the one-call
  :func:`load_graph`;
- :mod:`.cache`: the content-addressed disk cache (keys free of absolute paths; a few
  versions per key, one per state of its sources);
- :mod:`.snapshot`: one readable JSON file per spec, committed with the docs;
- :mod:`.revision`: a diff's reference, any spec or a file as committed in git
  (``git:REV:PATH``, ``git:REV``);
- :mod:`.collector`: the command line of a docs project's snapshot collector.
"""

from __future__ import annotations

from .loader import LoadedModel, ModelLoader, load_graph

__all__ = ["LoadedModel", "ModelLoader", "load_graph"]
