"""HTTP intake: ``POST /items`` takes one JSON object or an NDJSON batch.

Response semantics (the body always has the same shape)::

    {"request_id": str, "accepted": int, "rejected": int,
     "ids": [accepted item ids, in order],
     "rejections": [{"line": int | null, "reason": code, "message": str}]}

- 202 every record was accepted and is on ``wire.items`` (acks=all) before the reply;
- 207 some accepted, some rejected (read ``rejections``);
- 400 nothing accepted (every record rejected, including an empty body);
- 413 body over the request limit (checked while streaming; nothing else is read);
- 415 a Content-Type other than JSON or NDJSON;
- 503 Kafka did not take the records; nothing may be assumed delivered, retry.

Every rejection, including 413 and 415, is also produced to ``wire.rejected`` with an
``Origin`` of kind ``http`` carrying the remote address, the request id and, for NDJSON,
the line number.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from wiremap.contracts import Origin, ReasonCode, Rejected, WireItem
from wiremap.errors import IngestError
from wiremap.ingest._producer import WireProducer, await_all
from wiremap.ingest._validate import (
    DEFAULT_MAX_REQUEST_BYTES,
    ORIGINAL_LIMIT,
    Limits,
    Validator,
    make_rejected,
)
from wiremap.settings import Settings

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "create_intake_app"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_JSON_TYPES = frozenset({"application/json", ""})
_NDJSON_TYPES = frozenset(
    {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}
)


def _request_id(given: str | None) -> str:
    return given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex


def _split_ndjson(body: bytes) -> list[bytes]:
    lines = body.split(b"\n")
    if len(lines) > 1 and lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r") for line in lines]


async def _read_body(request: Request, limit: int) -> tuple[bytes, int, bool]:
    """The body, its size so far, and whether it went over ``limit`` (then only a prefix)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            prefix = b"".join(chunks)[:ORIGINAL_LIMIT]
            return prefix + chunk[: max(0, ORIGINAL_LIMIT - len(prefix))], size, True
        chunks.append(chunk)
    return b"".join(chunks), size, False


def _status(accepted: int, rejected: int) -> int:
    if rejected == 0 and accepted > 0:
        return 202
    if accepted == 0:
        return 400
    return 207


def create_intake_app(
    settings: Settings,
    producer: WireProducer,
    *,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
) -> FastAPI:
    """The intake ASGI app; ``producer`` must be started by the caller (and stopped by it)."""
    validator = Validator(Limits.from_settings(settings))
    app = FastAPI(title="wiremap intake", docs_url=None, redoc_url=None)

    async def deliver(
        results: list[WireItem | Rejected], request_id: str, status: int | None = None
    ) -> JSONResponse:
        ids = [r.id for r in results if isinstance(r, WireItem)]
        rejections = [r for r in results if isinstance(r, Rejected)]
        headers = {"X-Request-ID": request_id}
        try:
            await await_all([await producer.send_result(r) for r in results])
        except IngestError as exc:
            return JSONResponse(
                {"request_id": request_id, "error": str(exc)}, status_code=503, headers=headers
            )
        content: dict[str, Any] = {
            "request_id": request_id,
            "accepted": len(ids),
            "rejected": len(rejections),
            "ids": ids,
            "rejections": [
                {"line": r.origin.line, "reason": r.reason.value, "message": r.message} for r in rejections
            ],
        }
        code = status if status is not None else _status(len(ids), len(rejections))
        return JSONResponse(content, status_code=code, headers=headers)

    @app.get("/health")
    async def health() -> JSONResponse:
        ok = producer.started
        return JSONResponse(
            {
                "status": "ok" if ok else "unavailable",
                "topics": {"items": settings.topic_items, "rejected": settings.topic_rejected},
            },
            status_code=200 if ok else 503,
        )

    @app.post("/items")
    async def items(request: Request) -> JSONResponse:
        request_id = _request_id(request.headers.get("x-request-id"))
        client = request.client
        remote = f"{client.host}:{client.port}" if client else None

        def origin(line: int | None = None) -> Origin:
            return Origin(kind="http", remote=remote, request_id=request_id, line=line)

        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_request_bytes:
            rejected = make_rejected(
                b"",
                ReasonCode.TOO_LARGE,
                f"request body is {declared} bytes (Content-Length); the limit is {max_request_bytes}",
                origin(),
                size=int(declared),
            )
            return await deliver([rejected], request_id, 413)
        body, size, over = await _read_body(request, max_request_bytes)
        if over:
            rejected = make_rejected(
                body,
                ReasonCode.TOO_LARGE,
                f"request body exceeds {max_request_bytes} bytes (stopped reading at {size})",
                origin(),
                size=size,
            )
            return await deliver([rejected], request_id, 413)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype in _NDJSON_TYPES:
            lines = _split_ndjson(body)
            results = [validator.record(line, origin(n)) for n, line in enumerate(lines, 1)]
            return await deliver(results, request_id)
        if ctype in _JSON_TYPES:
            return await deliver([validator.record(body, origin())], request_id)
        rejected = make_rejected(
            body,
            ReasonCode.INVALID_VALUE,
            f"unsupported Content-Type {ctype!r}; send application/json or application/x-ndjson",
            origin(),
        )
        return await deliver([rejected], request_id, 415)

    return app
