"""Keras halves of the twins: the same small architectures as :mod:`tests.zoo.twins_torch`.

Each is written the way Keras code usually is (functional models, ``keras.Sequential``
stages of a block layer, ``Concatenate`` layers, ``GlobalAveragePooling``), with the same
layers, widths and names as its PyTorch twin. Inputs are channels-last (``H, W, C`` and
``L, C``). Activations are their own layers (``layers.ReLU``), as in the PyTorch twins.
"""

from __future__ import annotations

import keras
from keras import layers

__all__ = ["TWINS", "mlp", "resnet", "temporal_cnn", "two_input", "unet"]

#: The factory names shared by both twin modules.
TWINS: tuple[str, ...] = ("resnet", "unet", "mlp", "two_input", "temporal_cnn")


# -- ResNet: stages are keras.Sequential of residual blocks ----------------------------------
class ResidualBlock(layers.Layer):
    """Two 3x3 convolutions with batch norm, a projection shortcut when the shape changes."""

    def __init__(self, cin: int, cout: int, stride: int = 1, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(
            cout, 3, strides=stride, padding="same", use_bias=False, name="conv1"
        )
        self.bn1 = layers.BatchNormalization(name="bn1")
        self.relu1 = layers.ReLU(name="relu1")
        self.conv2 = layers.Conv2D(cout, 3, padding="same", use_bias=False, name="conv2")
        self.bn2 = layers.BatchNormalization(name="bn2")
        self.shortcut: keras.Sequential | None = None
        if stride != 1 or cin != cout:
            self.shortcut = keras.Sequential(
                [
                    layers.Conv2D(cout, 1, strides=stride, use_bias=False, name="conv"),
                    layers.BatchNormalization(name="bn"),
                ],
                name="shortcut",
            )
        self.relu2 = layers.ReLU(name="relu2")

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu2(out + identity)


def resnet(classes: int = 10) -> keras.Model:
    """A small ResNet on 32x32x3 images: stem, two stages of two residual blocks, head."""
    inputs = keras.Input((32, 32, 3), name="x")
    stem = keras.Sequential(
        [
            layers.Conv2D(16, 3, padding="same", use_bias=False, name="conv"),
            layers.BatchNormalization(name="bn"),
            layers.ReLU(name="relu"),
        ],
        name="stem",
    )
    stage1 = keras.Sequential(
        [ResidualBlock(16, 16, name="block0"), ResidualBlock(16, 16, name="block1")],
        name="stage1",
    )
    stage2 = keras.Sequential(
        [ResidualBlock(16, 32, 2, name="block0"), ResidualBlock(32, 32, name="block1")],
        name="stage2",
    )
    x = stage2(stage1(stem(inputs)))
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, name="fc")(x)
    return keras.Model(inputs, outputs, name="small_resnet")


# -- U-Net -----------------------------------------------------------------------------------
def _double_conv(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv1")(x)
    x = layers.ReLU(name=f"{name}_relu1")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(x)
    return layers.ReLU(name=f"{name}_relu2")(x)


def unet(base: int = 8) -> keras.Model:
    """A two-level U-Net on 32x32x1 images."""
    inputs = keras.Input((32, 32, 1), name="x")
    d1 = _double_conv(inputs, base, "down1")
    d2 = _double_conv(layers.MaxPooling2D(2, name="pool1")(d1), base * 2, "down2")
    b = _double_conv(layers.MaxPooling2D(2, name="pool2")(d2), base * 4, "bottom")
    u2 = layers.Conv2DTranspose(base * 2, 2, strides=2, name="up2")(b)
    u2 = _double_conv(layers.Concatenate(name="cat2")([u2, d2]), base * 2, "dec2")
    u1 = layers.Conv2DTranspose(base, 2, strides=2, name="up1")(u2)
    u1 = _double_conv(layers.Concatenate(name="cat1")([u1, d1]), base, "dec1")
    outputs = layers.Conv2D(2, 1, name="head")(u1)
    return keras.Model(inputs, outputs, name="unet")


# -- MLP -------------------------------------------------------------------------------------
def mlp() -> keras.Model:
    """Flatten 28x28, two hidden layers with ReLU and dropout, ten outputs."""
    return keras.Sequential(
        [
            keras.Input((28, 28), name="x"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, name="fc1"),
            layers.ReLU(name="relu1"),
            layers.Dropout(0.1, name="dropout"),
            layers.Dense(32, name="fc2"),
            layers.ReLU(name="relu2"),
            layers.Dense(10, name="fc3"),
        ],
        name="mlp",
    )


# -- two inputs: an image and metadata, concatenated ----------------------------------------
def two_input() -> keras.Model:
    """An image branch (16x16x3) and a metadata branch (5), concatenated, then a head."""
    image = keras.Input((16, 16, 3), name="image")
    metadata = keras.Input((5,), name="metadata")
    a = layers.Conv2D(8, 3, padding="same", name="conv")(image)
    a = layers.ReLU(name="conv_relu")(a)
    a = layers.MaxPooling2D(2, name="pool")(a)
    a = layers.Flatten(name="flatten")(a)
    b = layers.ReLU(name="meta_relu")(layers.Dense(8, name="meta_fc")(metadata))
    x = layers.Concatenate(name="cat")([a, b])
    x = layers.ReLU(name="fc_relu")(layers.Dense(16, name="fc")(x))
    outputs = layers.Dense(2, name="out")(x)
    return keras.Model([image, metadata], outputs, name="two_input")


# -- 1-D temporal CNN --------------------------------------------------------------------------
def temporal_cnn() -> keras.Model:
    """Conv1D over 64 steps x 4 channels, pooling, a second Conv1D, global pooling, head."""
    return keras.Sequential(
        [
            keras.Input((64, 4), name="x"),
            layers.Conv1D(16, 5, padding="same", name="conv1"),
            layers.ReLU(name="relu1"),
            layers.MaxPooling1D(2, name="pool1"),
            layers.Conv1D(32, 5, padding="same", name="conv2"),
            layers.ReLU(name="relu2"),
            layers.GlobalAveragePooling1D(name="pool2"),
            layers.Dense(3, name="fc"),
        ],
        name="temporal_cnn",
    )
