"""Good test models: one small factory per case the walker must handle.

Names are given explicitly where a test checks ids, so ids do not depend on Keras's global
name counters.
"""

from __future__ import annotations

import keras
from keras import layers, ops


def mnist_convnet() -> keras.Model:
    """The Keras MNIST example: Sequential with an Input, conv/pool/dropout/dense."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(16, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(10, activation="softmax", name="predictions"),
        ],
        name="mnist_convnet",
    )


def unbuilt_sequential() -> keras.Model:
    """A Sequential without an Input: needs ``input-shape`` (e.g. 7)."""
    return keras.Sequential(
        [layers.Dense(4, activation="relu", name="hidden"), layers.Dense(2, name="out")],
        name="unbuilt",
    )


def empty_sequential() -> keras.Model:
    """A Sequential with no layers at all (an error case)."""
    return keras.Sequential(name="empty")


def mlp(units: int = 8, depth: int = 2, *, activation: str = "relu") -> keras.Model:
    """A functional MLP taking literal arguments (``mlp(16, depth=3)``)."""
    inputs = keras.Input((4,), name="x")
    x = inputs
    for i in range(depth):
        x = layers.Dense(units, activation=activation, name=f"dense{i}")(x)
    outputs = layers.Dense(1, name="y")(x)
    return keras.Model(inputs, outputs, name=f"mlp_{units}x{depth}")


def _res_block(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    shortcut = x
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.Activation("relu", name=f"{name}_out")(y)


def residual(blocks: int = 3) -> keras.Model:
    """Repeated residual blocks (branch + merge) for grouping tests."""
    inputs = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", name="stem")(inputs)
    for i in range(blocks):
        x = _res_block(x, 8, f"block{i}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(10, activation="softmax", name="logits")(x)
    return keras.Model(inputs, outputs, name="residual")


def inception() -> keras.Model:
    """Two inception-style cells: four parallel branches concatenated."""
    inputs = keras.Input((16, 16, 8), name="image")
    x = inputs
    for i in range(2):
        b1 = layers.Conv2D(4, 1, padding="same", name=f"inc{i}_1x1")(x)
        b2 = layers.Conv2D(4, 1, padding="same", name=f"inc{i}_3x3_reduce")(x)
        b2 = layers.Conv2D(4, 3, padding="same", name=f"inc{i}_3x3")(b2)
        b3 = layers.Conv2D(4, 1, padding="same", name=f"inc{i}_5x5_reduce")(x)
        b3 = layers.Conv2D(4, 5, padding="same", name=f"inc{i}_5x5")(b3)
        b4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"inc{i}_pool")(x)
        b4 = layers.Conv2D(4, 1, padding="same", name=f"inc{i}_pool_proj")(b4)
        x = layers.Concatenate(name=f"inc{i}_concat")([b1, b2, b3, b4])
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(5, name="logits")(x)
    return keras.Model(inputs, outputs, name="inception")


def unet() -> keras.Model:
    """A two-level U-Net: down, up, skip concatenations."""
    inputs = keras.Input((32, 32, 1), name="image")
    c1 = layers.Conv2D(4, 3, padding="same", activation="relu", name="down1")(inputs)
    p1 = layers.MaxPooling2D(name="pool1")(c1)
    c2 = layers.Conv2D(8, 3, padding="same", activation="relu", name="down2")(p1)
    p2 = layers.MaxPooling2D(name="pool2")(c2)
    b = layers.Conv2D(16, 3, padding="same", activation="relu", name="bottleneck")(p2)
    u2 = layers.Conv2DTranspose(8, 2, strides=2, name="up2")(b)
    m2 = layers.Concatenate(name="skip2")([u2, c2])
    c3 = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv_up2")(m2)
    u1 = layers.Conv2DTranspose(4, 2, strides=2, name="up1")(c3)
    m1 = layers.Concatenate(name="skip1")([u1, c1])
    c4 = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_up1")(m1)
    outputs = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(c4)
    return keras.Model(inputs, outputs, name="unet")


def multi_io() -> keras.Model:
    """Two inputs, two outputs (the Keras functional API guide's ticket classifier, small)."""
    title = keras.Input((10,), name="title")
    body = keras.Input((20,), name="body")
    t = layers.Dense(8, activation="relu", name="title_features")(title)
    b = layers.Dense(8, activation="relu", name="body_features")(body)
    x = layers.Concatenate(name="merge")([t, b])
    priority = layers.Dense(1, name="priority")(x)
    department = layers.Dense(4, activation="softmax", name="department")(x)
    return keras.Model([title, body], [priority, department], name="multi_io")


def image_metadata() -> keras.Model:
    """An image branch and a metadata branch joined by a Concatenate (issue 19: the merge of
    two lanes must stay sized by its own tensors)."""
    image = keras.Input((32, 32, 3), name="image")
    meta = keras.Input((8,), name="metadata")
    x = layers.Conv2D(8, 3, activation="relu", name="conv")(image)
    x = layers.MaxPooling2D(name="pool")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    m = layers.Dense(8, activation="relu", name="meta_dense")(meta)
    x = layers.Concatenate(name="join")([x, m])
    x = layers.Dropout(0.2, name="dropout")(x)
    outputs = layers.Dense(3, activation="softmax", name="label")(x)
    return keras.Model([image, meta], outputs, name="image_metadata")


def _encoder() -> keras.Model:
    inputs = keras.Input((8,), name="enc_in")
    x = layers.Dense(6, activation="relu", name="enc_hidden")(inputs)
    outputs = layers.Dense(4, name="enc_code")(x)
    return keras.Model(inputs, outputs, name="encoder")


def nested() -> keras.Model:
    """A functional model using a nested Functional and a nested Sequential as layers."""
    encoder = _encoder()
    head = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3, name="head_hidden"), layers.Dense(1, name="head_out")],
        name="head",
    )
    inputs = keras.Input((8,), name="features")
    code = encoder(inputs)
    outputs = head(code)
    return keras.Model(inputs, outputs, name="nested")


