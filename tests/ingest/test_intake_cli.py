"""``wiremap intake`` as a process: it serves on a port, takes items and shuts down cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pytest

from tests._kafka import consume
from wiremap.broker._config import free_ports
from wiremap.contracts import WireItem
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


async def test_intake_process_serves_and_produces(
    make_settings: Callable[..., Settings], kafka_bootstrap: str
) -> None:
    settings = make_settings()
    (port,) = free_ports(1)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREMAP_TOPIC_ITEMS": settings.topic_items,
        "WIREMAP_TOPIC_REJECTED": settings.topic_rejected,
        "WIREMAP_TOPIC_LOCATED": settings.topic_located,
        "WIREMAP_TOPIC_COUNTS": settings.topic_counts,
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from wiremap.cli import main; main()", "intake", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "intake did not become healthy in 60 s"
                await _pause()
            body = {
                "id": "cli-1",
                "source": "s",
                "headline": "Sirens in Lviv",
                "published_at": "2026-11-24T01:00:00+02:00",
            }
            response = await client.post(
                "/items", content=json.dumps(body), headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 202, response.text
        (record,) = await consume(kafka_bootstrap, settings.topic_items, count=1)
        assert WireItem.from_bytes(record.value).headline == "Sirens in Lviv"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.1)
