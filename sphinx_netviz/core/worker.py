"""The extraction worker: a persistent subprocess that imports user code and TensorFlow.

Why a subprocess: a docs build must not import TensorFlow into Sphinx/MkDocs (seconds of
start-up, GPU grabbing, global state), and a user's factory must not be able to hang, crash
(``os.abort()``, a segfault in native code) or scribble on the build's output. Why
persistent: importing TensorFlow costs seconds, so one worker serves a whole build, answering
requests in order.

The protocol is JSON lines over private copies of the child's original stdin/stdout file
descriptors; the child then points fd 0 at ``/dev/null`` and fd 1 (and ``sys.stdout``) at its
stderr, so anything user code prints or reads cannot corrupt the channel. The parent drains
the child's stderr continuously (keeping a short tail for error messages), so megabytes of
output cannot fill a pipe and deadlock.

Per request the worker also reports the *project* source files the import loaded (modules
whose files lie outside the standard library and site-/dist-packages), with their SHA-256,
so the cache can tell later, without any worker, whether the IR is still valid.

Run as ``python -m sphinx_netviz.core.worker`` (the :class:`WorkerClient` does this).
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

from .errors import ExtractionError, NetvizError

__all__ = ["WorkerClient", "WorkerResult", "file_sha256", "is_project_file"]

_CONFIG_ENV = "NETVIZ_WORKER_CONFIG"
_OWN_PACKAGES = frozenset({"sphinx_netviz", "mkdocs_netviz"})
_STDERR_TAIL = 16 * 1024
_START_GRACE = 90.0  # seconds allowed for importing TensorFlow on top of a request timeout


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
    ) -> None:
        self._sys_path = [str(p) for p in sys_path]
        self._base_dir = Path(base_dir) if base_dir is not None else None
        self._hide_gpus = hide_gpus
        self._python = python or sys.executable
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
        env = dict(os.environ)
        if self._hide_gpus:
            env["CUDA_VISIBLE_DEVICES"] = ""
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["PYTHONUNBUFFERED"] = "1"
        paths = list(self._sys_path)
        if self._base_dir is not None:
            paths.append(str(self._base_dir))
        env[_CONFIG_ENV] = json.dumps({"sys_path": paths, "hide_gpus": self._hide_gpus})
        return env

    def prestart(self) -> None:
        """Start the worker now without waiting for it: its TensorFlow import (seconds) then
        overlaps with whatever the caller does next; the first request waits for it."""
        self._forget_if_forked()
        with self._request_lock:
            if not self.started:
                self._kill()
                self._spawn()

    def _spawn(self) -> None:
        self._lines = queue.Queue()
        self._stderr_tail.clear()
        self._stderr_size = 0
        cwd = (
            str(self._base_dir) if self._base_dir is not None and self._base_dir.is_dir() else None
        )
        proc = subprocess.Popen(
            [self._python, "-m", "sphinx_netviz.core.worker"],
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
        input_dtype: str | None = None,
    ) -> WorkerResult:
        """Extract ``spec`` in the worker; raises ExtractionError/SpecError naming it.

        Thread-safe: concurrent callers are served one after another.
        """
        self._forget_if_forked()
        with self._request_lock:
            return self._request(
                spec, input_shape=input_shape, timeout=timeout, input_dtype=input_dtype
            )

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
        self._next_id += 1
        request = {
            "op": "extract",
            "id": self._next_id,
            "spec": spec,
            "base_dir": None if self._base_dir is None else str(self._base_dir),
            "input_shape": None if input_shape is None else list(input_shape),
            "input_dtype": input_dtype,
        }
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            why = self._death_reason()
            self._kill()
            raise ExtractionError(f"model spec {spec!r}: {why}") from None
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
            why = self._death_reason()
            self._kill()
            raise ExtractionError(f"model spec {spec!r}: {why}")
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


# =========================================================================================
# Child side
# =========================================================================================


class _Fingerprints:
    """Which project files each imported module brought in (the worker outlives imports)."""

    def __init__(self) -> None:
        self.by_module: dict[str, frozenset[str]] = {}

    @staticmethod
    def files(names: set[str]) -> set[str]:
        found: set[str] = set()
        for name in names:
            if name.split(".")[0] in _OWN_PACKAGES:
                continue  # netviz itself (possibly an editable install) is not the project
            module = sys.modules.get(name)
            file = getattr(module, "__file__", None)
            if not file:
                continue
            path = os.path.realpath(file)
            if path.endswith((".pyc", ".pyo")):
                continue
            if Path(path).is_file() and is_project_file(path):
                found.add(path)
        return found

    def record(self, new_modules: set[str]) -> set[str]:
        batch = frozenset(self.files(new_modules))
        for name in new_modules:
            self.by_module[name] = self.by_module.get(name, frozenset()) | batch
        return set(batch)

    def of(self, module: str) -> set[str]:
        files: set[str] = set()
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            files |= self.by_module.get(".".join(parts[:i]), frozenset())
        return files


def _handle(request: dict[str, Any], prints: _Fingerprints) -> dict[str, Any]:
    from .extract.factory import extract_spec
    from .spec import parse_spec

    text = str(request.get("spec", ""))
    base = request.get("base_dir")
    shape = request.get("input_shape")
    spec = parse_spec(text, Path(base) if base else None)
    before = set(sys.modules)
    try:
        graph = extract_spec(
            spec,
            tuple(shape) if shape is not None else None,
            input_dtype=request.get("input_dtype"),
        )
    finally:
        new = set(sys.modules) - before
        files = prints.record(new)
        if spec.module is not None:
            files |= prints.of(spec.module)
            prints.by_module[spec.module] = prints.by_module.get(
                spec.module, frozenset()
            ) | frozenset(files)
    if spec.path is not None:
        files.add(str(spec.path))
    sources = []
    for path in sorted(files):
        with contextlib.suppress(OSError):
            sources.append([path, file_sha256(Path(path))])
    return {"ok": True, "graph": graph.to_dict(), "sources": sources}


def _child_main() -> int:
    # Private protocol channel: copies of the original stdin/stdout; user code gets
    # /dev/null for input and stderr for output.
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.stdin = Path(os.devnull).open()  # noqa: SIM115 - lives as long as the process

    import faulthandler

    faulthandler.enable()

    config = json.loads(os.environ.get(_CONFIG_ENV, "{}") or "{}")
    for entry in reversed(config.get("sys_path", [])):
        if entry not in sys.path:
            sys.path.insert(0, entry)

    def send(message: dict[str, Any]) -> None:
        channel_out.write(json.dumps(message, sort_keys=True).encode("utf-8") + b"\n")
        channel_out.flush()

    import keras

    if config.get("hide_gpus", True):
        with contextlib.suppress(Exception):
            import tensorflow as tf

            tf.config.set_visible_devices([], "GPU")
    import sphinx_netviz.core.extract.config
    import sphinx_netviz.core.extract.factory
    import sphinx_netviz.core.extract.keras3  # noqa: F401

    prints = _Fingerprints()
    send({"ready": True, "keras": keras.__version__, "pid": os.getpid()})
    for line in iter(channel_in.readline, b""):
        try:
            request = json.loads(line)
        except ValueError:
            continue
        if not isinstance(request, dict) or request.get("op") == "exit":
            # Skip the interpreter's teardown: unloading TensorFlow takes over a second and
            # the client waits for the exit; nothing of ours needs finalising.
            with contextlib.suppress(OSError):
                channel_out.flush()
            sys.stderr.flush()
            os._exit(0)
        reply: dict[str, Any]
        try:
            reply = _handle(request, prints)
        except NetvizError as exc:
            reply = {"ok": False, "error": str(exc), "type": type(exc).__name__}
        except BaseException as exc:  # anything else still gets one line naming the spec
            if isinstance(exc, KeyboardInterrupt):
                raise
            spec = request.get("spec")
            reply = {
                "ok": False,
                "error": f"model spec {spec!r}: {type(exc).__name__}: {exc}".splitlines()[0],
                "type": "ExtractionError",
            }
        reply["id"] = request.get("id")
        send(reply)
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
