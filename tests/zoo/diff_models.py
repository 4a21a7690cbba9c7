"""Pairs of model versions for the architecture diff's tests (issue 21).

Every factory names its layers, so ids do not depend on Keras's global name counters, except
where a test wants names that do not carry over (``names=False``). The Keras CNN and the
PyTorch CNN are the same architecture written in each framework (twins through the
cross-framework categories: ``Conv2D`` ~ ``Conv2d``, ``Dense`` ~ ``Linear``).
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers


def _name(name: str, names: bool) -> str | None:
    return name if names else None


def mlp(
    hidden: int = 128, *, dropout: bool = False, depth: int = 3, names: bool = True
) -> keras.Model:
    """``x -> dense_0 .. dense_{depth-1} -> out``; ``hidden`` is the width of ``dense_1``
    (the others are 64), ``dropout`` inserts a Dropout after ``dense_1``."""
    inputs = keras.Input((16,), name="x")
    h = inputs
    for i in range(depth):
        width = hidden if i == 1 else 64
        h = layers.Dense(width, activation="relu", name=_name(f"dense_{i}", names))(h)
        if dropout and i == 1:
            h = layers.Dropout(0.25, name=_name("dropout", names))(h)
    outputs = layers.Dense(10, activation="softmax", name=_name("out", names))(h)
    return keras.Model(inputs, outputs, name="mlp")


def branches(count: int = 3) -> keras.Model:
    """An inception-like cell: ``count`` parallel branches concatenated (3 or 2: the third
    branch, a pool and a 1x1 conv, is the one removed)."""
    inputs = keras.Input((16, 16, 8), name="image")
    a = layers.Conv2D(8, 1, padding="same", name="b1_conv")(inputs)
    b = layers.Conv2D(8, 1, padding="same", name="b2_reduce")(inputs)
    b = layers.Conv2D(8, 3, padding="same", name="b2_conv")(b)
    outs = [a, b]
    if count >= 3:
        c = layers.MaxPooling2D(3, strides=1, padding="same", name="b3_pool")(inputs)
        c = layers.Conv2D(8, 1, padding="same", name="b3_conv")(c)
        outs.append(c)
    x = layers.Concatenate(name="concat")(outs)
    x = layers.Conv2D(16, 1, name="mix")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, outputs, name="branches")


def chain(length: int, *, odd: int | None = None, names: bool = True) -> keras.Model:
    """A chain of ``length`` Dense layers of 8 units; layer ``odd`` has 9 units instead."""
    inputs = keras.Input((8,), name="x")
    h = inputs
    for i in range(length):
        h = layers.Dense(9 if i == odd else 8, name=_name(f"d{i}", names))(h)
    return keras.Model(inputs, h, name="chain")


def keras_cnn() -> keras.Model:
    """A small CNN in Keras, each activation its own layer (as PyTorch writes it)."""
    return keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            layers.Conv2D(16, 3, padding="same", name="conv1"),
            layers.BatchNormalization(name="bn1"),
            layers.ReLU(name="relu1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 3, padding="same", name="conv2"),
            layers.ReLU(name="relu2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, name="fc1"),
            layers.ReLU(name="relu3"),
            layers.Dropout(0.5, name="drop"),
            layers.Dense(10, name="fc2"),
        ],
        name="cnn",
    )


def torch_cnn() -> tuple[Any, Any]:
    """The same CNN in PyTorch (channels-first input ``3, 32, 32``)."""
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 64),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(64, 10),
    )
    return model, torch.randn(1, 3, 32, 32)
