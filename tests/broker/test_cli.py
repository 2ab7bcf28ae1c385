"""`wiremap broker` runs Kafka in the foreground, records it for other commands, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._kafka import consume, produce
from tests.conftest import jars_dir
from wiremap.broker import resolve_bootstrap
from wiremap.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_broker_command_records_serves_and_stops(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WIREMAP_DATA_DIR": str(tmp_path),
        "WIREMAP_KAFKA_JARS": str(jars_dir()),
        "WIREMAP_PARTITIONS": "2",
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from wiremap.cli import main; main()", "broker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = (proc.stdout.readline() if proc.stdout else "").strip()
        assert printed.startswith("127.0.0.1:"), proc.stderr.read() if proc.stderr else ""
        record = json.loads((tmp_path / "broker.json").read_text())
        assert record["bootstrap_servers"] == printed

        settings = Settings(kafka_bootstrap_servers=None, data_dir=tmp_path)
        bootstrap = resolve_bootstrap(settings)
        assert bootstrap == printed
        # The contract topics exist already, with the configured partition count.
        asyncio.run(produce(bootstrap, settings.topic_items, [(b"a", b"1"), (b"b", b"2")]))
        got = asyncio.run(consume(bootstrap, settings.topic_items, count=2))
        assert {r.value for r in got} == {b"1", b"2"}
        assert {r.partition for r in got} <= {0, 1}
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0
    assert not (tmp_path / "broker.json").exists()
    _, _, port = printed.rpartition(":")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=0.5).close()
        except OSError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the broker still accepts connections after the command stopped")
