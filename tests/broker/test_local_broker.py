"""The session broker is real Kafka: topics, acks=all writes, reads from earliest, groups."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests._kafka import consume, produce
from wiremap.broker import create_topics, ensure_topics
from wiremap.errors import BrokerError
from wiremap.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_roundtrip_keeps_keys_values_and_partition_order(
    kafka_bootstrap: str, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("roundtrip", partitions=3)
    sent = [(f"k{i % 5}".encode(), f"v{i}".encode()) for i in range(200)]
    await produce(kafka_bootstrap, topic, sent)

    got = await consume(kafka_bootstrap, topic, count=len(sent))

    assert sorted((r.key, r.value) for r in got) == sorted(sent)
    assert {r.partition for r in got} == {0, 1, 2}
    for key in {k for k, _ in sent}:
        values = [r.value for r in sorted(got, key=lambda r: r.offset) if r.key == key]
        assert values == [v for k, v in sent if k == key]
        assert len({r.partition for r in got if r.key == key}) == 1


async def test_consume_reports_what_it_got_on_timeout(
    kafka_bootstrap: str, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("short")
    await produce(kafka_bootstrap, topic, [(None, b"only")])
    with pytest.raises(AssertionError, match=r"got 1 of 2 records"):
        await consume(kafka_bootstrap, topic, count=2, timeout=2.0)


async def test_consumer_group_commits_and_resumes(
    kafka_bootstrap: str, new_topic: Callable[..., str], new_group: Callable[..., str]
) -> None:
    topic, group = new_topic("group"), new_group()
    await produce(kafka_bootstrap, topic, [(None, b"a"), (None, b"b")])

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        first = await consumer.getone()
        await consumer.commit()
    finally:
        await consumer.stop()
    assert first.value == b"a"

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, group_id=group)
    await consumer.start()
    try:
        assert await consumer.committed(TopicPartition(topic, 0)) == 1
        assert (await consumer.getone()).value == b"b"
    finally:
        await consumer.stop()


async def test_make_settings_creates_the_four_contract_topics(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(partitions=2)
    assert settings.app_id.startswith("wiremap-")
    topics = [settings.topic_items, settings.topic_rejected, settings.topic_located,
              settings.topic_counts]
    assert len(set(topics)) == 4
    # ensure_topics on existing topics is a no-op, not an error.
    await ensure_topics(settings)
    for topic in topics:
        await produce(settings.kafka_bootstrap_servers or "", topic, [(b"k", b"v")])
        assert len(await consume(settings.kafka_bootstrap_servers or "", topic, count=1)) == 1


async def test_create_topics_rejects_bad_names_clearly(kafka_bootstrap: str) -> None:
    with pytest.raises(BrokerError, match="creating topic"):
        await create_topics(kafka_bootstrap, ["bad topic name!"])
