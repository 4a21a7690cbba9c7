"""Sizes shared by the dense models."""

HIDDEN = 64
CLASSES = 10
