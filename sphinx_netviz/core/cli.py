"""``netviz render | bundle | inspect | snapshot``: the command line (shared/DESIGN.md section 3).

Every diagram option flag is derived from the one schema (:data:`~.options.OPTIONS`):
``--group auto``, ``--names`` / ``--names false`` for booleans, and the generic
``--option group=auto`` (repeatable); help texts are the schema's documentation as plain
text. Exit status: 0 on success, 2 on a usage error (unknown flag, invalid option value, an
output suffix the format cannot write, a folder that is no docs project), 1 when the model
cannot be loaded or rendered, with one line on stderr naming the spec and the cause. Hints in
messages name the command line's own flags (``--input-shape``, :mod:`.hints`). ``netviz diff`` and
``--diff-against`` live in :mod:`.cli_diff`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .cli_checks import FORMATS, UsageError, check_outputs, check_snapshot, given_options
from .cli_diff import add_diff_parser, against_reference, cmd_diff
from .cli_project import snapshot_projects
from .ir.errors import NetvizError, OptionError
from .options.hints import for_front_end
from .options.schema import OPTIONS, resolve_options

if TYPE_CHECKING:
    from .ir.graph import Graph
    from .options.schema import Options
    from .store.loader import ModelLoader

__all__ = ["build_parser", "main"]

#: Options a command line can set: everything but the page-embedding ones (caption, alt...).
CLI_OPTIONS = tuple(o for o in OPTIONS if o.scope in ("render", "extract"))


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"netviz: usage error: {message} (see '{self.prog} --help')\n")


def _warn(message: str) -> None:
    print(f"netviz: warning: {for_front_end(message, 'cli')}", file=sys.stderr)


def _add_common(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    if many:
        parser.add_argument(
            "specs",
            nargs="*",
            metavar="SPEC",
            help="'pkg.module:factory', 'pkg.module:factory(depth=18)' or a saved model file "
            "(.keras, .h5, .pt2); or none, with --project",
        )
    else:
        parser.add_argument(
            "spec",
            help="'pkg.module:factory', 'pkg.module:factory(depth=18)', a saved model file "
            "(.keras, .h5, .pt2) or a saved IR .json file",
        )
    parser.add_argument(
        "--base-dir",
        type=Path,
        default=None,
        help="directory relative file specs are resolved against and added to the import "
        "path (default: the current directory)",
    )
    parser.add_argument(
        "--sys-path",
        action="append",
        default=[],
        metavar="DIR",
        help="extra directory for importing the factory (repeatable)",
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help="IR cache directory")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    if not many:
        parser.add_argument(
            "--snapshot-dir",
            type=Path,
            default=None,
            help="committed snapshot folder: written after an extraction, read when the "
            "framework is not installed or with --offline",
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help="never extract: use snapshots (or the cache) only (also NETVIZ_OFFLINE=1)",
        )


def _add_options(parser: argparse.ArgumentParser, *, render: bool) -> None:
    group = parser.add_argument_group("diagram options (the same names as the directive)")
    for opt in CLI_OPTIONS:
        if opt.scope == "render" and not render:
            continue
        default = f" (default: {opt.default_text})" if opt.default_text else ""
        help_text = (opt.plain_doc + default).replace("%", "%%")  # argparse formats with %
        if opt.kind == "bool":
            group.add_argument(
                f"--{opt.name}",
                dest=f"opt_{opt.attr}",
                nargs="?",
                const="true",
                default=None,
                metavar="true|false",
                help=help_text,
            )
        else:
            group.add_argument(
                f"--{opt.name}",
                dest=f"opt_{opt.attr}",
                default=None,
                metavar=opt.metavar,
                help=help_text,
            )
    group.add_argument(
        "--option",
        dest="raw_options",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set any option by name (repeatable), e.g. --option group=none",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``netviz`` argument parser (flags derived from the options schema)."""
    parser = _Parser(
        prog="netviz",
        description="Net2Vis-style diagrams of Keras and PyTorch models (Hugging Face models "
        "included): SVG, PDF or PNG, and the snapshots a docs build draws from.",
    )
    parser.add_argument("--version", action="version", version=f"netviz {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    inspect = sub.add_parser("inspect", help="print the extracted graph (table or IR JSON)")
    _add_common(inspect)
    inspect.add_argument("--json", action="store_true", help="print the IR as JSON")
    _add_options(inspect, render=False)

    render = sub.add_parser("render", help="draw the diagram to SVG, PDF or PNG")
    _add_common(render)
    render.add_argument("-o", "--output", type=Path, required=True, help="output file")
    render.add_argument("--legend-out", type=Path, default=None, help="write the legend here")
    render.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: from the output file's suffix, else svg)",
    )
    render.add_argument(
        "--stats",
        action="store_true",
        help="print the layout's quality on stdout, one 'name: value' line each: edge "
        "crossings (counted from the drawn polylines), bends, width and height (px, without "
        "the legend), glyphs and edges",
    )
    _add_options(render, render=True)

    add_diff_parser(sub, lambda parser: _add_options(parser, render=True))

    bundle = sub.add_parser("bundle", help="zip of diagram and legend, each as SVG and PDF")
    _add_common(bundle)
    bundle.add_argument("-o", "--output", type=Path, required=True, help="output .zip file")
    _add_options(bundle, render=True)

    snapshot = sub.add_parser(
        "snapshot",
        help="write committed IR snapshots, for docs builds without the framework",
    )
    _add_common(snapshot, many=True)
    snapshot.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DOCS_DIR",
        help="a Sphinx (conf.py) or MkDocs (mkdocs.yml) project: write the snapshot of every "
        "diagram its build draws (directives, fences, autodoc), each with its own options",
    )
    snapshot.add_argument(
        "-d",
        "--dir",
        type=Path,
        default=None,
        help="the snapshot folder (default with --project: the project's netviz_snapshot_dir "
        "or snapshot_dir; required otherwise)",
    )
    _add_options(snapshot, render=False)
    return parser


