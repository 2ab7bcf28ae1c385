"""The shipped sample feed: every line gets the outcome and reason ``cases.json`` records."""

from __future__ import annotations

import json
from pathlib import Path

from wiremap.contracts import Origin, Rejected
from wiremap.ingest import PushSummary, Validator
from wiremap.ingest._read import iter_jsonl

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_sample_feed_outcomes_match_cases() -> None:
    cases = json.loads((SAMPLES / "cases.json").read_text())
    expected = {row["line"]: (row["outcome"], row.get("reason")) for row in cases["cases"]}
    summary = PushSummary()
    with (SAMPLES / "feed.jsonl").open("rb") as fh:
        results = list(iter_jsonl(fh, Validator(), lambda n: Origin(kind="file", path="feed", line=n)))
    got: dict[int, tuple[str, str | None]] = {}
    for number, result in enumerate(results, 1):
        summary.add(result)
        if isinstance(result, Rejected):
            assert result.origin.line == number
            got[number] = ("rejected", result.reason.value)
        else:
            got[number] = ("accepted", None)
    assert got == expected
    assert (summary.read, summary.accepted, summary.rejected_total) == (
        cases["lines"],
        cases["accepted"],
        cases["rejected"],
    )
