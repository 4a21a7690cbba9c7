"""netviz_autodoc: diagrams appended to autodoc'd model factories (Sphinx 9 events)."""

from __future__ import annotations

import sys

import pytest

from sphinx_netviz.autodoc import factory_spec

from ._shared import CACHED, netviz_warnings, soup


def _entry_has_diagram(page, object_id: str) -> bool:
    dt = page.find("dt", id=object_id)
    assert dt is not None, object_id
    dd = dt.find_next_sibling("dd")
    own = [f for f in dd.select("figure.netviz") if f.find_parent("dd") is dd]
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
