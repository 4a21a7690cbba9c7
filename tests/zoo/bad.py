"""Broken factories: every way a user's model reference can fail."""

from __future__ import annotations

import os
import time

import keras


def raises() -> keras.Model:
    """The factory itself raises."""
    raise ValueError("boom from the factory")


def not_a_model() -> dict[str, int]:
    """Returns something that is not a model."""
    return {"layers": 3}


def a_layer() -> keras.layers.Layer:
    """Returns a layer, not a model."""
    return keras.layers.Dense(3)


def needs_args(depth: int, width: int) -> keras.Model:
    """Cannot be called without arguments."""
    raise AssertionError("never called")


def hangs() -> keras.Model:
    """Never returns (the timeout must stop it)."""
    while True:
        time.sleep(0.1)


def aborts() -> keras.Model:
    """Kills the worker process with SIGABRT."""
    os.abort()


def segfaults() -> keras.Model:
    """Crashes the worker with a segmentation fault."""
    import ctypes

    ctypes.string_at(0)
    raise AssertionError("unreachable")


def exits() -> keras.Model:
    """Calls sys.exit (SystemExit must not end the worker silently)."""
    raise SystemExit(3)


def untraceable() -> keras.Model:
    """A subclassed model whose call uses value-dependent Python control flow."""

    class Branchy(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="branchy")
            self.d = keras.layers.Dense(2)

        def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
            if float(keras.ops.sum(x)) > 0:  # needs a concrete value
                return self.d(x)
            return x

    return Branchy()


NOT_CALLABLE = 42
