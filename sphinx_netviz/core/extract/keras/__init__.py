"""The Keras route: live models on any backend, and saved ``.keras``/``.h5`` files.

- :mod:`.model`: the live-model walker (the registry's ``keras`` route); :mod:`.composite`:
  composite layers traced with their internals; :mod:`.owner`: which layer a call belongs to;
  :mod:`.env`: the configured backend; :mod:`.jsonable`: layer configs as plain JSON.
- :mod:`.saved`: the saved-file route (``keras-file``), reading the model config with
  :mod:`.saved_walk`, :mod:`.saved_layers` and :mod:`.saved_calls`; it needs none of the
  user's custom classes.

The registry (:mod:`..base`) imports these modules by name; Keras itself is imported inside
functions only.
"""

from __future__ import annotations
