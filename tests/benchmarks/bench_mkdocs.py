"""MkDocs: warm rebuild of a 20-diagram project next to the same project with static images.

The netviz project has 10 pages with two ``netviz`` fences each (ten zoo models, two option
sets: 20 distinct diagrams). The peer project has the same pages with the same SVGs as
static ``![...](*.svg)`` images. Both are built in-process with the default MkDocs theme
(the cheapest theme, so the plugin's overhead is the most visible).

Rows:
- ``serve rebuild``: the ``mkdocs serve`` case; the plugin object (and its memo) persists
  across rebuilds, as MkDocs arranges when a plugin has ``on_startup``. Target <= 1.25x.
- ``build, warm disk cache``: a fresh plugin session (a new ``mkdocs build`` in CI with the
  cache restored): every diagram comes from the disk cache, no worker starts. Shown for
  reference, as the docs say (issue 7's target is the serve rebuild).
- ``cold build``: first build, extracting every model in the worker (no peer).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .common import Row, timer

ROOT = Path(__file__).resolve().parents[2]

MODELS = [
    "mnist_convnet",
    "mlp",
    "residual",
    "inception",
    "unet",
    "multi_io",
    "nested",
    "siamese",
    "lstm",
    "custom_layer",
]
VARIANTS = [{}, {"group": "none", "palette": "colorblind"}]


def _fence(spec: str, options: dict[str, str]) -> str:
    lines = ["```netviz", spec, *(f"{k}: {v}" for k, v in options.items()), "```"]
    return "\n".join(lines)


def _write_projects(root: Path) -> tuple[Path, Path]:
    """The netviz project and the static-image project (images filled in later)."""
    nv, static = root / "netviz", root / "static"
    for project in (nv, static):
        (project / "docs").mkdir(parents=True)
        (project / "mkdocs.yml").write_text(
            f"site_name: bench {project.name}\n"
            + ("plugins:\n  - netviz\n" if project is nv else "plugins: []\n"),
            encoding="utf-8",
        )
    for i, model in enumerate(MODELS):
        prose = f"# Page {i}: {model}\n\nSome prose about the {model} model.\n\n"
        nv_body, static_body = prose, prose
        for j, variant in enumerate(VARIANTS):
            nv_body += _fence(f"tests.zoo.models:{model}", variant) + "\n\nMore prose.\n\n"
            static_body += f"![{model} {j}](img/{model}-{j}.svg)\n\nMore prose.\n\n"
        (nv / "docs" / f"page{i}.md").write_text(nv_body, encoding="utf-8")
        (static / "docs" / f"page{i}.md").write_text(static_body, encoding="utf-8")
    (nv / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (static / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    return nv, static


def _build(project: Path, site: Path, cache: Path | None = None) -> Any:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    extra: dict[str, Any] = {}
    if cache is not None:
        extra["plugins"] = [{"netviz": {"cache_dir": str(cache)}}]
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), **extra)
    build(config)
    return config


def run(quick: bool) -> list[Row]:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    # The generated projects name `tests.zoo` models: the repository root must be importable.
    path = [str(ROOT), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in path if p))
    repeats = 3 if quick else 7
    root = Path(tempfile.mkdtemp(prefix="netviz-bench-mkdocs-"))
    try:
        nv, static = _write_projects(root)
        cache = root / "cache"
        site = root / "site-nv"

        with timer() as cold:
            config = _build(nv, site, cache)
        plugin = config.plugins["netviz"]
        session = plugin.session
        assert session is not None and session.failures == 0, f"{session.failures} diagrams failed"
        diagrams = sorted(session.assets)
        assert len([d for d in diagrams if not d.endswith("-legend.svg")]) == 20, diagrams

        # The static project shows exactly the SVGs netviz wrote, in page order.
        (static / "docs" / "img").mkdir()
        for i, model in enumerate(MODELS):
            html = (site / f"page{i}" / "index.html").read_text(encoding="utf-8")
            links = [part.split('"', 1)[0] for part in html.split('class="netviz-full" href="')[1:]]
            for j, link in enumerate(links):
                shutil.copyfile(
                    (site / f"page{i}" / link).resolve(),
                    static / "docs" / "img" / f"{model}-{j}.svg",
                )

        # Interleaved, best of N each, so drift on a shared machine hits all three alike.
        plugin.on_startup(command="serve", dirty=False)
        _build(nv, site, cache)  # the first serve build fills the memo
        serve_session = plugin.session
        _build(static, root / "site-static")
        times: dict[str, list[float]] = {"static": [], "serve": [], "disk": []}
        for _ in range(repeats):
            with timer() as elapsed:
                _build(static, root / "site-static")
            times["static"].append(elapsed())
            # mkdocs serve: the same plugin object and session across rebuilds.
            plugin.session, plugin.is_serve = serve_session, True
            with timer() as elapsed:
                _build(nv, site, cache)
            times["serve"].append(elapsed())
            # A new `mkdocs build` over the warm disk cache: a fresh session.
            plugin.session, plugin.is_serve = None, False
            with timer() as elapsed:
                cfg = _build(nv, site, cache)
            times["disk"].append(elapsed())
            fresh = cfg.plugins["netviz"].session
            assert fresh.failures == 0 and not fresh.builder.loader.worker_started
        plugin.on_shutdown()
        if serve_session is not None:
            serve_session.close()
        static_time, serve_time, disk_time = (min(times[k]) for k in ("static", "serve", "disk"))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    return [
        Row(
            "mkdocs",
            "serve rebuild, 20 diagrams",
            serve_time,
            peer="static images",
            peer_value=static_time,
            target="<= 1.25x",
            passed=serve_time <= 1.25 * static_time,
        ),
        Row(
            "mkdocs",
            "build with warm disk cache, 20 diagrams (reference, no target)",
            disk_time,
            peer="static images",
            peer_value=static_time,
        ),
        Row("mkdocs", "cold build, 20 diagrams (worker extracts all)", cold()),
    ]
