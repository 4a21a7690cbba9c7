"""Run the visual lint over every diagram the test suite renders (opt-in, issue 19).

``NETVIZ_VISUAL_LINT=1 pytest tests/core ...`` hooks the renderer for the session: every
diagram rendered in the pytest process (``render()``, the CLI and the Sphinx and MkDocs
builds run in-process, the pipeline) is linted once (identical SVGs once), and the terminal
summary reports the violations per rule, the worst examples and the tests that drew them.
``NETVIZ_VISUAL_LINT=DIR`` also writes ``DIR/visual-lint-<pid>.json``, one file per process,
so that xdist workers' findings can be merged (the controller's summary reads them all).

Without the variable this module is never imported: normal runs pay nothing. Diagrams drawn
in subprocesses (a cold ``sphinx-build`` started with ``subprocess``, the ``netviz`` console
script) are not seen.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.visual_lint import RULES, lint_by_rule

__all__ = ["ENV", "VisualLintPlugin", "register"]

ENV = "NETVIZ_VISUAL_LINT"
#: The module and function wrapped: every render path ends in it (render() and the pipeline).
TARGET = ("sphinx_netviz.core.diagram", "_render")
WORST = 5


@dataclass
class Record:
    """One finding, where it was drawn."""

    rule: str
    text: str
    score: float
    test: str
    defaults: bool


@dataclass(eq=False)  # pluggy keeps plugins in sets
class VisualLintPlugin:
    out_dir: Path | None = None
    records: list[Record] = field(default_factory=list)
    diagrams: int = 0
    default_diagrams: int = 0
    errors: list[str] = field(default_factory=list)
    current: str = "(collection)"
    _seen: set[str] = field(default_factory=set)
    _undo: Callable[[], None] | None = None

    # -- hooking the renderer ----------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        import importlib

        module_name, attr = TARGET
        try:
            module = importlib.import_module(module_name)
            original = getattr(module, attr)
        except (ImportError, AttributeError) as exc:
            self.errors.append(f"cannot hook {module_name}.{attr}: {exc}")
            return

        def hooked(graph: Any, opts: Any) -> Any:
            diagram = original(graph, opts)
            self.collect(diagram.svg, _default_options(opts))
            return diagram

        setattr(module, attr, hooked)
        self._undo = lambda: setattr(module, attr, original)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        self.current = item.nodeid
        yield
        self.current = "(between tests)"

    def collect(self, svg: str, defaults: bool) -> None:
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()
        if digest in self._seen:
            return
        self._seen.add(digest)
        self.diagrams += 1
        self.default_diagrams += defaults
        try:
            found = lint_by_rule(svg)
        except Exception as exc:  # a lint bug must never fail the test that rendered
            self.errors.append(f"{self.current}: {type(exc).__name__}: {exc}")
            return
        for rule, findings in found.items():
            for f in findings:
                self.records.append(Record(rule, str(f), f.score, self.current, defaults))

    # -- reporting ---------------------------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._undo is not None:
            self._undo()
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            data = {
                "diagrams": self.diagrams,
                "default_diagrams": self.default_diagrams,
                "errors": self.errors,
                "records": [r.__dict__ for r in self.records],
            }
            path = self.out_dir / f"visual-lint-{os.getpid()}.json"
            path.write_text(json.dumps(data, indent=1) + "\n")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        records, diagrams, errors = self.records, self.diagrams, list(self.errors)
        if self.out_dir is not None and self.out_dir.is_dir():  # merge xdist workers' files
            records, diagrams, errors = [], 0, []
            for path in sorted(self.out_dir.glob("visual-lint-*.json")):
                data = json.loads(path.read_text())
                diagrams += data["diagrams"]
                errors += data["errors"]
                records += [Record(**r) for r in data["records"]]
        for line in report(records, diagrams, errors):
            terminalreporter.write_line(line)


def _default_options(opts: Any) -> bool:
    """Whether the picture was drawn with every render option at its default."""
    try:
        from sphinx_netviz.core.options import Options

        mine = dict(opts.values("render"))
        base = dict(Options().values("render"))
    except Exception:
        return False
    mine.pop("dim-names", None)  # a graph's own axis names are merged in by the renderer
    base.pop("dim-names", None)
    return bool(mine == base)


def report(records: list[Record], diagrams: int, errors: list[str]) -> list[str]:
    """The summary lines: violations per rule, then the worst examples of each."""
    lines = [f"== visual lint: {diagrams} distinct diagrams rendered in-process"]
    by_rule: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_rule[r.rule].append(r)
    for rule in [*RULES, *(k for k in by_rule if k not in RULES)]:
        found = by_rule.get(rule, [])
        extra = "" if rule in RULES else " (extra rule)"
        if rule == "labels under 9 px":
            defaults = sum(1 for r in found if r.defaults)
            lines.append(
                f"{rule}{extra}: {len(found)} diagrams ({defaults} with the default options)"
            )
        else:
            tests = Counter(r.test for r in found)
            lines.append(f"{rule}{extra}: {len(found)} violations in {len(tests)} tests")
        for r in sorted(found, key=lambda r: -r.score)[:WORST]:
            lines.append(f"    {r.text}  [{r.test}]")
    for e in errors[:10]:
        lines.append(f"lint error: {e}")
    return lines


def register(config: pytest.Config) -> None:
    """Register the plugin when ``NETVIZ_VISUAL_LINT`` is set (called from conftest)."""
    value = os.environ.get(ENV, "")
    if not value or value.lower() in ("0", "false", "no"):
        return
    out_dir = None if value.lower() in ("1", "true", "yes") else Path(value)
    config.pluginmanager.register(VisualLintPlugin(out_dir), "netviz-visual-lint")
