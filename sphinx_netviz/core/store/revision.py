"""The reference of a diff: a model as committed at a git revision, or any spec netviz reads.

A diff compares two versions of a model (issue 21). The new one is what the page, the CLI
or the caller names; the *reference* may be any spec netviz reads (a factory, a saved
model, an IR or snapshot ``.json`` file) or a file as committed in git:

- ``git:REV:PATH``: the snapshot (or IR) file ``PATH`` as committed at ``REV``, read with
  ``git show REV:./PATH`` from the working folder (``PATH`` is relative to it, as a file
  spec is: the same text that names the file today names it at ``REV``);
- ``git:REV``: *this model's own* snapshot at ``REV``: the file the project's snapshot
  folder holds for the spec and its graph options (:func:`~.snapshot.snapshot_filename`),
  or, when the model is itself given as a ``.json`` file, that file at ``REV``.

Every failure is one :class:`~..ir.errors.ExtractionError` naming the reference: no git
repository, a revision or a path that does not exist, a snapshot that records another spec.
Nothing is written, and no git command changes anything (``rev-parse``, ``show``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ir.errors import ExtractionError, NetvizError, SpecError
from ..ir.spec import parse_spec
from .snapshot import graph_from_text, snapshot_filename

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from .loader import ModelLoader

__all__ = [
    "GIT",
    "GitSpec",
    "diff_against",
    "git_show",
    "is_git_spec",
    "load_reference",
    "parse_git_spec",
]

#: The prefix of a spec read from git.
GIT = "git:"
_TIMEOUT = 60.0


@dataclass(frozen=True)
class GitSpec:
    """``git:REV`` (``path`` None: the model's own snapshot) or ``git:REV:PATH``."""

    text: str
    rev: str
    path: str | None


def is_git_spec(text: str) -> bool:
    return text.strip().startswith(GIT)


def parse_git_spec(text: str) -> GitSpec:
    """Parse ``git:REV`` or ``git:REV:PATH``; raises :class:`SpecError` naming it."""
    stripped = text.strip()
    rev, sep, path = stripped[len(GIT) :].partition(":")
    rev, path = rev.strip(), path.strip()
    if not rev or rev.startswith("-") or any(c in rev for c in "\x00\n "):
        raise SpecError(f"model spec {stripped!r}: expected git:REV or git:REV:PATH")
    if sep and not path:
        raise SpecError(f"model spec {stripped!r}: the path after 'git:{rev}:' is empty")
    return GitSpec(stripped, rev, path if sep else None)


def _git(args: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise ExtractionError(f"model spec {what!r}: git is not installed")
    try:
        return subprocess.run(
            [git, "-C", str(cwd), *args],
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExtractionError(f"model spec {what!r}: git failed ({exc})") from None


def git_show(spec: GitSpec, path: str, cwd: Path) -> str:
    """The text of ``path`` (relative to ``cwd``) as committed at ``spec.rev``."""
    what = spec.text
    if not cwd.is_dir():
        raise ExtractionError(f"model spec {what!r}: no such folder {str(cwd)!r}")
    if _git(["rev-parse", "--show-toplevel"], cwd, what).returncode != 0:
        raise ExtractionError(f"model spec {what!r}: no git repository at {str(cwd)!r}")
    verify = _git(["rev-parse", "--verify", "--quiet", f"{spec.rev}^{{commit}}"], cwd, what)
    if verify.returncode != 0:
        raise ExtractionError(f"model spec {what!r}: git revision {spec.rev!r} does not exist")
    if Path(path).is_absolute():
        path = os.path.relpath(path, cwd)
    shown = _git(["show", f"{spec.rev}:./{Path(path).as_posix()}"], cwd, what)
    if shown.returncode != 0:
        raise ExtractionError(
            f"model spec {what!r}: {path!r} does not exist at revision {spec.rev!r}"
        )
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractionError(
            f"model spec {what!r}: {path!r} at {spec.rev!r} is not a netviz snapshot or IR file"
        ) from None


def _read(spec: GitSpec, path: str, cwd: Path, expected: str | None) -> Graph:
    text = git_show(spec, path, cwd)
    try:
        graph, recorded = graph_from_text(text)
    except ValueError as exc:
        raise ExtractionError(
            f"model spec {spec.text!r}: {path!r} at {spec.rev!r} is not a netviz snapshot or "
            f"IR file ({exc})"
        ) from None
    if expected is not None and recorded is not None and recorded.strip() != expected.strip():
        raise ExtractionError(
            f"model spec {spec.text!r}: the snapshot {Path(path).name!r} at {spec.rev!r} is "
            f"of another spec ({recorded!r}, not {expected.strip()!r})"
        )
    return graph


def load_reference(
    ref: str,
    loader: ModelLoader,
    *,
    spec: str | None = None,
    input_shape: Any = None,
    extract: Mapping[str, Any] | None = None,
) -> Graph:
    """The graph of the reference ``ref`` of model ``spec`` (see the module docstring).

    ``git:REV:PATH`` is read relative to the loader's base folder (the docs source folder,
    or the current one); ``git:REV`` needs ``spec``, and the loader's snapshot folder unless
    ``spec`` is itself a ``.json`` file; anything else is loaded like any spec.
    """
    if not is_git_spec(ref):
        return loader.load(ref, input_shape=input_shape, extract=extract).graph
    git = parse_git_spec(ref)
    base = loader.base_dir or Path.cwd()
    if git.path is not None:
        return _read(git, git.path, base, None)
    if spec is None:
        raise SpecError(
            f"model spec {git.text!r}: git:REV names the model's own snapshot, and there is "
            "no spec to name it by here; give git:REV:PATH"
        )
    parsed = parse_spec(spec, loader.base_dir)
    if parsed.kind == "ir" and parsed.path is not None:  # the model is a snapshot file
        return _read(git, parsed.path.name, parsed.path.parent, None)
    if loader.snapshot_dir is None:
        raise ExtractionError(
            f"model spec {git.text!r}: the snapshot of {spec.strip()!r} is looked up in the "
            "snapshot folder, and none is configured (netviz_snapshot_dir, the plugin's "
            "snapshot_dir, or --snapshot-dir)"
        )
    options = {**(extract or {}), "input-shape": input_shape}
    name = snapshot_filename(spec, options)
    return _read(git, name, Path(loader.snapshot_dir).resolve(), spec)


def diff_against(
    ref: str,
    spec: str,
    loader: ModelLoader,
    *,
    input_shape: Any = None,
    extract: Mapping[str, Any] | None = None,
) -> Graph:
    """:func:`load_reference` for the ``diff-against`` option of model ``spec`` (the docs
    pipeline and ``netviz render``): an error names the spec and the reference."""
    try:
        return load_reference(ref, loader, spec=spec, input_shape=input_shape, extract=extract)
    except NetvizError as exc:
        cause = str(exc).removeprefix(f"model spec {ref!r}: ")
        raise type(exc)(f"model spec {spec.strip()!r}: diff-against {ref!r}: {cause}") from exc
