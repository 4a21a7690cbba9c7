"""A dense classifier."""

from __future__ import annotations

import keras


def classifier() -> keras.Model:
    """A two-layer classifier of 20 features."""
    inputs = keras.Input((20,), name="features")
    x = keras.layers.Dense(32, activation="relu", name="hidden")(inputs)
    x = keras.layers.Dropout(0.1, name="dropout")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="classifier")
