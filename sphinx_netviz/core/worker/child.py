"""The worker's child process: the only code in netviz that imports a deep-learning framework.

Run as ``python -m sphinx_netviz.core.worker.child`` by :class:`~.worker.WorkerClient`, which
documents the protocol (JSON lines over private copies of fd 0/1). At start this module
imports nothing but the standard library and netviz's framework-free core, then says
``ready``: which framework a spec needs is only known once its factory module is imported, so
each request imports what it needs (Keras on its configured backend, torch, ...) and nothing
else; a Keras-on-JAX build never loads TensorFlow.

Per request the child reports the spec's *sources* with their SHA-256 (the project files its
factory and drawn classes come from, :mod:`.imports`), so the cache and the snapshots can
tell later, without any worker, whether the IR is still valid; and, separately, the project
files it has imported since its last reply (``loaded``), so the client can restart it when
one of them is edited.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from ..ir.errors import NetvizError
from .files import file_sha256
from .imports import project_file, spec_sources
from .memory import DEFAULT_MEMORY_LIMIT, apply_memory_limit, format_size, near_the_cap
from .process import CONFIG_ENV

__all__ = ["main"]

_E = TypeVar("_E", bound=BaseException)


class _Loaded:
    """The project files this process has imported, each hashed once when first seen.

    Not a diagram's sources (:mod:`.imports` computes those, independent of the worker's
    history): the client keeps these to restart the worker when one of them is edited, so
    that no stale module object ever answers a request."""

    def __init__(self) -> None:
        self.checked: set[str] = set()
        self.files: dict[str, str] = {}

    def new(self) -> list[list[str]]:
        """``[path, sha256]`` of project files imported since the last call."""
        fresh: list[list[str]] = []
        for name in [n for n in list(sys.modules) if n not in self.checked]:
            self.checked.add(name)
            origin = getattr(sys.modules.get(name), "__file__", None)
            if not origin or not project_file(origin):
                continue
            path = os.path.realpath(origin)
            if path not in self.files:
                with contextlib.suppress(OSError):
                    self.files[path] = file_sha256(Path(path))
                    fresh.append([path, self.files[path]])
        return sorted(fresh)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``callback(module)`` right after ``name`` is first imported, if it ever is.

    The child prepares a framework only when a request imports it, never up front (that
    would cost seconds and load, say, TensorFlow into a JAX build):

    - ``tensorflow``: hide GPUs. ``CUDA_VISIBLE_DEVICES=""`` (set by the client) already
      keeps CUDA away from every framework; TensorFlow also sees other device plugins (ROCm,
      Metal), which only its own ``set_visible_devices`` hides, and that must run before its
      devices initialise, i.e. before the user's factory creates a tensor.
    - ``keras.src.utils.module_utils``: stop Keras on JAX/torch from importing TensorFlow
      (:func:`~.extract.keras_env.leave_tensorflow_alone`), before the rest of Keras binds it.
    """

    def __init__(self, name: str, callback: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)  # once is enough (and no recursion below)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module
        callback = self.callback

        def exec_then_prepare(module: ModuleType) -> None:
            exec_module(module)
            with contextlib.suppress(Exception):
                callback(module)

        loader.exec_module = exec_then_prepare  # type: ignore[method-assign]
        return spec


def _hide_gpus(tensorflow: ModuleType) -> None:
    tensorflow.config.set_visible_devices([], "GPU")


def _install_import_hooks(hide_gpus: bool) -> None:
    from ..extract.keras.env import leave_tensorflow_alone

    hooks = [_AfterImport("keras.src.utils.module_utils", leave_tensorflow_alone)]
    if hide_gpus:
        hooks.append(_AfterImport("tensorflow", _hide_gpus))
    for hook in hooks:
        if hook.name not in sys.modules:
            sys.meta_path.insert(0, hook)


