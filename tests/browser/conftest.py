"""Session fixtures: one small Sphinx (Furo) and one MkDocs (Material) site, one Chromium.

Both sites are built once per test session into a temporary folder, with real
``sphinx-build`` and ``mkdocs build`` subprocesses, and share one netviz cache directory, so
each model is extracted (TensorFlow imported) once for both builds. Each site has one page
holding several diagrams: three example models and two hostile models (Keras and saved IR).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.hostile import hostile_graph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Installed in every page: ``nvDiagrams()`` lists the inline diagram SVGs (the outermost
#: ``<svg>`` elements holding a layer or group glyph, not the drill-down scenes), in
#: document order.
DIAGRAMS_JS = """
window.nvDiagrams = () => Array.from(document.querySelectorAll('svg')).filter(
    s => s.querySelector('.nv-layer, .nv-group') && !s.parentElement.closest('svg')
         && !s.classList.contains('nv-detail'));
"""

#: (spec, options) of the diagrams on each test page; the IR path is filled in per session.
DIAGRAMS: tuple[tuple[str, dict[str, str]], ...] = (
    ("netviz_examples:mnist_convnet", {"names": "true", "caption": "MNIST ConvNet"}),
    ("netviz_examples:resnet_like", {}),
    ("netviz_examples:inception_like", {"palette": "colorblind", "legend": "separate"}),
    # issue 19: a figure placed by :align: with :width: (with and without a caption)
    ("netviz_examples:mnist_convnet", {"align": "center", "width": "50%"}),
    ("netviz_examples:resnet_like", {"align": "center", "width": "50%", "caption": "Centred"}),
    ("tests.browser.hostile:hostile_keras", {"names": "true", "samples": "true"}),
    ("{ir}", {"names": "true"}),
)
#: Diagrams whose names are payloads (last two above).
HOSTILE = 2


@dataclass(frozen=True)
class Site:
    """A built site: which tool built it and the file URL of its diagram page."""

    tool: str
    url: str
    log: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), str(EXAMPLES), env.get("PYTHONPATH", "")) if p
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def _run(argv: list[str], cwd: Path) -> str:
    proc = subprocess.run(
        argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600, check=False
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}):\n{log[-4000:]}")
    return log


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser-sites")
    (root / "hostile.json").write_text(hostile_graph().to_json(indent=1), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def cache_dir(build_root: Path) -> Path:
    """One netviz cache shared by both builds (models are extracted once)."""
    path = build_root / "netviz-cache"
    path.mkdir()
    return path


def _specs(build_root: Path) -> list[tuple[str, dict[str, str]]]:
    ir = str(build_root / "hostile.json")
    return [(spec.format(ir=ir), opts) for spec, opts in DIAGRAMS]


@pytest.fixture(scope="session")
def sphinx_site(build_root: Path, cache_dir: Path) -> Site:
    src = build_root / "sphinx"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            f"""
            project = "netviz browser test"
            extensions = ["sphinx_netviz"]
            html_theme = "furo"
            netviz_cache_dir = {str(cache_dir)!r}
            """
        ),
        encoding="utf-8",
    )
    body = ["Diagrams", "========", ""]
    for spec, opts in _specs(build_root):
        body.append(f".. netviz:: {spec}")
        body += [f"   :{k}: {v}" for k, v in opts.items()]
        body.append("")
    (src / "index.rst").write_text("\n".join(body), encoding="utf-8")
    out = build_root / "sphinx-html"
    log = _run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)], src)
    return Site("sphinx", (out / "index.html").as_uri(), log)


@pytest.fixture(scope="session")
def mkdocs_site(build_root: Path, cache_dir: Path) -> Site:
    project = build_root / "mkdocs"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""
            site_name: netviz browser test
            theme:
              name: material
              font: false
              palette:
                - scheme: default
                  toggle:
                    icon: material/brightness-7
                    name: Switch to dark mode
                - scheme: slate
                  toggle:
                    icon: material/brightness-4
                    name: Switch to light mode
            plugins:
              - netviz:
                  cache_dir: {str(cache_dir)!r}
            markdown_extensions:
              - pymdownx.superfences
            """
        ),
        encoding="utf-8",
    )
    body = ["# Diagrams", ""]
    for spec, opts in _specs(build_root):
        body += ["```netviz", spec, *(f"{k}: {v}" for k, v in opts.items()), "```", ""]
    (project / "docs" / "index.md").write_text("\n".join(body), encoding="utf-8")
    log = _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"], project)
    return Site("mkdocs", (project / "site" / "index.html").as_uri(), log)


#: The Content-Security-Policy a strict site serves (issue 19): styles only from files of
#: the site itself, so no inline ``<style>`` and no ``style=`` attribute applies.
STRICT_CSP = "style-src 'self'"


@pytest.fixture(scope="session")
def csp_server(build_root: Path, sphinx_site: Site, mkdocs_site: Site) -> Iterator[str]:
    """Both built sites over HTTP with a strict ``style-src 'self'`` policy header; yields
    the base URL (``/sphinx-html/`` and ``/mkdocs/site/`` below it)."""
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", STRICT_CSP)
            super().end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(build_root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session", params=["sphinx", "mkdocs"])
def site(request: pytest.FixtureRequest) -> Site:
    """Each test runs against both sites."""
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh light-mode page, 1400x1000, that records dialogs in ``page.dialogs``."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1400, "height": 1000}, color_scheme="light"
    )
    context.add_init_script(DIAGRAMS_JS)
    pg = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()
