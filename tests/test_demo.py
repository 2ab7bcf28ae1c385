"""`wiremap demo` (what `make demo` runs) brings the whole pipeline up on the sample feed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import jars_dir

REPO = Path(__file__).resolve().parents[1]
CASES = json.loads((REPO / "samples" / "cases.json").read_text())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return bytes(resp.read())


@pytest.mark.slow
@pytest.mark.integration
def test_demo_shows_every_unique_sample_item_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "WIREMAP_DATA_DIR": str(tmp_path),
        "WIREMAP_MAP_PORT": str(port),
        "WIREMAP_KAFKA_JARS": str(jars_dir()),
        "WIREMAP_MAP_TILES_URL": "",
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiremap", "demo"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            if f"map:  {base}/" in line:
                break
        else:
            pytest.fail("demo ended before printing the map URL:\n" + "".join(output))
        text = "".join(output)
        assert f"read {CASES['lines']}  accepted {CASES['accepted']}  rejected {CASES['rejected']}" in text

        deadline = time.monotonic() + 120
        reports = -1
        while time.monotonic() < deadline:
            reports = json.loads(_get(f"{base}/health"))["reports"]
            if reports >= CASES["unique_items"]:
                break
            time.sleep(0.5)
        assert reports == CASES["unique_items"]
        page = _get(f"{base}/").decode()
        assert "<html" in page.lower()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, "".join(output)
