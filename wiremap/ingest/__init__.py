"""Ingest: validate wire items from files, stdin or HTTP, produce them to Kafka, replay topics.

Every record read becomes exactly one result: a ``WireItem`` for ``wire.items`` or a
``Rejected`` (with a reason code and where it came from) for ``wire.rejected``.
"""

from typing import TYPE_CHECKING, Any

from wiremap.ingest._producer import WireProducer, producer_config
from wiremap.ingest._push import PushSummary, push_files, push_results
from wiremap.ingest._replay import DumpRange, DumpRecord, dump_topic, parse_dump, push_dump
from wiremap.ingest._validate import Limits, Validator

if TYPE_CHECKING:
    from wiremap.ingest._intake import create_intake_app

__all__ = [
    "DumpRange",
    "DumpRecord",
    "Limits",
    "PushSummary",
    "Validator",
    "WireProducer",
    "create_intake_app",
    "dump_topic",
    "parse_dump",
    "producer_config",
    "push_dump",
    "push_files",
    "push_results",
]


def __getattr__(name: str) -> Any:
    # The HTTP app pulls in FastAPI; `wiremap push` should not pay for that import.
    if name == "create_intake_app":
        from wiremap.ingest._intake import create_intake_app

        return create_intake_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
