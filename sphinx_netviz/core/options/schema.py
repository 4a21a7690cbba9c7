"""The one options schema.

Every option netviz understands is declared exactly once, as a field of :class:`Options` with
its type, default, documentation and scope in the field's metadata. The Sphinx directive's
``option_spec``, the MkDocs fence parser, the plugin's ``defaults`` and the CLI's flags are all
derived from :data:`OPTIONS`, and every front-end validates through :func:`resolve_options`,
so an option never has two spellings, two defaults or two sets of rules.

Values arrive as text (``:palette: mono``, ``palette: mono``, ``--palette mono``) or already
typed (``netviz_defaults = {"names": True}`` in conf.py, YAML in mkdocs.yml); :meth:`Option.parse`
accepts both and raises :class:`OptionError` with a message naming the option and the value.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..ir.errors import OptionError
from .values import InputShape, Kind, Option, Scope

__all__ = ["OPTIONS", "InputShape", "Option", "Options", "Scope", "option", "resolve_options"]

#: Dtypes ``input-dtype`` accepts (torch's names).
_DTYPES = ("float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8")


#: The worker's default memory cap: 4 GiB, four times the largest framework start-up measured
#: in :mod:`sphinx_netviz.core.worker.memory` (which says why the cap is ``RLIMIT_DATA``).
DEFAULT_MEMORY_LIMIT = 4 * 1024**3


def _spec(
    default: Any,
    kind: Kind,
    doc: str,
    *,
    choices: tuple[str, ...] = (),
    scope: Scope = "render",
    minimum: float | None = None,
    values: str = "",
) -> Any:
    """Declare one option as a dataclass field (the single place it is declared)."""
    meta = {
        "kind": kind,
        "doc": doc,
        "choices": choices,
        "scope": scope,
        "minimum": minimum,
        "values": values,
    }
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Options:
    """All options, validated and typed. Build with :func:`resolve_options`.

    Attribute names are the option names with ``-`` written ``_``.
    """

    # -- structure ---------------------------------------------------------------------------
    group: str = _spec(
        "auto",
        "choice",
        "Fold repeated blocks (linear or branching) into group glyphs.",
        choices=("auto", "none"),
    )
    group_match: str = _spec(
        "type",
        "choice",
        "What two blocks must share to count as repeats: layer types and wiring (``type``), "
        "or also their configuration such as kernel size and filters (``config``).",
        choices=("type", "config"),
    )
    fold_repeats: bool = _spec(
        True,
        "bool",
        "Draw a run of the same block, one after another, as one glyph marked xN.",
    )
    groups: tuple[tuple[str, str], ...] = _spec(
        (),
        "mapping",
        "Manual groups: ``Label=regex`` pairs; the layers whose names match a regex form one "
        "group glyph per connected run.",
        values="Label=regex, ...",
    )
    expand_nested: bool = _spec(
        False,
        "bool",
        "Draw the internals of nested models and composite layers (a layer that calls "
        "layers, such as a Transformer block) instead of one glyph each, at every level.",
    )
    depth: int | str = _spec(
        "auto",
        "auto_int",
        "How many levels of nested models, composite layers and container modules to open. "
        "``auto``: containers are see-through (``nn.Sequential``, ``nn.ModuleList``, a "
        "nested ``keras.Sequential``, a module that only chains its children, the wrapper of "
        "a repeated stack such as a Transformer encoder), so the top level is the paper's "
        "level, while a block that does real work stays one glyph; ``0`` opens none; ``N`` "
        "opens N levels; ``expand-nested`` opens all.",
        minimum=0,
        values="auto|N",
    )
    hide: tuple[str, ...] = _spec(
        (),
        "list",
        "Layer types to drop from the drawing; their edges are bridged (e.g. ``Dropout``).",
        values="Type, Type, ...",
    )
    show: tuple[str, ...] = _spec(
        (),
        "list",
        "Shape plumbing to draw as glyphs of its own (``view``, ``transpose``, ``getitem``, "
        "...: operations that only move or index tensors, folded by default into the glyph "
        "they serve, which lists them in its tooltip); ``plumbing`` shows all of it.",
        values="type, type, ...",
    )
    split_layers: bool = _spec(
        True,
        "bool",
        "Net2Vis's 'replace split layers': a tensor used by several layers gets a Split glyph.",
    )
    # -- colour ------------------------------------------------------------------------------
    palette: str = _spec(
        "net2vis",
        "choice",
        "Colour scheme: Net2Vis's 17 Material colours, evenly spaced hues, the Okabe-Ito "
        "colour-blind set, or monochrome with patterns.",
        choices=("net2vis", "interpolate", "colorblind", "mono"),
    )
    colors: tuple[tuple[str, str], ...] = _spec(
        (),
        "mapping",
        "Per-type colour overrides as ``Type=#hex`` pairs.",
        values="Type=#rrggbb, ...",
    )
    # -- labels ------------------------------------------------------------------------------
    dimensions: bool = _spec(True, "bool", "Label spatial dimensions (e.g. 28x28).")
    dim_names: tuple[tuple[str, str], ...] = _spec(
        (),
        "mapping",
        "Names for axes of unknown size, which are never written ``?``: an unknown sequence "
        "axis prints as ``seq`` (or the name the model gives it: a PyTorch factory's "
        '``Dim("tokens")``). Rename by axis '
        "number, counted after the batch axis (``1=tokens``), or by the default name "
        "(``seq=tokens``). Names are letters, digits and ``_``, at most 16 characters.",
        values="axis=name, ...",
    )
    features: bool = _spec(True, "bool", "Label channel or unit counts under each glyph.")
    names: bool = _spec(False, "bool", "Label each glyph with its layer name.")
    samples: bool = _spec(False, "bool", "Draw dashed input and output sample boxes.")
    # -- geometry (Net2Vis defaults) ---------------------------------------------------------
    min_height: float = _spec(
        30.0,
        "float",
        "Glyph height for the smallest spatial size. A spatial axis of unknown size (a "
        "sequence length) is drawn halfway between min-height and max-height.",
        minimum=1,
    )
    max_height: float = _spec(
        100.0, "float", "Glyph height for the largest spatial size.", minimum=1
    )
    min_width: float = _spec(20.0, "float", "Glyph width for the fewest channels.", minimum=1)
    max_width: float = _spec(80.0, "float", "Glyph width for the most channels.", minimum=1)
    h_spacing: float = _spec(20.0, "float", "Horizontal gap between glyphs.", minimum=0)
    v_spacing: float = _spec(
        200.0,
        "float",
        "Vertical spacing between parallel branches, in Net2Vis's units (its layout's node "
        "separation). Lanes already reserve room for glyphs and labels, so the extra gap drawn "
        "between lanes is a quarter of this value, at least 12 px. Shortcut lines and side "
        "inputs (a mask, a second model input) keep a compact gap of a sixteenth (at least "
        "12 px), as Net2Vis's own figures do.",
        minimum=0,
    )
    wrap: int = _spec(
        0,
        "int",
        "Wrap long chains into rows no wider than this many pixels (0: one row).",
        minimum=0,
    )
    legend: str = _spec(
        "below",
        "choice",
        "Where the legend goes: under the diagram, as its own SVG, or nowhere.",
        choices=("below", "separate", "none"),
    )
    diff_against: str = _spec(
        "",
        "text",
        "Draw the model with its changes against a reference: another version of it, as a "
        "spec, a saved model, an IR or snapshot ``.json`` file, ``git:REV:PATH`` (that file "
        "as committed at git revision ``REV``) or ``git:REV`` (this model's own snapshot at "
        "``REV``, e.g. ``git:main``). Added and changed glyphs are marked, removed ones drawn "
        "ghosted where they were.",
        values="spec, file, git:REV or git:REV:PATH",
    )
    # -- extraction --------------------------------------------------------------------------
    input_shape: tuple[int | None, ...] | tuple[tuple[int | None, ...], ...] | None = _spec(
        None,
        "shape",
        "Input shape (without batch axis) used to build an unbuilt Sequential model or to "
        "run a PyTorch module; several inputs are separated by ``;`` (``3,224,224; 10``).",
        scope="extract",
        values="e.g. 28,28,1",
    )
    input_dtype: str = _spec(
        "float32",
        "choice",
        "Dtype of the example inputs made from ``input-shape`` for a PyTorch module "
        "(``int64`` for token ids).",
        choices=_DTYPES,
        scope="extract",
    )
    timeout: float = _spec(
        120.0,
        "float",
        "Seconds the model may take to import and build.",
        scope="extract",
        minimum=1,
    )
    memory_limit: int = _spec(
        DEFAULT_MEMORY_LIMIT,
        "size",
        "Memory the worker may use while importing and building the model (``0``: no "
        "limit); a factory that needs more fails with a warning and the build goes on.",
        scope="extract",
        values="e.g. 4GiB, 512MiB, 0",
    )
    # -- embedding (directive/fence only; graphviz vocabulary) -------------------------------
    caption: str = _spec("", "text", "Figure caption (makes a numbered figure).", scope="embed")
    name: str = _spec(
        "", "text", "Label for cross-references (``:ref:``/``:numref:``).", scope="embed"
    )
    alt: str = _spec(
        "", "text", "Alternative text; defaults to a summary of the model.", scope="embed"
    )
    align: str = _spec(
        "",
        "choice",
        "Horizontal alignment of the figure.",
        choices=("", "left", "center", "right"),
        scope="embed",
    )
    width: str = _spec(
        "", "text", "CSS width of the figure, e.g. ``100%`` or ``600px``.", scope="embed"
    )
    class_: str = _spec("", "text", "Extra CSS classes for the figure.", scope="embed")

    def __post_init__(self) -> None:
        if self.min_height > self.max_height:
            raise OptionError(
                f"option 'min-height' ({self.min_height:g}) is larger than "
                f"'max-height' ({self.max_height:g})"
            )
        if self.min_width > self.max_width:
            raise OptionError(
                f"option 'min-width' ({self.min_width:g}) is larger than "
                f"'max-width' ({self.max_width:g})"
            )

    # -- views -------------------------------------------------------------------------------
    def values(self, scope: Scope | None = None) -> dict[str, Any]:
        """Option values by kebab-case name, optionally only those of one scope."""
        return {o.name: getattr(self, o.attr) for o in OPTIONS if scope is None or o.scope == scope}

    def render_key(self) -> str:
        """Canonical JSON of the render-scope values: the options part of a cache key.

        ``diff-against`` is written only when set (keys of plain diagrams stay what they
        were); its text (``git:main``) does not say what it names, so a diff's diagram key
        covers the reference's content too (:func:`~..ir.keys.diff_key`)."""
        values = self.values("render")
        if not values["diff-against"]:
            del values["diff-against"]
        return json.dumps(values, sort_keys=True, separators=(",", ":"))

    def graph_values(self) -> dict[str, Any]:
        """The extract-scope values that decide the extracted graph (all but ``timeout`` and
        ``memory-limit``, which only bound the worker): part of IR cache keys and of snapshot
        file names."""
        skip = ("timeout", "memory-limit")
        return {k: v for k, v in self.values("extract").items() if k not in skip}

    def extract_values(self) -> dict[str, Any]:
        """:meth:`graph_values` but ``input-shape``, which loaders take on its own: the
        ``extract`` mapping of :meth:`ModelLoader.load`/``cached``."""
        return {k: v for k, v in self.graph_values().items() if k != "input-shape"}

    def with_values(self, values: Mapping[str, object]) -> Options:
        """A copy with ``values`` (kebab or snake names, text or typed) applied and checked."""
        return resolve_options(values, base=self)


