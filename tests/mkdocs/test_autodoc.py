"""Autodoc diagrams for a PyTorch package in mkdocstrings pages: override entries, model
classes, factories annotated with a subclass, located warnings (real in-process builds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import build_project

pytestmark = [pytest.mark.xdist_group("mkdocs"), pytest.mark.usefixtures("reset_plugin")]

DRAWN = {"mlp", "small_cnn", "SmallCNN", "Configurable"}
SKIPPED = {"NeedsArguments", "Block", "helper"}  # silently: no warning


def entries_with_diagrams(html: str) -> dict[str, bool]:
    """Each documented object of ``torchapi.models``: does its own entry hold a diagram?"""
    page = BeautifulSoup(html, "html.parser")
    out = {}
    for heading in page.select("[id^='torchapi.models.']"):
        name = heading["id"].removeprefix("torchapi.models.")
        if "." in name:
            continue  # methods
        entry = heading.find_parent("div", class_="doc-object")
        own = [
            svg
            for svg in entry.select("svg.netviz")
            if svg.find_parent("div", class_="doc-object") is entry
        ]
        out[name] = bool(own)
    return out


def test_torch_package_gets_its_diagrams(tmp_path: Path, netviz_cache: Path) -> None:
    result = build_project("api-torch", tmp_path / "site", cache_dir=netviz_cache, strict=True)
    assert result.error is None, result.warnings
    assert result.warnings == []
    html = result.page("api/index.html")
    found = entries_with_diagrams(html)
    assert {name for name, has in found.items() if has} == DRAWN
    assert SKIPPED <= set(found)
    assert "netviz-failed" not in html
    assert "SmallCNN()" in BeautifulSoup(html, "html.parser").select_one("figcaption").text


def test_override_problems_are_located(tmp_path: Path, netviz_cache: Path) -> None:
    overrides = {
        "torchapi.models.mpl": {"input-shape": "784"},  # no such object: mlp has no entry
        "torchapi.models.small_cnn": {"input-shape": "3,32,32", "palete": "mono"},
        "torchapi.models.SmallCNN": {"input-shape": "3,32,32"},
        "torchapi.models.Configurable": {"arguments": "width=open(1)", "input-shape": "8"},
    }
    settings = {"autodoc_overrides": overrides, "defaults": {"hide": "Dropuot"}}
    result = build_project(
        "api-torch", tmp_path / "site", cache_dir=netviz_cache, netviz=settings
    )
    assert result.error is None
    warnings = result.warnings
    assert len(warnings) == 5, "\n".join(warnings)

    def one(fragment: str) -> str:
        (found,) = [w for w in warnings if fragment in w]
        return found

    option = "Plugin 'netviz' option 'autodoc_overrides': 'torchapi.models.small_cnn': "
    assert option + "unknown option 'palete'; did you mean 'palette'?" in one("palete")
    assert "'torchapi.models.Configurable': arguments 'width=open(1)' are not literal" in one(
        "open(1)"
    )
    assert one("no documented object").endswith(
        "mkdocs.yml: plugins.netviz.autodoc_overrides['torchapi.models.mpl']: no documented "
        "object has this name; did you mean 'torchapi.models.mlp'?"
    )
    # The docstring's file and line, as griffe's own warnings say, and the fence's syntax.
    inputs = one("needs example inputs")
    models = Path(__file__).parent / "projects" / "api-torch" / "src" / "torchapi" / "models.py"
    line = models.read_text().splitlines().index("def mlp() -> nn.Module:") + 2  # its docstring
    assert f"src/torchapi/models.py:{line} (docstring of torchapi.models.mlp, on api.md)" in inputs
    assert "give the option 'input-shape:' (no batch axis" in inputs
    assert "(for an autodoc diagram: the plugin's autodoc_overrides entry torchapi.models.mlp)" in (
        inputs
    )
    # A site-wide typo in hide: one warning for the build, naming the model's types.
    hidden = one("Dropuot")
    assert "option 'hide:' names a type model" in hidden and "(its types: " in hidden
