"""``sphinx-build -j 2``: parallel read and write, one builder in the main process."""

from __future__ import annotations

import pytest

from sphinx_netviz.state import get_state

from ._shared import netviz_warnings, soup


# No cache override: this also checks the default cache location (<doctreedir>/netviz).
@pytest.mark.sphinx("html", testroot="parallel", parallel=2, freshenv=True)
def test_parallel_build(app) -> None:
    app.build(force_all=True)
    warnings = app.warning.getvalue()
    assert netviz_warnings(warnings) == []
    assert "parallel" not in warnings  # no "not safe for parallel reading/writing"
    keys = set()
    for i in range(8):
        page = soup(app.outdir / f"page{i}.html")
        figure = page.select_one("figure.netviz")
        assert figure is not None and figure.select_one("svg g.nv-layer") is not None, i
        keys.add(figure.select_one("a.netviz-full")["href"])
        assert f"Text {i}." in page.get_text()
    assert len(keys) == 4  # four palettes: four distinct diagrams, reused across pages
    state = get_state(app)
    assert state.builders_created == 1  # one builder (one worker) for the whole build
    assert state.worker_starts <= 1
    assert (app.doctreedir / "netviz").is_dir()
