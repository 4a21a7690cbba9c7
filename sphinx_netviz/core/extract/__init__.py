"""Framework -> IR extraction, one route per framework or format behind one protocol.

- :mod:`.base`: the :class:`~.base.Extractor` protocol and the registry of routes; asking it
  which route takes an object, which versions key the cache or which extra installs a missing
  framework imports no framework.
- :mod:`.keras`: live Keras 3 models on any backend (factories, subclassed models by
  tracing, composite layers), and saved ``.keras``/``.h5`` files through their config.
- :mod:`.torch`: ``torch.nn.Module`` traced on the meta device, and saved ``.pt2`` programs.
- :mod:`.factory`: resolving a factory spec to a live model with clear errors;
  :mod:`.live`: ``render(model)`` for a model the caller holds; :mod:`.annotations`: which
  documented callables return a model (for API-reference diagrams).

Route modules import their framework inside functions only: they run in the worker's child
process (:mod:`..worker.child`), or in the caller's process for a live model it already holds.
"""

from __future__ import annotations

from .base import EXTRACTORS, Extractor, ExtractRequest, find_extractor

__all__ = ["EXTRACTORS", "ExtractRequest", "Extractor", "find_extractor"]
