"""The picture in the page (issue 19), in Chromium, Furo and Material, light and dark:
``:align:`` with ``:width:``, a strict ``style-src 'self'`` Content-Security-Policy, and label
sizes measured on the rendered page at an 800 px column."""

from __future__ import annotations

import pytest

from tests.browser.conftest import STRICT_CSP

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: JS: [figure centre - column centre, figure width / column width] of each figure placed
#: with :align: center (and :width: 50%), measured against the element that holds it.
_PLACED = """() => Array.from(document.querySelectorAll(
        'figure.netviz.align-center, .netviz-figure.align-center')).map(f => {
    const col = f.parentElement.getBoundingClientRect();
    const cs = getComputedStyle(f.parentElement);
    const left = col.left + parseFloat(cs.paddingLeft);
    const right = col.right - parseFloat(cs.paddingRight);
    const box = f.getBoundingClientRect();
    return [(box.left + box.right) / 2 - (left + right) / 2, box.width / (right - left)];
})"""

#: JS: the computed fill of every label of every diagram, and the --netviz-fg value.
_FILLS = """() => {
    const fg = getComputedStyle(document.body).getPropertyValue('--netviz-fg').trim();
    const fills = nvDiagrams().flatMap(svg => Array.from(
        svg.querySelectorAll('text.nv-label:not(.nv-muted)'), t => getComputedStyle(t).fill));
    return [fg, Array.from(new Set(fills))];
}"""


def _rgb(css: str) -> str:
    """``#e6edf3`` -> ``rgb(230, 237, 243)`` (what getComputedStyle reports)."""
    text = css.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def _switch_to_dark(page, tool: str) -> None:
    from tests.browser.test_pages import _switch_to_dark as switch

    switch(page, tool)


def _assert_centred(page) -> None:
    placed = page.evaluate(_PLACED)
    assert len(placed) == 2, placed
    for offset, share in placed:
        assert abs(offset) <= 1.0, placed  # centred in its column
        assert abs(share - 0.5) <= 0.02, placed  # :width: 50% holds


def test_align_center_with_width_places_the_figure(page, site):
    page.goto(site.url, wait_until="load")
    _assert_centred(page)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_theme_colours_hold_under_a_strict_csp(browser, csp_server, site, dark):
    """Served with ``Content-Security-Policy: style-src 'self'``: the inlined diagrams carry
    no ``<style>`` or ``style=`` of their own, labels take the theme's colour in light and
    dark mode (netviz.css), and :width: still applies (netviz.js, data-width)."""
    from tests.browser.conftest import DIAGRAMS_JS

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="light")
    context.add_init_script(DIAGRAMS_JS)
    # Violations the policy reports from inside a diagram's SVG (the theme's own inline
    # styles, and the figure's style= kept for pages without a policy, are not ours to judge).
    context.add_init_script(
        """window.nvBlocked = [];
        document.addEventListener('securitypolicyviolation', e => {
            const t = e.target;
            const own = t && t.closest && t.closest('svg.netviz');
            if (own) window.nvBlocked.push(e.violatedDirective);
        });"""
    )
    page = context.new_page()
    path = "/sphinx-html/index.html" if site.tool == "sphinx" else "/mkdocs/site/index.html"
    try:
        response = page.goto(csp_server + path, wait_until="load")
        assert response is not None and response.headers["content-security-policy"] == STRICT_CSP
        inline = page.evaluate(
            """nvDiagrams().filter(s => s.querySelector('style') || s.hasAttribute('style')
                && !s.getAttribute('style').startsWith('--netviz-min-width')).length"""
        )
        assert inline == 0
        if dark:
            _switch_to_dark(page, site.tool)
            page.wait_for_timeout(400)
        fg, fills = page.evaluate(_FILLS)
        assert fg and fills == [_rgb(fg)], (fg, fills)
        expected = "#e6edf3" if dark else "#24292f"
        assert fills == [_rgb(expected)]
        _assert_centred(page)
        assert page.evaluate("window.nvBlocked") == []
    finally:
        context.close()


def test_labels_are_at_least_9px_at_an_800px_column(page, site):
    """Every diagram in an 800 px column: each text's rendered size (font size times the
    SVG's scale on the page) is at least 9 px: ``wrap: auto`` made them fit."""
    page.goto(site.url, wait_until="load")
    sizes = page.evaluate(
        """() => nvDiagrams().map(svg => {
            const f = svg.closest('figure, div.netviz, .netviz-figure');
            f.style.width = '800px';
            f.style.maxWidth = 'none';
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [Math.min(...Array.from(svg.querySelectorAll('text'),
                t => parseFloat(t.getAttribute('font-size')) * scale)), scale];
        })"""
    )
    assert sizes and all(size >= 9 - 1e-6 for size, _scale in sizes), sizes
