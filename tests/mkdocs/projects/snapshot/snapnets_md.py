"""Two small models for the MkDocs snapshot test (Keras imported only when one is built)."""

from __future__ import annotations


def residual():
    import keras

    inputs = keras.Input((32,), name="features")
    x = keras.layers.Dense(32, activation="relu", name="d0")(inputs)
    for i in range(2):
        y = keras.layers.Dense(32, activation="relu", name=f"block{i}_a")(x)
        y = keras.layers.Dense(32, name=f"block{i}_b")(y)
        x = keras.layers.Add(name=f"block{i}_add")([x, y])
    outputs = keras.layers.Dense(2, name="head")(x)
    return keras.Model(inputs, outputs, name="residual")


def mlp():
    import keras

    return keras.Sequential(
        [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)], name="mlp"
    )
