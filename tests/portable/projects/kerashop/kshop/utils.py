"""Helpers no model uses."""

from __future__ import annotations


def learning_rate(step: int, base: float = 1e-3) -> float:
    """A step decay schedule."""
    return base * 0.5 ** (step // 1000)
