"""Spec parsing: factories with literal arguments, files, IR files, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import SpecError
from sphinx_netviz.core.ir.spec import parse_spec


def test_plain_factory() -> None:
    spec = parse_spec("pkg.models:get_model")
    assert (spec.kind, spec.module, spec.attr, spec.args, spec.kwargs, spec.called) == (
        "factory",
        "pkg.models",
        "get_model",
        (),
        (),
        False,
    )


def test_attribute_path_and_literal_call() -> None:
    spec = parse_spec(" pkg.models:Zoo.build(18, 'wide', cfg={'a': [1, 2]}, scale=-0.5) ")
    assert spec.text == "pkg.models:Zoo.build(18, 'wide', cfg={'a': [1, 2]}, scale=-0.5)"
    assert spec.attr == "Zoo.build"
    assert spec.args == (18, "wide")
    assert spec.kwargs == (("cfg", {"a": [1, 2]}), ("scale", -0.5))
    assert spec.called
    assert spec.target == "pkg.models:Zoo.build"


def test_empty_call() -> None:
    spec = parse_spec("m:f()")
    assert spec.called and spec.args == () and spec.kwargs == ()


def test_files_resolve_against_base_dir(tmp_path: Path) -> None:
    spec = parse_spec("models/net.keras", tmp_path)
    assert spec.kind == "file" and spec.path == (tmp_path / "models" / "net.keras").resolve()
    assert parse_spec("../up.H5", tmp_path / "docs").path == (tmp_path / "up.H5").resolve()
    ir = parse_spec("graph.json", tmp_path)
    assert ir.kind == "ir" and ir.path == (tmp_path / "graph.json").resolve()
    absolute = parse_spec(str(tmp_path / "a.keras"), Path("/elsewhere"))
    assert absolute.path == (tmp_path / "a.keras").resolve()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("no_colon", "expected 'package.module:factory'"),
        (":f", "module before ':' is empty"),
        ("m:", "attribute after ':' is empty"),
        ("1bad.mod:f", "not a dotted module name"),
        ("m:f(", "cannot parse"),
        ("m:f(x)", "not a literal"),
        ("m:f(__import__('os').system('true'))", "not a literal"),
        ("m:f(depth=1+os.getpid())", "not a literal"),
        ("m:f(*a)", "*args"),
        ("m:f(**k)", "**kwargs"),
        ("m:f()()", "dotted name"),
        ("m:f[0]", "dotted name"),
        ("m:lambda: 1", "dotted name"),
        ("m:f\nimport os", "newline"),
    ],
)
def test_malformed_specs_name_the_spec(text: str, why: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text)
    message = str(info.value)
    assert why in message
    assert repr(text.strip()) in message
    assert "\n" not in message


def test_non_text_spec() -> None:
    with pytest.raises(SpecError, match=r"expected text"):
        parse_spec(42)  # type: ignore[arg-type]
