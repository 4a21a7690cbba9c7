"""Models with more than one input or output, and models built from other models."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

__all__ = ["multi_io", "nested"]


def multi_io(num_classes: int = 10) -> keras.Model:
    """An image plus tabular metadata in, a class and a regression value out.

    Two input branches merge in a concatenation and split again into two heads, so the diagram
    has two sources and two sinks.
    """
    import keras
    from keras import layers

    image = keras.Input(shape=(32, 32, 3), name="image")
    meta = keras.Input(shape=(8,), name="metadata")
    x = layers.Conv2D(16, 3, activation="relu", name="conv1")(image)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    m = layers.Dense(16, activation="relu", name="meta_dense")(meta)
    h = layers.Concatenate(name="merge")([x, m])
    h = layers.Dense(64, activation="relu", name="shared")(h)
    label = layers.Dense(num_classes, activation="softmax", name="label")(h)
    score = layers.Dense(1, name="score")(h)
    return keras.Model([image, meta], [label, score], name="multi_io")


def _encoder(size: int) -> keras.Model:
    """The feature extractor reused by :func:`nested` (a model of its own)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(size, size, 3), name="encoder_in")
    x = layers.Conv2D(16, 3, activation="relu", name="enc_conv1")(inputs)
    x = layers.MaxPooling2D(2, name="enc_pool1")(x)
    x = layers.Conv2D(32, 3, activation="relu", name="enc_conv2")(x)
    x = layers.GlobalAveragePooling2D(name="enc_gap")(x)
    return keras.Model(inputs, x, name="encoder")


def nested(size: int = 32) -> keras.Model:
    """A classifier that calls a whole encoder model as one layer, then a Sequential head.

    By default each nested model is one glyph; ``expand-nested`` draws their insides.
    """
    import keras
    from keras import layers

    encoder = _encoder(size)
    head = keras.Sequential(
        [
            keras.Input(shape=(32,)),
            layers.Dense(64, activation="relu", name="head_dense"),
            layers.Dense(10, activation="softmax", name="head_out"),
        ],
        name="head",
    )
    inputs = keras.Input(shape=(size, size, 3), name="image")
    outputs = head(encoder(inputs))
    return keras.Model(inputs, outputs, name="nested")
