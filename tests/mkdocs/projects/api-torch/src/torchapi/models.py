"""PyTorch models and factories, documented with mkdocstrings.

torch is imported at module level, as in most PyTorch projects: a build without torch mocks
it (``autodoc_mock_imports``) and draws the diagrams from committed snapshots.
"""

from __future__ import annotations

import torch
from torch import nn


class SmallCNN(nn.Module):
    """A small CNN for 3x32x32 images; its override entry gives the input shape."""

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(8, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.pool(self.relu(self.conv(x))), 1))


class Configurable(nn.Module):
    """Needs a constructor argument; its override entry gives it, and the inputs."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.inner = nn.Linear(8, width)
        self.outer = nn.Linear(width, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.outer(torch.relu(self.inner(x)))


class NeedsArguments(nn.Module):
    """Needs a constructor argument and has no override entry: no diagram, no warning."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.linear = nn.Linear(width, width)


class Block(nn.Module):
    """A layer-like module without inputs known anywhere: no diagram, no warning."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 4)


def mlp() -> nn.Module:
    """An MLP for flattened 28x28 images; its override entry gives the input shape."""
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 10)
    )


def small_cnn() -> SmallCNN:
    """Annotated with a subclass of nn.Module: a factory all the same."""
    return SmallCNN()


def helper() -> int:
    """Not a model: no diagram."""
    return 1
