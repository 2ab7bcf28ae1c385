"""`wiremap demo`: the whole pipeline on one machine, with the sample feed replayed.

Brings up a local Apache Kafka (unless KAFKA_BOOTSTRAP_SERVERS names a cluster), the
worker and the map server as child processes, pushes the sample feed, waits until the map
shows the located reports, and prints the map's URL. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import click

from wiremap.broker import LocalBroker, ensure_topics
from wiremap.errors import WiremapError
from wiremap.settings import Settings, get_settings

__all__ = ["demo"]

_REPO = Path(__file__).resolve().parent.parent
_FEED = _REPO / "samples" / "feed.jsonl"


class _Child:
    """A wiremap subcommand running beside the demo, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._out: IO[bytes] = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wiremap", *args],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check(self) -> None:
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-30:]
            raise WiremapError(
                f"{self.name} exited with {self.proc.returncode}; last lines of {self.log}:\n"
                + "\n".join(tail)
            )

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._out.close()


def _get_json(url: str) -> object | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _wait(what: str, ready: object, children: list[_Child], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children:
            child.check()
        if callable(ready) and ready():
            return
        time.sleep(0.25)
    raise WiremapError(f"timed out after {timeout:.0f} s waiting for {what}")


def _count_reports(base: str) -> int:
    health = _get_json(f"{base}/health")
    if isinstance(health, dict):
        return int(health.get("reports", 0))
    return 0


@click.command()
@click.option("--feed", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=_FEED, show_default=True, help="JSONL wire items to replay.")
@click.option("--exit-when-ready", is_flag=True,
              help="Stop everything once the map shows the feed (for tests and CI).")
@click.option("--timeout", type=float, default=180.0, show_default=True,
              help="Seconds to wait for each stage to come up.")
def demo(feed: Path, exit_when_ready: bool, timeout: float) -> None:
    """Run broker, worker and map server, replay the sample feed, print the map's URL.

    The map runs on the replay clock: its 1 h / 24 h / 7 d windows end at the newest
    report, so a feed recorded days ago still fills them.
    """
    settings = get_settings()
    run_dir = (settings.data_dir / "demo").resolve()
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    broker: LocalBroker | None = None
    children: list[_Child] = []
    try:
        bootstrap = settings.kafka_bootstrap_servers
        if not bootstrap:
            click.echo("starting Apache Kafka …", err=True)
            started = time.monotonic()
            broker = LocalBroker(run_dir / "kafka", settings.kafka_jars_dir).start()
            bootstrap = broker.bootstrap_servers
            click.echo(f"  broker ready at {bootstrap} in {time.monotonic() - started:.1f} s",
                       err=True)
        run_settings: Settings = settings.model_copy(
            update={"kafka_bootstrap_servers": bootstrap, "data_dir": run_dir}
        )
        asyncio.run(ensure_topics(run_settings))
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "WIREMAP_DATA_DIR": str(run_dir),
        }
        click.echo("starting the worker and the map server …", err=True)
        children = [
            _Child("worker", ["worker"], env, run_dir),
            _Child("serve", ["serve", "--replay-clock"], env, run_dir),
        ]
        base = f"http://{settings.map_host}:{settings.map_port}"
        _wait("the map server", lambda: _get_json(f"{base}/health") is not None, children, timeout)

        click.echo(f"pushing {feed} …", err=True)
        push = subprocess.run(
            [sys.executable, "-m", "wiremap", "push", str(feed)], env=env, check=False
        )
        if push.returncode not in (0, 1):  # 1: some lines were rejected, as the sample intends
            raise WiremapError(f"push failed with exit code {push.returncode}")
        _wait("located reports on the map", lambda: _count_reports(base) > 0, children, timeout)
        # The feed lands in one burst; give the worker until the count stops moving.
        last, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 3 * settings.map_poll_s:
            for child in children:
                child.check()
            now = _count_reports(base)
            if now != last:
                last, stable_since = now, time.monotonic()
            time.sleep(0.25)
        click.echo(f"\nthe map shows {last} located reports\n")
        click.echo(f"  map:  {base}/")
        click.echo(f"  logs: {run_dir}/worker.log, {run_dir}/serve.log\n")
        if exit_when_ready:
            return
        click.echo("Ctrl-C to stop", err=True)
        while True:
            for child in children:
                child.check()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            child.stop()
        if broker is not None:
            broker.stop()
