"""MkDocs hooks: expand the shared docs content into Markdown, and find the example models.

Pages contain markers that this hook replaces before Markdown runs, with the same content the
Sphinx directives generate: ``<!-- netviz-gallery -->``, ``<!-- netviz-demo palette -->`` and
``<!-- netviz-options -->`` (optionally ``<!-- netviz-options render -->``), and
``<!-- netviz-benchmarks -->``, which becomes a ``pymdownx.snippets`` include of the latest
benchmark table, or a note saying how to produce it when there is none. Loaded through
``hooks:`` in ``mkdocs.yml``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
if str(_HERE.parent) not in sys.path:
    sys.path.insert(0, str(_HERE.parent))

from mkdocs.structure.files import File, Files  # noqa: E402

from netviz_docs.content import (  # noqa: E402  (the path is set up just above)
    BENCHMARKS,
    DEMOS,
    DOCS_DIR,
    EXAMPLES_DIR,
    GALLERY,
    REPO_ROOT,
    Diagram,
    comparison_rows,
    option_rows,
    site_spec,
)


def _use_examples() -> None:
    """Make ``netviz_examples`` importable here and in netviz's worker process."""
    path = str(EXAMPLES_DIR)
    if path not in sys.path:
        sys.path.insert(0, path)
    current = os.environ.get("PYTHONPATH", "")
    if path not in current.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (path, current) if p)


_use_examples()

_MARKER = re.compile(
    r"^<!-- netviz-(gallery|demo|options|benchmarks|comparison)(?: ([\w-]+))? -->$", re.MULTILINE
)


def _fence(diagram: Diagram) -> list[str]:
    lines = ["```netviz", site_spec(diagram, "mkdocs")]
    lines += [f"{key}: {value}" for key, value in diagram.options.items()]
    return [*lines, "```"]


def diagram_markdown(diagram: Diagram, level: int = 2) -> list[str]:
    """A section showing the fence as written, then the diagram it produces."""
    lines = [f"{'#' * level} {diagram.title}", ""]
    if diagram.text:
        lines += [diagram.text, ""]
    lines += ["````markdown", *_fence(diagram), "````", "", *_fence(diagram), ""]
    return lines


def _md_text(text: str) -> str:
    return text.replace("``", "`").replace("|", "\\|")


def options_markdown(scope: str | None = None) -> list[str]:
    """The options reference as a Markdown table generated from the schema."""
    lines = ["| option | values | default | meaning |", "|---|---|---|---|"]
    for name, values, default, doc in option_rows(scope):
        # Python-Markdown's tables do not split on a pipe inside a code span.
        shown = "(none)" if default == "(none)" else f"`{default}`"
        lines.append(f"| `{name}` | `{values}` | {shown} | {_md_text(doc)} |")
    return [*lines, ""]


def benchmarks_markdown() -> list[str]:
    """Include the latest benchmark table (a snippet, relative to the repository root)."""
    if BENCHMARKS.is_file():
        return [f'--8<-- "{BENCHMARKS.relative_to(REPO_ROOT).as_posix()}"', ""]
    return [
        "!!! note",
        "    No benchmark results yet: run `make bench` (`python -m tests.benchmarks`), which",
        "    writes `tests/benchmarks/results/latest.md`, then rebuild the docs.",
        "",
    ]


def _expand(match: re.Match[str]) -> str:
    kind, arg = match.group(1), match.group(2)
    lines: list[str] = []
    if kind == "gallery":
        for diagram in GALLERY:
            lines += diagram_markdown(diagram)
    elif kind == "demo":
        if arg not in DEMOS:
            raise ValueError(f"unknown demo topic {arg!r}; known: {', '.join(DEMOS)}")
        for diagram in DEMOS[arg]:
            lines += diagram_markdown(diagram)
    elif kind == "comparison":
        lines = ["| | netviz | `plot_model` |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in comparison_rows()]
        lines.append("")
    elif kind == "benchmarks":
        lines = benchmarks_markdown()
    else:
        lines = options_markdown(arg)
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Replace the content markers on a page before it is converted to HTML."""
    return _MARKER.sub(_expand, markdown)


def on_files(files: Files, *, config: Any) -> Files:
    """Publish ``docs/images`` (shared with the Sphinx build and the README) as ``images/``."""
    for path in sorted((DOCS_DIR / "images").glob("*")):
        uri = f"images/{path.name}"
        if path.is_file() and files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
