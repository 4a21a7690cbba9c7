"""Convolutional image models: the classic shapes a diagram of a CNN must get right.

The MNIST ConvNet is the running example of the Net2Vis paper; the others exercise the parts of
netviz that plain chain-drawing tools get wrong: repeated blocks (VGG), residual shortcuts
(ResNet), parallel branches (Inception) and long skip connections (U-Net).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

__all__ = ["inception_like", "mnist_convnet", "resnet_like", "resnet_like_v2", "unet", "vgg_like"]


def mnist_convnet(num_classes: int = 10) -> keras.Model:
    """The small MNIST classifier from the Keras examples, as drawn in the Net2Vis article.

    Two convolutions, max pooling, dropout and two dense layers: a straight chain whose glyphs
    shrink in height (spatial size) and grow in width (channels) from left to right.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(inputs)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.Dropout(0.25, name="dropout1")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout2")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="mnist_convnet")


def vgg_like(blocks: int = 3, base_filters: int = 16, num_classes: int = 10) -> keras.Model:
    """A VGG-style stack: ``blocks`` repeats of conv-conv-pool with doubling filters.

    The repeated conv-conv-pool block is what automatic grouping folds into one glyph.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(64, 64, 3), name="image")
    x = inputs
    for i in range(blocks):
        filters = base_filters * 2**i
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"b{i}_conv1")(x)
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"b{i}_conv2")(x)
        x = layers.MaxPooling2D(2, name=f"b{i}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(256, activation="relu", name="fc1")(x)
    x = layers.Dense(256, activation="relu", name="fc2")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="vgg_like")


def _residual_block(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    """conv-bn-relu-conv-bn plus an identity shortcut, then relu (ResNet's basic block)."""
    from keras import layers

    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.ReLU(name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Add(name=f"{name}_add")([x, y])
    return layers.ReLU(name=f"{name}_out")(y)


def resnet_like(blocks: int = 3, filters: int = 32, num_classes: int = 10) -> keras.Model:
    """A small ResNet: a stem, ``blocks`` identical residual blocks, global pooling, a classifier.

    Each residual block is a branching subgraph with a single entry and a single exit, so
    netviz folds the repeats into one group glyph (Net2Vis itself folds only linear chains).
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(filters, 3, padding="same", name="stem_conv")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(name="stem_relu")(x)
    for i in range(blocks):
        x = _residual_block(x, filters, name=f"res{i + 1}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="resnet_like")


def resnet_like_v2(blocks: int = 5, filters: int = 32, num_classes: int = 100) -> keras.Model:
    """The next version of :func:`resnet_like`, for the architecture diff's examples.

    Against ``resnet_like``: the stem loses its BatchNormalization, the residual block runs
    five times instead of three, a Dropout comes before the classifier, and the classifier
    has 100 classes instead of 10.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(filters, 3, padding="same", name="stem_conv")(inputs)
    x = layers.ReLU(name="stem_relu")(x)
    for i in range(blocks):
        x = _residual_block(x, filters, name=f"res{i + 1}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.2, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="resnet_like")


def _inception_module(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    """Four parallel branches (1x1, 3x3, 5x5, pool) concatenated along channels."""
    from keras import layers

    b1 = layers.Conv2D(filters, 1, padding="same", activation="relu", name=f"{name}_1x1")(x)
    b2 = layers.Conv2D(filters, 1, padding="same", activation="relu", name=f"{name}_3x3_in")(x)
    b2 = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_3x3")(b2)
    b3 = layers.Conv2D(filters // 2, 1, padding="same", activation="relu", name=f"{name}_5x5_in")(x)
    b3 = layers.Conv2D(filters, 5, padding="same", activation="relu", name=f"{name}_5x5")(b3)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    b4 = layers.Conv2D(filters, 1, padding="same", activation="relu", name=f"{name}_pool_proj")(b4)
    return layers.Concatenate(name=f"{name}_concat")([b1, b2, b3, b4])


def inception_like(modules: int = 2, filters: int = 16, num_classes: int = 10) -> keras.Model:
    """An Inception-style network: ``modules`` four-branch modules between a stem and a head."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem_conv")(inputs)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    for i in range(modules):
        x = _inception_module(x, filters, name=f"inc{i + 1}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="inception_like")


def unet(depth: int = 3, base_filters: int = 16, size: int = 64) -> keras.Model:
    """A U-Net for ``size`` x ``size`` greyscale segmentation with ``depth`` down/up levels.

    The encoder's feature maps are concatenated into the decoder at the same resolution: long
    skip connections, drawn above the main path as in Net2Vis's own U-Net figure.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(size, size, 1), name="image")
    x = inputs
    skips = []
    for i in range(depth):
        f = base_filters * 2**i
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"down{i}_conv1")(x)
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"down{i}_conv2")(x)
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"down{i}_pool")(x)
    f = base_filters * 2**depth
    x = layers.Conv2D(f, 3, padding="same", activation="relu", name="bottom_conv1")(x)
    x = layers.Conv2D(f, 3, padding="same", activation="relu", name="bottom_conv2")(x)
    for i in reversed(range(depth)):
        f = base_filters * 2**i
        x = layers.Conv2DTranspose(f, 2, strides=2, padding="same", name=f"up{i}_upconv")(x)
        x = layers.Concatenate(name=f"up{i}_concat")([skips[i], x])
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"up{i}_conv1")(x)
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"up{i}_conv2")(x)
    outputs = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(x)
    return keras.Model(inputs, outputs, name="unet")
