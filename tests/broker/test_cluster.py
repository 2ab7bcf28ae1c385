"""Three local nodes: a replicated topic survives losing one of them to SIGKILL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from tests._kafka import consume
from tests.conftest import jars_dir
from wiremap.broker import LocalBroker, create_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalBroker]:
    with LocalBroker(tmp_path / "cluster", jars_dir(), nodes=3) as broker:
        yield broker


async def _leader_of(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        (partition,) = described["partitions"]
        assert sorted(partition["replicas"]) == [1, 2, 3]
        return int(partition["leader"])
    finally:
        await admin.close()


async def test_rf3_topic_keeps_taking_acks_all_writes_after_a_node_is_killed(
    cluster: LocalBroker,
) -> None:
    bootstrap = cluster.bootstrap_servers
    assert len(bootstrap.split(",")) == 3
    topic = "replicated"
    await create_topics(bootstrap, [topic], partitions=1)
    leader = await _leader_of(bootstrap, topic)

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, request_timeout_ms=30000
    )
    await producer.start()
    try:
        for i in range(50):
            await producer.send_and_wait(topic, f"before-{i}".encode())
        cluster.kill_node(leader)
        assert not cluster.is_alive(leader)
        for i in range(50):
            await producer.send_and_wait(topic, f"after-{i}".encode())
    finally:
        await producer.stop()

    survivors = cluster.bootstrap_servers
    assert len(survivors.split(",")) == 2
    assert await _leader_of(survivors, topic) not in (leader, -1)
    got = [r.value for r in await consume(survivors, topic, count=100, timeout=30)]
    assert got == [f"before-{i}".encode() for i in range(50)] + [
        f"after-{i}".encode() for i in range(50)
    ]
