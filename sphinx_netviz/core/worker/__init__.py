"""The isolated extraction process: client, child, process plumbing, memory cap, sources."""

from __future__ import annotations
