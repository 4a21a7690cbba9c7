"""Model specs: the text a user writes to name a model, parsed without executing anything.

Three forms (shared/DESIGN.md section 1):

- ``pkg.mod:factory``, ``pkg.mod:Class.method`` or ``pkg.mod:factory(depth=18, "x")``: a
  factory, imported and called in the worker. Call arguments must be Python literals; they
  are read with :func:`ast.literal_eval`, never evaluated, so a spec in a page cannot run code
  beyond the factory it names.
- ``path/to/model.keras`` or ``.h5`` (or any suffix a registered extraction route lists in
  its ``suffixes``, e.g. ``.pt2``): a saved model, read by that route in the worker.
- ``path/to/graph.json``: a saved IR (``netviz inspect --json``), used as it is.
- ``path/to/model-folder`` (or ``path/to/model-folder/config.json``): a Hugging Face model
  folder, built from its ``config.json`` in the worker (kind ``"file"``, ``path`` the
  ``config.json``). A text without ``:`` is a folder when it reads like a path (holds a
  ``/``) or names a directory holding a ``config.json``.

Relative paths are resolved against ``base_dir`` (the docs source directory). Paths are only
ever read, so a relative path that leaves ``base_dir`` is allowed (a docs tree commonly names
``../models/net.keras``); nothing is ever written to a location derived from a spec.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import SpecError

__all__ = [
    "FILE_SUFFIXES",
    "HF_CONFIG",
    "IR_SUFFIXES",
    "MODEL_FILE_SUFFIXES",
    "ModelSpec",
    "missing_file",
    "parse_spec",
]

#: Suffixes of saved models, by the extraction route that reads them: the one table of what a
#: model file is called (each route in ``extract/`` takes its ``suffixes`` from here, so the
#: spec language never asks the routes and never imports a later stage).
MODEL_FILE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "keras-file": (".keras", ".h5", ".hdf5"),
    "torch-export": (".pt2",),
    "onnx": (".onnx",),
}
#: Every model file suffix, in the order routes are registered.
FILE_SUFFIXES: tuple[str, ...] = tuple(s for group in MODEL_FILE_SUFFIXES.values() for s in group)
#: Suffixes of saved IR files.
IR_SUFFIXES: tuple[str, ...] = (".json",)
#: The file that makes a folder a Hugging Face model folder.
HF_CONFIG = "config.json"

_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

SpecKind = Literal["factory", "file", "ir"]


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec.

    Attributes:
        text: The spec exactly as written (stripped); errors quote it.
        kind: ``"factory"``, ``"file"`` (saved Keras model) or ``"ir"`` (saved IR JSON).
        module: For factories, the dotted module to import.
        attr: For factories, the dotted attribute path inside the module (``Class.build``).
        args: Positional literal arguments of the call (empty if not called).
        kwargs: Keyword literal arguments as ``(name, value)`` pairs, in the order written.
        path: For files, the resolved absolute path.
        called: True when the spec has call parentheses (``f()`` calls ``f`` with nothing;
            ``f`` alone is called too if callable, but a non-callable model attribute is
            then used as it is).
    """

    text: str
    kind: SpecKind
    module: str | None = None
    attr: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    path: Path | None = None
    called: bool = False

    @property
    def target(self) -> str:
        """``module:attr`` without arguments (factories), or the path (files)."""
        if self.kind == "factory":
            return f"{self.module}:{self.attr}"
        return str(self.path)


def _fail(text: str, why: str) -> SpecError:
    return SpecError(f"model spec {text!r}: {why}")


