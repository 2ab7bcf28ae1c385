"""Raw record → ``WireItem`` or ``Rejected``, with one precise reason code per failure.

Validation is pure and synchronous so a whole chunk can be checked before anything is
produced; the reason code is chosen by a fixed priority so the same bad record always
gets the same code, and the message names every offending field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticSerializationError

from wiremap.contracts import MAX_BODY_BYTES, Origin, ReasonCode, Rejected, WireItem
from wiremap.settings import Settings

__all__ = ["Limits", "OriginLike", "Validator", "make_rejected"]

#: An origin, or a function that builds one: only rejections need it, so per-line
#: readers pass a factory and pay for the model only when a record fails.
OriginLike = Origin | Callable[[], Origin]

#: The HTTP intake's default request body limit.
DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024
#: How much of a bad record ``Rejected.original`` keeps.
ORIGINAL_LIMIT = 64 * 1024

# When one record fails in several ways, the code is the first of these that applies.
_PRIORITY = (
    ReasonCode.TOO_LARGE,
    ReasonCode.BAD_ENCODING,
    ReasonCode.MISSING_FIELD,
    ReasonCode.UNKNOWN_FIELD,
    ReasonCode.WRONG_TYPE,
    ReasonCode.NAIVE_DATETIME,
    ReasonCode.INVALID_VALUE,
)
# Fields WireItem derives when absent: "id missing" only follows from another failure.
_DERIVED = frozenset({"id"})
_IGNORED_INPUT = frozenset({"received_at"})


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits applied before the contract sees a record."""

    max_record_bytes: int = 1_000_000
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_record_bytes=settings.max_record_bytes,
            max_body_bytes=min(settings.max_body_bytes, MAX_BODY_BYTES),
        )


def _now() -> datetime:
    return datetime.now(UTC)


