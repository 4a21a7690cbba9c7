"""The visual lint itself (tests/visual_lint.py): each rule on tiny hand-built SVGs that break
it and that keep it, written in the markup contract's own vocabulary; and the lint's reading
of a real render (the tensor heights it infers follow Net2Vis's sizing formula)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from sphinx_netviz.core import render
from tests.visual_lint import (
    legend_collisions,
    legend_mismatch,
    lint,
    lint_by_rule,
    merge_spikes,
    nameless_groups,
    near_legend_colors,
    oversized_legend,
    resized_glyphs,
    small_labels,
    tensor_heights,
    unbalanced_rows,
    unlisted_groups,
    weak_group_names,
    wrapped_rows,
)
from tests.visual_lint_doc import parse_svg, vertical_runs
from tests.visual_lint_plugin import Record, report

from . import irgraphs

X = "\u00d7"


# -- a tiny SVG writer in the contract's markup ------------------------------------------------
@dataclass
class Pic:
    width: float = 600.0
    height: float = 300.0
    parts: list[str] = field(default_factory=list)

    def glyph(
        self,
        gid: str,
        typ: str,
        points: Sequence[tuple[float, float]],
        tip: str = "",
        *,
        group: bool = False,
        synthetic: bool = False,
        count: int = 1,
        fill: str = "#8BC34A",
    ) -> Pic:
        cls = "nv-group" if group else "nv-layer"
        extra = ' data-synthetic="true"' if synthetic else ""
        pts = " ".join(f"{x:g},{y:g}" for x, y in points)
        self.parts.append(
            f'<g class="{cls}" data-id={quoteattr(gid)} data-type={quoteattr(typ)} '
            f'data-count="{count}"{extra}><title>{escape(tip)}</title>'
            f'<polygon class="nv-shape" points="{pts}" fill="{fill}" /></g>'
        )
        return self

    def box(self, gid: str, typ: str, x: float, y: float, w: float, h: float, tip: str = "",
            **kw: object) -> Pic:  # fmt: skip
        return self.glyph(gid, typ, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)], tip, **kw)  # type: ignore[arg-type]

    def edge(self, source: str, target: str, points: Sequence[tuple[float, float]]) -> Pic:
        pts = " ".join(f"{x:g},{y:g}" for x, y in points)
        self.parts.append(
            f'<polyline class="nv-edge" data-source="{source}" data-target="{target}" '
            f'points="{pts}" />'
        )
        return self

    def text(self, text: str, x: float, y: float, size: float = 11) -> Pic:
        self.parts.append(
            f'<text class="nv-label" x="{x:g}" y="{y:g}" font-size="{size:g}">{escape(text)}</text>'
        )
        return self

    def legend(self, *items: tuple[str, str, str]) -> Pic:
        body = "".join(
            f'<g class="nv-legend-item" data-kind="{kind}" data-type="{typ}">'
            f'<polygon class="nv-shape" points="0,0 12,0 12,28 0,28" fill="{fill}" />'
            f'<text class="nv-label" x="20" y="14" font-size="12">{typ}</text></g>'
            for kind, typ, fill in items
        )
        self.parts.append(f'<g class="nv-legend">{body}</g>')
        return self

    def svg(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="netviz" width="{self.width:g}" '
            f'height="{self.height:g}" viewBox="0 0 {self.width:g} {self.height:g}" role="img">'
            f"<title>tiny architecture diagram</title>"
            f'<g class="nv-diagram">{"".join(self.parts)}</g></svg>'
        )


def conv(shape: str) -> str:
    return f"c (Conv2D)\nin {shape} \u2192 out {shape}\nparams: 1"


SHAPE = f"8{X}8{X}4"
#: An Add whose two input ends sit on lanes 170 px apart: a 200 px needle for 30 px tensors.
SPIKE = [(100, 20), (120, 185), (120, 215), (100, 215), (100, 185), (109, 117), (100, 50)]


def residual_pic(add_points: Sequence[tuple[float, float]]) -> Pic:
    pic = Pic()
    pic.box("a", "Conv2D", 40, 20, 40, 30, conv(SHAPE)).box(
        "b", "Conv2D", 40, 185, 40, 30, conv(SHAPE)
    )
    tip = f"add (Add)\nin {SHAPE}, {SHAPE} \u2192 out {SHAPE}\nparams: 0"
    pic.glyph("add", "Add", add_points, tip, fill="#795548")
    pic.edge("a", "add", [(80, 35), (100, 35)]).edge("b", "add", [(80, 200), (100, 200)])
    return pic


# -- rule 1 ----------------------------------------------------------------------------------
def test_a_merge_reaching_across_lanes_is_a_spike() -> None:
    found = merge_spikes(residual_pic(SPIKE).svg())
    assert len(found) == 1
    assert "'add'" in found[0] and "195 px tall" in found[0] and "tallest tensor 30 px" in found[0]
    assert found[0].score > 6


def test_a_merge_sized_by_its_own_tensors_passes() -> None:
    plain = [(100, 185), (120, 185), (120, 215), (100, 215)]
    assert merge_spikes(residual_pic(plain).svg()) == []


def test_a_split_spike_and_a_merge_judged_by_its_neighbours() -> None:
    pic = Pic().box("a", "Conv2D", 10, 40, 40, 30, conv(SHAPE))
    fan = [(60, 40), (70, 10), (70, 40), (65, 55), (70, 70), (70, 100), (60, 70)]
    pic.glyph("a#split", "Split", fan, f"Split: {SHAPE} to 2 consumers", synthetic=True)
    pic.edge("a", "a#split", [(50, 55), (60, 55)])
    # A Concatenate of shapes no plain glyph shows: its producers' ends are the yardstick.
    pic.box("p", "Dense", 10, 200, 10, 40, "p (Dense)\nin 7 \u2192 out 5").box(
        "q", "Dense", 10, 260, 10, 40, "q (Dense)\nin 7 \u2192 out 5"
    )
    pic.box("cat", "Concatenate", 40, 200, 10, 100, "cat (Concatenate)\nin 5, 5 \u2192 out 10")
    pic.edge("p", "cat", [(20, 220), (40, 220)]).edge("q", "cat", [(20, 280), (40, 280)])
    found = merge_spikes(pic.svg())
    assert [f.split(" glyph ")[1].split()[0] for f in found] == ["'a#split'", "'cat'"]


def test_a_vector_length_no_glyph_shows_is_read_off_the_line() -> None:
    """A Concatenate of two 8-vectors writes 16: no plain glyph shows 16, but lengths 4
    (30 px) and 8 (40 px) do, so 16 is drawn at most 60 px (Net2Vis sizes vectors
    linearly): a 60 px Concatenate passes, a 100 px one is a spike."""

    def pic(height: float) -> str:
        p = Pic().box("a", "Dense", 10, 30, 10, 40, "a (Dense)\nin 4 \u2192 out 8")
        p.box("b", "Dense", 10, 100, 10, 40, "b (Dense)\nin 4 \u2192 out 8")
        p.box("o", "Dense", 90, 60, 10, 30, "o (Dense)\nin 16 \u2192 out 4")
        p.box("cat", "Concatenate", 40, 50, 10, height, "cat (Concatenate)\nin 8, 8 \u2192 out 16")
        p.edge("a", "cat", [(20, 50), (40, 50)]).edge("b", "cat", [(20, 120), (40, 70)])
        return p.edge("cat", "o", [(50, 75), (90, 75)]).svg()

    assert merge_spikes(pic(60)) == []
    found = merge_spikes(pic(100))
    assert len(found) == 1 and "tallest tensor 60 px" in found[0]


def test_fans_whose_ends_touch_look_plain_but_are_judged() -> None:
    """A Split and an Add whose two lanes touch are 4-point polygons 60 px tall: neither may
    serve as the yardstick of the other (the 30 px tensor is)."""
    pic = Pic().box("a", "Conv2D", 10, 35, 30, 30, conv(SHAPE))
    pic.glyph("a#split", "Split", [(50, 35), (60, 20), (60, 80), (50, 65)],
              f"Split: {SHAPE} to 2 consumers", synthetic=True)  # fmt: skip
    pic.box("b", "Conv2D", 70, 20, 20, 30).box("c", "Conv2D", 70, 50, 20, 30)
    tip = f"add (Add)\nin {SHAPE}, {SHAPE} \u2192 out {SHAPE}\nparams: 0"
    pic.glyph("add", "Add", [(100, 20), (110, 35), (110, 65), (100, 80)], tip)
    for u, v, y in (("a", "a#split", 50), ("a#split", "b", 35), ("a#split", "c", 65),
                    ("b", "add", 35), ("c", "add", 65)):  # fmt: skip
        pic.edge(u, v, [(0, y), (1, y)])
    found = merge_spikes(pic.svg())
    assert len(found) == 2 and all("60 px tall, its tallest tensor 30 px" in f for f in found)


def test_tensor_heights_follow_the_sizing_formula_on_a_real_render() -> None:
    """Net2Vis's formula (reference/net2vis.md 2.3): height = 30 + 70 * (s - s_min) /
    (s_max - s_min), s the geometric mean of the spatial axes, over the chain's tensors."""
    graph = irgraphs.chain()
    heights = tensor_heights(render(graph, group="none").svg)
    sizes: dict[str, float] = {}
    for n in graph.nodes:
        for h, w, c in (s for s in n.output_shapes if len(s) == 3):
            assert h and w
            sizes[f"{h}{X}{w}{X}{c}"] = (h * w) ** 0.5
    lo, hi = min(sizes.values()), max(sizes.values())
    assert set(sizes) <= set(heights)
    for text, s in sizes.items():
        assert abs(heights[text] - (30 + 70 * (s - lo) / (hi - lo))) < 0.02, text