def _kebab(attr: str) -> str:
    return attr.rstrip("_").replace("_", "-")


#: Every option, in declaration order: the source for directive, fence, config and CLI.
OPTIONS: tuple[Option, ...] = tuple(
    Option(
        name=_kebab(f.name),
        attr=f.name,
        kind=f.metadata["kind"],
        default=f.default,
        doc=f.metadata["doc"],
        scope=f.metadata["scope"],
        choices=f.metadata["choices"],
        minimum=f.metadata["minimum"],
        values=f.metadata["values"],
    )
    for f in fields(Options)
)

_BY_NAME: dict[str, Option] = {o.name: o for o in OPTIONS}


def option(name: str) -> Option:
    """Look an option up by kebab-case or snake_case name; unknown names raise with a hint."""
    key = name.strip().lower().replace("_", "-")
    if key in _BY_NAME:
        return _BY_NAME[key]
    close = difflib.get_close_matches(key, list(_BY_NAME), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise OptionError(f"unknown option '{name}'{hint}")


def resolve_options(
    *layers: Mapping[str, object] | None,
    base: Options | None = None,
) -> Options:
    """Merge option mappings (later wins) over ``base`` (defaults) and validate everything.

    Keys may be kebab-case or snake_case; values text or typed. Raises :class:`OptionError`
    for an unknown name or an invalid value; the message names the option.
    """
    changes: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            opt = option(key)
            changes[opt.attr] = opt.parse(value)
    return replace(base or Options(), **changes)