def _options(args: argparse.Namespace) -> Options:
    values: dict[str, object] = {}
    for raw in args.raw_options:
        name, sep, value = raw.partition("=")
        if not sep or not name.strip():
            raise OptionError(f"--option {raw!r}: expected NAME=VALUE")
        values[name.strip()] = value
    for opt in CLI_OPTIONS:
        value = getattr(args, f"opt_{opt.attr}", None)
        if value is not None:
            values[opt.name] = value
    return resolve_options(values)


def _loader(
    args: argparse.Namespace, options: Options, snapshot_dir: Path | None = None
) -> ModelLoader:
    from .store.cache import default_cache_dir
    from .store.loader import ModelLoader

    base = (args.base_dir or Path.cwd()).resolve()
    cache = None if args.no_cache else (args.cache_dir or default_cache_dir())
    return ModelLoader(
        cache_dir=cache,
        base_dir=base,
        sys_path=[str(Path(p).resolve()) for p in args.sys_path],
        timeout=options.timeout,
        on_warning=_warn,
        memory_limit=options.memory_limit,
        snapshot_dir=snapshot_dir or getattr(args, "snapshot_dir", None),
        offline=bool(getattr(args, "offline", False)),
    )


def _load(args: argparse.Namespace, options: Options) -> Graph:
    extract = options.extract_values()
    with _loader(args, options) as loader:
        return loader.load(args.spec, input_shape=options.input_shape, extract=extract).graph


