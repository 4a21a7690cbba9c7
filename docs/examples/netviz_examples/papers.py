"""Architectures as papers draw them: a GPT-style decoder, a Vision Transformer, NASNet cells.

Their blocks are *composite layers* (a ``keras.layers.Layer`` whose ``call`` runs other
layers) or cells that read more than the previous output (every decoder block reads the
padding mask; a NASNet cell reads the two cells before it). netviz opens composite layers,
folds the repeated blocks into one glyph marked xN, draws the side inputs once, and shows
what a block is made of in the legend.

The layer classes are defined on first use, so importing this package does not import Keras.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import keras

__all__ = ["encoder_decoder", "gpt_decoder", "nasnet_cells", "vision_transformer"]


@cache
def _layers() -> dict[str, Any]:
    """The composite layer classes (built once, when a factory first needs them)."""
    import keras
    from keras import layers, ops

    class DecoderBlock(layers.Layer):
        """Pre-norm causal self-attention and an MLP, each with a residual add."""

        def __init__(self, dim: int, heads: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.norm1 = layers.LayerNormalization(name="norm1")
            self.attention = layers.MultiHeadAttention(heads, dim // heads, name="attention")
            self.norm2 = layers.LayerNormalization(name="norm2")
            self.mlp_in = layers.Dense(4 * dim, activation="gelu", name="mlp_in")
            self.mlp_out = layers.Dense(dim, name="mlp_out")

        def call(self, x: Any, padding_mask: Any) -> Any:
            h = self.norm1(x)
            keep = ops.cast(padding_mask, "bool")
            mask = ops.logical_and(keep[:, None, :], keep[:, :, None])
            x = x + self.attention(h, h, attention_mask=mask, use_causal_mask=True)
            return x + self.mlp_out(self.mlp_in(self.norm2(x)))

    class PatchEmbedding(layers.Layer):
        """Image patches by a strided convolution, as a sequence, plus learned positions."""

        def __init__(self, dim: int, patch: int, patches: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.projection = layers.Conv2D(dim, patch, strides=patch, name="projection")
            self.to_sequence = layers.Reshape((patches, dim), name="to_sequence")
            self.positions = layers.Embedding(patches, dim, name="positions")
            self.patches = patches

        def call(self, images: Any) -> Any:
            x = self.to_sequence(self.projection(images))
            return x + self.positions(ops.arange(self.patches))

    class EncoderBlock(layers.Layer):
        """A ViT encoder block: attention and MLP, pre-norm, residual adds."""

        def __init__(self, dim: int, heads: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.norm1 = layers.LayerNormalization(name="norm1")
            self.attention = layers.MultiHeadAttention(heads, dim // heads, name="attention")
            self.norm2 = layers.LayerNormalization(name="norm2")
            self.mlp_in = layers.Dense(2 * dim, activation="gelu", name="mlp_in")
            self.mlp_out = layers.Dense(dim, name="mlp_out")

        def call(self, x: Any) -> Any:
            h = self.norm1(x)
            x = x + self.attention(h, h)
            return x + self.mlp_out(self.mlp_in(self.norm2(x)))

    class CrossDecoderBlock(layers.Layer):
        """A decoder block of an encoder-decoder: causal self-attention, cross-attention over
        the encoder's output (``memory``), an MLP; pre-norm, residual adds."""

        def __init__(self, dim: int, heads: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.norm1 = layers.LayerNormalization(name="norm1")
            self.self_attention = layers.MultiHeadAttention(
                heads, dim // heads, name="self_attention"
            )
            self.norm2 = layers.LayerNormalization(name="norm2")
            self.cross_attention = layers.MultiHeadAttention(
                heads, dim // heads, name="cross_attention"
            )
            self.norm3 = layers.LayerNormalization(name="norm3")
            self.mlp_in = layers.Dense(2 * dim, activation="gelu", name="mlp_in")
            self.mlp_out = layers.Dense(dim, name="mlp_out")

        def call(self, x: Any, memory: Any) -> Any:
            h = self.norm1(x)
            x = x + self.self_attention(h, h, use_causal_mask=True)
            x = x + self.cross_attention(self.norm2(x), memory)
            return x + self.mlp_out(self.mlp_in(self.norm3(x)))

    return {
        "CrossDecoderBlock": CrossDecoderBlock,
        "DecoderBlock": DecoderBlock,
        "PatchEmbedding": PatchEmbedding,
        "EncoderBlock": EncoderBlock,
        "keras": keras,
    }


def gpt_decoder(vocab: int = 1000, dim: int = 64, heads: int = 4, blocks: int = 6) -> keras.Model:
    """A GPT-style decoder: token and position embeddings, ``blocks`` decoder blocks that all
    read the padding mask, a final LayerNorm and the vocabulary logits."""
    import keras
    from keras import layers

    classes = _layers()
    tokens = keras.Input((None,), dtype="int32", name="token_ids")
    mask = keras.Input((None,), dtype="int32", name="padding_mask")
    x = layers.Embedding(vocab, dim, name="token_embedding")(tokens)
    for i in range(blocks):
        x = classes["DecoderBlock"](dim, heads, name=f"decoder_block_{i}")(x, mask)
    x = layers.LayerNormalization(name="final_norm")(x)
    logits = layers.Dense(vocab, name="logits")(x)
    return keras.Model([tokens, mask], logits, name="gpt_decoder")


def encoder_decoder(
    vocab: int = 1000, dim: int = 64, heads: int = 4, blocks: int = 3
) -> keras.Model:
    """An encoder-decoder Transformer: ``blocks`` ViT-style encoder blocks over the source
    tokens, then ``blocks`` decoder blocks over the target tokens, each of which also reads
    the encoder's output (cross-attention), and the vocabulary logits."""
    import keras
    from keras import layers

    classes = _layers()
    source = keras.Input((None,), dtype="int32", name="source_ids")
    target = keras.Input((None,), dtype="int32", name="target_ids")
    memory = layers.Embedding(vocab, dim, name="source_embedding")(source)
    for i in range(blocks):
        memory = classes["EncoderBlock"](dim, heads, name=f"encoder_block_{i}")(memory)
    memory = layers.LayerNormalization(name="encoder_norm")(memory)
    x = layers.Embedding(vocab, dim, name="target_embedding")(target)
    for i in range(blocks):
        x = classes["CrossDecoderBlock"](dim, heads, name=f"decoder_block_{i}")(x, memory)
    x = layers.LayerNormalization(name="final_norm")(x)
    logits = layers.Dense(vocab, name="logits")(x)
    return keras.Model([source, target], logits, name="encoder_decoder")


def vision_transformer(
    image: int = 64, patch: int = 8, dim: int = 64, heads: int = 4, blocks: int = 4
) -> keras.Model:
    """A Vision Transformer: patch embedding, ``blocks`` encoder blocks, pooled classifier."""
    import keras
    from keras import layers

    classes = _layers()
    patches = (image // patch) ** 2
    images = keras.Input((image, image, 3), name="images")
    x = classes["PatchEmbedding"](dim, patch, patches, name="patch_embedding")(images)
    for i in range(blocks):
        x = classes["EncoderBlock"](dim, heads, name=f"encoder_block_{i}")(x)
    x = layers.LayerNormalization(name="final_norm")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    return keras.Model(images, layers.Dense(10, name="classes")(x), name="vision_transformer")


def _cell(p: Any, h: Any, filters: int, name: str) -> Any:
    """A NASNet-style normal cell over the previous (``h``) and previous-previous (``p``)
    outputs: separable convolutions and pooling, pairwise sums, concatenated and projected."""
    from keras import layers

    a = layers.SeparableConv2D(filters, 3, padding="same", name=f"{name}_sep3_h")(h)
    b = layers.SeparableConv2D(filters, 5, padding="same", name=f"{name}_sep5_p")(p)
    s1 = layers.Add(name=f"{name}_add1")([a, b])
    c = layers.AveragePooling2D(3, 1, padding="same", name=f"{name}_pool_p")(p)
    s2 = layers.Add(name=f"{name}_add2")([c, h])
    d = layers.SeparableConv2D(filters, 3, padding="same", name=f"{name}_sep3_s1")(s1)
    s3 = layers.Add(name=f"{name}_add3")([d, s2])
    x = layers.Concatenate(name=f"{name}_concat")([s1, s2, s3])
    return layers.Conv2D(filters, 1, name=f"{name}_project")(x)


def nasnet_cells(cells: int = 4, filters: int = 32) -> keras.Model:
    """A stem and ``cells`` NASNet-style cells, each reading the two cells before it."""
    import keras
    from keras import layers

    images = keras.Input((32, 32, 3), name="images")
    p = layers.Conv2D(filters, 3, padding="same", name="stem1")(images)
    h = layers.Conv2D(filters, 3, padding="same", name="stem2")(p)
    for i in range(cells):
        p, h = h, _cell(p, h, filters, f"cell{i}")
    x = layers.GlobalAveragePooling2D(name="pool")(h)
    return keras.Model(images, layers.Dense(10, name="classes")(x), name="nasnet_cells")
