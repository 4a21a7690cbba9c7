"""What is drawn: the IR opened to a depth, hidden types bridged, manual groups, splits."""

from __future__ import annotations
