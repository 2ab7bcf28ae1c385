"""One exception base for the project, one subclass per package.

Callers catch ``WiremapError`` at the edges (CLI, HTTP) and turn it into a clear
message; inside, each package raises its own subclass so the origin is obvious.
"""

from __future__ import annotations

__all__ = [
    "BrokerError",
    "GeoError",
    "IngestError",
    "MapviewError",
    "StreamError",
    "WiremapError",
]


class WiremapError(Exception):
    """Base of every error wiremap raises on purpose."""


class BrokerError(WiremapError):
    """The local Kafka broker could not be built, started or reached."""


class IngestError(WiremapError):
    """Input could not be read, validated or produced."""


class StreamError(WiremapError):
    """A stream processor failed."""


class GeoError(StreamError):
    """The gazetteer or geoparser failed (missing index, bad corpus file)."""


class MapviewError(WiremapError):
    """The desk map server failed."""