def siamese() -> keras.Model:
    """One encoder model and one Dense layer, each called on two inputs (shared)."""
    encoder = _encoder()
    proj = layers.Dense(4, name="proj")
    left = keras.Input((8,), name="left")
    right = keras.Input((8,), name="right")
    a = proj(encoder(left))
    b = proj(encoder(right))
    diff = layers.Subtract(name="diff")([a, b])
    outputs = layers.Dense(1, activation="sigmoid", name="same")(diff)
    return keras.Model([left, right], outputs, name="siamese")


def lstm() -> keras.Model:
    """Wrappers: Bidirectional(LSTM) and TimeDistributed(Dense) over an embedding."""
    inputs = keras.Input((12,), dtype="int32", name="tokens")
    x = layers.Embedding(50, 8, name="embed")(inputs)
    x = layers.Bidirectional(layers.LSTM(6, return_sequences=True), name="bilstm")(x)
    x = layers.TimeDistributed(layers.Dense(5), name="per_step")(x)
    x = layers.LSTM(4, name="summary")(x)
    outputs = layers.Dense(2, name="out")(x)
    return keras.Model(inputs, outputs, name="lstm")


def raw_ops() -> keras.Model:
    """Raw keras.ops and operator overloads next to a real ``keras.layers.Add``."""
    inputs = keras.Input((6,), name="x")
    a = layers.Dense(6, name="a")(inputs)
    b = layers.Dense(6, name="b")(inputs)
    s = a + b  # raw op: keras.src.ops.numpy.Add
    m = ops.multiply(s, b)  # raw op
    r = ops.relu(m)  # raw op
    added = layers.Add(name="add_layer")([r, a])  # the layer with the same class name
    outputs = layers.Dense(1, name="y")(added)
    return keras.Model(inputs, outputs, name="raw_ops")


@keras.saving.register_keras_serializable(package="netviz_zoo")
class Scale(layers.Layer):
    """A custom user layer with one trainable and one non-trainable weight."""

    def __init__(self, factor: float = 2.0, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")
        self.offset = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", trainable=False, name="offset"
        )

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        return x * self.gain * self.factor + self.offset

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "factor": self.factor}


def custom_layer() -> keras.Model:
    """A functional model with a user-defined layer (never reconstructed from config)."""
    inputs = keras.Input((5,), name="x")
    x = layers.Dense(5, name="dense")(inputs)
    x = Scale(3.0, name="scale")(x)
    outputs = layers.Dense(1, name="y")(x)
    return keras.Model(inputs, outputs, name="custom_layer")


class TwoTower(keras.Model):
    """A subclassed model: only ``call`` knows the graph (traced on keras.Input)."""

    def __init__(self) -> None:
        super().__init__(name="two_tower")
        self.left = layers.Dense(4, activation="relu", name="left")
        self.right = layers.Dense(4, activation="tanh", name="right")
        self.merge = layers.Concatenate(name="merge")
        self.out = layers.Dense(1, name="out")

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        return self.out(self.merge([self.left(x), self.right(x)]))


def subclassed() -> keras.Model:
    """A subclassed model, already built (its input shape is known from the build)."""
    model = TwoTower()
    model(ops.zeros((1, 6)))
    return model


def subclassed_unbuilt() -> keras.Model:
    """A subclassed model never built: needs ``input-shape``."""
    return TwoTower()


#: A model instance named directly (``tests.zoo.models:INSTANCE``) rather than a factory.
def _instance() -> keras.Model:
    inputs = keras.Input((3,), name="i")
    return keras.Model(inputs, layers.Dense(2, name="o")(inputs), name="instance")


class Factories:
    """Attribute paths: ``tests.zoo.models:Factories.small``."""

    @staticmethod
    def small() -> keras.Model:
        inputs = keras.Input((3,), name="i")
        return keras.Model(inputs, layers.Dense(2, name="o")(inputs), name="small")


def noisy() -> keras.Model:
    """Prints megabytes to stdout and stderr while building (must not corrupt or block)."""
    import sys

    chunk = "x" * 1023 + "\n"
    for _ in range(3 * 1024):
        print(chunk, end="")
        sys.stderr.write(chunk)
    return mlp()


MODEL_INSTANCE = None  # set lazily by instance(), see below


def instance() -> keras.Model:
    """Returns the same module-level instance each call (a spec may also name it)."""
    global MODEL_INSTANCE
    if MODEL_INSTANCE is None:
        MODEL_INSTANCE = _instance()
    return MODEL_INSTANCE
