"""The worker's process, parent side: spawning, the JSON-lines channel, its last words.

:class:`WorkerProcess` owns the child and the threads that read it: one turns its private
stdout copy into lines, one drains its stderr continuously (keeping a short tail for error
messages, so megabytes of output cannot fill a pipe and deadlock). :class:`.WorkerClient`
(:mod:`.worker`) adds the requests on top.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from ..ir.errors import ExtractionError
from .files import is_project_file
from .memory import DEFAULT_MEMORY_LIMIT, format_size, looks_out_of_memory

__all__ = ["CONFIG_ENV", "WorkerProcess"]

#: Environment variable carrying the child's start-up configuration (JSON).
CONFIG_ENV = "NETVIZ_WORKER_CONFIG"
_STDERR_TAIL = 16 * 1024
_START_GRACE = 90.0  # seconds allowed for the child's start on top of a request timeout

#: Clients with possibly running workers, stopped at interpreter exit (before daemon threads
#: are frozen), so an unclosed loader never leaves an orphan process behind.
_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for client in list(_LIVE):
        with contextlib.suppress(Exception):
            client.close()


class WorkerProcess:
    """The child process of one client: started lazily, killed on crashes and timeouts.

    Plumbing only: :class:`.WorkerClient` adds the requests and their order.
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
        #: Project files the running child has imported, by absolute path, with the SHA-256
        #: it saw (from its replies): if one changes, the child holds a stale module.
        self.loaded: dict[str, str] = {}
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

    def _spawn(self) -> None:
        self._lines = queue.Queue()
        self.loaded = {}
        self._stderr_tail.clear()
        self._stderr_size = 0
        cwd = (
            str(self._base_dir) if self._base_dir is not None and self._base_dir.is_dir() else None
        )
        proc = subprocess.Popen(
            [self._python, "-m", "sphinx_netviz.core.worker.child"],
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
