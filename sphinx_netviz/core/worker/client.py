"""The extraction worker, client side: a persistent subprocess that imports user code and
the frameworks, so the docs build never does.

Why a subprocess: a docs build must not import TensorFlow, torch or JAX into Sphinx/MkDocs
(seconds of start-up, GPU grabbing, global state), and a user's factory must not be able to
hang, crash (``os.abort()``, a segfault in native code), exhaust memory or scribble on the
build's output. Why persistent: importing a framework costs seconds, so one worker serves a
whole build, answering requests in order.

The child is :mod:`.child` (``python -m sphinx_netviz.core.worker.child``), the only
module that imports a framework. The protocol is JSON lines over private copies of the
child's original stdin/stdout file descriptors; the child then points fd 0 at ``/dev/null``
and fd 1 (and ``sys.stdout``) at its stderr, so anything user code prints or reads cannot
corrupt the channel. The parent drains the child's stderr continuously (keeping a short tail
for error messages), so megabytes of output cannot fill a pipe and deadlock.

The child runs under a memory cap (:mod:`.memory`, option ``memory-limit``); a request that
exceeds it fails with a message naming the spec and the limit, and the worker is restarted;
so is a worker that holds most of its cap after a request (:func:`.memory.near_the_cap`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..ir.errors import ExtractionError
from .files import file_sha256, is_project_file
from .process import _START_GRACE, CONFIG_ENV, WorkerProcess

__all__ = ["CONFIG_ENV", "WorkerClient", "WorkerResult", "file_sha256", "is_project_file"]


@dataclass(frozen=True)
class WorkerResult:
    """One answered request: the IR as a JSON object and the sources it depends on (the
    factory's module and the drawn classes' modules with their project imports, whatever the
    worker extracted before: :mod:`.imports`)."""

    graph: dict[str, Any]
    sources: tuple[tuple[str, str], ...]  # (absolute path, sha256)


class WorkerClient(WorkerProcess):
    """Starts the worker lazily, sends requests in order, contains timeouts and crashes.

    Not thread-safe: one client serves one build (adapters call it sequentially).
    """

    def prestart(self, preload: str | None = None) -> None:
        """Start the worker now without waiting for it: its start-up then overlaps with
        whatever the caller does next; the first request waits for it.

        ``preload`` names a module (the first cold spec's factory module) the child imports
        as soon as it is up: the child imports no framework by itself, so this is what lets
        the framework's import (seconds) overlap with the caller's work. Errors are left for
        the request that needs the module to report.
        """
        self._forget_if_forked()
        with self._request_lock:
            if not self.started:
                self._kill()
                self._spawn()
            if preload and self._proc is not None and self._proc.stdin is not None:
                message = {"op": "preload", "module": preload}
                with contextlib.suppress(OSError, ValueError):
                    self._proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
                    self._proc.stdin.flush()

    def restart(self) -> None:
        """Stop the worker; the next request starts a fresh one (stale imports dropped)."""
        self.close()

    # -- requests -----------------------------------------------------------------------
    def request(
        self,
        spec: str,
        *,
        input_shape: Sequence[Any] | None = None,
        timeout: float = 120.0,
        memory_limit: int | None = None,
        input_dtype: str | None = None,
    ) -> WorkerResult:
        """Extract ``spec`` in the worker; raises ExtractionError/SpecError naming it.

        ``memory_limit`` (bytes, 0 for none) caps the worker from this request on; ``None``
        keeps the current cap. Thread-safe: concurrent callers are served one after another.
        """
        self._forget_if_forked()
        with self._request_lock:
            if memory_limit is not None:
                self._memory_limit = int(memory_limit)
            return self._request(
                spec, input_shape=input_shape, timeout=timeout, input_dtype=input_dtype
            )

    def probe(self, modules: Sequence[str], timeout: float = 60.0) -> list[str]:
        """Which of ``modules`` the worker (started if need be) has imported: tests check
        what start-up and requests load, e.g. that Keras on JAX never imports TensorFlow."""
        self._forget_if_forked()
        with self._request_lock:
            if not self.started:
                self._kill()
                self._spawn()
            if not self._ready:
                self._await_ready(timeout)
            proc = self._proc
            assert proc is not None and proc.stdin is not None
            self._next_id += 1
            message = {"op": "probe", "id": self._next_id, "modules": list(modules)}
            proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            proc.stdin.flush()
            while True:
                reply = self._receive(timeout)
                if reply is None:
                    return []
                if reply.get("id") == self._next_id:
                    return [str(m) for m in reply.get("loaded", ())]

    def _request(
        self,
        spec: str,
        *,
        input_shape: Sequence[Any] | None,
        timeout: float,
        input_dtype: str | None = None,
    ) -> WorkerResult:
        if not self.started:
            self._kill()
            self._spawn()
        if not self._ready:  # just started, or prestarted: wait for its "ready"
            try:
                self._await_ready(timeout)
            except TimeoutError:
                self._kill()
                raise ExtractionError(
                    f"model spec {spec!r}: the worker did not start within "
                    f"{timeout + _START_GRACE:g} s"
                ) from None
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        with self._lock:  # last words are read per request: forget the previous ones
            self._stderr_tail.clear()
            self._stderr_size = 0
        self._next_id += 1
        request = {
            "op": "extract",
            "id": self._next_id,
            "spec": spec,
            "base_dir": None if self._base_dir is None else str(self._base_dir),
            "input_shape": None if input_shape is None else list(input_shape),
            "memory_limit": self._memory_limit,
            "input_dtype": input_dtype,
        }
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            raise self._died(spec) from None
        try:
            while True:
                reply = self._receive(timeout)
                if reply is None or reply.get("id") == self._next_id:
                    break
        except TimeoutError:
            self._kill()
            raise ExtractionError(
                f"model spec {spec!r}: timed out after {timeout:g} s importing and building "
                "the model (the worker was stopped; raise the 'timeout' option if needed)"
            ) from None
        if reply is None:
            raise self._died(spec)
        self.loaded.update((str(p), str(h)) for p, h in reply.get("loaded", ()))
        if reply.get("restart"):
            self.restart()  # e.g. after a MemoryError: the child's state is suspect
        if not reply.get("ok"):
            message = str(reply.get("error") or f"model spec {spec!r}: extraction failed")
            from ..ir.errors import SpecError

            if reply.get("type") == "SpecError":
                raise SpecError(message)
            raise ExtractionError(message)
        sources = tuple((str(p), str(h)) for p, h in reply.get("sources", ()))
        return WorkerResult(graph=reply["graph"], sources=sources)

    def __enter__(self) -> WorkerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
