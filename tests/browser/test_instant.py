"""Material's instant navigation: a diagram on a page reached by an in-app (XHR) navigation
is drawn and themed exactly like one on a page loaded from scratch.

Instant navigation swaps the page body without reloading, so anything a diagram needed from
a page-load script would be missing; netviz's inline SVG plus a stylesheet needs none. The
site is served over HTTP on the loopback interface (instant navigation does not run on
``file://`` URLs).
"""

from __future__ import annotations

import functools
import http.server
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _run

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def instant_site(build_root: Path, cache_dir: Path) -> Iterator[str]:
    project = build_root / "mkdocs-instant"
    (project / "docs").mkdir(parents=True)
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(project / "site")
    )
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    # Material navigates instantly only within site_url, so it names this server.
    (project / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""
            site_name: netviz instant navigation
            site_url: {url}
            theme:
              name: material
              font: false
              features: [navigation.instant]
            plugins:
              - netviz:
                  cache_dir: {str(cache_dir)!r}
            markdown_extensions:
              - pymdownx.superfences
            nav: [index.md, model.md]
            """
        ),
        encoding="utf-8",
    )
    (project / "docs" / "index.md").write_text("# Start\n\n[The model](model.md)\n")
    (project / "docs" / "model.md").write_text(
        "# Model\n\n```netviz\nnetviz_examples:resnet_like\ncaption: Reached instantly\n```\n"
    )
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"], project)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def test_diagram_after_instant_navigation(page, instant_site):
    page.goto(instant_site, wait_until="load")
    page.evaluate("window.__nvSameDocument = true")
    page.click("article a[href*='model']")
    page.wait_for_selector("figure.netviz svg g.nv-layer, figure.netviz svg g.nv-group")
    # Still the same document: the navigation was instant, not a reload.
    assert page.evaluate("window.__nvSameDocument === true")
    assert page.evaluate("location.pathname").rstrip("/").endswith("model")
    box = page.locator("figure.netviz svg").first.bounding_box()
    assert box is not None and box["width"] > 80 and box["height"] > 30
    # netviz.css is in force on the swapped-in page: its custom property reaches the labels.
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('figure.netviz .nv-label'))"
            ".getPropertyValue('--netviz-fg').trim()"
        )
        == "#24292f"
    )
    assert page.dialogs == []
