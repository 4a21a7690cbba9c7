"""A PyTorch CNN in a real Sphinx build: the paper's level by default, channels-first drawn
the Net2Vis way in the diagram and in the drill-down scenes a reader opens (issue 18)."""

from __future__ import annotations

import pytest

from ._shared import CACHED, netviz_warnings, soup

pytest.importorskip("torch")


def _labels(svg) -> list[str]:  # type: ignore[no-untyped-def]
    """Size labels of one scene; spatial sizes are drawn rotated."""
    return sorted(
        t.get_text() + (" (rotated)" if t.get("transform") else "")
        for t in svg.select("g.nv-labels text")
        if "nv-muted" not in (t.get("class") or [])
    )


@pytest.mark.sphinx("html", testroot="torch-scenes", confoverrides=CACHED)
def test_residual_blocks_fold_and_their_scene_reads_channels_first(app) -> None:
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    page = soup(app.outdir / "index.html")
    figure = page.select_one("div.netviz")
    main = figure.select_one("svg")
    groups = main.select("g.nv-group")
    assert [(g["data-type"], g["data-count"]) for g in groups] == [("ResidualBlock", "3")]
    # the input (3, 32, 32): 32x32 drawn rotated, 3 channels upright
    assert {"32x32 (rotated)", "3"} <= set(_labels(main))
    scenes = {
        opener: svg
        for svg in figure.select("svg[data-for]")
        for opener in svg["data-for"].split()
    }
    scene = scenes[groups[0]["data-id"]]
    inside = _labels(scene)
    assert "32x32 (rotated)" in inside and "16" in inside
    assert "16x32 (rotated)" not in inside and "32" not in inside  # never channels-last