def test_vertical_runs_one_per_fan_end() -> None:
    assert sorted(vertical_runs(tuple(SPIKE), 100)) == [30, 30]
    assert vertical_runs(tuple(SPIKE), 120) == [30]


# -- rule 2 ----------------------------------------------------------------------------------
def test_two_legend_entries_with_one_look_collide() -> None:
    pic = Pic().legend(("type", "Conv2D", "#009E73"), ("type", "GlobalAveragePooling2D", "#009e73"),
                       ("group", "Residual", "#0072B2"))  # fmt: skip
    found = legend_collisions(pic.svg())
    assert len(found) == 1 and "Conv2D (type), GlobalAveragePooling2D (type)" in found[0]
    assert (
        legend_collisions(Pic().legend(("type", "A", "#000000"), ("type", "B", "#111111")).svg())
        == []
    )


def test_mono_patterns_compare_by_pattern_not_by_prefix() -> None:
    same = Pic().legend(("type", "A", "url(#nv1-pat-3)"), ("group", "G", "url(#nv1-legend-pat-3)"))
    apart = Pic().legend(("type", "A", "url(#nv1-pat-3)"), ("type", "B", "url(#nv1-pat-4)"))
    assert len(legend_collisions(same.svg())) == 1
    assert legend_collisions(apart.svg()) == []


