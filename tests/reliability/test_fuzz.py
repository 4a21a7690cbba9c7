"""Fuzzing the parsers users feed text into: they raise only their documented errors.

- :func:`~sphinx_netviz.core.ir.spec.parse_spec` -> :class:`ModelSpec` or :class:`SpecError`;
- :func:`~sphinx_netviz.core.options.schema.resolve_options` -> :class:`Options` or
  :class:`OptionError`;
- :func:`~mkdocs_netviz.fence.parse_fence` -> a request, :class:`SpecError` or
  :class:`OptionError`;
- :meth:`Graph.from_json <sphinx_netviz.core.ir.graph.Graph.from_json>` -> a graph (that
  round-trips) or ``ValueError``.

Anything else (a ``RecursionError``, ``AttributeError``, ``RuntimeError``...) would crash a
docs build or a CLI call instead of being reported. ``deadline`` makes a slow example (a
catastrophic regex, a quadratic loop) fail the test: the parsers must never hang.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs_netviz.fence import FenceRequest, parse_fence
from sphinx_netviz.core.ir.errors import OptionError, SpecError
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.ir.spec import ModelSpec, parse_spec
from sphinx_netviz.core.options.schema import OPTIONS, Options, resolve_options

FUZZ = settings(
    max_examples=300,
    deadline=2000,  # ms per example: generous for a loaded CI box, fatal for a hang
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure is reproducible
)
BASE = Path("/nonexistent/netviz-fuzz")

# -- specs -----------------------------------------------------------------------------------

_IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_DOTTED = st.lists(_IDENT, min_size=1, max_size=4).map(".".join)
_PY_BITS = st.sampled_from(
    [*"()[]{},:=*'\"\\.-+~ ", "**", "lambda", "__import__('os')", "1e999", "0x", "None",
    "True", "f(", "[[[[", "))))", "\x00", "\n", "\ud800", "é", "'''"]
)  # fmt: skip
_ARGS = st.lists(st.one_of(_PY_BITS, _IDENT, st.integers().map(str)), max_size=12).map("".join)
_FACTORY = st.builds(lambda m, a, args: f"{m}:{a}{args}", _DOTTED, _DOTTED, _ARGS)
_PATHISH = st.builds(
    lambda p, s: p + s,
    st.text(alphabet=string.printable + "~/\\.\x00é", max_size=40),
    st.sampled_from([".keras", ".h5", ".hdf5", ".json", ".KERAS", ""]),
)


@FUZZ
@given(st.one_of(st.text(max_size=200), _FACTORY, _PATHISH))
@example("~netviz_no_such_user/model.keras")
@example("a:f(" + "-" * 50_000 + "1)")
@example("a:f(" + "+".join(["1"] * 50_000) + ")")
@example("a:" + ".".join(["b"] * 50_000))
@example("a:f(" + "[" * 150 + "]" * 150 + ")")
@example("\ud800.keras")
@example('a:f("\ud800")')
@example("a:f(x=1, x=2)")
@example("a:f(*x)")
def test_parse_spec_raises_only_spec_error(text: str) -> None:
    try:
        spec = parse_spec(text, BASE)
    except SpecError as exc:
        assert str(exc).startswith("model spec"), exc
        return
    assert isinstance(spec, ModelSpec)
    assert spec.kind in {"factory", "file", "ir"}
    if spec.kind == "factory":
        assert spec.module and spec.attr
    else:
        assert spec.path is not None and spec.path.is_absolute()


def test_parse_spec_rejects_non_text() -> None:
    for value in (None, 3, b"a:b", ["a:b"]):
        with pytest.raises(SpecError):
            parse_spec(value)  # type: ignore[arg-type]


# -- options ---------------------------------------------------------------------------------

_NAMES = [o.name for o in OPTIONS] + [o.attr for o in OPTIONS]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["#fff", "Conv2D=#abc", "A=(", "A=a{99999999999}", "A=" + "(" * 2000, "1,2,3", "none",
         "28,28,1", "(None, 3)", "-1", "1e400", "9" * 5000, "true", "off", "80%", "100px;x:y"]
    ),
)  # fmt: skip
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=10), _SCALARS, max_size=3),
)
_KEYS = st.one_of(st.sampled_from(_NAMES), st.text(max_size=20))


@FUZZ
@given(st.lists(st.dictionaries(_KEYS, _VALUES, max_size=5), max_size=3))
def test_resolve_options_raises_only_option_error(layers: list[dict[str, Any]]) -> None:
    try:
        options = resolve_options(*layers)
    except OptionError as exc:
        assert str(exc).startswith(("option '", "unknown option")), exc
        return
    assert isinstance(options, Options)
    assert options.min_height <= options.max_height
    json.loads(options.render_key())  # the cache-key part is always valid JSON


# -- MkDocs fences ---------------------------------------------------------------------------

_LINE = st.one_of(
    st.text(max_size=60),
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from([*_NAMES, "bogus"]), st.text(max_size=30)),
)


@FUZZ
@given(st.lists(_LINE, max_size=6).map("\n".join))
def test_parse_fence_raises_only_spec_or_option_errors(source: str) -> None:
    try:
        request = parse_fence(source)
    except (SpecError, OptionError):
        return
    assert isinstance(request, FenceRequest)
    assert request.spec and "\n" not in request.spec


# -- IR JSON ---------------------------------------------------------------------------------

_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_VALID = {
    "schema": 1,
    "name": "m",
    "nodes": [
        {"id": "x", "name": "x", "type": "InputLayer", "kind": "input", "output_shapes": [[4]]},
        {
            "id": "d",
            "name": "d",
            "type": "Dense",
            "input_shapes": [[4]],
            "output_shapes": [[2]],
            "params": 10,
            "config": {"units": 2},
        },
    ],
    "edges": [{"source": "x", "target": "d", "shape": [4]}],
    "inputs": ["x"],
    "outputs": ["d"],
    "meta": {},
}
_PATHS = [
    ("schema",), ("name",), ("nodes",), ("edges",), ("inputs",), ("outputs",), ("meta",),
    ("nodes", 0), ("nodes", 1, "id"), ("nodes", 1, "input_shapes"), ("nodes", 1, "output_shapes"),
    ("nodes", 1, "config"), ("nodes", 1, "params"), ("nodes", 1, "path"), ("nodes", 1, "parent"),
    ("edges", 0), ("edges", 0, "source"), ("edges", 0, "shape"), ("edges", 0, "source_index"),
]  # fmt: skip


def _mutate(path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    doc = json.loads(json.dumps(_VALID))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if delete and isinstance(target, dict):
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return doc


def _check_ir(text: str) -> None:
    try:
        graph = Graph.from_json(text)
    except ValueError:
        return
    assert isinstance(graph, Graph)
    again = Graph.from_json(graph.to_json())
    assert again.to_json() == graph.to_json()  # what was accepted round-trips


@FUZZ
@given(st.sampled_from(_PATHS), _JSON, st.booleans())
def test_ir_loader_mutated_documents(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    _check_ir(json.dumps(_mutate(path, value, delete)))


@FUZZ
@given(st.one_of(_JSON.map(json.dumps), st.text(max_size=200)))
@example("[" * 100_000)
@example('{"schema": 1, "nodes": [1]}')
@example('{"schema": 1, "edges": [{}]}')
@example('{"schema": 1, "meta": [1]}')
@example('{"schema": 1, "nodes": [{"id": "a", "name": "a", "type": "T", "input_shapes": 5}]}')
def test_ir_loader_arbitrary_text(text: str) -> None:
    _check_ir(text)
