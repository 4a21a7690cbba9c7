"""Exploring diagrams in the page (netviz.js): open groups, zoom and pan, links to API docs.

Two real sites, built with ``sphinx-build`` (Furo, autodoc) and ``mkdocs build`` (Material
with instant navigation, mkdocstrings), each served over HTTP on the loopback interface by
a tiny server that can add a strict ``Content-Security-Policy`` header. A small project
module defines a custom Keras layer, documented on the same site, and models using it.
"""

from __future__ import annotations

import functools
import http.server
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DIAGRAMS_JS, _run

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CSP = "script-src 'self'"

MODELS = '''
"""Models for the exploration tests."""

import keras
from keras import layers


class Scale(layers.Layer):
    """Multiplies its input by a learned scalar (a custom layer, documented here)."""

    def build(self, input_shape):
        self.factor = self.add_weight(shape=(), initializer="ones", name="factor")

    def call(self, x):
        return x * self.factor


def custom():
    """A small model using :class:`Scale`."""
    inputs = keras.Input((16,), name="x")
    h = layers.Dense(8, name="dense")(inputs)
    h = Scale(name="scale")(h)
    return keras.Model(inputs, layers.Dense(2, name="out")(h), name="custom")


def wide():
    """A long chain of convolutions: wider than any docs column."""
    inputs = keras.Input((64, 64, 3), name="image")
    x = inputs
    for i in range(28):
        x = layers.Conv2D(8 + i, 3, padding="same", name=f"conv_{i}")(x)
        x = layers.LayerNormalization(name=f"norm_{i}")(x) if i % 2 else x
    return keras.Model(inputs, x, name="wide")
'''

RST = """
Explore
=======

.. netviz:: netviz_examples:resnet_like

.. netviz:: netviz_examples:nested

.. netviz:: explore_models:wide
   :group: none

.. netviz:: explore_models:custom

API
---

.. autoclass:: explore_models.Scale
"""


@dataclass(frozen=True)
class Served:
    tool: str
    url: str  # the diagrams page
    api: str  # the page documenting explore_models.Scale


class _Handler(http.server.SimpleHTTPRequestHandler):
    csp = ""

    def end_headers(self) -> None:
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":  # browsers ask for it; themes here have none
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(build_root: Path, cache_dir: Path) -> Iterator[dict[str, Served]]:
    """Both sites, each with a plain and a strict-CSP server: {"sphinx": ..., "sphinx-csp": ...}."""
    root = build_root / "explore"
    root.mkdir()
    (root / "explore_models.py").write_text(MODELS, encoding="utf-8")
    servers: list[http.server.ThreadingHTTPServer] = []
    out: dict[str, Served] = {}

    def serve(tool: str, directory: Path, page: str, api: str, port: int = 0) -> None:
        for suffix, csp in (("", ""), ("-csp", CSP)):
            handler = type("H", (_Handler,), {"csp": csp})
            server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", 0 if csp else port),
                functools.partial(handler, directory=str(directory)),
            )
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            out[tool + suffix] = Served(tool, base + page, base + api)

    # Sphinx (Furo, autodoc)
    src = root / "sphinx"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(root)!r})
            project = "netviz explore test"
            extensions = ["sphinx.ext.autodoc", "sphinx_netviz"]
            html_theme = "furo"
            netviz_cache_dir = {str(cache_dir)!r}
            """
        ),
        encoding="utf-8",
    )
    (src / "index.rst").write_text(RST, encoding="utf-8")
    html = root / "sphinx-html"
    _run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(html)], src)
    serve("sphinx", html, "index.html", "index.html")

    # MkDocs (Material, instant navigation, mkdocstrings)
    project = root / "mkdocs"
    (project / "docs").mkdir(parents=True)
    fences = "\n".join(
        f"```netviz\n{spec}\n```\n"
        for spec in (
            "netviz_examples:resnet_like",
            "netviz_examples:nested",
            "explore_models:wide\ngroup: none",
            "explore_models:custom",
        )
    )
    (project / "docs" / "index.md").write_text(
        f"# Explore\n\n[API](api.md)\n\n{fences}", encoding="utf-8"
    )
    (project / "docs" / "api.md").write_text(
        "# API\n\n::: explore_models.Scale\n\n```netviz\nnetviz_examples:resnet_like\n```\n",
        encoding="utf-8",
    )
    port_holder = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = port_holder.server_address[1]
    port_holder.server_close()
    (project / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""
            site_name: netviz explore test
            site_url: http://127.0.0.1:{port}/
            theme:
              name: material
              font: false
              features: [navigation.instant]
              palette:
                - scheme: default
                  toggle:
                    icon: material/brightness-7
                    name: Switch to dark mode
                - scheme: slate
                  toggle:
                    icon: material/brightness-4
                    name: Switch to light mode
            plugins:
              - mkdocstrings:
                  handlers:
                    python:
                      paths: [{str(root)!r}]
              - netviz:
                  cache_dir: {str(cache_dir)!r}
            markdown_extensions:
              - pymdownx.superfences
            nav: [index.md, api.md]
            """
        ),
        encoding="utf-8",
    )
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"], project)
    # Material navigates instantly only within site_url: the plain server takes its port.
    serve("mkdocs", project / "site", "", "api/", port)
    try:
        yield out
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(params=["sphinx", "mkdocs"])
def site(request: pytest.FixtureRequest, served: dict[str, Served]) -> Served:
    return served[request.param]


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.add_init_script(DIAGRAMS_JS)
    yield ctx
    ctx.close()