def _dotted(node: ast.expr, text: str) -> str:
    """``a.b.c`` from a Name/Attribute chain, or raise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise _fail(text, "the part after ':' must be a dotted name, optionally called")
    parts.append(node.id)
    return ".".join(reversed(parts))


def _literal(node: ast.expr, text: str, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        try:
            shown = ast.unparse(node)
        except (ValueError, MemoryError, RecursionError):  # too deep to print back
            shown = "..."
        raise _fail(
            text, f"{where} {shown!r} is not a literal (only literal arguments are allowed)"
        ) from None


def _parse_factory(text: str) -> ModelSpec:
    module, sep, rest = text.partition(":")
    module = module.strip()
    rest = rest.strip()
    if not sep:
        raise _fail(
            text,
            "expected 'package.module:factory', a Hugging Face model folder or a path ending "
            "in " + ", ".join(FILE_SUFFIXES + IR_SUFFIXES),
        )
    if not module:
        raise _fail(text, "the module before ':' is empty")
    if not _MODULE.fullmatch(module):
        raise _fail(text, f"{module!r} is not a dotted module name")
    if not rest:
        raise _fail(text, "the attribute after ':' is empty")
    try:
        tree = ast.parse(rest, mode="eval")
    except SyntaxError as exc:
        raise _fail(text, f"cannot parse {rest!r} ({exc.msg})") from None
    except (ValueError, MemoryError, RecursionError) as exc:  # surrogates, absurd nesting
        raise _fail(text, f"cannot parse {rest!r} ({type(exc).__name__})") from None
    body = tree.body
    args: tuple[Any, ...] = ()
    kwargs: list[tuple[str, Any]] = []
    called = False
    if isinstance(body, ast.Call):
        called = True
        for arg in body.args:
            if isinstance(arg, ast.Starred):
                raise _fail(text, "*args are not allowed in a spec")
        args = tuple(_literal(a, text, "argument") for a in body.args)
        for kw in body.keywords:
            if kw.arg is None:
                raise _fail(text, "**kwargs are not allowed in a spec")
            kwargs.append((kw.arg, _literal(kw.value, text, f"argument {kw.arg}=")))
        body = body.func
    attr = _dotted(body, text)
    return ModelSpec(
        text=text,
        kind="factory",
        module=module,
        attr=attr,
        args=args,
        kwargs=tuple(kwargs),
        called=called,
    )


def parse_spec(text: str, base_dir: Path | None = None) -> ModelSpec:
    """Parse ``text`` into a :class:`ModelSpec`; raises :class:`SpecError` naming the spec.

    Files are resolved against ``base_dir`` (or the current directory) but not required to
    exist here: whoever reads them reports a missing file with the spec in the message.
    """
    if not isinstance(text, str):
        raise SpecError(f"model spec {text!r}: expected text, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise SpecError("model spec '': empty (expected 'package.module:factory' or a path)")
    if "\x00" in stripped or "\n" in stripped:
        raise _fail(stripped, "contains a NUL or newline character")
    lower = stripped.lower()
    folder = _folder(stripped, base_dir)
    if folder is not None:
        return ModelSpec(text=stripped, kind="file", path=folder / HF_CONFIG)
    suffix = next((s for s in FILE_SUFFIXES + IR_SUFFIXES if lower.endswith(s)), None)
    if suffix is not None:
        path = _resolve(stripped, base_dir)
        kind: SpecKind = "ir" if suffix in IR_SUFFIXES else "file"
        return ModelSpec(text=stripped, kind=kind, path=path)
    return _parse_factory(stripped)


def _resolve(text: str, base_dir: Path | None) -> Path:
    try:
        # expanduser raises RuntimeError for "~nobody/..." (unknown user); resolve can
        # raise ValueError (surrogates, NUL) as well as OSError and RuntimeError (loops).
        raw = Path(text).expanduser()
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        path = raw if raw.is_absolute() else base / raw
        return path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise _fail(text, f"cannot resolve the path ({exc})") from None


#: What a folder spec that does not exist yet may look like: a plain path (``models/bert``,
#: ``~/tiny-bert``), not text that merely holds a slash (``<b>x</b>`` is a malformed spec).
_PATH_LIKE = re.compile(r"[\w.~+@ -]*(?:[/\\][\w.~+@ -]*)+")


def _folder(text: str, base_dir: Path | None) -> Path | None:
    """The folder a Hugging Face folder spec names: ``.../config.json``, or a text without
    ``:`` that reads like a path or is a directory holding a ``config.json``."""
    name = text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if name == HF_CONFIG:
        return _resolve(text, base_dir).parent
    if ":" in text or any(text.lower().endswith(s) for s in FILE_SUFFIXES + IR_SUFFIXES):
        return None
    path = _resolve(text, base_dir)
    if ("/" in text or "\\" in text) and (_PATH_LIKE.fullmatch(text) or path.exists()):
        return path
    return path if (path / HF_CONFIG).is_file() else None


def missing_file(spec: ModelSpec) -> str:
    """The one-line message for a file spec whose file is not there."""
    assert spec.path is not None
    if spec.path.name == HF_CONFIG:
        folder = spec.path.parent
        if not folder.is_dir():
            return f"model spec {spec.text!r}: no such folder {str(folder)!r}"
        return (
            f"model spec {spec.text!r}: the folder {str(folder)!r} has no config.json (a "
            "Hugging Face model folder holds one, written by save_pretrained)"
        )
    return f"model spec {spec.text!r}: no such file {str(spec.path)!r}"