def _behind(exc: BaseException, kind: type[_E]) -> _E | None:
    """The first ``kind`` error in ``exc``'s chain: extraction turns the factory's errors
    into one-line ExtractionErrors (``from None``), which still keep them as context."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _missing_framework(spec: object, exc: BaseException) -> str | None:
    """A message naming the extra to install, when ``exc`` comes from a missing framework."""
    from ..extract.base import install_hint

    missing = _behind(exc, ModuleNotFoundError)
    if missing is None or not missing.name:
        return None
    hint = install_hint(missing.name)
    if hint is None:
        return None
    top = missing.name.split(".", 1)[0]
    return (
        f"model spec {spec!r}: needs {top}, which is not installed in the Python that runs "
        f"netviz; install it with {hint}"
    )


def _handle(request: dict[str, Any]) -> dict[str, Any]:
    from ..extract.factory import extract_spec
    from ..ir.spec import parse_spec

    text = str(request.get("spec", ""))
    base = request.get("base_dir")
    shape = request.get("input_shape")
    spec = parse_spec(text, Path(base) if base else None)
    graph = extract_spec(
        spec,
        tuple(shape) if shape is not None else None,
        input_dtype=request.get("input_dtype"),
    )
    # The factory's module and every drawn class's module, with their project imports:
    # the same list whatever this worker extracted before (see .imports).
    roots = [spec.module or "", *sorted({node.module for node in graph.nodes if node.module})]
    files = spec_sources(roots)
    if spec.path is not None:
        files.add(str(spec.path))
    sources = []
    for path in sorted(files):
        with contextlib.suppress(OSError):
            sources.append([path, file_sha256(Path(path))])
    return {"ok": True, "graph": graph.to_dict(), "sources": sources}


def _answer(request: dict[str, Any], limit: int) -> dict[str, Any]:
    """One reply; every failure becomes one line naming the spec."""
    spec = request.get("spec")
    try:
        return _handle(request)
    except BaseException as exc:  # anything still gets one line naming the spec
        if isinstance(exc, KeyboardInterrupt):
            raise
        oom = _behind(exc, MemoryError)
        if oom is not None:
            # State after a failed allocation is suspect (half-built modules, a framework's
            # allocator in a bad mood): the client restarts the worker after this reply.
            cap = f"the worker memory limit of {format_size(limit)}" if limit > 0 else "memory"
            detail = " ".join(str(oom).split())[:200]
            return {
                "ok": False,
                "error": f"model spec {spec!r}: exceeded {cap}"
                + (f" (MemoryError: {detail})" if detail else "")
                + "; raise the 'memory-limit' option if the model really needs more",
                "type": "ExtractionError",
                "restart": True,
            }
        missing = _missing_framework(spec, exc)
        if missing is not None:
            return {"ok": False, "error": missing, "type": "ExtractionError"}
        if isinstance(exc, NetvizError):
            return {"ok": False, "error": str(exc), "type": type(exc).__name__}
        line = f"model spec {spec!r}: {type(exc).__name__}: {exc}".splitlines()[0]
        return {"ok": False, "error": line, "type": "ExtractionError"}


def _preload(request: dict[str, Any]) -> None:
    """Import a factory module ahead of its request (no reply): its framework's import then
    overlaps with the docs tool's reading. Failures are left for the request to report."""
    name = request.get("module")
    if not isinstance(name, str) or not name or name in sys.modules:
        return
    try:
        importlib.import_module(name)
    except BaseException as exc:  # the request will say what went wrong, naming the spec
        if isinstance(exc, KeyboardInterrupt):
            raise


def _probe(request: dict[str, Any]) -> dict[str, Any]:
    """Debug op for tests: which of the named modules this process has loaded."""
    names = [str(n) for n in request.get("modules", ())]
    return {"ok": True, "loaded": sorted(n for n in names if n in sys.modules)}


def main() -> int:
    """Serve extraction requests until stdin closes or an ``exit`` request arrives."""
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

    config = json.loads(os.environ.get(CONFIG_ENV, "{}") or "{}")
    for entry in reversed(config.get("sys_path", [])):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    limit = int(config.get("memory_limit", DEFAULT_MEMORY_LIMIT))
    apply_memory_limit(limit)
    _install_import_hooks(bool(config.get("hide_gpus", True)))

    def send(message: dict[str, Any]) -> None:
        channel_out.write(json.dumps(message, sort_keys=True).encode("utf-8") + b"\n")
        channel_out.flush()

    loaded = _Loaded()
    send({"ready": True, "pid": os.getpid(), "python": sys.version.split()[0]})
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
        if request.get("op") == "preload":
            _preload(request)
            continue
        if request.get("op") == "probe":
            reply = _probe(request)
        else:
            wanted = request.get("memory_limit")
            if isinstance(wanted, int) and wanted != limit:
                limit = wanted
                apply_memory_limit(limit)
            reply = _answer(request, limit)
            reply["loaded"] = loaded.new()
            if near_the_cap(limit):  # left near its cap, it would die in native code next
                reply["restart"] = True
        reply["id"] = request.get("id")
        send(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
