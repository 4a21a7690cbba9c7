"""The isolated extraction process: the only place a user's model code and a framework run.

- :mod:`.client`: :class:`WorkerClient`, the build's side (requests, timeouts, restarts);
- :mod:`.process`: spawning the child, the JSON-lines channel, its last words;
- :mod:`.child`: the child's entry point (``python -m sphinx_netviz.core.worker.child``);
- :mod:`.memory`: the memory cap and why it is ``RLIMIT_DATA``;
- :mod:`.files`: which files are the user's project; :mod:`.imports`: which of them are a
  spec's sources (its factory's and drawn classes' modules with their project imports, read
  from the code); :mod:`.sources`: source fingerprints that survive a move
  (project-relative paths and hashes).
"""

from __future__ import annotations

from .client import WorkerClient, WorkerResult

__all__ = ["WorkerClient", "WorkerResult"]
