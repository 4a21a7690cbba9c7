"""The extraction worker, client side: a persistent subprocess that imports user code and
the frameworks, so the docs build never does.

Why a subprocess: a docs build must not import TensorFlow, torch or JAX into Sphinx/MkDocs
(seconds of start-up, GPU grabbing, global state), and a user's factory must not be able to
hang, crash (``os.abort()``, a segfault in native code), exhaust memory or scribble on the
build's output. Why persistent: importing a framework costs seconds, so one worker serves a
whole build, answering requests in order.

The child is :mod:`.worker_child` (``python -m sphinx_netviz.core.worker_child``), the only
module that imports a framework. The protocol is JSON lines over private copies of the
child's original stdin/stdout file descriptors; the child then points fd 0 at ``/dev/null``
and fd 1 (and ``sys.stdout``) at its stderr, so anything user code prints or reads cannot
corrupt the channel. The parent drains the child's stderr continuously (keeping a short tail
for error messages), so megabytes of output cannot fill a pipe and deadlock.

The child runs under a memory cap (:mod:`.memory`, option ``memory-limit``); a request that
exceeds it fails with a message naming the spec and the limit, and the worker is restarted.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import sysconfig
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import ExtractionError
from .memory import DEFAULT_MEMORY_LIMIT, format_size, looks_out_of_memory

__all__ = ["CONFIG_ENV", "WorkerClient", "WorkerResult", "file_sha256", "is_project_file"]

#: Environment variable carrying the child's start-up configuration (JSON).
CONFIG_ENV = "NETVIZ_WORKER_CONFIG"
_STDERR_TAIL = 16 * 1024
_START_GRACE = 90.0  # seconds allowed for the child's start on top of a request timeout


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _library_roots() -> tuple[str, ...]:
    roots: set[str] = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if key in paths:
            roots.add(os.path.realpath(paths[key]))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        lib = Path(prefix) / "lib"
        ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
        roots.add(os.path.realpath(lib / ver))
    return tuple(sorted(roots))


_LIBRARY_ROOTS = _library_roots()


def is_project_file(path: str | Path) -> bool:
    """True for a source file of the user's project (not stdlib, not an installed package)."""
    real = os.path.realpath(path)
    parts = Path(real).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    return not any(real == root or real.startswith(root + os.sep) for root in _LIBRARY_ROOTS)


@dataclass(frozen=True)
class WorkerResult:
    """One answered request: the IR as a JSON object and the sources it depends on."""

    graph: dict[str, Any]
    sources: tuple[tuple[str, str], ...]  # (absolute path, sha256)


# =========================================================================================
# Parent side
# =========================================================================================

#: Clients with possibly running workers, stopped at interpreter exit (before daemon threads
#: are frozen), so an unclosed loader never leaves an orphan process behind.
_LIVE: weakref.WeakSet[WorkerClient] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for client in list(_LIVE):
        with contextlib.suppress(Exception):
            client.close()


