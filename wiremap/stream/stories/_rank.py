"""Ranking a long item's candidates (the holders of its index keys) for verification.

Both functions take the holders sorted, one entry per key held, and return the ``limit``
candidates with most hits (shared keys), the oldest first among equals, with their hits:
what counting every candidate and sorting (-hits, seq) gives, computed in numpy so that
the many candidates seen once cost no Python work.
"""

from __future__ import annotations

import heapq
from collections import Counter

import numpy as np
import numpy.typing as npt

__all__ = ["ranked", "repeated"]


def ranked(held: npt.NDArray[np.int64], limit: int) -> tuple[list[int], list[int]]:
    """Every candidate ranked."""
    edge = np.ones(len(held) + 1, dtype=bool)
    np.not_equal(held[1:], held[:-1], out=edge[1:-1])
    bounds = edge.nonzero()[0]  # where each holder's run starts, and the end
    counts = bounds[1:] - bounds[:-1]
    order = (-counts).argsort(kind="stable")[:limit]
    return held[bounds[order]].tolist(), counts[order].tolist()


def repeated(held: npt.NDArray[np.int64], small: set[int], limit: int) -> tuple[list[int], list[int]]:
    """Only the candidates held more than once, or in ``small``."""
    again = held[1:][held[1:] == held[:-1]]
    order = [(-1 - extra, s) for s, extra in Counter(again.tolist()).items()]
    if small:
        lone = small.intersection(held.tolist()).difference(again.tolist())
        order.extend((-1, s) for s in lone)
    order = heapq.nsmallest(limit, order) if len(order) > limit else sorted(order)
    return [s for _, s in order], [-neg for neg, _ in order]
