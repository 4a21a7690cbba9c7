"""Bad inputs: warnings of type netviz with document and line, placeholders, -W fails."""

from __future__ import annotations

import re

import pytest

from ._shared import CACHED, netviz_warnings, soup

# line of the directive in roots/test-errors/index.rst -> a fragment of the expected message
EXPECTED = {
    6: "empty",
    8: "'rainbow' is not one of",
    11: "unknown option 'bogus'",
    14: "not_a_model",
    16: "no_such_module",
    18: "expected 'package.module:factory'",
    20: "takes no content",
}


@pytest.mark.sphinx("html", testroot="errors", confoverrides=CACHED)
def test_bad_inputs_warn_with_location_and_show_placeholders(app) -> None:
    app.build(force_all=True)
    warnings = netviz_warnings(app.warning.getvalue())
    for line, fragment in EXPECTED.items():
        hits = [w for w in warnings if re.search(rf"index\.rst:{line}:", w)]
        assert hits, f"no warning for line {line}: {warnings}"
        assert any(fragment in w for w in hits), (line, hits)
        assert all("[netviz." in w for w in hits), hits  # type netviz, with a subtype
    assert len(warnings) == len(EXPECTED), warnings
    assert app.statuscode == 0  # without -W the build goes on and succeeds

    page = soup(app.outdir / "index.html")
    placeholders = page.select("figure.netviz.netviz-failed")
    assert len(placeholders) == len(EXPECTED)
    for figure in placeholders:
        assert figure.select_one("svg") is not None  # a visible placeholder, not nothing
        assert figure.select_one("a.netviz-full") is None
    text = page.get_text()
    assert "Before all diagrams." in text and "After all diagrams." in text

    # User-controlled text never reaches the page unescaped.
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert page.find("script", string=re.compile("alert")) is None


@pytest.mark.sphinx("html", testroot="badoption", confoverrides=CACHED)
def test_unknown_option_suggests_and_keeps_building(app) -> None:
    app.build(force_all=True)
    warnings = netviz_warnings(app.warning.getvalue())
    assert len(warnings) == 1
    assert "index.rst:6" in warnings[0]
    assert "unknown option 'pallete'; did you mean 'palette'?" in warnings[0]
    assert "tests.zoo.models:mnist_convnet" in warnings[0]
    assert app.statuscode == 0
    page = soup(app.outdir / "index.html")
    assert page.select_one("figure.netviz-failed svg") is not None
    assert "After the diagram." in page.get_text()


@pytest.mark.sphinx(
    "html", testroot="badoption", confoverrides=CACHED, warningiserror=True, freshenv=True
)
def test_warning_is_error_fails_the_build(app) -> None:
    app.build(force_all=True)
    assert app.statuscode == 1
    assert "did you mean 'palette'" in app.warning.getvalue()


@pytest.mark.sphinx(
    "html",
    testroot="badoption",
    confoverrides={**CACHED, "netviz_defaults": {"palete": "mono", "names": "maybe"}},
)
def test_bad_site_defaults_are_named(app) -> None:
    warnings = netviz_warnings(app.warning.getvalue())
    assert any("netviz_defaults['palete']" in w and "did you mean 'palette'" in w for w in warnings)
    assert any("netviz_defaults['names']" in w for w in warnings)
