"""``netviz snapshot --project``, the MkDocs side: read a project with MkDocs, write its snapshots.

Run by the core's CLI as ``python -m mkdocs_netviz.snapshots MKDOCS_YML [--dir DIR]``
(:mod:`sphinx_netviz.core.cli_project`). The project is built by MkDocs itself, with its own
``mkdocs.yml`` (plugins, mkdocstrings and the griffe extension, Markdown extensions), into a
temporary site folder, with the netviz plugin set to extract (``offline: false``) and to
write snapshots into ``--dir`` (else the project's ``snapshot_dir``). So every fence and
every autodoc diagram, with its own options over ``defaults``, is written under the very key a
later build looks it up by. Every snapshot file is printed on stdout; MkDocs' warnings go to
stderr. Exit 0: all written; 1: some failed; 2: the project cannot be read this way.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

_MISSING = (
    'netviz: reading a MkDocs project needs MkDocs; install it with: pip install "netviz[mkdocs]"'
)


def _stderr_warnings() -> logging.Handler:
    """MkDocs' warnings on stderr, as ``mkdocs build`` shows them (it is not running here)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Build the project's diagrams into its snapshot folder; see the module docstring."""
    from sphinx_netviz.core.adapter import collector_parser

    args = collector_parser("mkdocs").parse_args(argv)
    try:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except ModuleNotFoundError:
        print(_MISSING, file=sys.stderr)
        return 2
    from sphinx_netviz.core import NetvizError
    from sphinx_netviz.core.adapter import expected_snapshot, parse_spec

    config_file = args.config.resolve()
    base_dir = config_file.parent
    _stderr_warnings()
    with tempfile.TemporaryDirectory(prefix="netviz-snapshots-") as tmp:
        try:
            config = load_config(config_file=str(config_file), site_dir=str(Path(tmp) / "site"))
        except MkDocsException as exc:
            print(f"netviz: {config_file}: {exc}", file=sys.stderr)
            return 2
        plugin = config.plugins.get("netviz")
        if plugin is None:
            print(f"netviz: {config_file}: the netviz plugin is not configured", file=sys.stderr)
            return 2
        settings = plugin.config
        if args.dir is not None:
            settings["snapshot_dir"] = str(args.dir.resolve())
        if not settings["snapshot_dir"]:
            print(
                f"netviz: {config_file}: no snapshot folder: set the netviz plugin's "
                "snapshot_dir or pass -d DIR",
                file=sys.stderr,
            )
            return 2
        folder = (base_dir / settings["snapshot_dir"]).resolve()
        settings["offline"] = False
        if args.no_cache:
            settings["cache"] = False
        elif args.cache_dir is not None:
            settings["cache_dir"] = str(args.cache_dir.resolve())
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except MkDocsException as exc:
            print(f"netviz: {config_file}: {exc}", file=sys.stderr)
            return 1
        finally:
            config.plugins.on_shutdown()
        session = plugin.session
        requests = list(session.requests) if session is not None else []
        failures = session.failures if session is not None else 0
    files: dict[Path, None] = {}
    for spec, options in requests:
        try:
            if parse_spec(spec, base_dir=base_dir).kind == "ir":
                continue
        except NetvizError:
            continue  # reported by the build, with its page and line
        files[expected_snapshot(folder, spec, options)] = None
    written = [path for path in files if path.is_file()]
    for path in written:
        print(path)
    return 0 if failures == 0 and len(written) == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
