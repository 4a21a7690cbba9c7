"""Drive the plugin the way ``mkdocs serve`` does, in a fresh process, and report as JSON.

``python -m tests.mkdocs.serve_check PROJECT CACHE_DIR`` builds the (copied) project
repeatedly with the same plugin instance: cold, after a prose edit, after an edit to the
model's source, and then again in a "restarted" session with a warm disk cache. A fresh
process keeps ``sys.modules`` honest: nothing else has imported TensorFlow here.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer


def _config(project: Path, site: Path, cache: Path) -> Any:
    return load_config(
        config_file=str(project / "mkdocs.yml"),
        site_dir=str(site),
        plugins=[{"netviz": {"cache_dir": str(cache)}}],
    )


def _snapshot(plugin: Any, site: Path) -> dict[str, Any]:
    session = plugin.session
    builder = session._builder
    return {
        "builder_calls": session.builder_calls,
        "memo_hits": session.memo_hits,
        "worker_starts": builder.loader.worker_starts if builder is not None else 0,
        "worker_started": bool(builder is not None and builder.loader.worker_started),
        "tensorflow_imported": "tensorflow" in sys.modules,
        "keras_imported": "keras" in sys.modules,
        "index": (site / "index.html").read_text(encoding="utf-8"),
        "assets": sorted(p.name for p in (site / "assets" / "netviz").glob("*.svg")),
        "failures": session.failures,
    }


def main(project: Path, cache: Path) -> dict[str, Any]:
    site = Path(tempfile.mkdtemp(prefix="netviz-serve-"))
    report: dict[str, Any] = {}
    config = _config(project, site, cache)
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["netviz"]
    build(config)
    report["cold"] = _snapshot(plugin, site)

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
    config.plugins.on_serve(server, config=config, builder=lambda: None)
    report["watched"] = sorted(server._watched_paths)

    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nMore prose.\n", encoding="utf-8")
    config = _config(project, site, cache)
    assert config.plugins["netviz"] is plugin, "plugin instance must persist across rebuilds"
    build(config)
    report["prose_edit"] = _snapshot(plugin, site)

    models = project / "tinynets.py"
    source = models.read_text(encoding="utf-8")
    models.write_text(
        source.replace(
            'x = keras.layers.Flatten(name="flatten")(x)',
            'x = keras.layers.Flatten(name="flatten")(x)\n'
            '    x = keras.layers.Dense(16, name="extra_dense")(x)',
        ),
        encoding="utf-8",
    )
    build(_config(project, site, cache))
    report["model_edit"] = _snapshot(plugin, site)
    config.plugins.on_shutdown()

    # A new serve session (new plugin state) over the warm disk cache.
    plugin.session = None
    site2 = Path(tempfile.mkdtemp(prefix="netviz-serve-"))
    config = _config(project, site2, cache)
    build(config)
    report["restart"] = _snapshot(plugin, site2)
    config.plugins.on_shutdown()
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
