"""Framework -> IR extraction, one module per route behind one protocol (:mod:`.base`).

- :mod:`.base`: the :class:`~.base.Extractor` protocol and the registry of routes; asking it
  which route takes an object, which file suffixes are specs, which versions key the cache
  or which extra installs a missing framework imports no framework.
- :mod:`.keras3`: the live-model walker (factories, subclassed models by tracing), Keras 3 on
  any backend.
- :mod:`.config`: the saved-file route (``.keras`` / ``.h5``) through the model config, which
  needs none of the user's custom classes.
- :mod:`.factory`: resolving a factory spec to a live model with clear errors.

Route modules import their framework inside functions only: they run in the worker
(:mod:`..worker_child`), or in the caller's process for a live model it already holds.
"""

from __future__ import annotations

__all__: list[str] = []
