"""What the command line is checked for before any model loads: usage errors (exit 2).

Output names whose suffix the format cannot write, the snapshot command's two forms (a list
of specs, or ``--project``) and options that describe one model given for several. Each
raises :class:`UsageError` with one line saying what to write instead.
"""

from __future__ import annotations

import argparse
import mimetypes
from pathlib import Path

from .ir.errors import NetvizError
from .options.schema import OPTIONS

__all__ = ["FORMATS", "UsageError", "check_outputs", "check_snapshot", "given_options"]

#: What ``netviz render`` writes.
FORMATS = ("svg", "pdf", "png")

#: Options that decide the extracted graph: per model, so never one value for many specs.
_PER_MODEL = tuple(
    o for o in OPTIONS if o.scope == "extract" and o.name not in ("timeout", "memory-limit")
)


class UsageError(NetvizError):
    """A command line that cannot mean what it says (exit 2, like argparse's own errors)."""


def _suffix_format(path: Path) -> str:
    """The format a file's suffix names (``svg``, ``jpeg``, ``zip``...; empty for none or an
    unknown suffix such as ``.bin``)."""
    suffix = path.suffix.lower().lstrip(".")
    if not suffix:
        return ""
    if suffix in FORMATS:
        return suffix
    kind, _ = mimetypes.guess_type(f"x.{suffix}", strict=False)
    if kind is None or kind == "application/octet-stream":
        return ""
    return suffix


def _output_format(path: Path, fmt: str | None, flag: str) -> str:
    """The format to write ``path`` in; a suffix the format cannot write is a usage error
    (``-o t.jpg`` would otherwise get SVG bytes under a JPEG name)."""
    named = _suffix_format(path)
    if fmt is None:
        if named in ("", *FORMATS):
            return named or "svg"
        raise UsageError(
            f"{flag} {str(path)!r}: netviz writes .svg, .pdf or .png, not .{named} "
            "(or give --format with a neutral suffix)"
        )
    if named and named != fmt:
        raise UsageError(f"{flag} {str(path)!r}: --format {fmt} writes .{fmt}, not .{named}")
    return fmt


def check_outputs(args: argparse.Namespace) -> None:
    """Usage errors in output names, found before any model is loaded."""
    if args.command == "render":
        args.format = _output_format(args.output, args.format, "-o")
        if args.legend_out is not None:
            args.legend_format = _output_format(args.legend_out, None, "--legend-out")
    elif args.command == "bundle" and _suffix_format(args.output) not in ("", "zip"):
        raise UsageError(f"-o {str(args.output)!r}: a bundle is a .zip file")


def check_snapshot(args: argparse.Namespace, given: set[str]) -> None:
    """The spec-list form takes per-model options for one spec only; --project takes none."""
    if args.command != "snapshot":
        return
    if args.project is not None:
        if args.specs:
            raise UsageError("give either SPECs or --project, not both")
        if given:
            flags = ", ".join(f"--{n}" for n in sorted(given))
            raise UsageError(
                f"--project takes each diagram's options from the project; drop {flags}"
            )
        return
    if not args.specs:
        raise UsageError("give one or more SPECs, or --project DOCS_DIR")
    if args.dir is None:
        raise UsageError("the spec-list form needs -d DIR (the snapshot folder)")
    per_model = sorted(n for n in given if n in {o.name for o in _PER_MODEL})
    if per_model and len(args.specs) > 1:
        flags = ", ".join(f"--{n}" for n in per_model)
        verb = "describes" if len(per_model) == 1 else "describe"
        raise UsageError(
            f"{flags} {verb} one model's inputs, but {len(args.specs)} specs were given: "
            "each would be snapshotted with them, under a key no diagram without them looks "
            "up; run one 'netviz snapshot SPEC ... -d DIR' per model, or 'netviz snapshot "
            "--project DOCS_DIR', which takes each diagram's own options"
        )


def given_options(args: argparse.Namespace) -> set[str]:
    """The option names the command line sets (flags and --option NAME=VALUE)."""
    names = {o.name for o in OPTIONS if getattr(args, f"opt_{o.attr}", None) is not None}
    for raw in args.raw_options:
        name = raw.partition("=")[0].strip().lower().replace("_", "-")
        if name:
            names.add(name)
    return names
