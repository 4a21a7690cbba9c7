"""One option and its values: :class:`Option`, and the parsers from text or typed values.

One parser per :data:`Kind`, looked up by :meth:`Option.parse`; each raises
:class:`OptionError` through :meth:`Option.fail` so the message names the option and the
value. The patterns here are the only definition of what a layer type name, a colour, an
axis name, a CSS length or a memory size (``4GiB``) may look like. The schema
(:mod:`.schema`) declares the options themselves; it imports this module, never the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..ir.dims import AXIS_NAME
from ..ir.errors import OptionError

__all__ = [
    "PARSERS",
    "InputShape",
    "Kind",
    "Option",
    "Scope",
    "format_size",
    "parse_size",
]

#: ``render`` options change the picture; ``extract`` options change how the model is
#: obtained; ``embed`` options only change how a page embeds the picture (caption, alt...).
Scope = Literal["render", "extract", "embed"]

#: ``input-shape``: one shape, or one shape per input of a multi-input model.
InputShape = tuple[int | None, ...] | tuple[tuple[int | None, ...], ...]

#: How an option's value is written and parsed (one parser each, :data:`PARSERS`).
Kind = Literal[
    "choice", "bool", "int", "auto_int", "float", "list", "mapping", "shape", "size", "text"
]

_TRUE = {"", "true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_DIM_KEY = re.compile(r"\d{1,2}|[A-Za-z_][A-Za-z0-9_]{0,15}")
#: A CSS length as ``width`` accepts it: pages put it in a ``style`` attribute, so anything
#: more (``100px;background:url(...)``) would be CSS injected by whoever writes the page.
_CSS_LENGTH = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:px|%|em|rem|ex|ch|vw|vh|pt|pc|cm|mm|in)?")


_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
    "t": 1024**4,
    "tb": 1000**4,
    "tib": 1024**4,
}
_SIZE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)")


def parse_size(value: object) -> int:
    """Bytes from ``4GiB``, ``512 MiB``, ``2G``, ``1.5GB``, ``1048576`` or ``0`` (no limit).

    Binary units (``KiB``/``MiB``/``GiB``, and the bare ``K``/``M``/``G``) are powers of 1024,
    ``KB``/``MB``/``GB`` powers of 1000. Raises :class:`ValueError` for anything else.
    """
    if isinstance(value, bool):
        raise ValueError("not a size")
    if isinstance(value, int):
        number: float = value
        unit = ""
    else:
        match = _SIZE.fullmatch(str(value).strip().lower())
        if match is None or match.group(2) not in _UNITS:
            raise ValueError("not a size (use e.g. 4GiB, 512MiB, or 0 for no limit)")
        number = float(match.group(1))
        unit = match.group(2)
    size = int(number * _UNITS[unit])
    if size < 0:
        raise ValueError("negative, not a size")
    return size


def format_size(size: int) -> str:
    """``4 GiB``, ``512 MiB``, ``1.5 GiB``: the largest binary unit that reads well."""
    if size <= 0:
        return "no limit"
    for unit, factor in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}"
    return f"{size} B"


@dataclass(frozen=True)
class Option:
    """One option as seen by a front-end: its name, kind, default, doc and validation."""

    name: str
    attr: str
    kind: Kind
    default: Any
    doc: str
    scope: Scope
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    values: str = ""

    @property
    def metavar(self) -> str:
        """How the value is written, for help texts and documentation tables."""
        if self.choices:
            return "|".join(c for c in self.choices if c)
        if self.values:
            return self.values
        return {"bool": "true|false", "int": "N", "float": "N", "text": "TEXT"}.get(
            self.kind, "VALUE"
        )

    @property
    def default_text(self) -> str:
        """The default as a user writes it (``4GiB``, ``true``, ``30``); empty for none."""
        value: Any = self.default
        if self.kind == "size":
            return format_size(int(value)).replace(" ", "") if value else "0"
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None or value in ((), ""):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    @property
    def plain_doc(self) -> str:
        """The documentation as plain text (no reStructuredText literals), for help texts."""
        return self.doc.replace("``", "")

    def parse(self, value: object) -> Any:
        """Convert text or an already-typed value to this option's type, or raise."""
        try:
            return PARSERS[self.kind](self, value)
        except OptionError:
            raise
        except (TypeError, ValueError) as exc:
            raise OptionError(f"option '{self.name}': invalid value {value!r} ({exc})") from None

    def fail(self, value: object, why: str) -> OptionError:
        """An :class:`OptionError` naming this option and the offending value."""
        return OptionError(f"option '{self.name}': {value!r} {why}")


