"""Where graphs are kept between builds: the disk cache, committed snapshots, the loader."""

from __future__ import annotations
