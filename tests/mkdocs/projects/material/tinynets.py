"""Tiny models at the project root."""

import keras


def mlp() -> keras.Model:
    inputs = keras.Input((12,), name="features")
    x = keras.layers.Dense(8, activation="relu", name="hidden1")(inputs)
    x = keras.layers.Dense(8, activation="relu", name="hidden2")(x)
    outputs = keras.layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, outputs, name="tiny_mlp")
