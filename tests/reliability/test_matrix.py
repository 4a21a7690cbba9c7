"""The bad-input matrix through a real Sphinx build and a real MkDocs build.

Every case of :data:`~tests.reliability.matrix.CASES` sits on one page with good diagrams
before, between and after the bad ones. Per case and tool: exactly one warning naming the
page, the line and the spec (none for cases that must render); a visible placeholder (or the
rendered diagram); the page around it intact.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from . import matrix as m
from .conftest import TOOLS, MatrixBuild

CASE_IDS = [case.id for case in m.CASES]


def _case_params() -> list[object]:
    return [
        pytest.param(tool.values[0], case_id, marks=tool.marks, id=f"{tool.id}-{case_id}")
        for tool in TOOLS
        for case_id in CASE_IDS
    ]


@pytest.mark.parametrize("tool", TOOLS)
def test_build_succeeds_and_every_warning_belongs_to_a_case(matrix_build: MatrixBuild) -> None:
    run = matrix_build.run
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.log, run.log[-3000:]
    expected = {matrix_build.lines[c.id] for c in m.CASES if c.fails}
    located = {w for line in expected for w in m.warnings_at(run, matrix_build.page_name, line)}
    stray = [w for w in run.warnings if w not in located]
    assert stray == [], stray
    assert len(run.warnings) == sum(c.fails for c in m.CASES), run.warnings


@pytest.mark.parametrize("tool", TOOLS)
def test_the_whole_page_is_rendered(matrix_build: MatrixBuild) -> None:
    text = matrix_build.soup.get_text(" ", strip=True)
    assert "Prose before the matrix." in text
    assert m.LAST_PROSE in text
    assert list(matrix_build.figures) == CASE_IDS  # every marker paragraph, in order


@pytest.mark.parametrize(("tool", "case_id"), _case_params())
def test_case(matrix_build: MatrixBuild, case_id: str) -> None:
    case = m.BY_ID[case_id]
    run = matrix_build.run
    line = matrix_build.lines[case_id]
    here = m.warnings_at(run, matrix_build.page_name, line)
    figure = matrix_build.figures.get(case_id)
    assert figure is not None, f"no diagram element after the marker of {case_id}"
    svg = figure.find("svg")
    assert svg is not None, "neither a diagram nor a visible placeholder"

    if case.fails:
        assert len(here) == 1, here  # exactly one warning, at this page and line
        warning = here[0]
        assert case.fragment in warning, warning
        assert case.spec in warning, warning  # names the spec as written
        assert "\n" not in warning
        assert warning.count("model spec") <= 1, warning  # named once, not twice
        assert matrix_build.failed(figure)
        # The placeholder is visible and says what went wrong.
        shown = figure.get_text(" ", strip=True)
        assert shown, "placeholder without any text"
        assert svg.find("text") is not None or svg.find("title") is not None
        assert svg.find("g", class_="nv-layer") is None
    else:
        assert here == [], here
        assert not matrix_build.failed(figure)
        drawn = svg.find_all("g", class_="nv-layer") + svg.find_all("g", class_="nv-group")
        assert drawn, "a good diagram drew no glyph"


@pytest.mark.parametrize("tool", TOOLS)
def test_good_diagrams_on_a_page_full_of_failures_are_intact(matrix_build: MatrixBuild) -> None:
    good = ("good-first", "good-middle", "good-last")
    svgs = [_unprefixed(str(matrix_build.figures[i].find("svg"))) for i in good]  # type: ignore[union-attr]
    assert svgs[0] == svgs[1] == svgs[2]
    # The same model with a bad option is never drawn with the option silently dropped.
    for case in m.CASES:
        if case.fails and case.spec == m.GOOD:
            assert matrix_build.figures[case.id].find("g", class_="nv-layer") is None  # type: ignore[union-attr]


def _unprefixed(svg: str) -> str:
    """An inline SVG with its per-diagram id prefix neutralised (pages may number repeats)."""
    return re.sub(r"\bnv[0-9a-f]{6,}(?:-\d+)?", "nvID", svg)


@pytest.mark.parametrize("tool", TOOLS)
def test_ids_are_unique_on_the_page(matrix_build: MatrixBuild) -> None:
    # The same diagram three times and thirty placeholders on one page: an id that occurs
    # twice breaks aria-labelledby and url(#...) references of the later copies.
    ids = Counter(str(tag["id"]) for tag in matrix_build.soup.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("tool", TOOLS)
def test_ten_thousand_layers_render(matrix_build: MatrixBuild) -> None:
    svg = matrix_build.figures["deep-10000"].find("svg")  # type: ignore[union-attr]
    layers = svg.find_all("g", class_="nv-layer")
    assert len(layers) == m.DEEP_LAYERS + 1  # the input and every layer, group: none
    ids = [g.get("data-id") for g in layers]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("tool", TOOLS)
def test_noisy_factory_renders_and_does_not_leak_into_the_build_log(
    matrix_build: MatrixBuild,
) -> None:
    # Decision: megabytes of factory output are noise, not an error. The diagram renders
    # (test_case) and the worker's output is drained, not copied into the build's log.
    assert matrix_build.run.log.count("netviz reliability flood") < 50


@pytest.mark.parametrize("tool", TOOLS)
def test_crashes_and_timeouts_restart_the_worker(matrix_build: MatrixBuild) -> None:
    # After the hang (killed at the timeout) and the abort, later diagrams still render: the
    # worker was restarted each time.
    order = CASE_IDS.index
    assert order("hangs") < order("aborts") < order("floods-output") < order("good-middle")
    for later in ("floods-output", "good-middle", "hostile-names", "good-last"):
        figure = matrix_build.figures[later]
        assert figure is not None
        assert not matrix_build.failed(figure)
