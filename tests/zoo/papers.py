"""Models drawn the way papers draw them: composite layers, side inputs, NASNet-style cells.

Hand-written (no keras_hub) so that the tests control every variant: a GPT-style stack whose
blocks all read the padding mask, the same stack with a mask feeding only some blocks or one
block that differs, a ViT whose blocks are composite layers inside a composite encoder,
NASNet-style cells reading the two previous cells, and a composite layer that cannot be traced
symbolically. Names are explicit so ids do not depend on Keras's global name counters.
"""

from __future__ import annotations

import keras
from keras import layers, ops


class TransformerBlock(layers.Layer):
    """Pre-norm self-attention and feed-forward, each with a residual add; reads a mask."""

    def __init__(self, dim: int, heads: int, *, extra: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.norm1 = layers.LayerNormalization(name="norm1")
        self.attention = layers.MultiHeadAttention(heads, dim // heads, name="attention")
        self.norm2 = layers.LayerNormalization(name="norm2")
        self.ff1 = layers.Dense(dim * 2, activation="gelu", name="ff1")
        self.ff2 = layers.Dense(dim, name="ff2")
        self.extra = layers.Dense(dim, name="extra") if extra else None

    def call(self, x: keras.KerasTensor, mask: keras.KerasTensor | None = None) -> object:
        h = self.norm1(x)
        attention_mask = None
        if mask is not None:
            m = ops.cast(mask, "bool")
            attention_mask = ops.logical_and(m[:, None, :], m[:, :, None])
        x = x + self.attention(h, h, attention_mask=attention_mask)
        h = self.ff2(self.ff1(self.norm2(x)))
        if self.extra is not None:
            h = self.extra(h)
        return x + h


def _gpt(name: str, blocks: int, masked: int, odd: int | None) -> keras.Model:
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    mask = keras.Input((None,), dtype="int32", name="padding_mask")
    x = layers.Embedding(100, 32, name="embedding")(tokens)
    for i in range(blocks):
        block = TransformerBlock(32, 2, extra=i == odd, name=f"block{i}")
        x = block(x, mask) if i < masked else block(x)
    x = layers.LayerNormalization(name="final_norm")(x)
    logits = layers.Dense(100, name="logits")(x)
    return keras.Model([tokens, mask], logits, name=name)


def gpt_like(blocks: int = 4) -> keras.Model:
    """Embedding, ``blocks`` TransformerBlocks that all read the padding mask, LN, logits."""
    return _gpt("gpt_like", blocks, blocks, None)


def gpt_partial_mask(blocks: int = 4) -> keras.Model:
    """Bad input for folding: the mask feeds only the first half of the blocks."""
    return _gpt("gpt_partial_mask", blocks, blocks // 2, None)


def gpt_odd_block(blocks: int = 4) -> keras.Model:
    """Bad input for folding: block 2 has one layer more than the others."""
    return _gpt("gpt_odd_block", blocks, blocks, 2)


class DecoderBlock(layers.Layer):
    """Self-attention, cross-attention over the encoder's output, feed-forward: the block of
    an encoder-decoder Transformer, which reads a side input (the encoder output) each time."""

    def __init__(self, dim: int, heads: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.norm1 = layers.LayerNormalization(name="norm1")
        self.self_attention = layers.MultiHeadAttention(heads, dim // heads, name="self_attention")
        self.norm2 = layers.LayerNormalization(name="norm2")
        self.cross_attention = layers.MultiHeadAttention(
            heads, dim // heads, name="cross_attention"
        )
        self.norm3 = layers.LayerNormalization(name="norm3")
        self.ff = layers.Dense(dim, activation="gelu", name="ff")

    def call(self, x: keras.KerasTensor, memory: keras.KerasTensor) -> object:
        h = self.norm1(x)
        x = x + self.self_attention(h, h, use_causal_mask=True)
        x = x + self.cross_attention(self.norm2(x), memory)
        return x + self.ff(self.norm3(x))


def encoder_decoder(blocks: int = 3) -> keras.Model:
    """An encoder of ``blocks`` TransformerBlocks, then a decoder of ``blocks`` DecoderBlocks
    that all read the encoder's output (cross-attention)."""
    source = keras.Input((None,), dtype="int32", name="source")
    target = keras.Input((None,), dtype="int32", name="target")
    mask = keras.Input((None,), dtype="int32", name="source_mask")
    memory = layers.Embedding(100, 32, name="source_embedding")(source)
    for i in range(blocks):
        memory = TransformerBlock(32, 2, name=f"encoder{i}")(memory, mask)
    memory = layers.LayerNormalization(name="encoder_norm")(memory)
    x = layers.Embedding(100, 32, name="target_embedding")(target)
    for i in range(blocks):
        x = DecoderBlock(32, 2, name=f"decoder{i}")(x, memory)
    logits = layers.Dense(100, name="logits")(layers.LayerNormalization(name="final_norm")(x))
    return keras.Model([source, target, mask], logits, name="encoder_decoder")


class PatchEmbedding(layers.Layer):
    """Patches by a strided convolution, flattened to a sequence, plus learned positions."""

    def __init__(self, dim: int, patch: int, patches: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.projection = layers.Conv2D(dim, patch, strides=patch, name="projection")
        self.flatten = layers.Reshape((patches, dim), name="flatten")
        self.positions = layers.Embedding(patches, dim, name="positions")
        self.patches = patches

    def call(self, images: keras.KerasTensor) -> object:
        x = self.flatten(self.projection(images))
        return x + self.positions(ops.arange(self.patches))


class ViTBlock(layers.Layer):
    """A ViT encoder block: LN, attention, add; LN, MLP (itself a composite), add."""

    def __init__(self, dim: int, heads: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.norm1 = layers.LayerNormalization(name="norm1")
        self.attention = layers.MultiHeadAttention(heads, dim // heads, name="attention")
        self.norm2 = layers.LayerNormalization(name="norm2")
        self.mlp = keras.Sequential(
            [layers.Dense(dim * 2, activation="gelu"), layers.Dense(dim)], name="mlp"
        )

    def call(self, x: keras.KerasTensor) -> object:
        h = self.norm1(x)
        x = x + self.attention(h, h)
        return x + self.mlp(self.norm2(x))


class ViTEncoder(layers.Layer):
    """``blocks`` ViTBlocks and a final LayerNorm: a composite made of composites."""

    def __init__(self, blocks: int, dim: int, heads: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.blocks = [ViTBlock(dim, heads, name=f"block{i}") for i in range(blocks)]
        self.norm = layers.LayerNormalization(name="norm")

    def call(self, x: keras.KerasTensor) -> object:
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


def vit_like(blocks: int = 3) -> keras.Model:
    """Patch embedding, a ViTEncoder of ``blocks`` blocks, pooling and a classifier."""
    images = keras.Input((32, 32, 3), name="images")
    x = PatchEmbedding(32, 8, 16, name="patch_embedding")(images)
    x = ViTEncoder(blocks, 32, 2, name="encoder")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    return keras.Model(images, layers.Dense(10, name="classes")(x), name="vit_like")


def _cell(p: keras.KerasTensor, h: keras.KerasTensor, name: str) -> keras.KerasTensor:
    """A NASNet-style normal cell: branches over the previous (h) and previous-previous (p)
    outputs, pairwise sums, concatenation and a 1x1 projection."""
    a1 = layers.SeparableConv2D(16, 3, padding="same", name=f"{name}_sep_h")(h)
    a2 = layers.SeparableConv2D(16, 5, padding="same", name=f"{name}_sep_p")(p)
    s1 = layers.Add(name=f"{name}_add1")([a1, a2])
    a3 = layers.AveragePooling2D(3, 1, padding="same", name=f"{name}_pool_p")(p)
    s2 = layers.Add(name=f"{name}_add2")([a3, h])
    c = layers.Concatenate(name=f"{name}_concat")([s1, s2])
    return layers.Conv2D(16, 1, name=f"{name}_project")(c)


def nasnet_like(cells: int = 4) -> keras.Model:
    """A stem and ``cells`` cells, each reading the two cells before it."""
    images = keras.Input((32, 32, 3), name="images")
    p = layers.Conv2D(16, 3, padding="same", name="stem1")(images)
    h = layers.Conv2D(16, 3, padding="same", name="stem2")(p)
    for i in range(cells):
        p, h = h, _cell(p, h, f"cell{i}")
    x = layers.GlobalAveragePooling2D(name="pool")(h)
    return keras.Model(images, layers.Dense(10, name="classes")(x), name="nasnet_like")


class TfOnlyBlock(layers.Layer):
    """A composite whose call uses a TensorFlow op directly: it runs when Keras builds the
    model (on TensorFlow tensors) but cannot be re-run on keras.KerasTensor."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.dense = layers.Dense(8, name="dense")

    def call(self, x: keras.KerasTensor) -> object:
        import tensorflow as tf

        return tf.math.square(self.dense(x))


def untraceable() -> keras.Model:
    """A model with one composite layer that cannot be traced (stays one opaque glyph)."""
    inputs = keras.Input((4,), name="x")
    x = TfOnlyBlock(name="tf_only")(inputs)
    return keras.Model(inputs, layers.Dense(1, name="y")(x), name="untraceable")
