"""Input sources for ``wiremap push``: JSONL streams, plain-text files and directories.

Each source yields validated results (``WireItem`` or ``Rejected``) in input order, one
per record read, so the caller's count of results is the count of records read. Lines
are read with a length cap, so an over-long line is rejected without being held whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO, Literal

from wiremap.contracts import Origin, ReasonCode, Rejected, WireItem
from wiremap.errors import IngestError
from wiremap.ingest._validate import ORIGINAL_LIMIT, Validator, make_rejected

__all__ = [
    "Format",
    "TextOptions",
    "collect_files",
    "file_format",
    "iter_jsonl",
    "parse_text",
    "read_sources",
]

Format = Literal["auto", "jsonl", "text"]
Result = WireItem | Rejected
#: Called with the number of input bytes consumed since the last call.
Progress = Callable[[int], None]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class TextOptions:
    """What a plain-text file does not say about itself."""

    source: str | None = None
    published_at: datetime | None = None
    language: str | None = None


def _noop(_: int) -> None:
    return None


def _stdin_origin(line: int) -> Origin:
    return Origin(kind="stdin", line=line)


def _file_origin(path: str, line: int) -> Origin:
    return Origin(kind="file", path=path, line=line)


def _read_line(fh: BinaryIO, limit: int) -> tuple[bytes, int, bool] | None:
    """The next line without its terminator, its full length, and whether it was cut.

    Reads at most ``limit + 1`` bytes into memory; the rest of an over-long line is
    skipped (counted, not kept).
    """
    line = fh.readline(limit + 1)
    if not line:
        return None
    consumed = len(line)
    if line.endswith(b"\n") or len(line) <= limit:
        return line.rstrip(b"\r\n") if line.endswith(b"\n") else line, consumed, False
    kept = line[:ORIGINAL_LIMIT]
    while True:
        rest = fh.readline(_CHUNK)
        consumed += len(rest)
        if not rest or rest.endswith(b"\n"):
            break
    return kept, consumed, True


def iter_jsonl(
    fh: BinaryIO,
    validator: Validator,
    origin: Callable[[int], Origin],
    *,
    progress: Progress = _noop,
) -> Iterator[Result]:
    """One result per line of ``fh``; ``origin(line_number)`` says where each came from."""
    limit = validator.limits.max_record_bytes
    number = 0
    while (read := _read_line(fh, limit)) is not None:
        line, consumed, cut = read
        number += 1
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if cut:
            result: Result = make_rejected(
                line,
                ReasonCode.TOO_LARGE,
                f"line is at least {consumed} bytes; the limit is {limit}",
                origin(number),
                size=consumed,
            )
        else:
            result = validator.record(line, partial(origin, number))
        progress(consumed)
        yield result


_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def parse_text(
    data: bytes, validator: Validator, origin: Origin, options: TextOptions, mtime: float
) -> Result:
    """A plain-text file → one item: first non-empty line is the headline, the rest the body."""
    decoded = validator.decode(data, origin, what="file")
    if isinstance(decoded, Rejected):
        return decoded
    text = decoded.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = _BLANK_LINES.sub("", text)
    if not stripped.strip():
        return make_rejected(data, ReasonCode.EMPTY, "empty file (no headline)", origin)
    headline, _, rest = stripped.partition("\n")
    body = _BLANK_LINES.sub("", rest).rstrip()
    if options.source is None:
        return make_rejected(
            data,
            ReasonCode.MISSING_FIELD,
            "missing field: source (pass --source for text files)",
            origin,
        )
    published = options.published_at or datetime.fromtimestamp(mtime, UTC)
    record: dict[str, object] = {
        "source": options.source,
        "headline": headline.strip(),
        "body": body,
        "published_at": published,
    }
    if options.language:
        record["language"] = options.language
    return validator.mapping(record, origin, raw=data)


def file_format(path: Path, fmt: Format) -> Literal["jsonl", "text"]:
    """The format a file is read in: forced, or by its suffix (JSONL unless .txt)."""
    if fmt != "auto":
        return fmt
    return "text" if path.suffix.lower() in TEXT_SUFFIXES else "jsonl"


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files to read, in a stable order: directories contribute their .jsonl/.txt files."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in JSONL_SUFFIXES | TEXT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(found)
        elif path.is_file():
            out.append(path)
        elif not path.exists():
            raise IngestError(f"{path}: no such file or directory")
        else:
            raise IngestError(f"{path}: not a regular file or directory")
    return out


def read_sources(
    files: list[Path],
    validator: Validator,
    *,
    fmt: Format = "auto",
    text: TextOptions = TextOptions(),
    progress: Progress = _noop,
) -> Iterator[Result]:
    """Results for every record in ``files``, file by file, in order."""
    for path in files:
        name = str(path)
        try:
            if file_format(path, fmt) == "text":
                data = path.read_bytes()
                origin = Origin(kind="file", path=name, line=None)
                yield parse_text(data, validator, origin, text, path.stat().st_mtime)
                progress(len(data))
                continue
            with path.open("rb") as fh:
                yield from iter_jsonl(fh, validator, partial(_file_origin, name), progress=progress)
        except OSError as exc:
            raise IngestError(f"{path}: {exc.strerror or exc}") from exc


def read_stdin(
    fh: BinaryIO,
    validator: Validator,
    *,
    fmt: Format = "auto",
    text: TextOptions = TextOptions(),
    progress: Progress = _noop,
) -> Iterator[Result]:
    """Results for standard input: JSONL lines, or one text item with ``fmt='text'``."""
    if fmt == "text":
        data = fh.read(validator.limits.max_record_bytes + 1)
        rest = len(data)
        while chunk := fh.read(_CHUNK):
            rest += len(chunk)
        now = datetime.now(UTC).timestamp()
        result = parse_text(data, validator, Origin(kind="stdin", line=None), text, now)
        progress(rest)
        yield result
        return
    yield from iter_jsonl(fh, validator, _stdin_origin, progress=progress)
