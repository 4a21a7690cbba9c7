import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.abspath("src"))

project = "netviz-snapshot"
extensions = ["sphinx_netviz"]
exclude_patterns = ["_build", "netviz-snapshots", "src"]
# Committed snapshots: written by a build with the framework, read by one without.
netviz_snapshot_dir = "netviz-snapshots"
netviz_cache_dir = os.environ.get("NETVIZ_TEST_CACHE") or None


def _report(app, exception):
    """Record, for the test, whether this build started a worker or imported a framework."""
    target = os.environ.get("NETVIZ_TEST_REPORT")
    if not target:
        return
    from sphinx_netviz.state import get_state

    state = get_state(app)
    Path(target).write_text(
        json.dumps(
            {
                "keras": "keras" in sys.modules,
                "tensorflow": "tensorflow" in sys.modules,
                "worker_starts": state.worker_starts,
            }
        )
    )


def setup(app):
    app.connect("build-finished", _report, priority=100)
