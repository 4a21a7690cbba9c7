"""The PyTorch route: ``nn.Module`` traced on the meta device, and ``.pt2`` programs."""

from __future__ import annotations
