"""A diff's marks read without colour, in Chromium (issue 21).

One page holds a diff drawn in the ``mono`` palette (a removed branch, a widened layer) and
one (an inserted Dropout), with the page's stylesheet, rendered through a greyscale filter as
print would. For every marked glyph: its badge (``+``, ``~``, ``-``) is drawn, visible and
dark on the light page, and its outline differs from every unmarked glyph's in width or
dashes (computed styles, not attributes); the pixels under a badge are dark. The legend keys
each mark.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from sphinx_netviz.core import diff
from sphinx_netviz.core.adapter import STATIC_DIR

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
pytest.importorskip("keras")


def _pictures() -> list[str]:
    from sphinx_netviz.core.extract.live import extract_live
    from sphinx_netviz.core.options import resolve_options
    from tests.zoo import diff_models

    options = resolve_options({})
    old = extract_live(diff_models.branches(3), options)
    new = extract_live(diff_models.branches(2), options)
    nodes = tuple(
        replace(n, config={**n.config, "filters": 32}) if n.id == "mix" else n for n in new.nodes
    )
    first = diff(old, replace(new, nodes=nodes), palette="mono")
    second = diff(
        extract_live(diff_models.mlp(128), options),
        extract_live(diff_models.mlp(128, dropout=True), options),
        palette="mono",
    )
    return [first.svg, second.svg]


GLYPHS_JS = """
() => Array.from(document.querySelectorAll('svg.netviz .nv-layer, svg.netviz .nv-group'))
  .map(g => {
    const shape = g.querySelector('.nv-shape');
    const style = getComputedStyle(shape);
    const badge = g.querySelector('.nv-diff-badge');
    const box = badge ? badge.getBoundingClientRect() : null;
    const bstyle = badge ? getComputedStyle(badge) : null;
    return {
      id: g.getAttribute('data-id'),
      mark: g.getAttribute('data-diff') || '',
      stroke: style.strokeWidth + '|' + style.strokeDasharray,
      badge: badge ? badge.textContent : '',
      box: box ? [box.x, box.y, box.width, box.height] : null,
      visible: bstyle ? bstyle.visibility === 'visible' && bstyle.display !== 'none'
        && parseFloat(bstyle.opacity) === 1 : false,
      fill: bstyle ? bstyle.fill : '',
    };
  })
"""


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    r, g, b = (p / 255 for p in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_marks_are_visible_without_colour(page: object, tmp_path: Path) -> None:
    from PIL import Image

    css = (STATIC_DIR / "netviz.css").read_text(encoding="utf-8")
    body = "".join(f'<div class="netviz-svg">{svg}</div>' for svg in _pictures())
    html = tmp_path / "diff.html"
    html.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"{css} html{{filter:grayscale(1);background:#fff}}</style></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    page.goto(html.as_uri(), wait_until="load")  # type: ignore[attr-defined]
    found = page.evaluate(GLYPHS_JS)  # type: ignore[attr-defined]
    marks = {g["mark"] for g in found}
    assert marks == {"", "added", "changed", "removed"}, marks
    plain = {g["stroke"] for g in found if not g["mark"]}
    badges = {"added": "+", "changed": "~", "removed": "-"}
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")  # type: ignore[attr-defined]
    for g in found:
        if not g["mark"]:
            assert g["badge"] == "", g
            continue
        assert g["stroke"] not in plain, g  # the outline differs: width or dashes
        assert g["badge"] == badges[g["mark"]] and g["visible"], g
        x, y, w, h = g["box"]
        assert w > 3 and h > 8, g
        assert _luminance(g["fill"]) < 0.35, g  # dark text on the light page
        crop = shot.crop((int(x), int(y), int(x + w) + 1, int(y + h) + 1))
        assert min(crop.getdata()) < 100, g  # drawn: dark pixels under the badge
    legend = page.evaluate(  # type: ignore[attr-defined]
        "Array.from(document.querySelectorAll('.nv-legend-item[data-diff]'))"
        ".map(e => e.getAttribute('data-diff') + ':' + e.querySelector('.nv-diff-badge')"
        ".textContent)"
    )
    assert set(legend) == {"changed:~", "removed:-", "added:+"}
