"""What every stage speaks: the Graph IR, model specs, sizes, the layer vocabulary, errors."""

from __future__ import annotations
