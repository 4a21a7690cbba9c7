"""The worker's memory cap: sizes as users write them, and how the cap is applied.

Why a cap: a factory that builds a 7-billion-parameter model for real, or a bug that allocates
without end, must not push the docs machine out of memory; it should fail alone, with a
message naming the spec and the limit, while the build goes on (the worker restarts).

Why ``RLIMIT_DATA`` and not ``RLIMIT_AS`` on Linux (measured on this project's CI machine,
2 cores; ``/proc/self/status`` after importing each framework and building ResNet50):

============================  ==========  ==========  ==========
process                       VmSize      VmData      VmRSS
============================  ==========  ==========  ==========
``import tensorflow``         1256 MiB    293 MiB     608 MiB
``import torch``              625 MiB     216 MiB     219 MiB
``import jax`` + one op       1452 MiB    209 MiB     198 MiB
Keras/TF + ResNet50           1898 MiB    616 MiB     776 MiB
Keras/JAX + ResNet50          1732 MiB    592 MiB     506 MiB
Keras/torch + ResNet50        1219 MiB    493 MiB     577 MiB
============================  ==========  ==========  ==========

``RLIMIT_AS`` caps VmSize, which counts address space that is reserved but never backed:
shared-library mappings, 64 MiB ``PROT_NONE`` glibc malloc arenas per thread, 8 MiB thread
stacks, XLA's reservations. Those grow with the core count (TensorFlow, XLA and torch size
their thread pools by it), so a 4 GiB ``RLIMIT_AS`` that passes on a laptop could break a
normal build on a 64-core docs runner. ``RLIMIT_DATA`` (Linux 4.7+) caps the private writable
memory a process maps: the heap and the anonymous ``mmap`` every large numpy/torch/TF buffer
comes from, i.e. what a runaway factory actually allocates; an 8 GiB ``numpy.zeros`` fails at
once with ``MemoryError``. Shared libraries and ``PROT_NONE`` reservations (malloc arenas,
XLA) are not counted; thread stacks are (8 MiB each), so a many-core machine's thread pools
still take some of the cap (about 1 GiB for 128 threads), which 4 GiB leaves room for.
Other POSIX systems get ``RLIMIT_AS`` (macOS does not enforce either strictly: best effort);
where the :mod:`resource` module is missing (Windows) there is no cap.
"""

from __future__ import annotations

from pathlib import Path

from ..options.schema import DEFAULT_MEMORY_LIMIT
from ..options.values import format_size, parse_size

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "RESTART_FRACTION",
    "apply_memory_limit",
    "data_in_use",
    "format_size",
    "looks_out_of_memory",
    "near_the_cap",
    "parse_size",
]

#: Text a process prints when an allocation failed (Python, glibc/C++, XLA, torch).
_OOM_MARKERS = (
    "MemoryError",
    "std::bad_alloc",
    "Cannot allocate memory",
    "out of memory",
    "OOM when allocating",
    "RESOURCE_EXHAUSTED",
    "DefaultCPUAllocator: can't allocate memory",
)


def apply_memory_limit(size: int) -> bool:
    """Cap this process's memory at ``size`` bytes (0: lift our cap); True if applied.

    Only the soft limit changes, so a later request may raise it again up to the hard limit.
    """
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return False
    import sys

    which = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    _soft, hard = resource.getrlimit(which)
    wanted = resource.RLIM_INFINITY if size <= 0 else size
    if hard != resource.RLIM_INFINITY and (wanted == resource.RLIM_INFINITY or wanted > hard):
        wanted = hard
    try:
        resource.setrlimit(which, (wanted, hard))
    except (ValueError, OSError):
        return False
    return True


#: The share of the cap a worker may hold between requests before it is restarted.
#: Why: glibc keeps a heap that grew (a CPU retry of a big model, a factory's caches), and a
#: worker left just under its cap dies in native code on the next allocation (a segfault in a
#: framework's C code, not a ``MemoryError``): measured in the Hugging Face registry sweep,
#: where ``efficientnet``'s CPU retry left VmData at the 4 GiB cap and the next six models
#: crashed. A fresh worker costs a framework import (seconds); a crash costs a diagram.
RESTART_FRACTION = 0.8


def data_in_use() -> int | None:
    """The bytes this process has mapped that the cap counts (``VmData`` on Linux), or
    ``None`` where that is not known."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def near_the_cap(limit: int, used: int | None = None) -> bool:
    """True when a worker under ``limit`` (0: none) holds more than
    :data:`RESTART_FRACTION` of it."""
    if limit <= 0:
        return False
    used = data_in_use() if used is None else used
    return used is not None and used > RESTART_FRACTION * limit


def looks_out_of_memory(text: str) -> bool:
    """True when a process's last words say an allocation failed."""
    return any(marker in text for marker in _OOM_MARKERS)
