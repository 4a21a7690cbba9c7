"""Model factories documented by mkdocstrings."""

from __future__ import annotations

import keras


def small_classifier(units: int = 8) -> keras.Model:
    """Build a small classifier.

    The diagram is inserted by netviz's griffe extension.

    Args:
        units: Width of the hidden layer.

    Returns:
        The model.
    """
    inputs = keras.Input((10,), name="x")
    x = keras.layers.Dense(units, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="small_classifier")


def configurable(depth: int) -> keras.Model:
    """Needs an argument, so no diagram is added."""
    inputs = keras.Input((4,))
    x = inputs
    for _ in range(depth):
        x = keras.layers.Dense(4)(x)
    return keras.Model(inputs, x)


def helper() -> int:
    """Not a model factory."""
    return 1
