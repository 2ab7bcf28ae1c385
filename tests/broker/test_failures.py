"""A broker that cannot start says why, with the log tail, and leaves no JVM behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import jars_dir
from wiremap.broker import LocalBroker
from wiremap.errors import BrokerError


def _jvms_using(path: Path) -> list[int]:
    """PIDs of processes whose command line mentions ``path``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if str(path).encode() in cmdline and b"java" in cmdline:
            found.append(int(entry.name))
    return [pid for pid in found if pid != os.getpid()]


def test_missing_jars_say_how_to_fetch_them(tmp_path: Path) -> None:
    broker = LocalBroker(tmp_path / "data", tmp_path / "no-jars")
    with pytest.raises(BrokerError, match=r"no Apache Kafka jars in .*make jars"):
        broker.start()


@pytest.mark.slow
def test_incomplete_jars_fail_with_the_java_error(tmp_path: Path) -> None:
    partial = tmp_path / "jars"
    partial.mkdir()
    for jar in jars_dir().glob("kafka_2.13-*.jar"):
        shutil.copy(jar, partial)
    broker = LocalBroker(tmp_path / "data", partial)
    with pytest.raises(BrokerError, match="formatting Kafka storage for node 1 failed") as err:
        broker.start()
    assert "NoClassDefFoundError" in str(err.value) or "ClassNotFound" in str(err.value)
    assert not _jvms_using(tmp_path)


@pytest.mark.slow
def test_readiness_deadline_reports_the_log_and_stops_the_jvm(tmp_path: Path) -> None:
    broker = LocalBroker(tmp_path / "data", jars_dir(), ready_timeout=0.2)
    with pytest.raises(BrokerError, match=r"not ready within .*last lines of .*server\.log"):
        broker.start()
    assert not broker.is_alive(1)
    assert not _jvms_using(tmp_path)
