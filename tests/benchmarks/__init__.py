"""Benchmarks (not collected by pytest). Run all with ``python -m tests.benchmarks``.

Each ``bench_*.py`` module here defines ``run(quick: bool) -> list[Row]``; the entry point
imports them all, prints one table and writes ``tests/benchmarks/results/latest.json`` and
``latest.md`` (which the docs include).
"""
