"""Draw ``docs/images/architecture.svg``: the pipeline, one box per stage package.

Run ``python docs/tools/netviz_docs/architecture_svg.py`` after a stage is added or renamed;
the Architecture page of both doc sites shows the file. Written by hand (a dozen boxes and
arrows need no layout engine), with fixed colours on its own white card so it reads on light
and dark themes alike.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "images" / "architecture.svg"

#: (box label, what flows out of it, a note under the box)
STAGES: tuple[tuple[str, str, str], ...] = (
    ("spec", "text in a page", ""),
    ("worker/", "isolated process", "extract/ runs here"),
    ("ir/", "Graph IR", ""),
    ("store/", "cache, snapshots", ""),
    ("view/", "what is drawn", ""),
    ("group/", "folding", ""),
    ("layout/", "geometry", ""),
    ("draw/", "SVG", ""),
    ("embed/", "page HTML", ""),
    ("page", "Sphinx, MkDocs", ""),
)
BOX_W, BOX_H, GAP, X0, Y0 = 104, 54, 22, 12, 40
STYLE = (
    "text{font-family:system-ui,sans-serif;fill:#222}.s{font-size:11px;fill:#555}"
    ".a{stroke:#666;stroke-width:1.5;fill:none;marker-end:url(#m)}"
    ".b{fill:#eef3fb;stroke:#4a6fa5;stroke-width:1.2}.e{fill:#f7f7f7;stroke:#999;"
    "stroke-dasharray:4 3}"
)


def _x(index: int) -> int:
    return X0 + index * (BOX_W + GAP)


def _bracket(first: int, last: int, y: int, label: str, *, above: bool) -> list[str]:
    left, right = _x(first), _x(last) + BOX_W
    tick = 6 if above else -6
    text_y = y - 5 if above else y + 14
    return [
        f'<path d="M{left} {y + tick}V{y}H{right}V{y + tick}" stroke="#999" fill="none"/>',
        f'<text class="s" x="{(left + right) / 2:g}" y="{text_y}" text-anchor="middle">'
        f"{escape(label)}</text>",
    ]


def architecture_svg() -> str:
    """The picture as an SVG document."""
    width = _x(len(STAGES) - 1) + BOX_W + X0
    height = 150
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="t d">',
        '<title id="t">netviz pipeline</title>',
        '<desc id="d">A model spec goes to the worker, which extracts a Graph IR; the store '
        "caches it; then view, group, layout, draw and embed turn it into the page's "
        "figure.</desc>",
        f"<style>{STYLE}</style>",
        '<defs><marker id="m" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="#666"/></marker></defs>',
        f'<rect width="{width}" height="{height}" rx="8" fill="#fff"/>',
    ]
    for i, (name, flows, note) in enumerate(STAGES):
        x = _x(i)
        kind = "e" if name in ("spec", "page") else "b"
        centre = f"{x + BOX_W / 2:g}"
        out.append(
            f'<rect class="{kind}" x="{x}" y="{Y0}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
        )
        out.append(
            f'<text x="{centre}" y="{Y0 + 23}" text-anchor="middle" font-size="14" '
            f'font-weight="600">{escape(name)}</text>'
        )
        out.append(
            f'<text class="s" x="{centre}" y="{Y0 + 41}" text-anchor="middle">'
            f"{escape(flows)}</text>"
        )
        if note:
            out.append(
                f'<text class="s" x="{centre}" y="{Y0 + BOX_H + 18}" text-anchor="middle">'
                f"{escape(note)}</text>"
            )
        if i:
            out.append(f'<path class="a" d="M{x - GAP + 2} {Y0 + BOX_H / 2:g}H{x - 3}"/>')
    out += _bracket(4, 7, 26, "diagram.py: render() \u2014 options/ feed every stage", above=True)
    out += _bracket(
        3,
        8,
        126,
        "pipeline.py: a build's diagram service (the adapters call it through adapter.py)",
        above=False,
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    OUT.write_text(architecture_svg(), encoding="utf-8")
    print(OUT)