def test_near_colours_are_an_extra_rule() -> None:
    found = near_legend_colors(Pic().legend(("type", "Concatenate", "#000000"),
                                            ("group", "Inception", "#080808")).svg())  # fmt: skip
    assert len(found) == 1 and "Inception" in found[0]
    assert (
        near_legend_colors(Pic().legend(("type", "A", "#000000"), ("type", "B", "#E69F00")).svg())
        == []
    )


def test_a_glyph_drawn_in_another_look_than_its_legend_entry() -> None:
    pic = Pic().box("enc", "BertEncoder", 10, 10, 20, 60, fill="#7DF0FF")
    found = legend_mismatch(pic.legend(("group", "BertEncoder", "#4AEAFF")).svg())
    assert found == ["tiny: BertEncoder is drawn #7DF0FF but its legend entry shows #4AEAFF"]
    assert legend_mismatch(pic.legend(("group", "BertEncoder", "#7dF0ff")).svg()) == []


# -- rule 3 ----------------------------------------------------------------------------------
def group_pic(row: list[str]) -> str:
    pic = Pic().box("g1", "BertLayer", 100, 20, 28, 100, "BertLayer x6", group=True, count=6)
    for i, line in enumerate(row):
        pic.text(line, 114, 137 + 13 * i)
    # A glyph below in the same column, whose own label holds the name: not g1's row.
    pic.box("g2", "Dense", 104, 200, 20, 30).text("BertLayer", 114, 247)
    return pic.svg()


