"""Compact JSON bodies assembled from pre-serialized fragments.

The desk's bodies run to several megabytes; each is built with a single copy of its
fragments (the enclosing brackets ride on the first and last fragment), since every extra
``head + body + tail`` copies, and page-faults in, the whole body again.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "enclose", "feature_collection"]


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def enclose(head: bytes, parts: list[bytes], tail: bytes) -> bytes:
    """``head + b",".join(parts) + tail`` in one copy."""
    if len(parts) < 2:
        return head + (parts[0] if parts else b"") + tail
    return b",".join([head + parts[0], *parts[1:-1], parts[-1] + tail])


def feature_collection(features: list[bytes], meta: bytes | None = None) -> bytes:
    head = b'{"type":"FeatureCollection",'
    if meta is not None:
        head += b'"meta":' + meta + b","
    return enclose(head + b'"features":[', features, b"]}")
