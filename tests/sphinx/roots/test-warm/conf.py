import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.abspath("."))

project = "netviz-warm"
extensions = ["sphinx_netviz"]
netviz_cache_dir = os.environ.get("NETVIZ_TEST_CACHE") or None


def _report(app, exception):
    """Record, for the test, whether this build process started a worker or imported TF."""
    from sphinx_netviz.state import get_state

    state = get_state(app)
    report = {
        "tensorflow": "tensorflow" in sys.modules,
        "keras": "keras" in sys.modules,
        "worker_started": state.worker_started,
        "builders_created": state.builders_created,
    }
    Path(os.environ["NETVIZ_TEST_REPORT"]).write_text(json.dumps(report))


def setup(app):
    app.connect("build-finished", _report, priority=100)