def _parse_bool(opt: Option, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return True  # a bare flag (``:names:``) switches the option on
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise opt.fail(value, "is not a boolean (use true or false)")


def _parse_number(opt: Option, value: object) -> float | int:
    if isinstance(value, bool):
        raise opt.fail(value, "is not a number")
    text = str(value).strip()
    number: float | int = int(text) if opt.kind in ("int", "auto_int") else float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise opt.fail(value, "is not a finite number")
    if opt.minimum is not None and number < opt.minimum:
        raise opt.fail(value, f"must be at least {opt.minimum:g}")
    if opt.kind == "float" and number > 1e6:
        raise opt.fail(value, "is too large (at most 1000000)")
    return number


def _parse_auto_int(opt: Option, value: object) -> int | str:
    """``auto`` (the default that decides per model), or a whole number (at least the
    option's minimum)."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    number = _parse_number(opt, value)
    if not isinstance(number, int):
        raise opt.fail(value, "is not auto or a whole number")
    return number


def _parse_choice(opt: Option, value: object) -> str:
    text = "" if value is None else str(value).strip().lower()
    if text not in opt.choices:
        shown = ", ".join(c for c in opt.choices if c)
        raise opt.fail(value, f"is not one of {shown}")
    return text


def _split_items(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]
    if isinstance(value, Iterable):
        return [str(part).strip() for part in value if str(part).strip()]
    raise TypeError("expected a comma-separated list")


def _parse_list(opt: Option, value: object) -> tuple[str, ...]:
    items = _split_items(value)
    for item in items:
        if not _TYPE_NAME.fullmatch(item):
            raise opt.fail(item, "is not a layer type name")
    return tuple(sorted(set(items)))


def _parse_mapping(opt: Option, value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        pairs = [(str(k).strip(), str(v).strip()) for k, v in value.items()]
    else:
        pairs = []
        for item in _split_items(value):
            key, sep, val = item.partition("=")
            if not sep:
                key, sep, val = item.partition(":")
            if not sep or not key.strip() or not val.strip():
                raise opt.fail(item, f"is not of the form {opt.values}")
            pairs.append((key.strip(), val.strip()))
    for key, val in pairs:
        if opt.attr == "dim_names":
            if not _DIM_KEY.fullmatch(key) or key == "0":
                raise opt.fail(key, "is not an axis number (1, 2, ...) or an axis name")
            if not AXIS_NAME.fullmatch(val):
                raise opt.fail(val, "is not a name (letters, digits, _; at most 16)")
        elif opt.attr == "colors":
            if not _TYPE_NAME.fullmatch(key):
                raise opt.fail(key, "is not a layer type name")
            if not _HEX.fullmatch(val):
                raise opt.fail(val, "is not a colour (use #rgb or #rrggbb)")
        else:
            try:
                re.compile(val)
            except (re.error, OverflowError, RecursionError, MemoryError) as exc:
                # a{99999999999} overflows, "((((..." recurses: both are user typos.
                why = str(exc) or type(exc).__name__
                raise opt.fail(val, f"is not a valid regular expression ({why})") from None
    return tuple(sorted(dict(pairs).items()))


def _parse_shape(opt: Option, value: object) -> InputShape | None:
    """One shape (``28,28,1``) or one per input, separated by ``;`` (``3,32,32; 10``).

    Typed values from conf.py/mkdocs.yml may be a list of ints or a list of lists.
    """
    if value is None or value == "":
        return None
    parts: list[object]
    if isinstance(value, str) and ";" in value:
        parts = [p for p in value.split(";") if p.strip()]
    elif (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(p, list | tuple | str) for p in value)
    ):
        parts = list(value) if all(not isinstance(p, str) or "," in p for p in value) else [value]
    else:
        parts = [value]
    shapes = [_one_shape(opt, value, part) for part in parts]
    found = [s for s in shapes if s]
    if not found:
        return None
    return found[0] if len(found) == 1 and len(parts) == 1 else tuple(found)


def _one_shape(opt: Option, whole: object, value: object) -> tuple[int | None, ...]:
    items = _split_items(value.strip("()[] ") if isinstance(value, str) else value)
    dims: list[int | None] = []
    for item in items:
        if item.lower() == "none":
            dims.append(None)
            continue
        dim = int(item)
        if dim <= 0:
            raise opt.fail(whole, "must list positive dimensions")
        dims.append(dim)
    return tuple(dims)


def _parse_size(opt: Option, value: object) -> int:
    try:
        return parse_size(value)
    except ValueError as exc:
        raise opt.fail(value, f"is {exc}") from None


def _parse_text(opt: Option, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise opt.fail(value, "is not text")
    text = str(value).strip()
    if opt.attr == "width" and text and not _CSS_LENGTH.fullmatch(text):
        raise opt.fail(value, "is not a CSS length (e.g. 600px or 80%)")
    return text


PARSERS: dict[str, Any] = {
    "bool": _parse_bool,
    "int": _parse_number,
    "auto_int": _parse_auto_int,
    "float": _parse_number,
    "choice": _parse_choice,
    "list": _parse_list,
    "mapping": _parse_mapping,
    "shape": _parse_shape,
    "size": _parse_size,
    "text": _parse_text,
}