def _open(context: Any, url: str) -> tuple[Any, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors


GROUP = "nvDiagrams()[0].querySelector('g.nv-group[role=button]')"

#: (opener's data-members, sum over the open panel's top glyphs' data-members, label)
CONSERVE = """(id) => {
  const f = document.querySelector('svg.netviz g[data-id="' + id + '"]')
    .closest('figure.netviz, div.netviz');
  const panel = f.querySelectorAll('.nv-panel');
  const last = panel[panel.length - 1];
  const glyphs = last.querySelectorAll('svg.nv-detail > g > g.nv-glyphs > *');
  let sum = 0;
  glyphs.forEach(g => { const e = g.matches('a') ? g.firstElementChild : g;
                        sum += Number(e.getAttribute('data-members')); });
  const opener = f.querySelector('g[data-id="' + id + '"]');
  return [Number(opener.getAttribute('data-members')), sum, panel.length,
          opener.getAttribute('aria-expanded')];
}"""


def test_open_and_close_a_group_with_mouse_and_keyboard(context: Any, site: Served) -> None:
    page, errors = _open(context, site.url)
    group = page.evaluate_handle(GROUP).as_element()
    gid = group.get_attribute("data-id")
    assert group.get_attribute("tabindex") == "0"
    assert group.get_attribute("aria-expanded") == "false"
    assert page.locator(".nv-panel").count() == 0
    assert page.locator("svg.nv-detail").first.is_hidden()

    # mouse: open, check the revealed glyphs conserve data-members, close by clicking again
    group.click()
    members, shown, panels, expanded = page.evaluate(CONSERVE, gid)
    assert (members, panels, expanded) == (shown, 1, "true")
    panel = page.locator(".nv-panel").first
    assert panel.is_visible()
    assert panel.locator("svg.nv-detail g.nv-layer .nv-shape").first.is_visible()
    assert panel.locator("svg.nv-detail polyline.nv-edge").count() > 0
    assert panel.locator("svg.nv-detail text.nv-label").count() > 0
    group.click()
    assert page.locator(".nv-panel").count() == 0
    assert group.get_attribute("aria-expanded") == "false"

    # keyboard: focus, Enter opens; a nested group opens a second level with Space;
    # Escape closes the innermost level, then the next
    group.focus()
    page.keyboard.press("Enter")
    assert page.locator(".nv-panel").count() == 1
    nested = page.locator(".nv-panel svg.nv-detail g.nv-group[role=button]").first
    nested_id = nested.get_attribute("data-id")
    nested.focus()
    page.keyboard.press(" ")
    members, shown, panels, _ = page.evaluate(CONSERVE, nested_id)
    assert panels == 2 and members == shown
    page.keyboard.press("Escape")
    assert page.locator(".nv-panel").count() == 1
    assert page.evaluate("document.activeElement.getAttribute('data-id')") == nested_id
    page.keyboard.press("Escape")
    assert page.locator(".nv-panel").count() == 0
    assert errors == []


def test_nested_model_opens_to_its_internals(context: Any, site: Served) -> None:
    page, errors = _open(context, site.url)
    encoder = page.locator("svg.netviz g.nv-layer[data-id=encoder][role=button]")
    encoder.click()
    types = page.eval_on_selector_all(
        ".nv-panel svg.nv-detail g.nv-layer", "els => els.map(e => e.dataset.type)"
    )
    assert types[:2] == ["InputLayer", "Conv2D"] and "GlobalAveragePooling2D" in types
    page.keyboard.press("Escape")
    assert errors == []


def test_zoom_and_pan_a_wide_diagram(context: Any, site: Served) -> None:
    page, errors = _open(context, site.url)
    figure = page.locator(".netviz", has=page.locator("svg.netviz g[data-name=conv_27]")).first
    box = figure.locator(".netviz-svg")
    svg = box.locator("svg.netviz")
    assert figure.locator("button.nv-zoom-in").get_attribute("aria-label") == "Zoom in"
    assert figure.locator("button.nv-zoom-out").get_attribute("aria-label")
    assert figure.locator("button.nv-zoom-reset").get_attribute("aria-label")
    # diagrams that fit their column get no controls
    assert page.locator("button.nv-zoom-in").count() == 1
    width = svg.bounding_box()["width"]
    figure.locator("button.nv-zoom-in").click()
    zoomed = svg.bounding_box()["width"]
    assert zoomed > width * 1.2
    # text stays vector: the SVG is resized, never replaced by a picture
    assert svg.evaluate("s => s.tagName") == "svg" and page.locator(".netviz-svg img").count() == 0
    figure.locator("button.nv-zoom-out").click()
    assert svg.bounding_box()["width"] < zoomed
    # Ctrl+wheel zooms
    box.scroll_into_view_if_needed()
    b = box.bounding_box()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + 30)
    before = svg.bounding_box()["width"]
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_timeout(100)
    assert svg.bounding_box()["width"] > before
    # drag to pan
    left = box.evaluate("b => b.scrollLeft")
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + 20)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2 - 200, b["y"] + 20, steps=5)
    page.mouse.up()
    assert box.evaluate("b => b.scrollLeft") > left + 100
    # reset returns to the column width; the full-size link stays
    figure.locator("button.nv-zoom-reset").click()
    assert abs(svg.bounding_box()["width"] - width) < 2
    assert figure.locator("a.netviz-full").count() == 1
    assert errors == []


