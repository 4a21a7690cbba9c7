"""A tiny model next to conf.py (imported through conf.py's sys.path.insert)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras


def tiny() -> keras.Model:
    import keras

    inputs = keras.Input((16,), name="features")
    x = keras.layers.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, outputs, name="tiny")
