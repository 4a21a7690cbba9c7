"""Small helpers shared by test modules."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_json_script(script: str, *args: str, timeout: float = 300) -> Any:
    """Run ``script`` in a fresh interpreter (so its imports are its own) and return the JSON
    object it printed on its last line."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
