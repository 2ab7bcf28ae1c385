"""``wiremap push``, ``wiremap intake`` and ``wiremap replay``.

Exit codes: 0 everything accepted, 1 something was rejected (push), 2 an operational
error (unreadable input, Kafka unreachable, bad usage).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Coroutine, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click
from aiokafka.errors import KafkaError

from wiremap.errors import WiremapError
from wiremap.ingest._producer import COMPRESSION
from wiremap.ingest._read import (
    Format,
    Result,
    TextOptions,
    collect_files,
    file_format,
    read_sources,
    read_stdin,
)
from wiremap.ingest._replay import DumpRange, DumpRecord
from wiremap.ingest._validate import DEFAULT_MAX_REQUEST_BYTES, Limits, Validator
from wiremap.settings import Settings, get_settings

__all__ = ["intake", "push", "replay"]

T = TypeVar("T")
#: Inputs at least this large (or of unknown size) get a progress bar on a terminal.
PROGRESS_BYTES = 1 << 20


class AwareDateTime(click.ParamType):
    """An ISO 8601 date-time that must carry a timezone."""

    name = "ISO-DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value))
            except ValueError:
                self.fail(f"{value!r} is not an ISO 8601 date-time", param, ctx)
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail(f"{value!r} has no timezone; add Z or an offset such as +03:00", param, ctx)
        return parsed


def _settings(ctx: click.Context) -> Settings:
    """Settings passed in by a caller (``obj``, as tests do), else the process-wide ones."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else get_settings()


def _fail(command: str, exc: BaseException) -> NoReturn:
    click.echo(f"wiremap {command}: error: {exc}", err=True)
    raise SystemExit(2)