def make_rejected(
    raw: bytes | str,
    reason: ReasonCode,
    message: str,
    origin: OriginLike,
    *,
    size: int | None = None,
    at: datetime | None = None,
) -> Rejected:
    """A ``Rejected`` that keeps the first 64 KiB of ``raw`` and hashes all of it.

    ``size`` overrides the byte count when ``raw`` is only a prefix of what arrived
    (an over-long line or request body that was not read to the end).
    """
    data = raw.encode("utf-8", "backslashreplace") if isinstance(raw, str) else raw
    kept = data[:ORIGINAL_LIMIT].decode("utf-8", "backslashreplace")
    if len(data) > ORIGINAL_LIMIT:
        # A multi-byte character cut at the limit shows as escapes; drop the partial tail.
        kept = data[:ORIGINAL_LIMIT].decode("utf-8", "ignore")
    return Rejected(
        reason=reason,
        message=message,
        original=kept,
        original_bytes=len(data) if size is None else size,
        original_sha256=hashlib.sha256(data).hexdigest(),
        origin=origin if isinstance(origin, Origin) else origin(),
        rejected_at=at or _now(),
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(record)"


def _type_name(value: Any) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _classify(error: ErrorDetails) -> ReasonCode:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return ReasonCode.MISSING_FIELD
    if kind == "extra_forbidden":
        return ReasonCode.UNKNOWN_FIELD
    if kind == "timezone_aware":
        return ReasonCode.NAIVE_DATETIME
    if kind == "string_unicode":
        return ReasonCode.BAD_ENCODING
    if kind.endswith("_type"):
        return ReasonCode.WRONG_TYPE
    if kind == "value_error" and loc and loc[0] in {"body", "metadata"}:
        return ReasonCode.TOO_LARGE
    return ReasonCode.INVALID_VALUE


def _describe(code: ReasonCode, error: ErrorDetails) -> str:
    name = _field(error["loc"])
    if code is ReasonCode.MISSING_FIELD:
        return name
    if code is ReasonCode.UNKNOWN_FIELD:
        return name
    if code is ReasonCode.WRONG_TYPE:
        expected = error["msg"].removeprefix("Input should be ")
        return f"{name} ({expected}, got {_type_name(error['input'])})"
    if code is ReasonCode.BAD_ENCODING:
        return f"{name} (unpaired UTF-16 surrogate escape such as \\ud800)"
    if code is ReasonCode.NAIVE_DATETIME:
        return f"{name}={error['input']!r} (add an offset such as Z or +03:00)"
    msg = error["msg"].removeprefix("Value error, ")
    return f"{name}: {msg}"


_HEADINGS = {
    ReasonCode.TOO_LARGE: "too large",
    ReasonCode.BAD_ENCODING: "bad text encoding",
    ReasonCode.MISSING_FIELD: "missing field",
    ReasonCode.UNKNOWN_FIELD: "unknown field",
    ReasonCode.WRONG_TYPE: "wrong type",
    ReasonCode.NAIVE_DATETIME: "datetime without timezone",
    ReasonCode.INVALID_VALUE: "invalid value",
}


def explain(errors: list[ErrorDetails]) -> tuple[ReasonCode, str]:
    """The reason code and a message naming every failing field, grouped by kind."""
    relevant = [
        e
        for e in errors
        if not (e["type"] == "missing" and e["loc"] and e["loc"][0] in _DERIVED and len(errors) > 1)
    ]
    if not relevant:
        relevant = errors
    groups: dict[ReasonCode, list[str]] = {}
    for error in relevant:
        code = _classify(error)
        groups.setdefault(code, []).append(_describe(code, error))
    ordered = [c for c in _PRIORITY if c in groups]
    parts = [f"{_HEADINGS[c]}: {', '.join(groups[c])}" for c in ordered]
    if ReasonCode.MISSING_FIELD in groups and "id" in groups[ReasonCode.MISSING_FIELD]:
        parts.append("(id is derived from source+url or the text when those are valid)")
    message = "; ".join(parts)
    return ordered[0], message[:2000]


@dataclass(slots=True)
class Validator:
    """Validates records against the ``WireItem`` contract and the ingest limits.

    ``clock`` stamps ``received_at`` (one call per record); any ``received_at`` in the
    input is ignored, because it is ingest's own observation, not the producer's.
    """

    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], datetime] = _now

    def decode(self, data: bytes, origin: OriginLike, what: str = "record") -> str | Rejected:
        """The size and UTF-8 checks every raw record passes before it is parsed."""
        if len(data) > self.limits.max_record_bytes:
            return make_rejected(
                data,
                ReasonCode.TOO_LARGE,
                f"{what} is {len(data)} bytes; the limit is {self.limits.max_record_bytes}",
                origin,
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return make_rejected(
                data,
                ReasonCode.BAD_ENCODING,
                f"not valid UTF-8: {exc.reason} at byte {exc.start}",
                origin,
            )

    def record(self, raw: bytes | str, origin: OriginLike) -> WireItem | Rejected:
        """One JSON record (a JSONL line or a request body) → item or rejection."""
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        text = self.decode(data, origin)
        if isinstance(text, Rejected):
            return text
        if not text.strip():
            return make_rejected(data, ReasonCode.EMPTY, "empty record (blank line)", origin)
        try:
            value = _DECODER.decode(text)
        except ValueError as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            where = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            return make_rejected(data, ReasonCode.MALFORMED_JSON, f"malformed JSON: {detail}{where}", origin)
        if not isinstance(value, dict):
            return make_rejected(
                data,
                ReasonCode.NOT_AN_OBJECT,
                f"record must be a JSON object, got {_type_name(value)}",
                origin,
            )
        return self.mapping(value, origin, raw=data, escapes="\\u" in text)

    def mapping(
        self,
        value: Mapping[str, Any],
        origin: OriginLike,
        *,
        raw: bytes | None = None,
        escapes: bool = True,
    ) -> WireItem | Rejected:
        """An already-parsed object → item or rejection (``raw`` is what gets recorded).

        ``escapes=False`` says the source text had no ``\\u`` escape, so it cannot hold
        an unpaired surrogate and the serialisation check is skipped.
        """
        original: bytes | str = raw if raw is not None else json.dumps(value, ensure_ascii=False, default=str)
        body = value.get("body")
        if isinstance(body, str):
            size = len(body.encode("utf-8", "surrogatepass"))
            if size > self.limits.max_body_bytes:
                return make_rejected(
                    original,
                    ReasonCode.TOO_LARGE,
                    f"too large: body is {size} bytes; the limit is {self.limits.max_body_bytes}",
                    origin,
                )
        fields = {k: v for k, v in value.items() if k not in _IGNORED_INPUT}
        fields["received_at"] = self.clock()
        try:
            item = WireItem.model_validate(fields)
        except ValidationError as exc:
            code, message = explain(exc.errors(include_url=False))
            return make_rejected(original, code, message, origin)
        try:
            if escapes:
                item.to_bytes()
        except PydanticSerializationError:
            return make_rejected(
                original,
                ReasonCode.BAD_ENCODING,
                "text contains an unpaired UTF-16 surrogate escape (e.g. \\ud800)",
                origin,
            )
        return item
