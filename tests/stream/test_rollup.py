"""Roll-up: windows by event time, distinct stories, weighted counts, idempotent replays."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from wiremap.stream.rollup import RegionEvent, Rollup, to_region_count, window_bounds

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC).timestamp()
HOUR, DAY = 3600.0, 86400.0


def ev(
    item: str, story: str, conf: float, ts: float, seq: int, src: int = 0, wm: float | None = None
) -> RegionEvent:
    return RegionEvent(
        "RU.47", "Moscow Oblast", "RU", item, story, conf, ts, seq, ts if wm is None else wm, src
    )


def counts(store: dict, window: str, region: str = "RU.47") -> dict:
    return {
        k: (c.reports, c.stories, c.weighted)
        for k, s in store.items()
        if (c := to_region_count(s)).window == window and c.region == region
    }


def roll(store: dict | None = None) -> Rollup:
    return Rollup({} if store is None else store, retention_s=8 * DAY, story_window_s=2 * DAY)


def test_window_bounds_are_utc_aligned() -> None:
    assert window_bounds("hour", T0 + 59 * 60) == (T0, T0 + HOUR)
    day = datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    assert window_bounds("day", T0) == (day, day + DAY)
    assert window_bounds("total", T0) is None


def test_reports_stories_and_weighted() -> None:
    store: dict = {}
    r = roll(store)
    r.apply(
        [ev("a", "a", 0.5, T0 + 10, 1), ev("b", "a", 0.9, T0 + 20, 2), ev("c", "c", 0.3, T0 + HOUR + 5, 3)]
    )
    hours = sorted(counts(store, "hour").values())
    assert hours == [(1, 1, 0.3), (2, 1, 0.9)]
    assert list(counts(store, "day").values()) == [(3, 2, 1.2)]
    assert list(counts(store, "total").values()) == [(3, 2, 1.2)]
    key = next(k for k in store if "|hour|" in k)
    c = r.count(key)
    assert c.key == key and c.start is not None and c.end is not None
    assert (c.end - c.start).total_seconds() == HOUR


def test_redelivered_events_are_skipped() -> None:
    events = [ev(f"i{n}", f"s{n % 3}", 0.1 * (n % 10), T0 + n * 600, n, src=n % 2) for n in range(50)]
    clean: dict = {}
    roll(clean).apply(events)
    crashed: dict = {}
    r = roll(crashed)
    r.apply(events[:30])
    # after a crash each source partition resends from an earlier point, in order
    r.apply([e for e in events[10:] if e.src == 0])
    r.apply([e for e in events[5:] if e.src == 1])
    assert {k: to_region_count(s).model_dump(exclude={"updated_at"}) for k, s in crashed.items()} == {
        k: to_region_count(s).model_dump(exclude={"updated_at"}) for k, s in clean.items()
    }


def test_counts_do_not_depend_on_interleaving_of_sources() -> None:
    events = [ev(f"i{n}", f"s{n % 7}", random.random(), T0 + n * 61, n, src=n % 3) for n in range(300)]
    a: dict = {}
    roll(a).apply(events)
    per_src = {s: [e for e in events if e.src == s] for s in range(3)}
    b: dict = {}
    rb = roll(b)
    rng = random.Random(4)
    while any(per_src.values()):
        src = rng.choice([s for s, q in per_src.items() if q])
        rb.apply([per_src[src].pop(0)])
    assert {k: to_region_count(s).model_dump(exclude={"updated_at"}) for k, s in a.items()} == {
        k: to_region_count(s).model_dump(exclude={"updated_at"}) for k, s in b.items()
    }


def test_old_windows_expire_totals_stay() -> None:
    store: dict = {}
    r = roll(store)
    for n in range(40):
        r.apply([ev(f"i{n}", f"s{n}", 0.5, T0 + n * DAY, n)])
        r.expire()
    days = counts(store, "day")
    assert len(days) <= 2 * 8 + 1
    assert list(counts(store, "total").values()) == [(40, 40, 20.0)]
    total = next(s for s in store.values() if s["window"] == "total")
    assert len(total["stories"]) <= 9  # older stories folded into integers


def test_watermark_survives_a_restart() -> None:
    store: dict = {}
    roll(store).apply([ev("a", "a", 1.0, T0 + 40 * DAY, 1)])
    assert roll(store).watermark == T0 + 40 * DAY


def test_events_older_than_retention_reach_only_totals() -> None:
    store: dict = {}
    r = roll(store)
    r.apply([ev("new", "new", 1.0, T0 + 30 * DAY, 1)])
    r.apply([ev("old", "old", 1.0, T0, 2, wm=T0 + 30 * DAY)])
    assert len(counts(store, "hour")) == 1
    assert list(counts(store, "total").values()) == [(2, 2, 2.0)]


def test_totals_do_not_depend_on_batching() -> None:
    """Stories that come back to a region after the fold horizon: same counts however batched."""
    rng = random.Random(3)
    events = []
    for n in range(400):
        story = f"s{rng.randrange(12)}"  # a dozen long-running stories, revisiting the region
        events.append(ev(f"i{n}", story, rng.random(), T0 + n * 0.1 * DAY, n))
    results = set()
    for split in (1, 7, 50, 400):
        store: dict = {}
        r = roll(store)
        for i in range(0, len(events), split):
            r.apply(events[i : i + split])
            r.expire()
        results.add(tuple(counts(store, "total").values()))
    assert len(results) == 1, results
