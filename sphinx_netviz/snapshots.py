"""``netviz snapshot --project``, the Sphinx side: read a project with Sphinx, write its snapshots.

Run by the core's CLI as ``python -m sphinx_netviz.snapshots CONF_PY [--dir DIR]``
(:mod:`sphinx_netviz.core.cli_project`). The project is read by Sphinx itself, with its own
``conf.py`` (extensions, ``exclude_patterns``, autodoc and its mocks), into a temporary
folder, by the ``netviz-snapshots`` builder: a builder that writes no pages, but for which
every diagram is built after reading, as for HTML. Extraction is on and the snapshot folder
is set (``-d``, else the project's ``netviz_snapshot_dir``), so each directive and autodoc
diagram, with its own options over ``netviz_defaults``, is written under the very key a
later build looks it up by. Every snapshot file is printed on stdout; Sphinx's warnings (a
diagram that failed) go to stderr. Exit 0: all written; 1: some failed; 2: the project
cannot be read this way (no snapshot folder, Sphinx not installed).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .extra import MISSING_SPHINX

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["BUILDER", "builder_class", "expected_files", "main"]

#: The builder's name (also usable by hand: ``sphinx-build -b netviz-snapshots docs out``).
BUILDER = "netviz-snapshots"


def builder_class() -> type:
    from sphinx.builders.dummy import DummyBuilder

    class SnapshotBuilder(DummyBuilder):
        """Reads every page and builds every diagram (writing snapshots); writes no page."""

        name = BUILDER
        format = BUILDER
        epilog = "netviz: the snapshots are written."

    return SnapshotBuilder


def expected_files(app: Sphinx, folder: Path, failed: set[str]) -> tuple[list[Path], int]:
    """The snapshot file of every diagram the project's pages request (IR files have none),
    and how many of them failed to build (their request keys in ``failed``)."""
    from sphinx_netviz.core import NetvizError
    from sphinx_netviz.core.adapter import expected_snapshot, parse_spec

    from .events import env_requests
    from .state import options_from_values, request_key

    files: dict[Path, None] = {}
    failures = 0
    for requests in env_requests(app.env).values():
        for _lineno, spec, values, _where in requests:
            try:
                if parse_spec(spec, base_dir=Path(app.srcdir)).kind == "ir":
                    continue
            except NetvizError:
                failures += 1  # reported by the build, with its location
                continue
            if request_key(spec, values) in failed:
                failures += 1
                continue
            files[expected_snapshot(folder, spec, options_from_values(values))] = None
    return list(files), failures


def _failed_requests(app: Sphinx, into: set[str]) -> None:
    """Note the request keys whose diagram failed (before the state forgets its outcomes)."""
    from .state import get_state

    def note(app: Sphinx, exception: BaseException | None) -> None:
        into.update(k for k, o in get_state(app).outcomes.items() if o.diagram is None)

    app.connect("build-finished", note, priority=100)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the project's diagrams into its snapshot folder; see the module docstring."""
    from sphinx_netviz.core.adapter import collector_parser

    args = collector_parser("sphinx").parse_args(argv)
    try:
        from sphinx.application import Sphinx
    except ModuleNotFoundError:
        print(MISSING_SPHINX, file=sys.stderr)
        return 2
    from sphinx_netviz.core.adapter import default_cache_dir

    from .state import snapshot_dir

    confdir = args.config.resolve().parent
    overrides: dict[str, object] = {"netviz_offline": False}
    if args.dir is not None:
        overrides["netviz_snapshot_dir"] = str(args.dir.resolve())
    if args.cache_dir is not None:
        overrides["netviz_cache_dir"] = str(args.cache_dir.resolve())
    with tempfile.TemporaryDirectory(prefix="netviz-snapshots-") as tmp:
        app = Sphinx(
            str(confdir),
            str(confdir),
            str(Path(tmp) / "out"),
            str(Path(tmp) / "doctrees"),
            BUILDER,
            confoverrides=overrides,
            status=None,
            warning=sys.stderr,
            freshenv=True,
        )
        folder = snapshot_dir(app)
        if folder is None:
            print(
                f"netviz: {args.config}: no snapshot folder: set netviz_snapshot_dir in conf.py "
                "or pass -d DIR",
                file=sys.stderr,
            )
            return 2
        if args.cache_dir is None and not args.no_cache and not app.config.netviz_cache_dir:
            # The default cache lives beside the doctrees, here a temporary folder: use the
            # command line's own default so a second run is warm.
            app.config.netviz_cache_dir = str(default_cache_dir())
        failed: set[str] = set()
        _failed_requests(app, failed)
        app.build(force_all=True)
        expected, failures = expected_files(app, folder, failed)
    written = [path for path in expected if path.is_file()]
    for path in written:
        print(path)
    return 0 if failures == 0 and len(written) == len(expected) else 1


if __name__ == "__main__":
    sys.exit(main())
