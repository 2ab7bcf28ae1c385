"""The HTTP intake against the real broker: status codes, per-record results, recorded rejects."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from tests._kafka import consume
from wiremap.contracts import ReasonCode, Rejected, WireItem
from wiremap.ingest import WireProducer, create_intake_app
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CLIENT = ("203.0.113.7", 40123)
HOSTILE = '<script>fetch("//evil")</script><svg onload=alert(1)>'


def item(n: int, **extra: object) -> dict[str, object]:
    return {
        "id": f"http-{n}",
        "source": "intake-test",
        "headline": f"Shelling reported in Kherson ({n})",
        "body": HOSTILE,
        "published_at": "2026-11-23T12:00:00Z",
        **extra,
    }


@pytest.fixture
async def intake(
    make_settings: Callable[..., Settings], kafka_bootstrap: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = make_settings()
    async with WireProducer(settings, kafka_bootstrap) as producer:
        app = create_intake_app(settings, producer, max_request_bytes=64 * 1024)
        transport = httpx.ASGITransport(app=app, client=CLIENT)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client, settings


async def rejected_records(bootstrap: str, settings: Settings, count: int) -> list[Rejected]:
    records = await consume(bootstrap, settings.topic_rejected, count=count)
    return [Rejected.from_bytes(r.value) for r in records]


async def test_health(intake: tuple[httpx.AsyncClient, Settings]) -> None:
    client, settings = intake
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["topics"]["items"] == settings.topic_items


async def test_single_json_object_is_accepted(
    intake: tuple[httpx.AsyncClient, Settings], kafka_bootstrap: str
) -> None:
    client, settings = intake
    response = await client.post("/items", json=item(1), headers={"X-Request-ID": "req-1"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body == {"request_id": "req-1", "accepted": 1, "rejected": 0, "ids": ["http-1"], "rejections": []}
    assert response.headers["x-request-id"] == "req-1"
    (record,) = await consume(kafka_bootstrap, settings.topic_items, count=1)
    got = WireItem.from_bytes(record.value)
    assert record.key == b"http-1" and got.body == HOSTILE


async def test_ndjson_batch_mixed_is_207_with_rejects_recorded(
    intake: tuple[httpx.AsyncClient, Settings], kafka_bootstrap: str
) -> None:
    client, settings = intake
    lines = [
        json.dumps(item(1)),
        "{not json",
        json.dumps(item(3, published_at="2026-11-23T12:00:00")),
        json.dumps(item(4)),
        "",
        json.dumps(item(6, colour="red")),
    ]
    response = await client.post(
        "/items",
        content="\r\n".join(lines) + "\n",
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["accepted"] == 2 and body["ids"] == ["http-1", "http-4"]
    assert [(r["line"], r["reason"]) for r in body["rejections"]] == [
        (2, "malformed_json"),
        (3, "naive_datetime"),
        (5, "empty"),
        (6, "unknown_field"),
    ]
    assert "colour" in body["rejections"][3]["message"]
    recorded = await rejected_records(kafka_bootstrap, settings, 4)
    assert sorted((r.origin.line, r.reason) for r in recorded) == [
        (2, ReasonCode.MALFORMED_JSON),
        (3, ReasonCode.NAIVE_DATETIME),
        (5, ReasonCode.EMPTY),
        (6, ReasonCode.UNKNOWN_FIELD),
    ]
    for r in recorded:
        assert r.origin.kind == "http"
        assert r.origin.remote == "203.0.113.7:40123"
        assert r.origin.request_id == body["request_id"]
    items = await consume(kafka_bootstrap, settings.topic_items, count=2)
    assert sorted(r.key for r in items) == [b"http-1", b"http-4"]


async def test_all_bad_is_400(intake: tuple[httpx.AsyncClient, Settings], kafka_bootstrap: str) -> None:
    client, settings = intake
    response = await client.post("/items", content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["rejections"][0]["reason"] == "not_an_object"
    (recorded,) = await rejected_records(kafka_bootstrap, settings, 1)
    assert recorded.reason is ReasonCode.NOT_AN_OBJECT and recorded.original == "[1, 2]"


async def test_oversized_streamed_body_is_413_and_recorded(
    intake: tuple[httpx.AsyncClient, Settings], kafka_bootstrap: str
) -> None:
    client, settings = intake

    async def chunks() -> AsyncIterator[bytes]:
        line = (json.dumps(item(0)) + "\n").encode()
        for _ in range(600):  # ~120 KB in ~200-byte lines; the limit is 64 KiB
            yield line

    response = await client.post("/items", content=chunks(), headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 413
    assert response.json()["rejections"][0]["reason"] == "too_large"
    (recorded,) = await rejected_records(kafka_bootstrap, settings, 1)
    assert recorded.reason is ReasonCode.TOO_LARGE
    assert recorded.original_bytes > 64 * 1024
    assert len(recorded.original.encode()) <= 64 * 1024


async def test_declared_oversize_and_wrong_content_type(
    intake: tuple[httpx.AsyncClient, Settings], kafka_bootstrap: str
) -> None:
    client, settings = intake
    big = await client.post(
        "/items", content=b"x" * (65 * 1024), headers={"Content-Type": "application/json"}
    )
    assert big.status_code == 413
    text = await client.post("/items", content=b"hello", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    recorded = await rejected_records(kafka_bootstrap, settings, 2)
    assert sorted(r.reason.value for r in recorded) == ["invalid_value", "too_large"]
    assert all(r.origin.kind == "http" for r in recorded)
