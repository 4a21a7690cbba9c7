"""The adapter's pure helpers (no Sphinx build)."""

from __future__ import annotations

from pathlib import Path

from sphinx_netviz.builders import write_once
from sphinx_netviz.core.options.schema import OPTIONS, Options
from sphinx_netviz.directive import NetvizDirective, module_file, parse_options
from sphinx_netviz.state import Request, options_from_values


def test_option_spec_is_the_schema_and_accepts_unknown_names() -> None:
    spec = NetvizDirective.option_spec
    assert set(spec) == {o.name for o in OPTIONS}
    assert {"caption", "name", "alt", "align", "width", "class", "group"} <= set(spec)
    # docutils looks converters up with spec[name]: unknown names must not raise KeyError.
    assert spec["no-such-option"]("x") == "x"


def test_parse_options_reports_each_problem_and_keeps_good_ones() -> None:
    options, problems = parse_options(
        {"palette": "mono", "pallete": "x", "min-height": "-1", "width": "1px;color:red"},
        Options(),
    )
    assert options.palette == "mono"
    assert options.width == ""
    assert len(problems) == 3
    assert any("did you mean 'palette'" in p for p in problems)
    assert any("min-height" in p for p in problems)
    assert any("CSS length" in p for p in problems)
    _, cross = parse_options({"min-height": "90", "max-height": "40"}, Options())
    assert cross and "larger" in cross[0]


def test_request_rebuilds_typed_options_without_reparsing() -> None:
    options, _ = parse_options({"colors": "Dense=#ff0000", "hide": "Dropout"}, Options())
    values = {o.name: getattr(options, o.attr) for o in OPTIONS if o.scope != "embed"}
    request = Request("m:f", tuple(sorted(values.items())))
    assert request.resolved() == options_from_values(values)
    assert request.resolved().colors == (("Dense", "#ff0000"),)
    assert Request("m:f", tuple(sorted(values.items()))).key == request.key


def test_module_file_finds_without_importing(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (tmp_path / "pkg" / "mod.py").write_text("")
    assert module_file("pkg.mod", [str(tmp_path)]) == (tmp_path / "pkg" / "mod.py").resolve()
    assert module_file("pkg", [str(tmp_path)]) == (tmp_path / "pkg" / "__init__.py").resolve()
    assert module_file("nope", [str(tmp_path)]) is None
    assert module_file("../etc", [str(tmp_path)]) is None


def test_write_once_is_atomic_and_idempotent(tmp_path: Path) -> None:
    target = tmp_path / "d" / "f.svg"
    assert write_once(target, lambda: b"one") is True
    assert write_once(target, lambda: b"two") is False
    assert target.read_bytes() == b"one"
    assert [p.name for p in target.parent.iterdir()] == ["f.svg"]
