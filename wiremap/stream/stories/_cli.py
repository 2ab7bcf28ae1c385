"""``wiremap stories FILE.jsonl``: the story stage, offline, over wire items in arrival order."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import click
from pydantic import ValidationError

from wiremap.contracts import WireItem
from wiremap.stream.stories._stage import StoryStage

__all__ = ["stories"]


def _parse(raw: bytes) -> WireItem:
    """One line → a WireItem, or ValueError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"bad_encoding: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed_json: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"not_an_object: expected a JSON object, got {type(obj).__name__}")
    try:
        return WireItem.model_validate(obj)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(item)'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise ValueError(f"invalid_item: {problems}") from None


@click.command()
@click.argument("file", type=click.File("rb"))
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per item: id, story_id, story_size, matched_id, similarity.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Similarity threshold (default: settings.story_threshold).")
@click.option("--window", "window_s", type=click.FloatRange(0, min_open=True), default=None,
              help="Story window in seconds of event time (default: settings.story_window_s).")
def stories(file: IO[bytes], as_json: bool, threshold: float | None, window_s: float | None) -> None:
    """Group the wire items in FILE (JSON lines, arrival order; - for stdin) into stories.

    Prints one line per item: its id and its story id, tab-separated. Invalid lines are
    reported on stderr with their line number and skipped; the exit status is then 1.
    """
    stage = StoryStage(threshold=threshold, window_s=window_s)
    bad = total = 0
    out = click.get_text_stream("stdout")
    for number, raw in enumerate(file, start=1):
        if not raw.strip():
            continue
        total += 1
        try:
            item = _parse(raw.rstrip(b"\r\n"))
        except ValueError as exc:
            bad += 1
            click.echo(f"wiremap stories: line {number}: {exc}", err=True)
            continue
        a = stage.assign(item.id, item.text, item.published_at.timestamp())
        if as_json:
            record = {"id": item.id, "story_id": a.story_id, "story_size": a.story_size,
                      "matched_id": a.matched_id, "similarity": a.similarity}
            out.write(json.dumps(record) + "\n")
        else:
            out.write(f"{item.id}\t{a.story_id}\n")
    out.flush()
    if bad:
        click.echo(f"wiremap stories: {bad} of {total} lines invalid", err=True)
        sys.exit(1)
