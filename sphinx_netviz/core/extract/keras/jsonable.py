"""Layer configs made JSON-safe: what of a Keras config a node keeps.

Both Keras routes (the live walker and the saved-file reader) store a layer's config on its
node; the IR must serialise, so only scalars, short lists and objects by class name stay.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["json_safe_config"]

#: Config keys that repeat what the node already says.
_SKIPPED_KEYS = frozenset({"name"})
_MAX_LIST = 16
_MAX_TEXT = 200


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and len(value) > _MAX_TEXT:
            return value[:_MAX_TEXT] + "..."
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    return _MISSING


_MISSING = object()


def _safe(value: Any) -> Any:
    """A JSON-safe rendering of one config value, or ``_MISSING`` to drop it."""
    scalar = _scalar(value)
    if scalar is not _MISSING:
        return scalar
    if isinstance(value, list | tuple):
        if len(value) > _MAX_LIST:
            return _MISSING
        items = [_safe(v) for v in value]
        if any(i is _MISSING for i in items):
            return _MISSING
        return items
    if isinstance(value, dict):
        # Serialized Keras objects: keep their identity, not their innards (Net2Vis does
        # the same), except dtype policies, whose name is the useful part.
        if "class_name" in value:
            cls = str(value["class_name"])
            inner = value.get("config")
            if cls.endswith("DTypePolicy") and isinstance(inner, dict) and "name" in inner:
                return str(inner["name"])
            return cls
        return _MISSING
    return _MISSING


def json_safe_config(config: Any) -> dict[str, Any]:
    """The JSON-safe subset of a layer config: scalars, short lists, objects by class name."""
    if not isinstance(config, dict):
        return {}
    out: dict[str, Any] = {}
    for key in sorted(config):
        if key in _SKIPPED_KEYS or not isinstance(key, str):
            continue
        value = _safe(config[key])
        if value is not _MISSING and value is not None:
            out[key] = value
    return out
