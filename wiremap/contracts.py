"""Topic contracts: the versioned JSON records every stage reads and writes.

Topics are the source of truth, so these models are the project's API. Each record
carries ``schema_version``; a breaking change bumps it and readers refuse what they
do not know rather than guess.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "TOPICS",
    "ClaimStatus",
    "LocatedReport",
    "Origin",
    "Placement",
    "Precision",
    "ReasonCode",
    "RegionCount",
    "Rejected",
    "Role",
    "WireItem",
    "content_key",
    "normalize_text",
]

SCHEMA_VERSION: Literal[1] = 1
MAX_BODY_BYTES = 100_000
MAX_METADATA_BYTES = 16_000

#: Topic name (default; see Settings) → the model carried on it.
TOPICS: dict[str, type[BaseModel]] = {}


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes | str) -> Any:
        return cls.model_validate_json(data)


_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")


def normalize_text(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-folded text, for exact-duplicate keys."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def content_key(headline: str, body: str) -> str:
    """The exact-dedupe key: a hash of the normalized headline and body."""
    digest = hashlib.sha256(f"{normalize_text(headline)}\n{normalize_text(body)}".encode())
    return digest.hexdigest()[:32]


def _derive_id(source: str, url: str | None, headline: str, body: str) -> str:
    if url:
        return "u-" + hashlib.sha256(f"{source}\n{url}".encode()).hexdigest()[:24]
    return "c-" + content_key(headline, body)[:24]


class WireItem(_Record):
    """A wire item as a producer pushed it (topic ``wire.items``, keyed by ``id``)."""

    id: str = Field(min_length=1, max_length=256, pattern=r"^[^\s\x00-\x1f]+$")
    source: str = Field(min_length=1, max_length=200)
    url: str | None = Field(None, max_length=2048)
    headline: str = Field(min_length=1, max_length=1000)
    body: str = ""
    language: str = Field("en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    published_at: AwareDatetime
    received_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fill_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            source, headline, body = data.get("source"), data.get("headline"), data.get("body", "")
            url = data.get("url")
            if (
                isinstance(source, str)
                and isinstance(headline, str)
                and isinstance(body, str)
                and (url is None or isinstance(url, str))
            ):
                data = {**data, "id": _derive_id(source, url, headline, body)}
        return data

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^\s/$.?#][^\s]*$", v, re.IGNORECASE):
            raise ValueError("url must be an absolute http(s) URL")
        return v

    @field_validator("body")
    @classmethod
    def _body_size(cls, v: str) -> str:
        size = len(v.encode("utf-8", "surrogatepass"))
        if size > MAX_BODY_BYTES:
            raise ValueError(f"body is {size} bytes; the limit is {MAX_BODY_BYTES}")
        return v

    @field_validator("metadata")
    @classmethod
    def _metadata_size(cls, v: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(v, default=str))
        if size > MAX_METADATA_BYTES:
            raise ValueError(f"metadata is {size} bytes as JSON; the limit is {MAX_METADATA_BYTES}")
        return v

    @property
    def key(self) -> bytes:
        return self.id.encode()

    @property
    def content_key(self) -> str:
        return content_key(self.headline, self.body)

    @property
    def text(self) -> str:
        """Headline and body as one document, the unit the geoparser reads."""
        return f"{self.headline}\n{self.body}" if self.body else self.headline


class ReasonCode(StrEnum):
    """Why a record was rejected. Stable codes: dashboards and tests match on them."""

    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_FIELD = "unknown_field"
    NAIVE_DATETIME = "naive_datetime"
    TOO_LARGE = "too_large"
    BAD_ENCODING = "bad_encoding"
    EMPTY = "empty"


class Origin(BaseModel):
    """Where a rejected record came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["file", "stdin", "http", "replay", "topic"]
    path: str | None = None
    line: int | None = Field(None, ge=1)
    remote: str | None = None
    request_id: str | None = None
    # kind="topic": a record the worker could not read, where it sat.
    topic: str | None = None
    partition: int | None = Field(None, ge=0)
    offset: int | None = Field(None, ge=0)


class Rejected(_Record):
    """A record that did not become a WireItem (topic ``wire.rejected``)."""

    reason: ReasonCode
    message: str
    original: str = Field(description="The record as received, truncated to 64 KiB.")
    original_bytes: int = Field(ge=0)
    original_sha256: str
    origin: Origin
    rejected_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))


class Precision(StrEnum):
    COUNTRY = "country"
    ADMIN1 = "admin1"
    ADMIN2 = "admin2"
    CITY = "city"
    AIRPORT = "airport"
    POINT = "point"


class Role(StrEnum):
    EVENT = "event"
    ORIGIN = "origin"
    MENTIONED = "mentioned"
    #: Where the copy was filed ("KYIV (AP) -"), not where the event was.
    DATELINE = "dateline"


class ClaimStatus(StrEnum):
    CONFIRMED = "confirmed"
    REPORTED = "reported"
    UNCONFIRMED = "unconfirmed"
    SPECULATIVE = "speculative"


class Placement(BaseModel):
    """One place a report mentions, where we put it, and how sure we are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    place_id: str = Field(description="Gazetteer id, e.g. 'gn:524901', 'a1:RU.47', 'iata:DME'.")
    name: str
    text: str = Field(description="The matched text span as written.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    precision: Precision
    radius_km: float = Field(ge=0)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2.")
    admin1: str | None = Field(None, description="GeoNames admin-1 code, e.g. 'RU.47'.")
    confidence: float = Field(ge=0, le=1, description=(
        "Probability that the place is right: for a country or admin-1 unit, that the report's "
        "place lies in it; otherwise, that the point is within 161 km of it."))
    point_confidence: float | None = Field(None, ge=0, le=1, description=(
        "Probability that the point lies within 161 km of the place's true location, what "
        "point-based evaluations measure. Differs from confidence only for countries and admin-1 "
        "units, whose conventional points differ between gazetteers by up to hundreds of km."))
    role: Role = Role.MENTIONED
    claim: ClaimStatus = ClaimStatus.REPORTED
    reason: str = ""


class LocatedReport(_Record):
    """A deduplicated, story-grouped, geolocated item (topic ``reports.located``, keyed by id)."""

    id: str
    source: str
    url: str | None = None
    headline: str
    language: str = "en"
    published_at: AwareDatetime
    received_at: AwareDatetime
    located_at: AwareDatetime
    story_id: str
    story_size: int = Field(1, ge=1)
    matched_id: str | None = None
    similarity: float | None = Field(None, ge=0, le=1)
    placements: list[Placement] = Field(default_factory=list)


class RegionCount(_Record):
    """Reports and stories per admin-1 region in a window (topic ``regions.counts``).

    Keyed by ``region|window|start``; the latest record per key is the current count.
    ``window`` is ``hour`` or ``day`` (tumbling, UTC-aligned) or ``total`` (running,
    no start or end).
    """

    region: str = Field(description="GeoNames admin-1 code, e.g. 'RU.47'.")
    name: str
    country: str | None = None
    window: Literal["hour", "day", "total"]
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    reports: int = Field(ge=0)
    stories: int = Field(ge=0)
    weighted: float = Field(ge=0, description="Sum over stories of the best placement confidence.")
    updated_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def key(self) -> str:
        return f"{self.region}|{self.window}|{self.start.isoformat() if self.start else '-'}"


TOPICS.update(
    {
        "wire.items": WireItem,
        "wire.rejected": Rejected,
        "reports.located": LocatedReport,
        "regions.counts": RegionCount,
    }
)
