"""The SVG writer: scenes and legends into markup, palettes, PDF/PNG export."""

from __future__ import annotations
