"""A dense classifier."""

from __future__ import annotations

from torch import nn

from torchshop.layers import CLASSES, HIDDEN


def mlp() -> nn.Module:
    """A two-layer perceptron for 28x28 images (its input shape is given in ``conf.py``)."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28, HIDDEN),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(HIDDEN, CLASSES),
    )
