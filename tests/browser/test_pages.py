"""Built documentation pages in Chromium: visible diagrams, tooltips, dark mode, ids, safety.

Every test runs against both the Furo (Sphinx) and the Material (MkDocs) site built in
``conftest.py``; ``nvDiagrams()`` (installed by the ``page`` fixture) lists the diagrams.
"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from PIL import Image

from tests.browser.conftest import DIAGRAMS, HOSTILE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _open(page, site):
    page.goto(site.url, wait_until="load")
    return page


def _ink_fraction(png: bytes) -> float:
    """Share of pixels that differ clearly from the most common (background) colour."""
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    background, _ = Counter(pixels).most_common(1)[0]
    ink = sum(1 for px in pixels if sum(abs(a - b) for a, b in zip(px, background)) > 60)
    return ink / len(pixels)


def test_every_diagram_is_visible_and_not_blank(page, site):
    _open(page, site)
    count = page.evaluate("nvDiagrams().length")
    assert count == len(DIAGRAMS), site.log[-2000:]
    for index in range(count):
        element = page.evaluate_handle(f"nvDiagrams()[{index}]").as_element()
        element.scroll_into_view_if_needed()
        assert element.is_visible()
        box = element.bounding_box()
        assert box is not None and box["width"] > 80 and box["height"] > 30, (index, box)
        fraction = _ink_fraction(element.screenshot())
        # Glyphs, edges and labels cover a few percent of the box at least; a blank or
        # collapsed SVG (missing styles, empty viewBox, invisible fills) covers nothing.
        assert fraction > 0.01, (index, fraction)


def test_every_glyph_has_a_tooltip(page, site):
    _open(page, site)
    result = page.evaluate(
        """nvDiagrams().map(svg => {
            const glyphs = Array.from(svg.querySelectorAll('g.nv-layer, g.nv-group'));
            const titled = glyphs.filter(g => {
                const t = Array.from(g.children).find(c => c.tagName.toLowerCase() === 'title');
                return t && t.textContent.trim().length > 0;
            });
            return [glyphs.length, titled.length];
        })"""
    )
    assert len(result) == len(DIAGRAMS)
    for glyphs, titled in result:
        assert glyphs > 0
        assert titled == glyphs


#: JS: computed text colour of the first diagram's first label, and stroke of its first edge.
_COLOURS = """() => {
    const svg = nvDiagrams()[0];
    const label = svg.querySelector('text.nv-label');
    const edge = svg.querySelector('.nv-edge');
    const shape = edge.matches('path, line, polyline') ? edge
        : (edge.querySelector('path, line, polyline') || edge);
    return [getComputedStyle(label).fill, getComputedStyle(shape).stroke];
}"""


def _luminance(css: str) -> float:
    inner = css[css.index("(") + 1 : css.index(")")]
    r, g, b = (float(part) for part in inner.replace("/", ",").split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _switch_to_dark(page, tool: str) -> None:
    """Use the theme's own toggle, as a reader would."""
    if tool == "sphinx":
        # Furo's toggle cycles through auto, dark and light (order depends on the OS setting).
        for _ in range(3):
            if page.evaluate("document.body.dataset.theme") == "dark":
                break
            page.locator("button.theme-toggle:visible").first.click()
        assert page.evaluate("document.body.dataset.theme") == "dark"
    else:
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function(
            "document.body.getAttribute('data-md-color-scheme') === 'slate'", timeout=5000
        )


def test_dark_mode_switches_text_and_edge_colours(page, site):
    _open(page, site)
    light_text, light_edge = page.evaluate(_COLOURS)
    _switch_to_dark(page, site.tool)
    # Allow for CSS transitions: wait until both colours have changed.
    page.wait_for_function(
        f"([t, e]) => {{ const c = ({_COLOURS})(); return c[0] !== t && c[1] !== e; }}",
        arg=[light_text, light_edge],
        timeout=5000,
    )
    page.wait_for_timeout(400)  # let a transition finish before reading the final colours
    dark_text, dark_edge = page.evaluate(_COLOURS)
    assert _luminance(dark_text) > _luminance(light_text) + 60, (light_text, dark_text)
    assert _luminance(dark_edge) > _luminance(light_edge), (light_edge, dark_edge)


def test_ids_are_unique_across_diagrams(page, site):
    _open(page, site)
    assert page.evaluate("nvDiagrams().length") >= 2
    # One diagram has its legend as a second SVG (legend: separate): its ids count too.
    assert page.evaluate("document.querySelectorAll('svg .nv-legend-item').length") > 0
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert not duplicates
    # Every internal reference (url(#...), href="#...") resolves inside its own diagram.
    dangling = page.evaluate(
        r"""nvDiagrams().flatMap(svg => {
            const own = new Set(Array.from(svg.querySelectorAll('[id]'), e => e.id));
            const out = [];
            for (const el of svg.querySelectorAll('*')) {
                for (const attr of el.attributes) {
                    const names = (attr.value.match(/url\(#[^)]+\)/g) || [])
                        .map(r => r.slice(5, -1));
                    if (/href$/.test(attr.name) && attr.value.startsWith('#'))
                        names.push(attr.value.slice(1));
                    out.push(...names.filter(n => !own.has(n)));
                }
            }
            return out;
        })"""
    )
    assert not dangling


def test_hostile_layer_names_execute_nothing(page, site):
    _open(page, site)
    page.wait_for_timeout(300)  # let any injected onerror/onload handler fire
    assert page.dialogs == []
    assert page.evaluate("window.__nvxss") is None
    assert page.evaluate("document.querySelectorAll('img[src=x], iframe').length") == 0
    assert page.evaluate("document.querySelectorAll('svg script').length") == 0
    # The payloads did reach the page, as text: the hostile diagrams carry them in tooltips.
    titles = page.evaluate(
        f"""nvDiagrams().slice(-{HOSTILE}).map(svg => Array.from(
            svg.querySelectorAll('.nv-layer > title'), t => t.textContent).join('\\n'))"""
    )
    assert len(titles) == HOSTILE
    assert "onerror='window.__nvxss=1" in titles[0]
    assert "<script>window.__nvxss=11" in titles[1]
