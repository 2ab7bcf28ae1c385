"""Geolocation in worker processes, so the geoparser's CPU does not share the GIL with Kafka.

Each pool process loads the Geoparser once (initializer) and turns slices of sequenced
rows into serialized reports and region events; the parent only moves bytes. ``GeoRunner``
keeps the pool fed and, while the pool is full, geolocates further slices in the worker
process itself (work stealing): the main process idles whenever its own stages wait on
the geoparser, so the pair uses both cores instead of one and a fraction.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from wiremap.stream._stages import locate_batch
from wiremap.stream.locate import Locator, RegionNames, load_locator, load_region_names

__all__ = ["GeoRunner", "Located", "init", "locate_rows", "locate_rows_with"]

Located = tuple[list[tuple[bytes, bytes]], dict[int, list[Any]]]  # reports, region rows by partition

#: Rows per pool call: one call's pickling is amortised, and writing one slice overlaps parsing the next.
POOL_SLICE = 200
#: Rows per slice parsed in this process: short, so the event loop is never held for long (~15 ms).
INLINE_SLICE = 32

#: Rows that must be waiting beyond the pool's queue before this process parses some too.
STEAL_BACKLOG = 2 * POOL_SLICE

#: Pipe size asked for the pool's queues (Linux allows up to 1 MiB unprivileged by default).
PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)

log = logging.getLogger(__name__)

_LOADED: dict[str, Any] = {}


def init() -> None:
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _LOADED["locator"], _LOADED["names"] = load_locator(), load_region_names()
    gc.freeze()  # the geoparser's tables live as long as the process: keep them out of every collection


def _exit_with_parent(parent: int) -> None:
    """A SIGKILLed worker cannot stop its pool: each pool process leaves when it is orphaned."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def locate_rows_with(
    locator: Locator, names: RegionNames, rows: list[tuple[int, bytes]], partitions: int
) -> Located:
    """Rows → ``[(report key, report bytes)]`` and region events by partition."""
    reports, region_rows = locate_batch(rows, locator, names, partitions=partitions)
    return [(r.id.encode(), r.to_bytes()) for r in reports], region_rows


def locate_rows(rows: list[tuple[int, bytes]], partitions: int) -> Located:
    if "locator" not in _LOADED:
        init()
    return locate_rows_with(_LOADED["locator"], _LOADED["names"], rows, partitions)


class GeoRunner:
    """Geolocates rows in slices, in order: in the pool, or here while the pool is full.

    ``processes`` 0 means a thread of this process does it all (tests, or a given locator).
    Results are handed to ``write`` strictly in slice order, so each source partition's
    events stay in increasing ``seq`` order (the roll-up's idempotence relies on it).
    """

    def __init__(
        self,
        partitions: int,
        *,
        processes: int,
        thread: Executor,
        locator: Locator | None = None,
        names: RegionNames | None = None,
        assist: bool = True,
    ) -> None:
        self.partitions = partitions
        self.processes = processes
        self.thread = thread
        self.assist = assist and processes > 0
        self._given = (locator, names)
        self._pool: ProcessPoolExecutor | None = None
        self._local: asyncio.Future[tuple[Locator, RegionNames]] | None = None
        #: Rows geolocated in this process while the pool was full (``locator``, if given, is used here).
        self.stolen = 0
        self._submitted = 0  # written by the loop's thread only
        self._completed = 0  # written by the pool's thread only

    def _load_local(self) -> asyncio.Future[tuple[Locator, RegionNames]]:
        if self._local is None:
            loop = asyncio.get_running_loop()
            self._local = asyncio.ensure_future(loop.run_in_executor(self.thread, _load, *self._given))
        return self._local

    def _submit(self, part: list[tuple[int, bytes]]) -> asyncio.Future[Located]:
        loop = asyncio.get_running_loop()
        if self.processes < 1:
            local = self._load_local()
            return asyncio.ensure_future(self._in_thread(local, part))
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=init
            )
            _widen_pipes(self._pool)
        self._submitted += 1
        call = self._pool.submit(locate_rows, part, self.partitions)
        call.add_done_callback(self._done)  # runs in the pool's thread: the loop may be busy
        return asyncio.wrap_future(call, loop=loop)

    def _done(self, _: object) -> None:
        self._completed += 1

    @property
    def _inflight(self) -> int:
        return self._submitted - self._completed

    async def _in_thread(
        self, local: asyncio.Future[tuple[Locator, RegionNames]], part: list[tuple[int, bytes]]
    ) -> Located:
        locator, names = await local
        loop = asyncio.get_running_loop()
        call = functools.partial(locate_rows_with, locator, names, part, self.partitions)
        return await loop.run_in_executor(self.thread, call)

    def _stealable(self, backlog: int) -> tuple[Locator, RegionNames] | None:
        """The local geoparser, if the pool is full and ``backlog`` rows wait beyond it.

        A short backlog means the stages before this one are what limits the rate: the
        worker's CPU is better spent there, so it does not steal. Loading starts here.
        """
        if not self.assist or self._inflight < 2 * self.processes or backlog < STEAL_BACKLOG:
            return None
        local = self._load_local()
        return local.result() if local.done() and local.exception() is None else None

    async def run(
        self, rows: list[tuple[int, bytes]], write: Callable[[Located], Awaitable[None]]
    ) -> None:
        """Geolocate ``rows`` and ``write`` each slice's result, in order."""
        pending: deque[asyncio.Future[Located]] = deque()
        depth = 2 * self.processes if self.processes > 0 else 2
        i = 0
        try:
            while i < len(rows) or pending:
                while i < len(rows) and (self._inflight if self.processes > 0 else len(pending)) < depth:
                    pending.append(self._submit(rows[i : i + POOL_SLICE]))
                    i += POOL_SLICE
                while pending and pending[0].done():
                    await write(pending.popleft().result())
                local = self._stealable(len(rows) - i)
                if local is not None:
                    part, i = rows[i : i + INLINE_SLICE], i + INLINE_SLICE
                    self.stolen += len(part)
                    done: asyncio.Future[Located] = asyncio.get_running_loop().create_future()
                    done.set_result(locate_rows_with(local[0], local[1], part, self.partitions))
                    pending.append(done)
                    await asyncio.sleep(0)  # the other stages run between stolen slices
                elif pending:
                    await write(await pending.popleft())
        finally:
            for future in pending:
                future.cancel()


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """Give the pool's call and result pipes room for a whole slice (Linux; else a no-op).

    A slice (~450 KB of rows) or its result does not fit a 64 KB pipe, so the writer
    blocks until a thread of this process reads the rest, and those threads wait for the
    GIL whenever the event loop is busy: the geo process would sit idle meanwhile.
    """
    try:
        ends = (pool._call_queue._writer, pool._result_queue._reader)  # type: ignore[attr-defined]
        for end in ends:
            fcntl.fcntl(end.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError, ValueError):
        log.debug("pool pipes keep their default size", exc_info=True)


def _load(locator: Locator | None, names: RegionNames | None) -> tuple[Locator, RegionNames]:
    return locator or load_locator(), names or load_region_names()
