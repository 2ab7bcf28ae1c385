"""No JVM outlives the Python that started it: not on a normal exit, not on SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import jars_dir

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_SCRIPT = """
import sys, time
from wiremap.broker import LocalBroker
broker = LocalBroker(sys.argv[1], sys.argv[2]).start()
print(broker.pids[1], flush=True)
if sys.argv[3] == "hang":
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("ending", ["exit", "hang"])
def test_jvm_stops_with_its_python(tmp_path: Path, ending: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, str(tmp_path), str(jars_dir()), ending],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    jvm = 0
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        jvm = int(line)
        assert _alive(jvm)
        if ending == "hang":
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert _wait_gone(jvm, 30), f"JVM {jvm} outlived its Python ({ending})"
    finally:
        proc.kill()
        if jvm and _alive(jvm):
            os.killpg(jvm, signal.SIGKILL)
