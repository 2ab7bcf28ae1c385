"""Pure checks of what a node is started with."""

from __future__ import annotations

import re
from pathlib import Path

from wiremap.broker._config import NodeSpec, free_ports, new_cluster_id, render_properties


def test_cluster_ids_are_kafka_shaped_and_never_look_like_options() -> None:
    ids = [new_cluster_id() for _ in range(5000)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", cid) for cid in ids)
    assert not any(cid.startswith("-") for cid in ids)
    assert len(set(ids)) == len(ids)


def test_three_nodes_share_voters_and_replicate_internal_topics(tmp_path: Path) -> None:
    ports = free_ports(6)
    assert len(set(ports)) == 6
    nodes = [NodeSpec(i + 1, ports[2 * i], ports[2 * i + 1], tmp_path / str(i)) for i in range(3)]
    rendered = [dict(
        line.split("=", 1) for line in render_properties(n, nodes).splitlines()
    ) for n in nodes]
    assert len({r["controller.quorum.voters"] for r in rendered}) == 1
    assert rendered[0]["controller.quorum.voters"].count("@127.0.0.1:") == 3
    assert [r["node.id"] for r in rendered] == ["1", "2", "3"]
    assert rendered[1]["offsets.topic.replication.factor"] == "3"
    assert rendered[1]["transaction.state.log.min.isr"] == "2"


def test_single_node_settings_fit_one_broker(tmp_path: Path) -> None:
    (port, cport) = free_ports(2)
    node = NodeSpec(1, port, cport, tmp_path)
    props = dict(line.split("=", 1) for line in render_properties(node, [node]).splitlines())
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert int(props["log.cleaner.dedupe.buffer.size"]) <= 16 * 1024 * 1024
    assert props["advertised.listeners"] == f"PLAINTEXT://127.0.0.1:{port}"
