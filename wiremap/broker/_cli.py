"""`wiremap broker`: run a local Apache Kafka in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from wiremap.broker._process import LocalBroker
from wiremap.broker._resolve import clear_record, record_path, resolve_bootstrap, write_record
from wiremap.broker._topics import contract_topic_configs, create_topics
from wiremap.errors import BrokerError
from wiremap.settings import get_settings

__all__ = ["broker"]


@click.command()
@click.option("--nodes", type=click.Choice(["1", "3"]), default="1", show_default=True,
              help="1 node, or a 3-node cluster (replication 3) for fault drills.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Holds broker.json [default: $WIREMAP_DATA_DIR]; storage in DATA_DIR/kafka.")
@click.option("--jars", type=click.Path(path_type=Path), default=None,
              help="Kafka jars folder [default: $WIREMAP_KAFKA_JARS, filled by `make jars`].")
@click.option("--topics/--no-topics", default=True, show_default=True,
              help="Create the four contract topics once the broker is up.")
def broker(nodes: str, data_dir: Path | None, jars: Path | None, topics: bool) -> None:
    """Run a local KRaft broker and record its address for other `wiremap` commands.

    The storage is fresh on every start. Stops cleanly on Ctrl-C or SIGTERM.
    """
    settings = get_settings()
    data_dir = data_dir or settings.data_dir
    record = record_path(data_dir)
    if record.exists():
        local_only = settings.model_copy(
            update={"kafka_bootstrap_servers": None, "data_dir": data_dir}
        )
        try:
            running = resolve_bootstrap(local_only)
        except BrokerError:
            running = None
        if running:
            raise BrokerError(f"a local broker is already running at {running} ({record})")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    local = LocalBroker(data_dir / "kafka", jars or settings.kafka_jars_dir, nodes=int(nodes))
    try:
        click.echo(f"starting Apache Kafka ({nodes} node(s)) in {data_dir / 'kafka'} …", err=True)
        local.start()
        bootstrap = local.bootstrap_servers
        if topics:
            asyncio.run(create_topics(bootstrap, contract_topic_configs(settings),
                                      partitions=settings.partitions))
        write_record(data_dir, bootstrap, nodes=int(nodes))
        click.echo(bootstrap)
        click.echo(f"recorded in {record}; Ctrl-C to stop", err=True)
        while not stop.wait(0.5):
            dead = [n.node_id for n in local.nodes if not local.is_alive(n.node_id)]
            if dead:
                raise BrokerError(
                    f"Kafka node {dead[0]} died; last lines of its log:\n{local.log_tail(dead[0])}"
                )
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("stopping Kafka …", err=True)
        if local.nodes:
            clear_record(data_dir, ",".join(n.bootstrap for n in local.nodes))
        local.stop()
        signal.signal(signal.SIGTERM, previous)