def _write(path: Path, data: str | bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise _OutputError(f"cannot write {str(path)!r} ({exc.strerror or exc})") from None


class _OutputError(NetvizError):
    """The output file could not be written."""


def _convert(svg: str, fmt: str) -> str | bytes:
    if fmt == "svg":
        return svg
    from .draw import export

    return export.svg_to_pdf(svg) if fmt == "pdf" else export.svg_to_png(svg)


def _cmd_inspect(args: argparse.Namespace, options: Options) -> int:
    graph = _load(args, options)
    if args.json:
        sys.stdout.write(graph.to_json(indent=2) + "\n")
    else:
        from .ir.summary import summary_table

        sys.stdout.write(summary_table(graph) + "\n")
    return 0


def _cmd_render(args: argparse.Namespace, options: Options) -> int:
    from .diagram import render

    graph = _load(args, options)
    _check_types(graph, options)
    if options.diff_against:
        diagram = against_reference(args, options, graph, _loader)
    else:
        diagram = render(graph, options)
    _write(args.output, _convert(diagram.svg, args.format))
    if args.legend_out is not None:
        _write(args.legend_out, _convert(diagram.legend_svg, args.legend_format))
    if args.stats and diagram.stats is not None:
        print("\n".join(diagram.stats.lines()))
    return 0


def _cmd_bundle(args: argparse.Namespace, options: Options) -> int:
    from .diagram import render
    from .draw import export

    graph = _load(args, options)
    _check_types(graph, options)
    if options.diff_against:
        diagram = against_reference(args, options, graph, _loader)
    else:
        diagram = render(graph, options)
    _write(args.output, export.bundle(diagram))
    return 0


def _check_types(graph: Graph, options: Options) -> None:
    """One warning for layer types in --hide/--colors that the model does not have."""
    from .options.unknown_types import unknown_types_message

    message = unknown_types_message(graph, options)
    if message is not None:
        _warn(message)


def _cmd_snapshot(args: argparse.Namespace, options: Options) -> int:
    """Extract each spec (or take it from the cache) and write its snapshot into ``--dir``;
    one stderr line per spec that fails, the others are still written."""
    if args.project is not None:
        return snapshot_projects(args.project, args.dir, args.cache_dir, args.no_cache)
    from .store.snapshot import snapshot_filename

    folder = args.dir.resolve()
    extract = options.extract_values()
    failed = 0
    with _loader(args, options, snapshot_dir=folder) as loader:
        for spec in args.specs:
            try:
                loader.load(spec, input_shape=options.input_shape, extract=extract)
            except NetvizError as exc:
                failed += 1
                message = " ".join(str(exc).split()) or type(exc).__name__
                if spec.strip() not in message:
                    message = f"model spec {spec!r}: {message}"
                print(f"netviz: {for_front_end(message, 'cli')}", file=sys.stderr)
                continue
            name = snapshot_filename(spec, {**extract, "input-shape": options.input_shape})
            print(str(folder / name))
    return 1 if failed else 0


def _cmd_diff(args: argparse.Namespace, options: Options) -> int:
    return cmd_diff(args, options, _loader, _write, _convert)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``netviz`` console script; returns the exit status."""
    from .cli_project import ProjectError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = _options(args)
        check_outputs(args)
        check_snapshot(args, given_options(args))
    except (OptionError, UsageError) as exc:
        print(f"netviz: usage error: {for_front_end(str(exc), 'cli')}", file=sys.stderr)
        return 2
    commands = {
        "inspect": _cmd_inspect,
        "render": _cmd_render,
        "bundle": _cmd_bundle,
        "snapshot": _cmd_snapshot,
        "diff": _cmd_diff,
    }
    try:
        return commands[args.command](args, options)
    except ProjectError as exc:
        print(f"netviz: usage error: {exc}", file=sys.stderr)
        return 2
    except NetvizError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        spec = getattr(args, "spec", None) or " ".join(getattr(args, "specs", ()))
        if spec not in message:
            message = f"model spec {spec!r}: {message}"
        print(f"netviz: {for_front_end(message, 'cli')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("netviz: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, never a traceback, for anything unexpected
        first = (str(exc).splitlines() or [""])[0][:300]
        spec = getattr(args, "spec", None) or " ".join(getattr(args, "specs", ()))
        print(f"netviz: model spec {spec!r}: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
