"""A custom layer documented with autodoc, and a model that uses it."""

from __future__ import annotations

import keras


class Scale(keras.layers.Layer):
    """Multiplies its input by a learned scalar."""

    def build(self, input_shape: object) -> None:
        self.factor = self.add_weight(shape=(), initializer="ones", name="factor")

    def call(self, x: object) -> object:
        return x * self.factor  # type: ignore[operator]


def scaled() -> keras.Model:
    inputs = keras.Input((16,), name="features")
    x = keras.layers.Dense(8, name="hidden")(inputs)
    x = Scale(name="scale")(x)
    x = keras.layers.Dropout(0.1, name="drop")(x)
    return keras.Model(inputs, x, name="scaled")