def test_a_group_label_row_without_the_name_is_found() -> None:
    found = nameless_groups(group_pic([f"{X}6", "768"]))
    assert len(found) == 1 and "'BertLayer'" in found[0] and f"{X}6 | 768" in found[0]


def test_a_group_label_row_with_the_name_passes() -> None:
    assert nameless_groups(group_pic([f"BertLayer {X}6", "768"])) == []


def test_a_long_name_may_take_two_lines_of_the_row() -> None:
    assert nameless_groups(group_pic(["Bert", f"Layer {X}6"])) == []


def test_a_group_glyph_named_apart_from_its_legend_entry() -> None:
    pic = Pic().box("fold:2", "Cell", 10, 10, 28, 40, group=True)
    found = unlisted_groups(pic.legend(("group", "Cell A", "#000000")).svg())
    assert len(found) == 1 and "'Cell' have no legend entry (legend: Cell A)" in found[0]
    assert unlisted_groups(pic.legend(("group", "Cell", "#111111")).svg()) == []


def test_weak_heuristic_names() -> None:
    pic = Pic().legend(*(("group", n, f"#{i:02d}0000") for i, n in enumerate(
        ["Block", "Residual A", "Linear-view-transpose", "Residual(Conv-BN-ReLU x3)",
         "Conv-BN-ReLU x3", "Attention projection", "BertLayer"])))  # fmt: skip
    found = weak_group_names(pic.svg())
    assert [f.split("'")[1] for f in found] == ["Block", "Residual A", "Linear-view-transpose"]


def test_a_legend_taller_than_its_diagram_plus_two_rows() -> None:
    pic = Pic().box("a", "Conv2D", 10, 10, 20, 60).legend(("group", "Cell A", "#000000"))
    # The group's miniature: a tall drawing inside the legend item.
    tall = pic.svg().replace(
        '<text class="nv-label" x="20" y="14"',
        '<polygon class="nv-shape" points="0,40 8,40 8,400 0,400" fill="#fff" />'
        '<text class="nv-label" x="20" y="14"',
    )
    found = oversized_legend(tall)
    assert len(found) == 1 and "the legend is 400 px tall, the diagram 60 px" in found[0]
    assert oversized_legend(pic.svg()) == []


# -- rule 4 ----------------------------------------------------------------------------------
def test_a_glyph_resized_between_renders_is_found() -> None:
    base = Pic().box("dense", "Dense", 10, 10, 10, 30).box("x", "Conv2D", 40, 10, 20, 50).svg()
    hidden = Pic().box("dense", "Dense", 10, 10, 10, 100).box("x", "Conv2D", 40, 10, 20, 50).svg()
    found = resized_glyphs(base, hidden, what="hide: Dropout")
    assert len(found) == 1
    assert "(hide: Dropout): Dense 'dense' in height 30 -> 100, out height 30 -> 100" in found[0]
    assert resized_glyphs(base, base) == []


