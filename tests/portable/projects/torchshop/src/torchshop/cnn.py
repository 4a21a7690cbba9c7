"""Convolutional classifiers."""

from __future__ import annotations

import torch
from torch import nn

from torchshop.blocks import ConvBlock


def convnet() -> tuple[nn.Module, torch.Tensor]:
    """A three-stage CNN for 32x32 colour images, with its example input."""
    model = nn.Sequential(
        ConvBlock(3, 16),
        nn.MaxPool2d(2),
        ConvBlock(16, 32),
        nn.MaxPool2d(2),
        ConvBlock(32, 64),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, 10),
    )
    return model, torch.zeros(1, 3, 32, 32)


class SmallCNN(nn.Module):
    """Two convolution blocks and a linear head (input shape in ``conf.py``)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(ConvBlock(3, 8), nn.MaxPool2d(2), ConvBlock(8, 16))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.pool(self.features(x)), 1))
