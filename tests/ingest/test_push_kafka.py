"""``wiremap push`` against the real broker: summaries, exit codes, and what lands on the topics."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests._kafka import consume
from wiremap.contracts import ReasonCode, Rejected, WireItem
from wiremap.ingest._cli import push
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> & \u2028 </b>"


def item(n: int, **extra: object) -> dict[str, object]:
    return {
        "id": f"it-{n}",
        "source": "desk",
        "headline": f"Report {n}: drones over Kursk Oblast",
        "body": f"Body of report {n}. {HOSTILE}",
        "published_at": f"2026-11-2{n % 5}T0{n % 10}:00:00+03:00",
        **extra,
    }


def write_feed(path: Path) -> tuple[list[dict[str, object]], dict[int, ReasonCode]]:
    """A JSONL feed of good items with malformed lines at known positions."""
    bad = {
        3: (b'{"id": "x", "headline": ', ReasonCode.MALFORMED_JSON),
        6: (b'["not", "an", "object"]', ReasonCode.NOT_AN_OBJECT),
        8: (
            json.dumps({"source": "desk", "published_at": "2026-11-20T00:00:00Z"}).encode(),
            ReasonCode.MISSING_FIELD,
        ),
        11: (json.dumps(item(99, published_at="2026-11-20T00:00:00")).encode(), ReasonCode.NAIVE_DATETIME),
        12: (b"", ReasonCode.EMPTY),
        14: (b'{"headline": "\xff"}', ReasonCode.BAD_ENCODING),
    }
    lines: list[bytes] = []
    goods: list[dict[str, object]] = []
    for number in range(1, 21):
        if number in bad:
            lines.append(bad[number][0])
        else:
            goods.append(item(number))
            lines.append(json.dumps(goods[-1], ensure_ascii=False).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")
    return goods, {n: code for n, (_, code) in bad.items()}


def run_push(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(push, list(args), obj=settings, catch_exceptions=False)
    return result.exit_code, result.output


def test_push_feed_with_malformed_lines(
    make_settings: Callable[..., Settings], kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = make_settings()
    feed = tmp_path / "feed.jsonl"
    goods, bad = write_feed(feed)

    code, out = run_push(settings, str(feed), "--json")
    assert code == 1, out
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["read"] == 20
    assert summary["accepted"] == len(goods) == 14
    assert summary["rejected"] == len(bad) == 6
    assert summary["read"] == summary["accepted"] + summary["rejected"]
    assert summary["rejected_by_reason"] == {c.value: 1 for c in bad.values()}

    items = asyncio.run(consume(kafka_bootstrap, settings.topic_items, count=len(goods)))
    got = {r.key.decode(): WireItem.from_bytes(r.value) for r in items}
    assert set(got) == {g["id"] for g in goods}
    assert got["it-1"].body == f"Body of report 1. {HOSTILE}"
    assert all(r.key == got[r.key.decode()].id.encode() for r in items)

    rejects = asyncio.run(consume(kafka_bootstrap, settings.topic_rejected, count=len(bad)))
    recorded = [Rejected.from_bytes(r.value) for r in rejects]
    assert {(r.origin.line, r.reason) for r in recorded} == set(bad.items())
    assert all(r.origin.kind == "file" and r.origin.path == str(feed) for r in recorded)
    assert all(r.key == rec.original_sha256.encode() for r, rec in zip(rejects, recorded, strict=True))


def test_push_text_human_summary_and_clean_exit(
    make_settings: Callable[..., Settings], kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = make_settings()
    (tmp_path / "a.txt").write_text(f"Blasts near Belgorod\n\n{HOSTILE}\n")
    (tmp_path / "b.txt").write_text("Air raid alert in Kyiv\nNo damage reported.\n")
    code, out = run_push(
        settings, str(tmp_path), "--source", "desk", "--published-at", "2026-11-22T10:00:00+02:00"
    )
    assert code == 0, out
    assert "read 2  accepted 2  rejected 0" in out
    records = asyncio.run(consume(kafka_bootstrap, settings.topic_items, count=2))
    items = sorted((WireItem.from_bytes(r.value) for r in records), key=lambda i: i.headline)
    assert [i.headline for i in items] == ["Air raid alert in Kyiv", "Blasts near Belgorod"]
    assert items[1].body == HOSTILE
    assert all(i.published_at.isoformat() == "2026-11-22T10:00:00+02:00" for i in items)


def test_push_sample_feed(make_settings: Callable[..., Settings], kafka_bootstrap: str) -> None:
    feed = SAMPLES / "feed.jsonl"
    assert feed.exists(), "samples/feed.jsonl is part of the repository"
    cases = json.loads((SAMPLES / "cases.json").read_text())
    settings = make_settings()
    code, out = run_push(settings, str(feed))
    assert code == 1, out
    expected_reasons = Counter(r["reason"] for r in cases["cases"] if r["outcome"] == "rejected")
    assert f"read {cases['lines']}  accepted {cases['accepted']}  rejected {cases['rejected']}" in out
    for reason, n in expected_reasons.items():
        assert any(line.split() == [reason, str(n)] for line in out.splitlines()), out
    rejects = asyncio.run(consume(kafka_bootstrap, settings.topic_rejected, count=cases["rejected"]))
    recorded = sorted((Rejected.from_bytes(r.value) for r in rejects), key=lambda r: r.origin.line)
    assert [(r.origin.line, r.reason.value) for r in recorded] == [
        (row["line"], row["reason"]) for row in cases["cases"] if row["outcome"] == "rejected"
    ]
    items = asyncio.run(consume(kafka_bootstrap, settings.topic_items, count=cases["accepted"]))
    assert len(items) == cases["accepted"]


def test_push_stdin_with_progress_bar(make_settings: Callable[..., Settings], kafka_bootstrap: str) -> None:
    settings = make_settings()
    data = "\n".join([json.dumps(item(1)), "nope", json.dumps(item(2))]) + "\n"
    result = CliRunner().invoke(push, ["-", "--progress", "--show-rejects"], input=data, obj=settings)
    assert result.exit_code == 1, result.output
    assert "read 3  accepted 2  rejected 1" in result.stdout
    assert "stdin:2: malformed_json" in result.stderr
    assert "push:" in result.stderr  # the tqdm bar
    (reject,) = asyncio.run(consume(kafka_bootstrap, settings.topic_rejected, count=1))
    origin = Rejected.from_bytes(reject.value).origin
    assert (origin.kind, origin.line) == ("stdin", 2)


async def test_push_files_twice_gives_the_same_keys(
    make_settings: Callable[..., Settings], kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Ids are stable, so a second push of the same feed repeats every key (dedupe is downstream)."""
    from wiremap.ingest import push_files

    settings = make_settings()
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(item(n, id=None)) for n in range(10)) + "\n")
    first = await push_files(settings, [feed])
    second = await push_files(settings, [feed])
    assert (
        first.as_dict()
        == second.as_dict()
        == {"read": 10, "accepted": 10, "rejected": 0, "rejected_by_reason": {}}
    )
    records = await consume(kafka_bootstrap, settings.topic_items, count=20)
    keys = Counter(r.key for r in records)
    assert len(keys) == 10 and set(keys.values()) == {2}
    assert all(k.startswith(b"c-") for k in keys)
