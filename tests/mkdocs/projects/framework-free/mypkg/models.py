"""PyTorch models, documented with mkdocstrings (torch imported at module level, as usual)."""

from __future__ import annotations

import torch
from torch import nn


class SmallCNN(nn.Module):
    """A model class that needs inputs nobody gave: skipped silently."""

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.head = nn.Linear(8, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(self.conv(x), 1), 1))


def mlp() -> nn.Module:
    """An MLP for flattened 28x28 images (conf.py's override gives its input shape)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))


def cnn() -> tuple[SmallCNN, torch.Tensor]:
    """A factory returning a subclass of nn.Module and its example inputs."""
    return SmallCNN(), torch.zeros(1, 3, 32, 32)