def test_glyph_links_to_the_custom_layers_entry(context: Any, site: Served) -> None:
    page, errors = _open(context, site.url)
    link = page.locator("svg.netviz a.nv-link", has=page.locator("g[data-type=Scale]")).first
    href = link.get_attribute("href")
    assert href and "Scale" in href
    link.locator(".nv-shape").click()
    page.wait_for_load_state("networkidle")
    anchor = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert anchor == "explore_models.Scale"
    assert page.locator(f"[id='{anchor}']").count() == 1
    assert "Multiplies its input by a learned scalar" in page.inner_text("body")
    assert errors == []


def test_dark_mode_panels_follow_the_theme(browser: Any, site: Served) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    ctx.add_init_script(DIAGRAMS_JS)
    try:
        page, errors = _open(ctx, site.url)
        if site.tool == "mkdocs":
            page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        page.evaluate_handle(GROUP).as_element().click()
        colour = page.eval_on_selector(".nv-panel", "p => getComputedStyle(p).color")
        label = page.eval_on_selector(".nv-panel text.nv-label", "t => getComputedStyle(t).fill")
        assert colour == label == "rgb(230, 237, 243)"
        bg = page.eval_on_selector(".nv-panel", "p => getComputedStyle(p).backgroundColor")
        r, g, b = (int(v) for v in bg[bg.index("(") + 1 : bg.index(")")].split(",")[:3])
        assert r + g + b < 200, bg  # a dark panel
        assert errors == []
    finally:
        ctx.close()


def test_without_javascript_the_static_diagram_shows(browser: Any, site: Served) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site.url)
        assert page.locator(".netviz-svg > svg.netviz").first.is_visible()
        assert page.locator("svg.nv-detail").count() > 0
        assert all(not d.is_visible() for d in page.locator("svg.nv-detail").all())
        assert page.locator(".nv-zoom, .nv-panel").count() == 0
        assert page.locator("a.netviz-full").first.is_visible()
    finally:
        ctx.close()


def test_strict_csp_still_runs_the_script(context: Any, served: dict[str, Served]) -> None:
    for tool in ("sphinx", "mkdocs"):
        site = served[f"{tool}-csp"]
        page, errors = _open(context, site.url)
        page.evaluate_handle(GROUP).as_element().click()
        assert page.locator(".nv-panel").count() == 1
        assert page.locator("button.nv-zoom-in").count() == 1
        # themes' own inline scripts may be refused; netviz's script never is
        assert not [e for e in errors if "netviz" in e], errors
        page.close()


def test_instant_navigation_then_open(context: Any, served: dict[str, Served]) -> None:
    site = served["mkdocs"]
    page, errors = _open(context, site.url)
    page.evaluate("window.nvMarker = 1")
    page.locator("article a[href$='api/']").first.click()
    page.wait_for_url("**/api/")
    page.wait_for_selector("svg.netviz g.nv-group")
    assert page.evaluate("window.nvMarker") == 1, "navigated instantly (no reload)"
    group = page.evaluate_handle(GROUP).as_element()
    group.click()
    assert page.locator(".nv-panel").count() == 1
    page.keyboard.press("Escape")
    assert page.locator(".nv-panel").count() == 0
    assert errors == []
