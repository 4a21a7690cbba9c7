"""``python -m sphinx_netviz.core.worker``: the worker's child process (:mod:`.child`), under
the package's own name as well (the command line of netviz versions before the stage
packages)."""

from __future__ import annotations

import sys

from .child import main

if __name__ == "__main__":  # importing the module (pkgutil.walk_packages) starts nothing
    sys.exit(main())