def test_resize_ignores_glyphs_that_left_or_changed_type() -> None:
    base = Pic().box("a", "Dense", 10, 10, 10, 30).svg()
    other = Pic().box("a", "Dropout", 10, 10, 10, 90).box("b", "Dense", 30, 10, 10, 90).svg()
    assert resized_glyphs(base, other) == []


# -- rule 5 ----------------------------------------------------------------------------------
def test_labels_are_measured_at_the_column_width() -> None:
    wide = Pic(width=1600).text("224x224", 10, 10, 11).svg()
    found = small_labels(wide)
    assert len(found) == 1 and "11 px -> 5.5 px" in found[0]
    assert small_labels(Pic(width=800).text("224x224", 10, 10, 9).svg()) == []
    assert len(small_labels(Pic(width=700).text(f"{X}2", 10, 10, 8).svg())) == 1


# -- rule 6 ----------------------------------------------------------------------------------
def rows_pic(first: int, second: int) -> str:
    pic = Pic()
    for i in range(first):
        pic.box(f"a{i}", "Conv2D", 20 + 40 * i, 20, 20, 30)
        if i:
            pic.edge(f"a{i - 1}", f"a{i}", [(40 * i, 35), (20 + 40 * i, 35)])
    for i in range(second):
        pic.box(f"b{i}", "Conv2D", 20 + 40 * i, 120, 20, 30)
        if i:
            pic.edge(f"b{i - 1}", f"b{i}", [(40 * i, 135), (20 + 40 * i, 135)])
    last = 40 * first
    # The chain goes down to the next row: the one edge that runs right to left.
    pic.edge(f"a{first - 1}", "b0", [(last, 35), (last + 10, 35), (last + 10, 90), (10, 90),
                                     (10, 135), (20, 135)])  # fmt: skip
    return pic.svg()


def test_a_lonely_wrapped_row_is_found() -> None:
    assert [len(r) for r in wrapped_rows(rows_pic(5, 2))] == [5, 2]
    found = unbalanced_rows(rows_pic(5, 2))
    assert len(found) == 1 and "row 2 of 2 holds 2 glyphs, the fullest 5" in found[0]


def test_balanced_rows_and_unwrapped_diagrams_pass() -> None:
    assert unbalanced_rows(rows_pic(4, 3)) == []
    one_row = residual_pic(SPIKE).svg()
    assert len(wrapped_rows(one_row)) == 1 and unbalanced_rows(one_row) == []


# -- all rules ---------------------------------------------------------------------------------
def test_lint_runs_every_single_diagram_rule() -> None:
    bad = residual_pic(SPIKE)
    bad.width = 1600
    bad.text("8", 60, 70).legend(("type", "Conv2D", "#8BC34A"), ("type", "Add", "#8BC34A"))
    found = lint(bad.svg())
    assert {f.split("]")[0] + "]" for f in found} == {
        "[merge spikes]",
        "[legend collisions]",
        "[labels under 9 px]",
    }
    good = residual_pic([(100, 185), (120, 185), (120, 215), (100, 215)]).svg()
    assert lint(good) == []
    assert set(lint_by_rule(parse_svg(good))) >= {"merge spikes", "weak group names"}


def test_the_plugin_report_ranks_the_worst_first() -> None:
    records = [
        Record("merge spikes", "mild", 1.5, "t::a", True),
        Record("merge spikes", "worst", 8.0, "t::b", True),
        Record("labels under 9 px", "small", 2.0, "t::a", False),
    ]
    lines = report(records, 3, [])
    assert lines[0] == "== visual lint: 3 distinct diagrams rendered in-process"
    assert lines[1] == "merge spikes: 2 violations in 2 tests"
    assert lines[2].strip().startswith("worst") and lines[3].strip().startswith("mild")
    assert "labels under 9 px: 1 diagrams (0 with the default options)" in lines
