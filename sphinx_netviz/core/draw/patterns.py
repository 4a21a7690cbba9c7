"""Fill patterns: the tiles a look may carry (hatching, dots, grids) and their SVG ``<defs>``.

Net2Vis's monochrome mode paints each layer type with one of 12 textures. Here patterns are a
second channel beside colour in every palette: ``mono`` tells its 17 type families apart by
tile (and its shades by a grey background), the Okabe-Ito palette (8 colours for 17 families)
puts a tile on the families that share a colour, and group glyphs carry tiles of their own,
so that a group never looks like a layer type (:mod:`.looks`).

A pattern definition is one (tile, background, ink) triple; a document numbers its
definitions in order of first use (``{prefix}-pat-1``, ``-pat-2``, ...), so the same diagram
always gives the same bytes and two looks share an id only when they are the same look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .markup import E, Root, fmt

__all__ = ["GROUP_TILES", "N_TYPE_TILES", "TILES", "Patterns"]

#: (tile size, path data, stroke width; 0: the path is filled). Tiles 0-16 are the type
#: families' (``mono``: one per palette slot), the rest are reserved for groups.
TILES: tuple[tuple[int, str, float], ...] = (
    (8, "M0 0L8 8M8 0L0 8", 1.0),  # 0 thin cross-hatch
    (10, "M0 0H5V5H0ZM5 5H10V10H5Z", 0.0),  # 1 checkerboard
    (10, "M5 3.5A1.5 1.5 0 1 0 5 6.5A1.5 1.5 0 1 0 5 3.5Z", 0.0),  # 2 dots
    (8, "M0 4H8", 1.5),  # 3 horizontal lines
    (14, "M7 5.5A1.5 1.5 0 1 0 7 8.5A1.5 1.5 0 1 0 7 5.5Z", 0.0),  # 4 sparse dots
    (8, "M0 8L8 0", 1.0),  # 5 thin diagonal /
    (8, "M0 8L8 0", 3.0),  # 6 thick diagonal /
    (8, "M0 0L8 8", 1.5),  # 7 diagonal \
    (6, "M0 3H6", 0.8),  # 8 fine horizontal lines
    (6, "M3 0V6", 0.8),  # 9 fine vertical lines
    (8, "M4 0V8M0 4H8", 1.0),  # 10 grid
    (10, "M0 0L10 10M10 0L0 10M5 0V10", 0.8),  # 11 star lattice
    (8, "M4 0V8", 2.0),  # 12 vertical bars
    (10, "M5 2.5A2.5 2.5 0 1 0 5 7.5A2.5 2.5 0 1 0 5 2.5Z", 0.0),  # 13 large dots
    (8, "M0 0L8 8", 3.0),  # 14 thick diagonal \
    (8, "M0 4H8", 3.0),  # 15 thick horizontal bars
    (5, "M0 2.5H5M2.5 0V5", 0.6),  # 16 fine grid
    # Group tiles: wide-spaced, so that a group reads as "many of that colour".
    (12, "M0 12L12 0M-3 3L3 -3M9 15L15 9", 2.0),  # 17 wide stripes /
    (12, "M0 0L12 12M12 0L0 12", 1.4),  # 18 wide cross-hatch
    (12, "M6 4A2 2 0 1 0 6 8A2 2 0 1 0 6 4Z", 0.0),  # 19 wide dots
    (12, "M6 0V12", 2.0),  # 20 wide vertical stripes
    (12, "M0 0L12 12M-3 9L3 15M9 -3L15 3", 2.0),  # 21 wide stripes \
    (12, "M0 6H12", 2.0),  # 22 wide horizontal stripes
)

N_TYPE_TILES = 17
GROUP_TILES: tuple[int, ...] = tuple(range(N_TYPE_TILES, len(TILES)))


@dataclass
class Patterns:
    """The pattern definitions one document uses, numbered in order of first use."""

    prefix: str
    ids: dict[tuple[int, str, str], int] = field(default_factory=dict)
    #: The definitions of the document this one is shown in, reused rather than repeated
    #: (a drill-down scene lives in the page next to its diagram, whose ids it can name).
    shared: Patterns | None = None

    def url(self, tile: int, background: str, ink: str) -> str:
        """``url(#...)`` of the (tile, background, ink) pattern, defined on first use."""
        key = (tile, background.upper(), ink.upper())
        if self.shared is not None and key in self.shared.ids:
            return f"url(#{self.shared.prefix}-pat-{self.shared.ids[key]})"
        number = self.ids.get(key)
        if number is None:
            number = len(self.ids) + 1
            self.ids[key] = number
        return f"url(#{self.prefix}-pat-{number})"

    def write(self, dwg: Root) -> None:
        """Add every definition used to the document's ``<defs>``."""
        for (tile, background, ink), number in self.ids.items():
            size, d, width = TILES[tile % len(TILES)]
            pat = E("pattern")
            pat.attribs.update(
                {
                    "id": f"{self.prefix}-pat-{number}",
                    "width": str(size),
                    "height": str(size),
                    "patternUnits": "userSpaceOnUse",
                }
            )
            pat.add(E("rect", width=str(size), height=str(size), fill=background))
            path = E("path", d=d)
            if width > 0:
                path.attribs["stroke"] = ink
                path.attribs["stroke-width"] = fmt(width)
                path.attribs["fill"] = "none"
            else:
                path.attribs["fill"] = ink
            pat.add(path)
            dwg.defs.add(pat)
