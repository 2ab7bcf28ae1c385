"""The roll-up's table: routed by key, its changelog written in batches (see ``app``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import faust
from faust.serializers.codecs import json as json_codec

from wiremap.stream._wire import dumps

__all__ = ["ChangelogBatch", "RoutedTable"]


class RoutedTable(faust.Table):
    """A table whose changelog partition is a function of the key, not of the current event.

    The agents take events in batches that span partitions, so "the current event's
    partition" (faust's default) would be wrong; the router is the same function that
    routes records to the stage, so a key's state and its records share a partition.
    """

    def __init__(self, app: faust.App, *, router: Callable[[Any], int], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._router = router

    def partition_for_key(self, key: Any) -> int:
        return self._router(key)


class ChangelogBatch(MutableMapping[str, Any]):
    """A table's local store that collects changed keys, for one changelog batch per partition.

    Setting a faust table key sends one changelog record through faust's producer buffer
    (~0.2 ms each, and the roll-up rewrites hundreds of window states per batch). Here a
    batch's changes are written by the agent as aiokafka batches, in faust's own key and
    value encoding (JSON) to the same partitions, so faust's recovery reads them unchanged;
    a deleted key gets a tombstone, as faust writes one.
    """

    def __init__(self, table: faust.Table, router: Callable[[str], int]) -> None:
        store = table.data
        # faust's in-memory store keeps a plain dict behind its mapping interface, and its
        # own writes go straight to it too; the roll-up reads it a few times per event
        inner = getattr(store, "data", None)
        self.data: MutableMapping[str, Any] = inner if isinstance(inner, dict) else store
        self.router = router
        self._key_codec = json_codec()
        self._dirty: dict[str, None] = {}

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:  # the roll-up's hot path: no ABC detour
        return self.data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self._dirty[key] = None

    def __delitem__(self, key: str) -> None:
        del self.data[key]
        self._dirty[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def drain(self) -> dict[int, list[tuple[bytes, bytes | None]]]:
        """The changelog records for keys changed since the last call, by partition."""
        out: dict[int, list[tuple[bytes, bytes | None]]] = {}
        for key in self._dirty:
            value = self.data.get(key)
            encoded = None if value is None else dumps(value)
            out.setdefault(self.router(key), []).append((self._key_codec.dumps(key), encoded))
        self._dirty.clear()
        return out
