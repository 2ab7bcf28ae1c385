"""The sample feed says what it claims: samples/cases.json and README.md agree with feed.jsonl.

Other tests assert pipeline behaviour against cases.json, so a wrong row here would make
them test the wrong thing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from wiremap.contracts import Origin, ReasonCode, Rejected, WireItem
from wiremap.ingest import Validator
from wiremap.stream.geo import Gazetteer

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FEED = SAMPLES / "feed.jsonl"
SHARED_REPORT = SAMPLES.parents[1] / "shared" / "samples" / "moscow-drone-report.txt"

# The pydantic error types that produce each reason code (what a rejected line must fail with).
ERROR_TYPES: dict[str, set[str]] = {
    ReasonCode.MALFORMED_JSON: {"json_invalid"},
    ReasonCode.NOT_AN_OBJECT: {"model_type", "model_attributes_type"},
    ReasonCode.MISSING_FIELD: {"missing"},
    ReasonCode.WRONG_TYPE: {"string_type", "dict_type", "int_type", "float_type", "bool_type"},
    ReasonCode.UNKNOWN_FIELD: {"extra_forbidden"},
    ReasonCode.NAIVE_DATETIME: {"timezone_aware"},
    ReasonCode.INVALID_VALUE: {"value_error", "string_pattern_mismatch", "string_too_short"},
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / "cases.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return FEED.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def items(doc: dict[str, Any], lines: list[str]) -> dict[int, WireItem]:
    """Line number → validated item, for every line the case table calls accepted."""
    return {
        row["line"]: WireItem.model_validate_json(lines[row["line"] - 1])
        for row in doc["cases"]
        if row["outcome"] == "accepted"
    }


def test_every_line_is_documented_once(doc: dict[str, Any], lines: list[str]) -> None:
    assert [row["line"] for row in doc["cases"]] == list(range(1, len(lines) + 1))
    assert doc["lines"] == len(lines)
    assert doc["accepted"] + doc["rejected"] == len(lines)
    assert sum(row["outcome"] == "accepted" for row in doc["cases"]) == doc["accepted"]


def test_rejected_lines_fail_for_the_documented_reason(doc: dict[str, Any], lines: list[str]) -> None:
    rejected = [row for row in doc["cases"] if row["outcome"] == "rejected"]
    assert {row["reason"] for row in rejected} >= {
        "malformed_json",
        "not_an_object",
        "missing_field",
        "naive_datetime",
        "wrong_type",
        "unknown_field",
        "invalid_value",
    }
    for row in rejected:
        with pytest.raises(ValidationError) as info:
            WireItem.model_validate_json(lines[row["line"] - 1])
        types = {e["type"] for e in info.value.errors()}
        assert types <= ERROR_TYPES[ReasonCode(row["reason"])], (row, types)


def test_accepted_lines_validate_with_the_documented_id(
    doc: dict[str, Any], items: dict[int, WireItem]
) -> None:
    for row in doc["cases"]:
        if row["outcome"] == "accepted":
            assert items[row["line"]].id == row["id"]
    unique = [r for r in doc["cases"] if r["outcome"] == "accepted" and "duplicate_of" not in r]
    assert len(unique) == doc["unique_items"] >= 51  # the shared report plus at least 50


def test_times_are_aware_and_in_the_feed_window(items: dict[int, WireItem]) -> None:
    lo, hi = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC)
    for item in items.values():
        assert item.published_at.utcoffset() is not None
        assert lo <= item.published_at < hi


def test_exact_duplicates_share_the_id_or_the_content_key(
    doc: dict[str, Any], items: dict[int, WireItem]
) -> None:
    first: dict[str, WireItem] = {}
    for row in doc["cases"]:
        if row["outcome"] == "accepted" and "duplicate_of" not in row:
            first.setdefault(row["id"], items[row["line"]])
    kinds = set()
    for row in doc["cases"]:
        if "duplicate_of" not in row:
            continue
        dup, original = items[row["line"]], first[row["duplicate_of"]]
        assert dup.content_key == original.content_key
        kinds.add("same-id" if dup.id == original.id else "new-id")
    assert kinds == {"same-id", "new-id"}


def test_story_references_point_backwards_at_unique_items(
    doc: dict[str, Any], items: dict[int, WireItem]
) -> None:
    seen: dict[str, WireItem] = {}
    for row in doc["cases"]:
        if row["outcome"] != "accepted" or "duplicate_of" in row:
            continue
        item = items[row["line"]]
        if "near_duplicate_of" in row:
            original = seen[row["near_duplicate_of"]]
            assert row["story"] == row["near_duplicate_of"]
            assert original.published_at <= item.published_at
            assert item.content_key != original.content_key
        else:
            assert row["story"] == row["id"]
        seen[row["id"]] = item
    for row in doc["cases"]:
        for other in row.get("separate_from", []):
            assert other in seen
            story = {r["id"]: r.get("story") for r in doc["cases"]}[other]
            assert story != row["story"], row
    assert doc["stories"] == len({r["story"] for r in doc["cases"] if "story" in r})


def test_two_moscow_drone_stories_stay_apart(doc: dict[str, Any]) -> None:
    stories = {
        r["story"]
        for r in doc["cases"]
        if any(t.startswith("moscow-drone:story-") for t in r.get("tags", []))
    }
    assert {"sample-moscow-drone-report", "tass-20261122-ramenskoye-drone"} <= stories


def test_the_shared_report_is_in_the_feed(doc: dict[str, Any], items: dict[int, WireItem]) -> None:
    report = (SAMPLES / "moscow-drone-report.txt").read_text(encoding="utf-8")
    if SHARED_REPORT.exists():
        assert SHARED_REPORT.read_text(encoding="utf-8") == report
    row = next(r for r in doc["cases"] if r["id"] == "sample-moscow-drone-report")
    assert items[row["line"]].body == report.rstrip()


def test_hostile_markup_is_present_to_be_escaped(doc: dict[str, Any], items: dict[int, WireItem]) -> None:
    row = next(r for r in doc["cases"] if "hostile-markup" in r.get("tags", []))
    item = items[row["line"]]
    assert "<script>alert(1)</script>" in item.headline
    assert "<img src=x onerror=alert(1)>" in item.body


def test_readme_table_matches_cases(doc: dict[str, Any]) -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (?:`([^`]+)`|-) \| (accepted|rejected)", readme, re.MULTILINE)
    assert [(int(n), ident or None, outcome) for n, ident, outcome in rows] == [
        (r["line"], r["id"], r["outcome"]) for r in doc["cases"]
    ]


def test_generated_files_are_current() -> None:
    spec = importlib.util.spec_from_file_location("_build_feed", SAMPLES / "build_feed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    for path, text in module.render().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run build_feed.py"


def test_feed_stays_small() -> None:
    assert FEED.stat().st_size < 200_000


def test_ingest_validator_gives_the_documented_reasons(doc: dict[str, Any], lines: list[str]) -> None:
    validator = Validator()
    for row in doc["cases"]:
        origin = Origin(kind="file", path=str(FEED), line=row["line"])
        result = validator.record(lines[row["line"] - 1], origin)
        if row["outcome"] == "rejected":
            assert isinstance(result, Rejected), row
            assert result.reason == row["reason"], (row, result.message)
        else:
            assert isinstance(result, WireItem), (row, getattr(result, "message", None))
            assert result.id == row["id"]


def test_expected_places_are_gazetteer_entries(doc: dict[str, Any]) -> None:
    gazetteer = Gazetteer.load()
    expected = [p for r in doc["cases"] for p in r.get("places", []) + r.get("not_places", [])]
    assert expected
    for p in expected:
        found = gazetteer.get(p["place_id"])
        assert found is not None, p
        assert (found.country, found.admin1, found.kind) == (
            p["country"],
            p.get("admin1"),
            p["precision"],
        ), (p, found)
