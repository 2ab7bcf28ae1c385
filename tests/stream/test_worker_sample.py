"""Issue 5 end to end: the sample feed through ``wiremap push`` and the real worker.

Near-duplicates collapse into the stories ``samples/cases.json`` names, exact copies are
reported once, the different Moscow drone reports stay apart, and the region counts on
regions.counts are of stories, not of copies.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.stream._pipeline import ROOT, run_to_end, settings_env, totals
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SAMPLES = ROOT / "samples"


def _push(settings: Settings, feed: Path) -> str:
    wiremap = str(Path(sys.executable).with_name("wiremap"))
    done = subprocess.run(
        [wiremap, "push", str(feed)],
        cwd=ROOT,
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # 1: some lines were rejected
    return done.stdout


def _stories_by_region(reports: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Region → distinct story ids with a placement there sure enough to count (a dateline
    only where the report places nothing else), from reports.located alone."""
    floor = Settings().rollup_min_confidence
    out: dict[str, set[str]] = defaultdict(set)
    for report in reports.values():
        sure = [p for p in report["placements"] if p["admin1"] and p["confidence"] >= floor]
        body = [p for p in sure if p["role"] != "dateline"]
        for placement in body or sure:
            out[placement["admin1"]].add(report["story_id"])
    return dict(out)


async def test_sample_feed_stories_and_counts(make_settings: Callable[..., Settings]) -> None:
    cases: dict[str, Any] = json.loads((SAMPLES / "cases.json").read_text(encoding="utf-8"))
    accepted = [c for c in cases["cases"] if c["outcome"] == "accepted"]
    expected_story = {c["id"]: c["story"] for c in accepted if "duplicate_of" not in c}
    settings = make_settings()

    out = _push(settings, SAMPLES / cases["feed"])
    assert f"accepted {cases['accepted']}" in out, out
    located, reports, counts = await run_to_end(settings)

    # every report carries the story cases.json expects
    assert sorted(reports) == sorted(expected_story)
    wrong = {i: (r["story_id"], expected_story[i]) for i, r in reports.items()}
    wrong = {i: pair for i, pair in wrong.items() if pair[0] != pair[1]}
    assert wrong == {}
    assert len({r["story_id"] for r in reports.values()}) == cases["stories"]

    # exact duplicates (same id, or same text under a new id) are reported once
    keys = [r.key.decode() for r in located]
    assert len(keys) == len(set(keys)) == cases["unique_items"]
    for case in accepted:
        if "duplicate_of" in case:
            assert keys.count(case["duplicate_of"]) == 1
            if case["id"] != case["duplicate_of"]:
                assert case["id"] not in reports

    # the different Moscow drone reports stay in different stories
    moscow: dict[str, set[str]] = defaultdict(set)
    for case in accepted:
        for tag in case.get("tags", []):
            if tag.startswith("moscow-drone") and case["id"] in reports:
                group = tag if tag != "moscow-drone" else case["id"]
                moscow[group].add(reports[case["id"]]["story_id"])
    assert len(moscow) >= 4 and all(len(s) == 1 for s in moscow.values()), moscow
    assert len(set.union(*moscow.values())) == len(moscow), moscow
    story_a = [c["id"] for c in accepted if "moscow-drone:story-A" in c.get("tags", [])]
    assert len(story_a) >= 2 and {reports[i]["story_size"] for i in story_a} >= {1, 2}
    assert any(reports[i]["matched_id"] and reports[i]["similarity"] for i in story_a)

    # regions.counts counts stories: its total equals the distinct stories placed in a region
    by_region = _stories_by_region(reports)
    region_totals = totals(counts)
    assert by_region, "no report was placed in any region"
    assert {r: t[1] for r, t in region_totals.items()} == {r: len(s) for r, s in by_region.items()}
    copies = {r: t for r, t in region_totals.items() if t[0] > t[1]}
    assert copies, f"no region has more reports than stories: {region_totals}"
