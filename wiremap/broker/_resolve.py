"""Finding the cluster to use: configured servers, else a `wiremap broker` on this machine."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from wiremap.errors import BrokerError
from wiremap.settings import Settings

__all__ = ["clear_record", "record_path", "resolve_bootstrap", "write_record"]


def record_path(data_dir: Path) -> Path:
    return Path(data_dir) / "broker.json"


def write_record(data_dir: Path, bootstrap: str, *, nodes: int, pid: int | None = None) -> Path:
    path = record_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"bootstrap_servers": bootstrap, "nodes": nodes, "pid": pid or os.getpid()}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body) + "\n")
    tmp.replace(path)
    return path


def clear_record(data_dir: Path, bootstrap: str) -> None:
    """Remove the record if it still names this broker (a newer one may have replaced it)."""
    path = record_path(data_dir)
    try:
        if json.loads(path.read_text()).get("bootstrap_servers") == bootstrap:
            path.unlink()
    except (OSError, ValueError):
        pass


def _reachable(bootstrap: str) -> bool:
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
                return True
        except (OSError, ValueError):
            continue
    return False


def resolve_bootstrap(settings: Settings) -> str:
    """settings.kafka_bootstrap_servers, else the running local broker recorded in data_dir."""
    if settings.kafka_bootstrap_servers:
        return settings.kafka_bootstrap_servers
    path = record_path(settings.data_dir)
    hint = "start one with `wiremap broker` (or `make demo`), or set KAFKA_BOOTSTRAP_SERVERS"
    try:
        record = json.loads(path.read_text())
        bootstrap = str(record["bootstrap_servers"])
    except FileNotFoundError:
        raise BrokerError(
            f"no Kafka configured and no local broker recorded at {path}: {hint}"
        ) from None
    except (OSError, ValueError, KeyError) as exc:
        raise BrokerError(f"unreadable broker record {path} ({exc}): {hint}") from exc
    if not _reachable(bootstrap):
        raise BrokerError(
            f"the local broker recorded in {path} ({bootstrap}) is not running: {hint}"
        )
    return bootstrap
