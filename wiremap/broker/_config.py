"""What a KRaft node needs on disk: cluster id, free ports, server.properties, log4j2 config."""

from __future__ import annotations

import base64
import socket
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NodeSpec", "free_ports", "new_cluster_id", "render_log4j2", "render_properties"]

READY_LINE = "Kafka Server started"

# Loggers that stay at INFO whatever the level: they print the readiness line and the
# start/stop milestones that make a failure tail readable.
_MILESTONE_LOGGERS = (
    "kafka.server.KafkaRaftServer",
    "kafka.server.BrokerServer",
    "kafka.server.ControllerServer",
    "kafka.Kafka",
)


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """One combined broker+controller of a local cluster."""

    node_id: int
    port: int
    controller_port: int
    dir: Path

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.dir / "server.log"

    @property
    def properties_file(self) -> Path:
        return self.dir / "server.properties"

    @property
    def log_dir(self) -> Path:
        return self.dir / "data"


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars).

    Like Kafka's own Uuid.randomUuid(), never one starting with "-": the storage tool's
    argument parser would take it for an option.
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports that were free a moment ago."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


def render_properties(node: NodeSpec, voters: list[NodeSpec]) -> str:
    """server.properties for a combined broker+controller; replication follows cluster size."""
    size = len(voters)
    replication = min(size, 3)
    min_isr = 1 if size == 1 else 2
    quorum = ",".join(f"{v.node_id}@127.0.0.1:{v.controller_port}" for v in voters)
    props: dict[str, object] = {
        "process.roles": "broker,controller",
        "node.id": node.node_id,
        "listeners": (
            f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}"
        ),
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        # Static voters: the same list on every node, so formatting needs no --standalone.
        "controller.quorum.voters": quorum,
        "log.dirs": node.log_dir,
        # Internal topics sized for a laptop: fewer partitions make the first group join
        # and the first transaction fast.
        "offsets.topic.replication.factor": replication,
        "offsets.topic.num.partitions": 8,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": min_isr,
        "transaction.state.log.num.partitions": 8,
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": min_isr,
        "group.initial.rebalance.delay.ms": 0,
        # The default 128 MiB cleaner buffer would take a quarter of a 512 MiB heap.
        "log.cleaner.dedupe.buffer.size": 8 * 1024 * 1024,
        # Kafka's default; faust creates its internal topics itself, tests create theirs.
        "auto.create.topics.enable": "true",
        "num.partitions": 1,
        "default.replication.factor": 1,
        "num.network.threads": 2,
        "num.io.threads": 4,
        "num.recovery.threads.per.data.dir": 1,
        "log.retention.hours": 168,
        "log.segment.bytes": 64 * 1024 * 1024,
        "controlled.shutdown.enable": "true",
    }
    if size > 1:
        # Fence a dead node in ~3 s rather than 9 s, so leaders move quickly in fault tests.
        props["broker.heartbeat.interval.ms"] = 500
        props["broker.session.timeout.ms"] = 3000
    return "".join(f"{k}={v}\n" for k, v in props.items())


def render_log4j2(level: str = "WARN") -> str:
    """A log4j2 properties config: everything to stdout (the caller redirects it to a file)."""
    lines = [
        "status = warn",
        "appender.out.type = Console",
        "appender.out.name = OUT",
        "appender.out.target = SYSTEM_OUT",
        "appender.out.layout.type = PatternLayout",
        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
        f"rootLogger.level = {level}",
        "rootLogger.appenderRef.out.ref = OUT",
    ]
    for i, name in enumerate(_MILESTONE_LOGGERS):
        lines += [f"logger.m{i}.name = {name}", f"logger.m{i}.level = INFO"]
    return "\n".join(lines) + "\n"
