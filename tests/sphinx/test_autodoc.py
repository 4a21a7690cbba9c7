"""netviz_autodoc: diagrams appended to autodoc'd model factories (Sphinx 9 events)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from sphinx_netviz.autodoc import factory_spec

from ._shared import CACHED, netviz_warnings, soup


def _entry_has_diagram(page, object_id: str) -> bool:
    dt = page.find("dt", id=object_id)
    assert dt is not None, object_id
    dd = dt.find_next_sibling("dd")
    own = [f for f in dd.select(".netviz") if f.find_parent("dd") is dd]
    return any(f.select_one("svg") is not None for f in own)


@pytest.mark.sphinx("html", testroot="autodoc", confoverrides=CACHED)
def test_autodoc_appends_diagrams_to_factories(app, rollback_sysmodules) -> None:
    before = set(sys.modules)  # an xdist worker may have imported TensorFlow for other tests
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    page = soup(app.outdir / "index.html")
    assert _entry_has_diagram(page, "factories.build")  # annotated, defaults only
    assert _entry_has_diagram(page, "factories.listed")  # listed in conf.py
    assert _entry_has_diagram(page, "factories.Zoo.small")  # static method
    assert not _entry_has_diagram(page, "factories.needs_arg")  # needs an argument
    assert not _entry_has_diagram(page, "factories.helper")  # returns an int
    assert not _entry_has_diagram(page, "factories.Zoo.method")  # needs an instance
    assert len(page.select("figure.netviz:not(.netviz-failed) svg")) == 3
    # Documenting the module did not import TensorFlow into the Sphinx process.
    new = set(sys.modules) - before
    assert not {m for m in new if m.split(".")[0] in {"tensorflow", "keras"}}


@pytest.mark.sphinx("html", testroot="autodoc", confoverrides={**CACHED, "netviz_autodoc": False})
def test_autodoc_off_by_default_flag(app, rollback_sysmodules) -> None:
    app.build(force_all=True)
    assert soup(app.outdir / "index.html").select("figure.netviz") == []


def _no_args() -> keras.Model:  # noqa: F821 - only the text matters
    raise NotImplementedError


def _with_args(depth: int) -> keras.Model:  # noqa: F821
    raise NotImplementedError


def _kw_defaults(*, depth: int = 2, **extra: int) -> Model:  # noqa: F821
    raise NotImplementedError


def _plain() -> int:
    return 1


def test_factory_spec_rules() -> None:
    none: frozenset[str] = frozenset()
    mod = __name__
    assert factory_spec(_no_args, f"{mod}._no_args", none) == f"{mod}:_no_args"
    assert factory_spec(_kw_defaults, "x", none) == f"{mod}:_kw_defaults"
    assert factory_spec(_with_args, "x", none) is None
    assert factory_spec(_plain, "x", none) is None
    assert factory_spec(_plain, f"{mod}._plain", frozenset({f"{mod}._plain"})) == f"{mod}:_plain"
    assert factory_spec(42, "x", none) is None

    def local() -> keras.Model:  # noqa: F821
        raise NotImplementedError

    assert factory_spec(local, "x", none) is None  # <locals> cannot be imported


# -- PyTorch: overrides, classes, subclass annotations -------------------------------------------
# autodoc imports the documented module, which imports torch; torch cannot be imported twice
# in one process, so it is imported here, before rollback_sysmodules notes what was loaded.
torch = pytest.importorskip("torch")
TORCH_ROOT = Path(__file__).resolve().parent / "roots" / "test-autodoc-torch"


@pytest.mark.sphinx("html", testroot="autodoc-torch", confoverrides=CACHED)
def test_autodoc_torch_classes_overrides_and_subclass_factories(app, rollback_sysmodules) -> None:
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    page = soup(app.outdir / "index.html")
    drawn = {"mlp", "small_cnn", "SmallCNN", "Configurable"}
    skipped = {"NeedsArguments", "Block", "helper"}  # silently: no warning above
    for name in drawn:
        assert _entry_has_diagram(page, f"torchpkg.models.{name}"), name
    for name in skipped:
        assert not _entry_has_diagram(page, f"torchpkg.models.{name}"), name
    assert not page.select(".netviz-failed")
    # An entry's options apply on top of the site-wide ones: mlp hides its Dropout, the
    # class gets its caption, Configurable was built with width=16 (Linear 8 -> 16).
    mlp = page.find("dt", id="torchpkg.models.mlp").find_next_sibling("dd")
    types = {g["data-type"] for g in mlp.select("svg g.nv-layer")}
    assert "Dropout" not in types and "Linear" in types
    cnn = page.find("dt", id="torchpkg.models.SmallCNN").find_next_sibling("dd")
    assert cnn.select_one("figcaption").get_text(strip=True).startswith("SmallCNN()")
    conf = page.find("dt", id="torchpkg.models.Configurable").find_next_sibling("dd")
    assert "16" in " ".join(t.get_text() for t in conf.select("svg .nv-label"))


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_autodoc_override_errors_are_located(make_app, tmp_path, rollback_sysmodules) -> None:
    """Every override problem is one warning at its line of conf.py; a factory without its
    inputs warns at its docstring (not past the end of index.rst), with the directive's
    option syntax in the hint; an unknown hidden type is one warning naming the close one."""
    src = tmp_path / "docs"
    shutil.copytree(TORCH_ROOT, src)
    conf = src / "conf.py"
    text = conf.read_text()
    text = text.replace('"torchpkg.models.mlp": {"input-shape": "784", "hide": "Dropout"}',
                        '"torchpkg.models.mpl": {"input-shape": "784"}')  # fmt: skip
    text = text.replace('"torchpkg.models.small_cnn": {"input-shape": "3,32,32"}',
                        '"torchpkg.models.small_cnn": {"input-shape": "3,32,32",\n'
                        '                              "palete": "mono"}')  # fmt: skip
    text = text.replace('"arguments": "width=16"', "\"arguments\": \"width=open('x')\"")
    conf.write_text(text + 'netviz_defaults = {"hide": "Dropout", "pallette": "mono"}\n')
    with (src / "index.rst").open("a") as fh:
        fh.write("\n.. netviz:: torchpkg.models:mlp\n   :input-shape: 784\n   :hide: Dropuot\n")
    app = make_app("html", srcdir=src, confoverrides=CACHED)
    app.build(force_all=True)
    warnings = netviz_warnings(re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()))
    assert len(warnings) == 6, "\n".join(warnings)

    def one(fragment: str) -> str:
        (found,) = [w for w in warnings if fragment in w]
        return found

    defaults = one("netviz_defaults['pallette']: unknown option 'pallette'")
    assert defaults.startswith(f"{conf}:{_line_of(conf, 'pallette')}: WARNING")
    palete = one("unknown option 'palete'; did you mean 'palette'?")
    assert palete.startswith(f"{conf}:{_line_of(conf, 'palete')}: WARNING: netviz: ")
    assert "netviz_autodoc_overrides['torchpkg.models.small_cnn']" in palete
    arguments = one("are not literal call arguments")
    assert arguments.startswith(f"{conf}:{_line_of(conf, 'Configurable')}: WARNING")
    unknown = one("no documented object has this name; did you mean 'torchpkg.models.mlp'?")
    assert unknown.startswith(f"{conf}:{_line_of(conf, 'models.mpl')}: WARNING")
    assert "netviz_autodoc_overrides['torchpkg.models.mpl']" in unknown
    inputs = one("needs example inputs")
    models = src / "torchpkg" / "models.py"
    assert inputs.startswith(f"{models}:docstring of torchpkg.models.mlp:"), inputs
    assert "give the option :input-shape: (no batch axis" in inputs
    assert "with :input-dtype: int64" in inputs
    assert "(for an autodoc diagram: netviz_autodoc_overrides['torchpkg.models.mlp'] in " in inputs
    hidden = one("'Dropuot'")
    index = src / "index.rst"
    assert hidden.startswith(f"{index}:{_line_of(index, 'torchpkg.models:mlp')}: WARNING")
    assert "option :hide: names a type model" in hidden and "(did you mean 'Dropout'?)" in hidden
    # netviz_defaults' hide: Dropout is meant for the models that have one: no word about it.
    assert not [w for w in warnings if "'Dropout' (" in w or ": 'Dropout'" in w]