class WorkerClient:
    """Starts the worker lazily, sends requests in order, contains timeouts and crashes.

    Not thread-safe: one client serves one build (adapters call it sequentially).
    """

    def __init__(
        self,
        *,
        sys_path: Sequence[str] = (),
        base_dir: Path | None = None,
        hide_gpus: bool = True,
        python: str | None = None,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        env: dict[str, str] | None = None,
    ) -> None:
        self._sys_path = [str(p) for p in sys_path]
        self._base_dir = Path(base_dir) if base_dir is not None else None
        self._hide_gpus = hide_gpus
        self._python = python or sys.executable
        self._memory_limit = int(memory_limit)  # the running child's cap (0: none)
        self._extra_env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False  # the running worker has said "ready"
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr_tail: collections.deque[bytes] = collections.deque()
        self._stderr_size = 0
        self._lock = threading.Lock()
        self._next_id = 0
        self.starts = 0  # how many processes were started (tests and benchmarks read it)
        self._owner_pid = os.getpid()
        self._request_lock = threading.Lock()
        _LIVE.add(self)

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def started(self) -> bool:
        """True while a worker process (started by this process) is running."""
        self._forget_if_forked()
        return self._proc is not None and self._proc.poll() is None

    def _forget_if_forked(self) -> None:
        """After a fork (Sphinx ``-j N`` reads in forked children) the parent's worker and
        reader threads are not ours: drop them untouched and start our own when needed."""
        if self._owner_pid != os.getpid():
            self._owner_pid = os.getpid()
            self._proc = None
            self._lock = threading.Lock()
            self._request_lock = threading.Lock()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)  # KERAS_BACKEND, KERAS_HOME... reach the child unchanged
        if self._hide_gpus:
            env["CUDA_VISIBLE_DEVICES"] = ""
            env.setdefault("JAX_PLATFORMS", "cpu")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["PYTHONUNBUFFERED"] = "1"
        paths = list(self._sys_path)
        if self._base_dir is not None:
            paths.append(str(self._base_dir))
        env.update(self._extra_env)
        env[CONFIG_ENV] = json.dumps(
            {"sys_path": paths, "hide_gpus": self._hide_gpus, "memory_limit": self._memory_limit}
        )
        return env

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

    def _spawn(self) -> None:
        self._lines = queue.Queue()
        self._stderr_tail.clear()
        self._stderr_size = 0
        cwd = (
            str(self._base_dir) if self._base_dir is not None and self._base_dir.is_dir() else None
        )
        proc = subprocess.Popen(
            [self._python, "-m", "sphinx_netviz.core.worker_child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._env(),
            cwd=cwd,
        )
        self._proc = proc
        self.starts += 1
        assert proc.stdout is not None and proc.stderr is not None
        threading.Thread(
            target=self._read_lines, args=(proc.stdout, self._lines), daemon=True
        ).start()
        threading.Thread(target=self._drain, args=(proc.stderr,), daemon=True).start()
        self._ready = False

    def _await_ready(self, timeout: float) -> None:
        reply = self._receive(timeout + _START_GRACE)
        if reply is None or not reply.get("ready"):
            why = self._death_reason() if reply is None else "unexpected first message"
            self._kill()
            raise ExtractionError(f"netviz worker failed to start: {why}")
        self._ready = True

    @staticmethod
    def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
        for line in iter(stream.readline, b""):
            lines.put(line)
        lines.put(None)

    def _drain(self, stream: IO[bytes]) -> None:
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            with self._lock:
                self._stderr_tail.append(chunk)
                self._stderr_size += len(chunk)
                while self._stderr_size > _STDERR_TAIL and len(self._stderr_tail) > 1:
                    self._stderr_size -= len(self._stderr_tail.popleft())

    def _last_stderr_line(self) -> str:
        """The most telling line of the child's last words (fatal error, crashing frame)."""
        with self._lock:
            text = b"".join(self._stderr_tail).decode("utf-8", "replace")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        fatal = next((ln for ln in reversed(lines) if ln.startswith("Fatal Python error")), "")
        frame = ""
        frames = [re.match(r'File "(.+)", line (\d+) in (.+)', ln) for ln in lines]
        found = [m for m in frames if m is not None]
        # faulthandler lists the innermost call first: report the innermost project frame.
        chosen = next((m for m in found if is_project_file(m[1])), found[0] if found else None)
        if chosen is not None:
            frame = f"in {Path(chosen[1]).name}:{chosen[2]} {chosen[3]}"
        if fatal or frame:
            return " ".join(p for p in (fatal, frame) if p)[:300]
        useful = [ln for ln in lines if not ln.startswith("Extension modules")]
        return (useful or [""])[-1][:300]

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        """The next message, ``None`` if the process died; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError from None
            if line is None:
                return None
            try:
                message = json.loads(line)
            except ValueError:
                continue  # cannot happen with the private channel; be lenient anyway
            if isinstance(message, dict):
                return message

    def _death_reason(self) -> str:
        proc = self._proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                code = None
        time.sleep(0.05)  # let the stderr drain catch the last words
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            why = f"worker process died (signal {name})"
        elif code is not None:
            why = f"worker process died (exit code {code})"
        else:
            why = "worker process died"
        last = self._last_stderr_line()
        return f"{why}: {last}" if last else why

    def _kill(self) -> None:
        proc = self._proc
        self._proc = None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        # Only stdin is closed here: the reader threads own stdout/stderr and finish at EOF
        # (closing a stream another thread is reading can deadlock interpreter shutdown).
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    def close(self) -> None:
        """Ask the worker to exit; kill it if it does not."""
        self._forget_if_forked()
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None and proc.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.write(b'{"op": "exit"}\n')
                proc.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self._kill()

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

    def _died(self, spec: str) -> ExtractionError:
        """The error for a worker that died during ``spec``'s request (then cleaned up)."""
        why = self._death_reason()
        with self._lock:
            last_words = b"".join(self._stderr_tail).decode("utf-8", "replace")
        self._kill()
        if self._memory_limit > 0 and looks_out_of_memory(last_words):
            return ExtractionError(
                f"model spec {spec!r}: exceeded the worker memory limit of "
                f"{format_size(self._memory_limit)} ({why}); raise the 'memory-limit' "
                "option if the model really needs more"
            )
        return ExtractionError(f"model spec {spec!r}: {why}")

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
        if reply.get("restart"):
            self.restart()  # e.g. after a MemoryError: the child's state is suspect
        if not reply.get("ok"):
            message = str(reply.get("error") or f"model spec {spec!r}: extraction failed")
            from .errors import SpecError

            if reply.get("type") == "SpecError":
                raise SpecError(message)
            raise ExtractionError(message)
        sources = tuple((str(p), str(h)) for p, h in reply.get("sources", ()))
        return WorkerResult(graph=reply["graph"], sources=sources)

    def __enter__(self) -> WorkerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":  # the former entry point, kept for old command lines
    from .worker_child import main

    sys.exit(main())
