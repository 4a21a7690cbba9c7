"""Helpers no model uses."""

from __future__ import annotations

from itertools import pairwise


def count_parameters(sizes: list[int]) -> int:
    """The number of weights of a dense stack of ``sizes``."""
    return sum(a * b + b for a, b in pairwise(sizes))
