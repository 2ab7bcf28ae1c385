"""What each worker stage does to one batch, with no faust in sight (the app wires them)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from wiremap.contracts import LocatedReport, Origin, Rejected, WireItem
from wiremap.contracts import ReasonCode as RC
from wiremap.settings import get_settings
from wiremap.stream._sequence import Sequenced
from wiremap.stream._wire import dumps, group_by_partition, join_rows, loads
from wiremap.stream.dedupe import DedupeIndex
from wiremap.stream.locate import Locator, RegionNames, region_events_of
from wiremap.stream.rollup import RegionEvent

__all__ = ["content_key", "dedupe_records", "encode_chunks", "locate_batch", "sequenced_row"]

#: Largest internal batch record we write (the broker's default limit is ~1 MiB).
MAX_RECORD_BYTES = 800_000

_WORD_RUN = re.compile(r"\w+")
#: ASCII byte → itself lower-cased if a word character (``\w``), else a space.
_ASCII_WORDS = bytes(
    ord(chr(b).lower()) if chr(b).isalnum() or chr(b) == "_" else 32 if b < 128 else b for b in range(256)
)


def content_key(headline: str, body: str) -> str:
    """``wiremap.contracts.content_key``, computed in one regex pass instead of four.

    The contract folds case and accents, turns every character that is neither a word
    character nor a space into a space and collapses spaces: what is left is the runs of
    word characters joined by single spaces. Equal by construction (tested against it).
    ASCII text, the common case, takes a byte-table path instead of the Unicode regex.
    """
    def norm(text: str) -> str:
        if text.isascii():  # NFKC and casefold are lower(); \w is [A-Za-z0-9_]: 5x faster
            return " ".join(text.encode().translate(_ASCII_WORDS).decode().split())
        return " ".join(_WORD_RUN.findall(unicodedata.normalize("NFKC", text).casefold()))

    return hashlib.sha256(f"{norm(headline)}\n{norm(body)}".encode()).hexdigest()[:32]


def dedupe_records(
    records: Iterable[tuple[int, int, bytes | None]],
    ids: DedupeIndex,
    contents: DedupeIndex,
    *,
    topic: str,
) -> tuple[list[bytes], list[Rejected]]:
    """wire.items records ``(partition, offset, value)`` → rows ``[origin, item]`` kept, rejects.

    A record is kept if it is the first (or a redelivery of the first) with its item id and
    with its normalized headline+body within the window; unreadable records are rejected.
    Kept rows come serialized (the validated item in its canonical JSON), once.
    """
    kept: list[bytes] = []
    rejected: list[Rejected] = []
    for partition, offset, value in records:
        try:
            if value is None:
                raise ValueError("empty record")
            item = WireItem.from_bytes(value)
        except (ValidationError, ValueError, UnicodeDecodeError) as exc:
            rejected.append(_reject(value, exc, topic, partition, offset))
            continue
        ts, origin = item.published_at.timestamp(), (partition, offset)
        if ids.check(item.id, origin, ts) and contents.check(
            content_key(item.headline, item.body), origin, ts
        ):
            kept.append(b"[[%d,%d]," % origin + item.__pydantic_serializer__.to_json(item) + b"]")
    return kept, rejected


def sequenced_row(s: Sequenced, row: bytes) -> bytes:
    """A ``-locate`` row, ``[seq, wm, story id, size, matched id, similarity, row]``.

    ``row`` is the ``-stories`` row ``[origin, item]`` as it was read: passed on, not re-encoded.
    """
    story = s.story
    head = dumps([s.seq, s.wm, story.story_id, story.story_size, story.matched_id, story.similarity])
    return head[:-1] + b"," + row + b"]"


def locate_batch(
    rows: Sequence[tuple[int, bytes]],
    locator: Locator,
    names: RegionNames,
    *,
    partitions: int,
    now: datetime | None = None,
    min_confidence: float | None = None,
) -> tuple[list[LocatedReport], dict[int, list[Any]]]:
    """Rows ``(source partition, serialized -locate row)`` → reports and region events by
    partition. Reports carry every placement; a region event needs ``min_confidence``
    (default: the ``rollup_min_confidence`` setting)."""
    now = now or datetime.now(UTC)
    floor = get_settings().rollup_min_confidence if min_confidence is None else min_confidence
    reports: list[LocatedReport] = []
    events: list[tuple[bytes, Any]] = []
    read = []
    for src, raw in rows:
        seq, wm, story_id, size, matched, sim, last = loads(raw)
        data = last[1] if isinstance(last, list) else last  # rows written before [origin, item]
        read.append((src, seq, wm, story_id, size, matched, sim, WireItem.model_validate(data)))
    located = locator.locate_many([r[-1] for r in read])
    for (src, seq, wm, story_id, size, matched, sim, item), placements in zip(read, located, strict=True):
        reports.append(
            LocatedReport(
                id=item.id,
                source=item.source,
                url=item.url,
                headline=item.headline,
                language=item.language,
                published_at=item.published_at,
                received_at=item.received_at,
                located_at=now,
                story_id=story_id,
                story_size=size,
                matched_id=matched,
                similarity=sim,
                placements=placements,
            )
        )
        ts = item.published_at.timestamp()
        for region, conf in sorted(region_events_of(placements, floor).items()):
            name, country = names(region)
            ev = RegionEvent(region, name, country, item.id, story_id, conf, ts, seq, wm, src)
            events.append((region.encode(), ev.to_json()))
    return reports, group_by_partition(events, partitions)


def encode_chunks(rows: list[Any], limit: int = MAX_RECORD_BYTES) -> list[bytes]:
    """Rows (serialized, or to serialize) → ``join_rows`` lists, each under ``limit`` bytes.

    One oversize row goes alone. Each row is serialized at most once.
    """
    chunks: list[bytes] = []
    current: list[bytes] = []
    size = 4
    for row in rows:
        encoded = row if isinstance(row, bytes) else dumps(row)
        n = len(encoded) + 2
        if current and size + n > limit:
            chunks.append(join_rows(current))
            current, size = [], 4
        current.append(encoded)
        size += n
    if current:
        chunks.append(join_rows(current))
    return chunks


def _reject(value: bytes | None, exc: Exception, topic: str, partition: int, offset: int) -> Rejected:
    raw = value or b""
    if isinstance(exc, ValidationError):
        reason = RC.INVALID_VALUE
        errors = exc.errors()
        kinds = {e["type"] for e in errors}
        if "json_invalid" in kinds:
            reason = RC.MALFORMED_JSON
        elif "missing" in kinds:
            reason = RC.MISSING_FIELD
        elif "extra_forbidden" in kinds:
            reason = RC.UNKNOWN_FIELD
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    elif isinstance(exc, UnicodeDecodeError):
        reason, message = RC.BAD_ENCODING, str(exc)
    else:
        reason, message = RC.EMPTY, str(exc)
    return Rejected(
        reason=reason,
        message=f"unreadable record on {topic}: {message}"[:2000],
        original=raw[:65536].decode("utf-8", "replace"),
        original_bytes=len(raw),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        origin=Origin(kind="topic", topic=topic, partition=partition, offset=offset),
    )
