"""The one options schema, shared by the directive, the fence, the CLI and the docs."""

from __future__ import annotations
