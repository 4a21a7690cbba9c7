"""``netviz diff OLD NEW`` and ``netviz render --diff-against``: architecture diffs on the
command line (shared/DESIGN.md sections 3 and 5).

``netviz diff OLD NEW -o OUT.svg [--stat] [--exit-code] [diagram options]`` draws NEW with
its changes against OLD. Each is any spec netviz reads (a factory, a saved model, an IR or a
snapshot ``.json`` file) or ``git:REV:PATH``, that file as committed at revision ``REV``;
OLD may also be ``git:REV``: NEW's own snapshot at ``REV`` (the file itself when NEW is a
``.json`` file, else NEW's snapshot in ``--snapshot-dir``). Extraction options apply to both,
diagram options to the drawing of NEW.

- ``--stat`` prints ``added: N``, ``removed: N``, ``changed: N``, then one line per changed
  group (``BertLayer: x4 -> x6``) and layer (``dense_2: units 128 -> 256``);
- ``--exit-code`` exits 1 when the architectures differ and 0 when they do not, as
  ``git diff --exit-code`` does (without it: 0 on success);
- exit 2 on a usage error, 1 with one line on stderr naming the spec when OLD or NEW cannot
  be had (no such file or revision, no git repository, a snapshot of another spec...).

The parser (:mod:`.cli`) wires this module in; the command's own code lives here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ir.errors import ExtractionError, NetvizError

if TYPE_CHECKING:
    from .diagram import Diagram
    from .ir.graph import Graph
    from .options.schema import Options
    from .store.loader import ModelLoader

__all__ = ["add_diff_parser", "against_reference", "cmd_diff"]

LoaderFactory = Callable[[argparse.Namespace, "Options"], AbstractContextManager["ModelLoader"]]
_FORMATS = ("svg", "pdf", "png")


def add_diff_parser(
    sub: argparse._SubParsersAction[Any],
    add_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The ``diff`` subcommand (``add_options`` adds the schema's diagram options)."""
    parser = sub.add_parser(
        "diff",
        help="draw NEW with its changes against OLD (--stat: a summary; --exit-code: 1 if "
        "they differ)",
    )
    spec_help = (
        "any spec netviz reads ('pkg.module:factory', a saved model, an IR or snapshot .json "
        "file) or git:REV:PATH (that file as committed at git revision REV)"
    )
    parser.add_argument("old", metavar="OLD", help=spec_help + "; or git:REV: NEW's own snapshot")
    parser.add_argument("new", metavar="NEW", help=spec_help)
    parser.add_argument("-o", "--output", type=Path, default=None, help="output file")
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default=None,
        help="output format (default: from the output file's suffix, else svg)",
    )
    parser.add_argument(
        "--stat",
        action="store_true",
        help="print 'added: N', 'removed: N', 'changed: N', then one line per changed group "
        "and layer",
    )
    parser.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when the architectures differ, 0 when they do not (like git diff)",
    )
    parser.add_argument(
        "--base-dir",
        type=Path,
        default=None,
        help="directory relative specs (and git:REV:PATH paths) are read from (default: the "
        "current directory)",
    )
    parser.add_argument(
        "--sys-path",
        action="append",
        default=[],
        metavar="DIR",
        help="extra directory for importing a factory (repeatable)",
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help="IR cache directory")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.add_argument(
        "--snapshot-dir",
        type=Path,
        default=None,
        help="the committed snapshot folder (where OLD = git:REV finds NEW's snapshot)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="never extract: use snapshots (or the cache) only"
    )
    add_options(parser)


def _usage(message: str) -> int:
    print(f"netviz: usage error: {message} (see 'netviz diff --help')", file=sys.stderr)
    return 2


def _side(text: str, loader: ModelLoader, options: Options, spec: str | None) -> Graph:
    """One side of the diff, any failure one error naming its spec."""
    from .store.revision import load_reference

    try:
        return load_reference(
            text,
            loader,
            spec=spec,
            input_shape=options.input_shape,
            extract=options.extract_values(),
        )
    except NetvizError as exc:
        if text.strip() in str(exc):
            raise
        raise type(exc)(f"model spec {text.strip()!r}: {exc}") from exc
    except Exception as exc:  # one line naming the spec, never a traceback
        first = (str(exc).splitlines() or [""])[0][:300]
        raise ExtractionError(
            f"model spec {text.strip()!r}: {type(exc).__name__}: {first}".rstrip(": ")
        ) from exc


def cmd_diff(
    args: argparse.Namespace,
    options: Options,
    loader: LoaderFactory,
    write: Callable[[Path, str | bytes], None],
    convert: Callable[[str, str], str | bytes],
) -> int:
    """Run ``netviz diff`` (``loader``, ``write``, ``convert``: the CLI's own helpers)."""
    from .compare.changes import diff_graphs
    from .diagram import render_diff

    if options.diff_against:
        return _usage("--diff-against is render's; netviz diff takes OLD and NEW")
    if args.output is None and not (args.stat or args.exit_code):
        return _usage("nothing to do: give -o OUT.svg, --stat or --exit-code")
    with loader(args, options) as models:
        new = _side(args.new, models, options, None)
        old = _side(args.old, models, options, args.new)
    try:
        if args.output is not None:
            diagram = render_diff(old, new, options)
            svg, changes = diagram.svg, diagram.changes
        else:
            svg, changes = "", diff_graphs(old, new)
    except Exception as exc:  # one line naming both specs, never a traceback
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
        raise ExtractionError(f"model specs {args.old!r} -> {args.new!r}: {first}") from exc
    if args.output is not None:
        fmt = args.format or args.output.suffix.lower().lstrip(".")
        write(args.output, convert(svg, fmt if fmt in _FORMATS else "svg"))
    assert changes is not None
    if args.stat:
        sys.stdout.write(changes.stat())
    return 1 if args.exit_code and changes.differ else 0


def against_reference(
    args: argparse.Namespace, options: Options, graph: Graph, loader: LoaderFactory
) -> Diagram:
    """``netviz render|bundle --diff-against REF``: the model drawn against its reference."""
    from .diagram import render_diff
    from .store.revision import diff_against

    with loader(args, options) as models:
        reference = diff_against(
            options.diff_against,
            args.spec,
            models,
            input_shape=options.input_shape,
            extract=options.extract_values(),
        )
    return render_diff(reference, graph, options)
