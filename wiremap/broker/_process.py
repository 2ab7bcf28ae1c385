"""LocalBroker: Apache Kafka (KRaft, combined broker+controller) run from Maven Central jars."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType

from wiremap.broker._config import (
    READY_LINE,
    NodeSpec,
    free_ports,
    new_cluster_id,
    render_log4j2,
    render_properties,
)
from wiremap.errors import BrokerError

__all__ = ["LocalBroker"]

_LIVE: weakref.WeakSet[LocalBroker] = weakref.WeakSet()


def _stop_all_at_exit() -> None:
    for broker in list(_LIVE):
        broker.stop()


atexit.register(_stop_all_at_exit)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the Python that started us dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


class LocalBroker:
    """A throwaway local Kafka cluster of 1 or 3 nodes on free loopback ports.

    Every start formats fresh storage under ``data_dir`` with a new cluster id, so a run
    never sees an earlier run's topics. Processes run in their own process group and are
    stopped on ``stop()``, on context exit, at interpreter exit, and (Linux, started from
    the main thread) when this Python process dies.
    """

    def __init__(
        self,
        data_dir: Path | str,
        jars_dir: Path | str,
        nodes: int = 1,
        *,
        heap_mb: int = 512,
        ready_timeout: float = 90.0,
        log_level: str = "WARN",
        java: str | None = None,
    ) -> None:
        if nodes not in (1, 3):
            raise BrokerError(f"nodes must be 1 or 3, not {nodes}")
        self.data_dir = Path(data_dir).resolve()
        self.jars_dir = Path(jars_dir).resolve()
        self.node_count = nodes
        self.heap_mb = heap_mb
        self.ready_timeout = ready_timeout
        self.log_level = log_level
        self.java = java or shutil.which("java") or "java"
        self.cluster_id: str | None = None
        self.nodes: list[NodeSpec] = []
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    # -- public ---------------------------------------------------------------------------

    @property
    def bootstrap_servers(self) -> str:
        """Comma-separated ``host:port`` of the running nodes."""
        if not self._procs:
            raise BrokerError("the local broker is not running")
        return ",".join(n.bootstrap for n in self.nodes if self.is_alive(n.node_id))

    def start(self) -> LocalBroker:
        """Format storage, start every node and wait until each says it has started."""
        if self._procs:
            return self
        self._check_jars()
        self._prepare()
        _LIVE.add(self)
        try:
            self._format()
            for node in self.nodes:
                self._spawn(node)
            deadline = time.monotonic() + self.ready_timeout
            for node in self.nodes:
                self._wait_ready(node, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM every node (a clean shutdown), SIGKILL what is left after ``timeout``."""
        with self._lock:
            procs = dict(self._procs)
            self._procs.clear()
        for proc in procs.values():
            self._signal(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in procs.values():
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait()
        _LIVE.discard(self)

    def kill_node(self, node_id: int) -> None:
        """SIGKILL one node (no clean shutdown), for fault tests."""
        with self._lock:
            proc = self._procs.get(node_id)
        if proc is None:
            raise BrokerError(f"node {node_id} is not running")
        self._signal(proc, signal.SIGKILL)
        proc.wait()

    @property
    def pids(self) -> dict[int, int]:
        """node id → JVM process id, for the nodes started and not yet stopped."""
        return {node_id: proc.pid for node_id, proc in self._procs.items()}

    def is_alive(self, node_id: int) -> bool:
        proc = self._procs.get(node_id)
        return proc is not None and proc.poll() is None

    def log_tail(self, node_id: int = 1, lines: int = 40) -> str:
        return _tail(self._node(node_id).log_file, lines)

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.bootstrap_servers if self._procs else "stopped"
        return f"LocalBroker(nodes={self.node_count}, {state})"

    # -- steps ----------------------------------------------------------------------------

    def _check_jars(self) -> None:
        if not self.jars_dir.is_dir() or not any(self.jars_dir.glob("kafka_2.13-*.jar")):
            raise BrokerError(
                f"no Apache Kafka jars in {self.jars_dir}: run `make jars` "
                "(bash scripts/fetch-kafka.sh) or set WIREMAP_KAFKA_JARS"
            )
        if shutil.which(self.java) is None and not Path(self.java).is_file():
            raise BrokerError(f"java not found ({self.java!r}): Kafka needs Java 17+")

    def _prepare(self) -> None:
        self.cluster_id = new_cluster_id()
        ports = free_ports(2 * self.node_count)
        self.nodes = [
            NodeSpec(
                node_id=i + 1,
                port=ports[2 * i],
                controller_port=ports[2 * i + 1],
                dir=self.data_dir / f"node-{i + 1}",
            )
            for i in range(self.node_count)
        ]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "log4j2.properties").write_text(render_log4j2(self.log_level))
        for node in self.nodes:
            if node.dir.exists():
                shutil.rmtree(node.dir)
            node.dir.mkdir(parents=True)
            node.properties_file.write_text(render_properties(node, self.nodes))

    def _java_cmd(self, main: str, *args: str, heap_mb: int) -> list[str]:
        return [
            self.java,
            f"-Xmx{heap_mb}m",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp",
            f"{self.jars_dir}/*",
            main,
            *args,
        ]

    def _format(self) -> None:
        assert self.cluster_id is not None
        running = []
        for node in self.nodes:
            cmd = self._java_cmd(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                self.cluster_id,
                "-c",
                str(node.properties_file),
                heap_mb=256,
            )
            log = (node.dir / "format.log").open("wb")
            running.append((node, log, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)))
        for node, log, proc in running:
            try:
                code = proc.wait(max(self.ready_timeout, 60.0))
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            finally:
                log.close()
            if code != 0:
                raise BrokerError(
                    f"formatting Kafka storage for node {node.node_id} failed (exit {code}):\n"
                    + _tail(node.dir / "format.log")
                )

    def _spawn(self, node: NodeSpec) -> None:
        cmd = self._java_cmd("kafka.Kafka", str(node.properties_file), heap_mb=self.heap_mb)
        in_main = threading.current_thread() is threading.main_thread()
        preexec = _die_with_parent if in_main else None
        with node.log_file.open("ab") as log:
            proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=preexec,
            )
        with self._lock:
            self._procs[node.node_id] = proc

    def _wait_ready(self, node: NodeSpec, deadline: float) -> None:
        proc = self._procs[node.node_id]
        while True:
            if proc.poll() is not None:
                raise BrokerError(
                    f"Kafka node {node.node_id} exited with code {proc.returncode} before it was "
                    f"ready; last lines of {node.log_file}:\n{_tail(node.log_file)}"
                )
            if self._says_ready(node) and self._accepts(node):
                return
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"Kafka node {node.node_id} was not ready within {self.ready_timeout:.0f} s "
                    f"(no {READY_LINE!r} line); last lines of {node.log_file}:\n"
                    + _tail(node.log_file)
                )
            time.sleep(0.05)

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _says_ready(node: NodeSpec) -> bool:
        try:
            with node.log_file.open("rb") as f:
                return READY_LINE.encode() in f.read()
        except OSError:
            return False

    @staticmethod
    def _accepts(node: NodeSpec) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", node.port), 1):
            return True
        return False

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)

    def _node(self, node_id: int) -> NodeSpec:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise BrokerError(f"no node {node_id}")
