"""Sequence models: recurrent and attention-based.

Their tensors have no spatial size, so glyph heights follow the sequence length and widths the
feature size; attention layers take several inputs from the same tensor (query, key, value),
which netviz draws with a split glyph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

__all__ = ["lstm_classifier", "transformer_encoder"]


def lstm_classifier(vocab: int = 5000, length: int = 80, units: int = 64) -> keras.Model:
    """A sentiment classifier: embedding, two stacked LSTMs and a sigmoid output."""
    import keras
    from keras import layers

    tokens = keras.Input(shape=(length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab, 64, name="embedding")(tokens)
    x = layers.LSTM(units, return_sequences=True, name="lstm1")(x)
    x = layers.LSTM(units // 2, name="lstm2")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="sentiment")(x)
    return keras.Model(tokens, outputs, name="lstm_classifier")


def _encoder_block(x: keras.KerasTensor, dim: int, heads: int, name: str) -> keras.KerasTensor:
    """Self-attention and a feed-forward network, each with a residual add and LayerNorm."""
    from keras import layers

    attn = layers.MultiHeadAttention(heads, dim // heads, name=f"{name}_attention")(x, x)
    x = layers.Add(name=f"{name}_add1")([x, attn])
    x = layers.LayerNormalization(name=f"{name}_norm1")(x)
    ff = layers.Dense(dim * 2, activation="gelu", name=f"{name}_ff1")(x)
    ff = layers.Dense(dim, name=f"{name}_ff2")(ff)
    x = layers.Add(name=f"{name}_add2")([x, ff])
    return layers.LayerNormalization(name=f"{name}_norm2")(x)


def transformer_encoder(
    vocab: int = 2000, length: int = 32, dim: int = 64, heads: int = 4, blocks: int = 2
) -> keras.Model:
    """A Transformer encoder classifier: ``blocks`` identical encoder blocks over embeddings."""
    import keras
    from keras import layers

    tokens = keras.Input(shape=(length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab, dim, name="embedding")(tokens)
    for i in range(blocks):
        x = _encoder_block(x, dim, heads, name=f"enc{i + 1}")
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    outputs = layers.Dense(4, activation="softmax", name="topic")(x)
    return keras.Model(tokens, outputs, name="transformer_encoder")
