"""A convolutional model with a custom layer."""

from __future__ import annotations

import keras

from kshop.layers import Scale


def cnn() -> keras.Model:
    """Two convolutions, a learned scale and a softmax head."""
    inputs = keras.Input((32, 32, 3), name="image")
    x = keras.layers.Conv2D(16, 3, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(name="pool1")(x)
    x = keras.layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = Scale(name="scale")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="cnn")
