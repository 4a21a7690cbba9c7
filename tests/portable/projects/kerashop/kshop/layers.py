"""Custom layers."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="kshop")
class Scale(keras.layers.Layer):
    """Multiplies its input by a learned scalar."""

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.factor = self.add_weight(shape=(), initializer="ones", name="factor")

    def call(self, inputs: keras.KerasTensor) -> keras.KerasTensor:
        return inputs * self.factor
