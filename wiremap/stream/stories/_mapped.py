"""Large arrays that come and go, each in an anonymous mmap of its own."""

from __future__ import annotations

import ctypes
import mmap
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["mapped_full", "release_heap"]

#: Below this many bytes an array comes from malloc: small ones do not move glibc's
#: threshold, and a mapping each would soon exhaust the kernel's limit on mappings.
SMALL = 1 << 20


def mapped_full(shape: int | tuple[int, ...], value: float, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """``np.full``, in an anonymous mmap of its own, returned to the OS when the array goes.
    The index's table and rows are replaced now and then (rebuilt, grown); from malloc, each
    one freed raises glibc's mmap threshold, and what comes after lands on the heap."""
    kind = np.dtype(dtype)
    count = int(np.prod(shape))
    if count * kind.itemsize < SMALL:
        return np.full(shape, value, dtype=kind)
    private = {"flags": mmap.MAP_PRIVATE} if hasattr(mmap, "MAP_PRIVATE") else {}
    buffer = mmap.mmap(-1, count * kind.itemsize, **private)
    if hasattr(mmap, "MADV_HUGEPAGE"):
        buffer.madvise(mmap.MADV_HUGEPAGE)
    array = np.frombuffer(buffer, dtype=kind, count=count).reshape(shape)
    array.fill(value)
    return array


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # glibc's
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()


def release_heap() -> None:
    """Hand the heap's free pages back to the OS (glibc; elsewhere nothing). After the index
    is rebuilt: its temporaries, tens of MB, come from the heap once glibc's mmap threshold
    has risen, and the heap would keep their pages (~40 MB of RSS at a full window)."""
    if _TRIM is not None:
        _TRIM(0)
