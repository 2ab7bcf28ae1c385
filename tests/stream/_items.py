"""Wire items for worker tests (shared with the worker benchmark, which owns them)."""

from benchmarks._worker import T0, items, records

__all__ = ["T0", "items", "records"]
