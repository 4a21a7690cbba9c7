"""Two small models for the snapshot tests (Keras is imported only when one is built)."""

from __future__ import annotations


def convnet():
    import keras

    inputs = keras.Input((16, 16, 1), name="image")
    x = inputs
    for i in range(2):
        x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = keras.layers.MaxPooling2D(name=f"pool{i}")(x)
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(4, name="logits")(x)
    return keras.Model(inputs, outputs, name="convnet")


def mlp():
    import keras

    return keras.Sequential(
        [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)], name="mlp"
    )
