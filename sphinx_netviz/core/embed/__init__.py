"""The page: figure HTML, inlining, and the static CSS/JS both adapters ship."""

from __future__ import annotations
