"""Keras's process environment, read without importing Keras: which backend a fresh process
will use, which distributions decide its output, and keeping TensorFlow out of a JAX or torch
worker. Shared by the live walker (:mod:`.model`), the saved-file route (:mod:`.saved`) and
the worker's child.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "backend_distributions",
    "distribution_versions",
    "keras_backend",
    "leave_tensorflow_alone",
]

#: Distributions that decide a backend's numerics and op names, by backend.
_BACKEND_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "jax": ("jax", "jaxlib"),
    "torch": ("torch",),
    "numpy": ("numpy",),
    "openvino": ("openvino",),
}


def leave_tensorflow_alone(module_utils: ModuleType | None = None) -> None:
    """Keep Keras on JAX/torch from importing TensorFlow just to serialise a config.

    Keras asks ``tf.available`` (a lazy module that imports all of TensorFlow, seconds and
    ~600 MB, whenever it is installed) to test whether a value is a ``tf.TensorShape`` or a
    ``tf.data.Dataset``: building a ``Bidirectional`` layer or calling ``get_config`` on a JAX
    model would load TensorFlow. While TensorFlow is not imported, nothing can be an instance
    of its classes, so that question gets "unavailable" without importing; once anything
    imports TensorFlow, Keras's own answer is used again. Keras's internal lazy module is
    patched because there is no public switch; if it moves, nothing breaks (TensorFlow just
    gets imported, as Keras would). ``module_utils`` is passed by the worker's import hook
    (which runs before the rest of Keras binds the lazy module); otherwise it is looked up.
    """
    if module_utils is None:
        module_utils = sys.modules.get("keras.src.utils.module_utils")
    lazy = getattr(module_utils, "tensorflow", None)
    base = getattr(module_utils, "LazyModule", None)
    if lazy is None or not isinstance(base, type) or not isinstance(lazy, base):
        return
    if getattr(type(lazy), "_netviz_loaded_only", False):
        return
    original: Any = type(lazy)

    class _LoadedOnly(original):  # type: ignore[misc, valid-type]
        _netviz_loaded_only = True

        @property
        def available(self) -> bool:
            return "tensorflow" in sys.modules and bool(super().available)

    lazy.__class__ = _LoadedOnly


def keras_backend() -> str:
    """The backend Keras will use in a fresh process, read the way Keras reads it
    (``KERAS_BACKEND``, else ``$KERAS_HOME/keras.json`` or ``~/.keras/keras.json``, else
    TensorFlow), without importing Keras."""
    explicit = os.environ.get("KERAS_BACKEND", "").strip()
    if explicit:
        return explicit
    home = os.environ.get("KERAS_HOME")
    folder = Path(home) if home else Path("~").expanduser() / ".keras"
    try:
        config = json.loads((folder / "keras.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "tensorflow"
    backend = config.get("backend") if isinstance(config, dict) else None
    return str(backend) if backend else "tensorflow"


def backend_distributions(backend: str | None = None) -> tuple[str, ...]:
    """Keras plus the distributions of ``backend`` (default: the configured one)."""
    return ("keras", *_BACKEND_DISTRIBUTIONS.get(backend or keras_backend(), ()))


def distribution_versions(names: Sequence[str]) -> str:
    """``name=version`` for each installed distribution of ``names``, from metadata only."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return " ".join(found)
