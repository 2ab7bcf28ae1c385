"""Finding the cluster: configured servers win, else a running `wiremap broker`, else advice."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from wiremap.broker import resolve_bootstrap
from wiremap.errors import BrokerError
from wiremap.settings import Settings


def test_configured_servers_win(tmp_path: Path) -> None:
    settings = Settings(kafka_bootstrap_servers="kafka-1:9092,kafka-2:9092", data_dir=tmp_path)
    assert resolve_bootstrap(settings) == "kafka-1:9092,kafka-2:9092"


def test_no_broker_anywhere_says_how_to_start_one(tmp_path: Path) -> None:
    settings = Settings(kafka_bootstrap_servers=None, data_dir=tmp_path)
    with pytest.raises(BrokerError, match=r"wiremap broker.*KAFKA_BOOTSTRAP_SERVERS"):
        resolve_bootstrap(settings)


def test_a_stale_record_is_not_trusted(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "broker.json").write_text(json.dumps({"bootstrap_servers": f"127.0.0.1:{port}"}))
    settings = Settings(kafka_bootstrap_servers=None, data_dir=tmp_path)
    with pytest.raises(BrokerError, match="is not running"):
        resolve_bootstrap(settings)


def test_a_corrupt_record_is_named(tmp_path: Path) -> None:
    (tmp_path / "broker.json").write_text("{not json")
    settings = Settings(kafka_bootstrap_servers=None, data_dir=tmp_path)
    with pytest.raises(BrokerError, match="unreadable broker record"):
        resolve_bootstrap(settings)


def test_a_listening_record_is_used(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        address = f"127.0.0.1:{sock.getsockname()[1]}"
        (tmp_path / "broker.json").write_text(json.dumps({"bootstrap_servers": address}))
        settings = Settings(kafka_bootstrap_servers=None, data_dir=tmp_path)
        assert resolve_bootstrap(settings) == address
