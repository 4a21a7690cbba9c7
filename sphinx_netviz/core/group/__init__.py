"""Folding: repeated blocks (with or without side inputs), cells, and names of groups."""

from __future__ import annotations
