"""Factories that report facts about the worker process through their error message.

Imports nothing at module level: each probe states what it finds (memory cap, loaded
modules, the Keras backend) by raising, since a raised message is what reaches the test.
"""

from __future__ import annotations

import sys


def memory_cap() -> None:
    """Raise with the worker's memory rlimit (the soft limit netviz set, or 'unlimited')."""
    import resource

    which = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    soft = resource.getrlimit(which)[0]
    shown = "unlimited" if soft == resource.RLIM_INFINITY else str(soft)
    raise RuntimeError(f"cap={shown}")


def hog(gib: int = 8) -> object:
    """Ask for ``gib`` GiB at once. Under the cap this fails at the allocation; ``zeros``
    (not ``ones``) so that a missing cap costs address space, not RAM, on the test machine."""
    import numpy as np

    buffer = np.zeros(gib * 1024**3, dtype=np.uint8)
    return buffer.nbytes


_HELD: list[bytearray] = []


def hold(mib: int) -> object:
    """Keep ``mib`` MiB mapped in the worker for good (a factory's cache, a heap that grew),
    then fail: the worker's next life is what the test looks at."""
    _HELD.append(bytearray(mib * 1024**2))
    raise RuntimeError(f"holding {mib} MiB")
