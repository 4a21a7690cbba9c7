"""PyTorch twins of the Keras examples, and a Hugging Face BERT, for the PyTorch page.

Each factory mirrors a Keras factory of this package layer for layer (same sizes, same
blocks), so the two drawings can be compared glyph by glyph. Factories return the module and
its example inputs; the worker calls them on the meta device, so nothing is allocated.

torch is imported at module level on purpose: the worker sees that the spec's module uses
torch and calls the factory with the meta device as default device. This module is not
imported by the package's ``__init__``, so Keras-only builds never import torch.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = [
    "BasicBlock",
    "ResNetLike",
    "Siamese",
    "Tagger",
    "UNet",
    "hf_bert",
    "hf_gpt2_named",
    "keras_bert",
    "resnet_like",
    "siamese",
    "tagger",
    "unet",
]


class BasicBlock(nn.Module):
    """conv-bn-relu-conv-bn plus an identity shortcut, then relu (ResNet's basic block)."""

    def __init__(self, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(filters, filters, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(filters)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(filters)
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(x + y)


class ResNetLike(nn.Module):
    """A stem, ``blocks`` identical basic blocks, global pooling and a classifier."""

    def __init__(self, blocks: int = 3, filters: int = 32, num_classes: int = 10) -> None:
        super().__init__()
        self.stem_conv = nn.Conv2d(3, filters, 3, padding=1)
        self.stem_bn = nn.BatchNorm2d(filters)
        self.stem_relu = nn.ReLU()
        self.blocks = nn.ModuleList(BasicBlock(filters) for _ in range(blocks))
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.classes = nn.Linear(filters, num_classes)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.stem_relu(self.stem_bn(self.stem_conv(image)))
        for block in self.blocks:
            x = block(x)
        return torch.softmax(self.classes(torch.flatten(self.gap(x), 1)), dim=-1)


def resnet_like(blocks: int = 3, filters: int = 32) -> tuple[nn.Module, torch.Tensor]:
    """The twin of :func:`netviz_examples.resnet_like` (32x32 RGB images)."""
    return ResNetLike(blocks, filters), torch.zeros(1, 3, 32, 32)


class _DoubleConv(nn.Sequential):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1),
            nn.ReLU(),
        )  # fmt: skip


class UNet(nn.Module):
    """A U-Net with ``depth`` down and up levels and skip connections by concatenation."""

    def __init__(self, depth: int = 3, base_filters: int = 16) -> None:
        super().__init__()
        widths = [base_filters * 2**i for i in range(depth + 1)]
        cin = 1
        self.down = nn.ModuleList()
        for w in widths[:-1]:
            self.down.append(_DoubleConv(cin, w))
            cin = w
        self.pool = nn.MaxPool2d(2)
        self.bottom = _DoubleConv(widths[-2], widths[-1])
        levels = list(reversed(range(depth)))
        self.up = nn.ModuleList(
            nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in levels
        )
        self.dec = nn.ModuleList(_DoubleConv(2 * widths[i], widths[i]) for i in levels)
        self.mask = nn.Conv2d(base_filters, 1, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        skips = []
        x = image
        for down in self.down:
            x = down(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for up, dec in zip(self.up, self.dec, strict=True):
            x = dec(torch.cat([up(x), skips.pop()], dim=1))
        return torch.sigmoid(self.mask(x))


def unet(depth: int = 3, base_filters: int = 16, size: int = 64) -> tuple[nn.Module, torch.Tensor]:
    """The twin of :func:`netviz_examples.unet` (greyscale ``size`` x ``size`` images)."""
    return UNet(depth, base_filters), torch.zeros(1, 1, size, size)


def hf_bert(layers: int = 4, hidden: int = 128) -> tuple[Any, dict[str, torch.Tensor]]:
    """A Hugging Face ``BertModel`` built from a small config (nothing is downloaded)."""
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=1000, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=4 * hidden, max_position_embeddings=128,
    )  # fmt: skip
    return BertModel(config), {"input_ids": torch.zeros(1, 32, dtype=torch.long)}


def hf_gpt2_named(layers: int = 4, hidden: int = 128) -> tuple[Any, dict[str, Any], Any]:
    """A Hugging Face ``GPT2Model`` whose sequence axis is named the ``torch.export`` way:
    ``(model, example_inputs, dynamic_shapes)`` with ``Dim("tokens")``."""
    from torch.export import Dim
    from transformers import GPT2Config, GPT2Model

    config = GPT2Config(
        vocab_size=1000, n_embd=hidden, n_layer=layers, n_head=4, n_positions=128,
        bos_token_id=0, eos_token_id=0,
    )  # fmt: skip
    inputs = {"input_ids": torch.zeros(1, 32, dtype=torch.long)}
    return GPT2Model(config), inputs, {"input_ids": {1: Dim("tokens")}}


def keras_bert(layers: int = 4, hidden: int = 128) -> Any:
    """keras_hub's ``BertBackbone`` with the same sizes: the Keras twin of :func:`hf_bert`."""
    import keras_hub

    return keras_hub.models.BertBackbone(
        vocabulary_size=1000, num_layers=layers, num_heads=4, hidden_dim=hidden,
        intermediate_dim=4 * hidden, max_sequence_length=128,
    )  # fmt: skip


class Siamese(nn.Module):
    """Two images through one shared tower, compared by a small head (two inputs)."""

    def __init__(self) -> None:
        super().__init__()
        self.tower = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(16 * 16 * 16, 64),
        )  # fmt: skip
        self.head = nn.Linear(128, 1)

    def forward(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.head(torch.cat([self.tower(left), self.tower(right)], dim=1)))


def siamese() -> nn.Module:
    """Needs ``input-shape: 3,32,32; 3,32,32`` (no example inputs returned)."""
    return Siamese()


class Tagger(nn.Module):
    """Token ids in, one tag per token out: embedding, a bidirectional LSTM, a classifier."""

    def __init__(self, vocab: int = 5000, tags: int = 9) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 64)
        self.lstm = nn.LSTM(64, 64, batch_first=True, bidirectional=True)
        self.tags = nn.Linear(128, tags)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        states, _ = self.lstm(self.embed(tokens))
        return self.tags(states)


def tagger() -> nn.Module:
    """Needs ``input-shape: 40`` and ``input-dtype: int64`` (token ids)."""
    return Tagger()
