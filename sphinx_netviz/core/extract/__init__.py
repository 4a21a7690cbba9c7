"""Framework -> IR extraction. Runs inside the worker process only (it imports Keras).

- :mod:`.keras3`: the live-model walker (factories, subclassed models by tracing).
- :mod:`.config`: the saved-file route (``.keras`` / ``.h5``) through the model config, which
  needs none of the user's custom classes.
- :mod:`.factory`: resolving a factory spec to a live model with clear errors.
"""

from __future__ import annotations

__all__: list[str] = []
