"""Tiny models that live at the test project's root (imported via the project root)."""

import keras


def convnet() -> keras.Model:
    inputs = keras.Input((16, 16, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(8, 3, activation="relu", name="conv2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="tiny_convnet")


def mlp() -> keras.Model:
    inputs = keras.Input((12,), name="features")
    x = keras.layers.Dense(8, activation="relu", name="hidden1")(inputs)
    x = keras.layers.Dropout(0.1, name="drop")(x)
    x = keras.layers.Dense(8, activation="relu", name="hidden2")(x)
    outputs = keras.layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, outputs, name="tiny_mlp")
