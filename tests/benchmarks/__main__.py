"""Run every benchmark module and print one table.

Usage: ``python -m tests.benchmarks [--quick] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import traceback
from pathlib import Path

from .common import Row

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "?"
    return f"{cpu}, {os.cpu_count()} cores, {mem} RAM, Python {platform.python_version()}"


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "B":
        return f"{value / 1024:.1f} KiB"
    return f"{value:g} {unit}".strip()


def _table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | case | netviz | peer | peer value | ratio | target | met |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = "" if r.ratio is None else f"{r.ratio:.3f}"
        met = "" if r.passed is None else ("yes" if r.passed else "**no**")
        lines.append(
            f"| {r.benchmark} | {r.case} | {_fmt(r.value, r.unit)} | {r.peer} | "
            f"{_fmt(r.peer_value, r.unit)} | {ratio} | {r.target} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer models and repeats")
    parser.add_argument("--only", nargs="*", default=None, help="module names (bench_*)")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    failed = []
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    for name in names:
        if args.only and name not in args.only and name.removeprefix("bench_") not in args.only:
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"tests.benchmarks.{name}")
            rows.extend(module.run(quick=args.quick))
        except Exception:
            traceback.print_exc()
            failed.append(name)
    machine = _machine()
    table = _table(rows)
    print(f"\nMachine: {machine}\n")
    print(table)
    RESULTS.mkdir(exist_ok=True)
    if not args.only:
        (RESULTS / "latest.json").write_text(
            json.dumps({"machine": machine, "rows": [r.as_dict() for r in rows]}, indent=2) + "\n"
        )
        (RESULTS / "latest.md").write_text(f"Machine: {machine}\n\n{table}\n")
    if failed:
        print(f"\nfailed modules: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
