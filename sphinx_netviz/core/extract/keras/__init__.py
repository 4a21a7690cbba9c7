"""The Keras route: live models on any backend, and saved ``.keras``/``.h5`` files."""

from __future__ import annotations