def _run(command: str, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro``; project and Kafka errors become a message and exit code 2."""
    try:
        return asyncio.run(coro)
    except (WiremapError, KafkaError, OSError) as exc:
        _fail(command, exc)
    except KeyboardInterrupt:
        click.echo(f"wiremap {command}: interrupted", err=True)
        raise SystemExit(130) from None


def _bootstrap(settings: Settings) -> str:
    from wiremap.broker import resolve_bootstrap

    return resolve_bootstrap(settings)


@contextlib.contextmanager
def _progress(total: int | None, enabled: bool | None) -> Iterator[Callable[[int], None]]:
    show = enabled
    if show is None:
        show = sys.stderr.isatty() and (total is None or total >= PROGRESS_BYTES)
    if not show:
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, desc="push", mininterval=0.25) as bar:
        yield bar.update


async def _push(settings: Settings, results: Iterator[Result], *, keep: bool, compression: str) -> Any:
    from wiremap.broker import ensure_topics
    from wiremap.ingest._producer import WireProducer
    from wiremap.ingest._push import PushSummary, push_results

    bootstrap = _bootstrap(settings)
    await ensure_topics(settings, bootstrap=bootstrap)
    async with WireProducer(settings, bootstrap, compression=compression) as producer:
        return await push_results(results, producer, summary=PushSummary(keep=keep))


_COMPRESSION_OPTION = click.option(
    "--compression",
    type=click.Choice(COMPRESSION),
    default="none",
    show_default=True,
    help="Producer compression (zstd pays off against a remote, bandwidth-bound cluster).",
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--source", help="Source name for plain-text files (required for them).")
@click.option(
    "--published-at",
    type=AwareDateTime(),
    help="Publication time for plain-text files (default: each file's mtime, UTC).",
)
@click.option("--language", help="Language tag for plain-text files (default: en).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "text"]),
    default="auto",
    show_default=True,
    help="auto: .txt files are text, everything else (and stdin) JSONL.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: on a terminal, for inputs over 1 MB).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--show-rejects", is_flag=True, help="Also print each rejection (origin, reason).")
@_COMPRESSION_OPTION
@click.pass_context
def push(
    ctx: click.Context,
    paths: tuple[Path, ...],
    source: str | None,
    published_at: datetime | None,
    language: str | None,
    fmt: Format,
    progress: bool | None,
    as_json: bool,
    show_rejects: bool,
    compression: str,
) -> None:
    """Validate wire items from PATHS (files, directories or - for stdin) and produce them.

    JSONL holds one item per line; a plain-text file is one item (first non-empty line
    the headline, the rest the body). Bad records go to the rejected topic with their
    file and line. Exit code 1 if anything was rejected, 2 on errors.
    """
    settings = _settings(ctx)
    validator = Validator(Limits.from_settings(settings))
    text = TextOptions(source=source, published_at=published_at, language=language)
    use_stdin = any(str(p) == "-" for p in paths)
    if use_stdin and len(paths) > 1:
        raise click.UsageError("'-' (stdin) cannot be combined with other paths")
    try:
        files = [] if use_stdin else collect_files(paths)
    except WiremapError as exc:
        _fail("push", exc)
    if not use_stdin and not files:
        _fail("push", WiremapError("no .jsonl/.ndjson/.json/.txt files in the given paths"))
    needs_source = (use_stdin and fmt == "text") or any(file_format(f, fmt) == "text" for f in files)
    if needs_source and not source:
        raise click.UsageError("plain-text input needs --source (the wire it came from)")
    total = None if use_stdin else sum(f.stat().st_size for f in files)
    with _progress(total, progress) as tick:
        if use_stdin:
            results = read_stdin(sys.stdin.buffer, validator, fmt=fmt, text=text, progress=tick)
        else:
            results = read_sources(files, validator, fmt=fmt, text=text, progress=tick)
        summary = _run("push", _push(settings, results, keep=show_rejects, compression=compression))
    summary.check()
    if show_rejects:
        for r in summary.rejections:
            where = r.origin.path or r.origin.kind
            line = f":{r.origin.line}" if r.origin.line else ""
            click.echo(f"{where}{line}: {r.reason.value}: {r.message}", err=True)
    if as_json:
        click.echo(summary.to_json())
    else:
        click.echo(summary.render())
        if summary.rejected_total:
            click.echo(f"rejections recorded on {settings.topic_rejected}")
    ctx.exit(1 if summary.rejected_total else 0)


@click.command()
@click.option("--host", help="Listen address (default: WIREMAP_INTAKE_HOST).")
@click.option("--port", type=int, help="Listen port (default: WIREMAP_INTAKE_PORT).")
@click.option(
    "--max-request-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_REQUEST_BYTES,
    show_default=True,
    help="Largest request body accepted (413 beyond, recorded as a rejection).",
)
@_COMPRESSION_OPTION
@click.pass_context
def intake(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    max_request_bytes: int,
    compression: str,
) -> None:
    """Serve the HTTP intake: POST /items (JSON or NDJSON), GET /health."""
    import uvicorn

    from wiremap.broker import ensure_topics
    from wiremap.ingest._intake import create_intake_app
    from wiremap.ingest._producer import WireProducer

    settings = _settings(ctx)

    async def serve() -> None:
        bootstrap = _bootstrap(settings)
        await ensure_topics(settings, bootstrap=bootstrap)
        async with WireProducer(
            settings, bootstrap, client_id="wiremap-intake", compression=compression
        ) as producer:
            app = create_intake_app(settings, producer, max_request_bytes=max_request_bytes)
            config = uvicorn.Config(
                app,
                host=host or settings.intake_host,
                port=port if port is not None else settings.intake_port,
                lifespan="off",
                log_level="info",
            )
            await uvicorn.Server(config).serve()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        # uvicorn re-raises the SIGINT it caught once it has shut down: a clean stop.
        pass
    except (WiremapError, KafkaError, OSError) as exc:
        _fail("intake", exc)


@click.group()
def replay() -> None:
    """Dump a topic to JSONL, or push a dump back."""


@replay.command("dump")
@click.argument("topic")
@click.option("--out", "out", default="-", show_default=True, help="Output file, or - for stdout.")
@click.option("--partition", type=click.IntRange(min=0), help="Only this partition.")
@click.option("--from-offset", type=click.IntRange(min=0), help="First offset (inclusive).")
@click.option("--to-offset", type=click.IntRange(min=0), help="End offset (exclusive).")
@click.option("--since", type=AwareDateTime(), help="First record time (inclusive).")
@click.option("--until", type=AwareDateTime(), help="End record time (exclusive).")
@click.pass_context
def replay_dump(
    ctx: click.Context,
    topic: str,
    out: str,
    partition: int | None,
    from_offset: int | None,
    to_offset: int | None,
    since: datetime | None,
    until: datetime | None,
) -> None:
    """Write TOPIC's committed records as JSONL, by partition then offset.

    Stops at the end offsets seen when it starts. Offsets are [from, to) per partition;
    times are [since, until) by record timestamp, resolved to offsets by the broker.
    """
    from wiremap.ingest._replay import dump_topic

    if (from_offset is not None or to_offset is not None) and (since or until):
        raise click.UsageError("use either --from-offset/--to-offset or --since/--until")
    settings = _settings(ctx)
    rng = DumpRange(partition, from_offset, to_offset, since, until)

    async def run(fh: IO[str]) -> int:
        return await dump_topic(_bootstrap(settings), topic, fh, rng)

    if out == "-":
        count = _run("replay dump", run(sys.stdout))
    else:
        with open(out, "w", encoding="utf-8") as fh:
            count = _run("replay dump", run(fh))
    click.echo(f"dumped {count} records from {topic}", err=True)


def _stream_dump(path: Path) -> Iterator[DumpRecord]:
    from wiremap.ingest._replay import parse_dump

    with path.open("rb") as fh:
        yield from parse_dump(fh)


@replay.command("push")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True, dir_okay=False))
@click.option("--topic", required=True, help="Topic to produce to (created if missing).")
@click.option(
    "--keep-timestamps/--new-timestamps",
    default=True,
    show_default=True,
    help="Keep each record's timestamp (old ones may fall outside the topic's retention).",
)
@click.option(
    "--repartition",
    is_flag=True,
    help="Let the key pick the partition instead of keeping the dumped one.",
)
@click.pass_context
def replay_push(ctx: click.Context, file: Path, topic: str, keep_timestamps: bool, repartition: bool) -> None:
    """Produce a dump FILE (or - for stdin) to TOPIC, keeping keys, values and order."""
    from wiremap.broker import create_topics
    from wiremap.ingest._producer import WireProducer
    from wiremap.ingest._replay import parse_dump, push_dump

    settings = _settings(ctx)

    async def run() -> int:
        bootstrap = _bootstrap(settings)
        if str(file) == "-":
            records: Iterable[DumpRecord] = list(parse_dump(sys.stdin.buffer))
            highest = max((r.partition for r in records), default=0)
        else:
            # Two passes over a file (partition count first) keep memory flat for big dumps;
            # both passes validate every line before anything is produced.
            with file.open("rb") as fh:
                highest = max((r.partition for r in parse_dump(fh)), default=0)
            records = _stream_dump(file)
        await create_topics(bootstrap, [topic], partitions=highest + 1)
        async with WireProducer(settings, bootstrap, client_id="wiremap-replay") as producer:
            return await push_dump(
                records,
                producer,
                topic,
                keep_partitions=not repartition,
                keep_timestamps=keep_timestamps,
            )

    count = _run("replay push", run())
    click.echo(f"pushed {count} records to {topic}", err=True)
