"""StoryStage: republications join the original's story; different stories stay apart."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable

import pytest

from wiremap.stream.stories import StoryAssignment, StoryStage
from wiremap.stream.stories import _stage as S
from wiremap.stream.stories._index import Lookup
from wiremap.stream.stories._text import Features, extract

HEADLINE = "Flash floods cut off villages near Valence after record rainfall"
PARAGRAPHS = [
    "Flash floods cut off at least 14 villages in the Drome department of southeastern France "
    "on Tuesday after 187 millimetres of rain fell in twelve hours, the prefecture said.",
    "Firefighters evacuated 320 residents by boat and helicopter from Livron-sur-Drome and "
    "Loriol, where the river rose by more than three metres overnight.",
    "Prefect Thierry Devimeux said two people were missing after their car was swept off a "
    "bridge near Crest, and that divers would resume the search at first light.",
    "Meteo-France kept the department on red alert, its highest level, and warned that another "
    "80 millimetres could fall before Thursday morning in the hills east of Valence.",
    "The SNCF suspended trains between Valence and Montelimar, and the A7 motorway was closed "
    "in both directions for several hours while crews cleared mud from the carriageway.",
    "Farmers in the valley said apricot orchards and vineyards were under water a week before "
    "the harvest, and the regional chamber of agriculture asked for emergency aid.",
]
ORIGINAL = HEADLINE + "\n" + "\n\n".join(PARAGRAPHS)


def _text(headline: str, paragraphs: list[str]) -> str:
    return headline + "\n" + "\n\n".join(paragraphs)


EDITS: dict[str, Callable[[], str]] = {
    "new headline": lambda: _text(
        "Hundreds evacuated as floods isolate French villages", PARAGRAPHS),
    "dropped paragraphs": lambda: _text(HEADLINE, PARAGRAPHS[:2] + PARAGRAPHS[3:5]),
    "reordered paragraphs": lambda: _text(
        HEADLINE, [PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[1], *PARAGRAPHS[4:], PARAGRAPHS[3]]),
    "agency boilerplate": lambda: _text(
        "UPDATE 2-" + HEADLINE,
        ["PARIS, Sept 10 (Reuters) - " + PARAGRAPHS[0], *PARAGRAPHS[1:],
         "(Reporting by Juliette Jabkhiro; Editing by Alex Richardson)",
         "Copyright 2024 Thomson Reuters. All rights reserved."]),
    "corrected figures": lambda: ORIGINAL.replace("320 residents", "350 residents").replace(
        "14 villages", "16 villages"),
    "typos": lambda: ORIGINAL.replace("evacuated", "evacuatd").replace(
        "Devimeux", "Devimeaux").replace("vineyards", "vinyeards"),
    "truncated": lambda: _text(HEADLINE, PARAGRAPHS[:3]),
    "everything at once": lambda: _text(
        "French floods: villages cut off, two missing",
        ["(AFP) - " + PARAGRAPHS[0].replace("187", "190"), PARAGRAPHS[2].replace("swept", "swpet"),
         PARAGRAPHS[1], PARAGRAPHS[4], "Copyright AFP 2024. All rights reserved."]),
}


@pytest.fixture
def stage() -> StoryStage:
    return StoryStage(threshold=0.5, window_s=2 * 86400)


@pytest.mark.parametrize("edit", list(EDITS))
def test_republication_joins_the_originals_story(stage: StoryStage, edit: str) -> None:
    first = stage.assign("afp-1", ORIGINAL, 1_000.0)
    copy = stage.assign("afp-2", EDITS[edit](), 1_600.0)

    assert first == StoryAssignment("afp-1", 1, None, None)
    assert copy.story_id == "afp-1"
    assert copy.matched_id == "afp-1"
    assert copy.story_size == 2
    assert copy.similarity is not None and 0.5 <= copy.similarity <= 1


def test_matched_id_is_the_closest_earlier_item(stage: StoryStage) -> None:
    stage.assign("a", ORIGINAL, 0.0)
    stage.assign("unrelated", _text("Council approves budget", [
        "The city council of Valence approved a budget of 240 million euros on Monday, with "
        "new spending on schools and cycle lanes and a freeze on local taxes.",
        "Opposition councillors voted against, saying the plan relied on optimistic forecasts "
        "of property tax receipts and did nothing about parking in the old town.",
    ] * 2), 10.0)
    trimmed = stage.assign("b", EDITS["dropped paragraphs"](), 20.0)
    retitled = stage.assign("c", _text("UPDATE 1-" + HEADLINE, PARAGRAPHS[:2] + PARAGRAPHS[3:5]),
                            30.0)

    assert (trimmed.story_id, trimmed.matched_id) == ("a", "a")
    # "c" is an exact copy of "b" bar the prefix: b is its closest match, and the story is a's.
    assert (retitled.story_id, retitled.matched_id, retitled.story_size) == ("a", "b", 3)
    assert retitled.similarity == 1.0


def test_different_stories_about_the_same_place_stay_apart(stage: StoryStage) -> None:
    council = _text("Valence council approves flood defence plan", [
        "Valence city council on Monday approved a 12 million euro plan to raise the Rhone "
        "embankments and build two retention basins north of the city.",
        "Mayor Nicolas Daragon said work would start next spring and take three years, and "
        "that the Drome department and the state would pay half of the cost.",
        "Residents of the riverside districts have complained for years about flooding, "
        "which last forced evacuations in Livron-sur-Drome and Loriol in 2021.",
    ])
    stage.assign("floods", ORIGINAL, 0.0)
    assert stage.assign("council", council, 60.0).story_id == "council"


def test_same_template_with_other_facts_is_another_story(stage: StoryStage) -> None:
    other = ORIGINAL
    for old, new in [("Valence", "Nimes"), ("Drome department", "Gard department"),
                     ("Livron-sur-Drome", "Sommieres"), ("Loriol", "Ales"), ("Crest", "Uzes"),
                     ("Montelimar", "Avignon"), ("Thierry Devimeux", "Marie-Francoise Lecaillon"),
                     ("14", "9"), ("187", "231"), ("320", "75"), ("80", "120"), ("A7", "A9")]:
        other = re.sub(rf"\b{re.escape(old)}\b", new, other)
    stage.assign("drome", ORIGINAL, 0.0)
    result = stage.assign("gard", other, 3600.0)
    assert result == StoryAssignment("gard", 1, None, None)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Drone shot down over Moscow region", "Drone attack on Moscow airport", False),
        ("Drone shot down over Moscow region", "Drone shot down over Kursk region", False),
        ("Two drones shot down over Moscow region", "Five drones shot down over Moscow region",
         False),
        ("Drone shot down over Moscow region", "BREAKING: Drone shot down over Moscow region", True),
        ("Drone shot down over Moscow region", "Moscow region: drone shot down over", True),
        ("Air defences shot down a drone over Moscow region, Sobyanin says",
         "Air defences shot down a drone over Moscow region, mayor Sobyanin says", True),
        ("Air defences shot down a drone over Moscow region, Sobyanin says",
         "Air defences shot down a drone over Moscow region, Vorobyov says", False),
    ],
)
def test_short_alerts(stage: StoryStage, first: str, second: str, same: bool) -> None:
    stage.assign("one", first, 0.0)
    result = stage.assign("two", second, 5.0)
    assert (result.story_id == "one") is same
    assert (result.matched_id == "one") is same


def test_alert_then_full_story_with_that_headline_join(stage: StoryStage) -> None:
    stage.assign("flash", "URGENT: " + HEADLINE, 0.0)
    full = stage.assign("full", ORIGINAL, 300.0)
    assert (full.story_id, full.matched_id) == ("flash", "flash")


def test_long_items_do_not_join_on_the_headline_alone(stage: StoryStage) -> None:
    stage.assign("floods", ORIGINAL, 0.0)
    council = _text(HEADLINE, [
        "Valence city council on Monday approved a 12 million euro plan to raise the Rhone "
        "embankments and build two retention basins north of the city.",
        "Mayor Nicolas Daragon said work would start next spring and take three years.",
    ])
    assert stage.assign("council", council, 400.0).story_id == "council"


def test_same_sequence_gives_the_same_assignments() -> None:
    items = [(f"i{k}", text, float(k)) for k, text in enumerate(
        [ORIGINAL, *[make() for make in EDITS.values()], "Drone shot down over Moscow region",
         "BREAKING: Drone shot down over Moscow region", "Drone attack on Moscow airport"])]

    def run() -> list[StoryAssignment]:
        stage = StoryStage(threshold=0.5, window_s=86400)
        return [stage.assign(*item) for item in items]

    first, second = run(), run()
    assert first == second
    assert {a.story_id for a in first} == {"i0", f"i{len(EDITS) + 1}", f"i{len(EDITS) + 3}"}


def test_reassigning_a_live_id_returns_its_assignment(stage: StoryStage) -> None:
    stage.assign("a", ORIGINAL, 0.0)
    b = stage.assign("b", EDITS["typos"](), 1.0)
    assert stage.assign("b", EDITS["typos"](), 2.0) == b
    assert len(stage) == 2


def test_expiry_bounds_state_and_forgets_old_items() -> None:
    stage = StoryStage(threshold=0.5, window_s=100.0)
    stage.assign("old", ORIGINAL, 0.0)
    for k in range(1, 3000):
        words = " ".join(f"w{(k * 7919 + j * 104729) % 100003}" for j in range(60))
        stage.assign(f"n{k}", f"Item {k}\n{words}", float(k * 10))
        assert len(stage) <= 11
        assert stage.stories <= 11
    # The original expired long ago: its republication starts a new story.
    late = stage.assign("late", EDITS["typos"](), 30_000.0)
    assert late == StoryAssignment("late", 1, None, None)


def test_items_are_matched_only_within_the_window() -> None:
    stage = StoryStage(threshold=0.5, window_s=3600.0)
    stage.assign("a", ORIGINAL, 0.0)
    assert stage.assign("b", EDITS["typos"](), 3599.0).story_id == "a"
    assert stage.assign("c", "Something else entirely happened", 7300.0).story_id == "c"
    # a and b expired when event time passed 7200 s.
    assert stage.assign("d", EDITS["truncated"](), 7301.0).story_id == "d"
    assert len(stage) == 2


@pytest.mark.parametrize("kwargs", [{"threshold": 0.0}, {"threshold": 1.5}, {"window_s": 0.0}])
def test_bad_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        StoryStage(**kwargs)


def test_a_story_copied_hundreds_of_times_stays_one_story(stage: StoryStage) -> None:
    stage.assign("orig", ORIGINAL, 0.0)
    for k in range(1, 300):
        copy = ORIGINAL.replace("overnight", "overnight," if k % 2 else "during the night")
        result = stage.assign(f"copy-{k}", f"{copy}\n\nRepublished by outlet {k}.", float(k))
        assert result.story_id == "orig", k
        assert result.story_size == k + 1


def test_out_of_order_event_times_are_handled(stage: StoryStage) -> None:
    stage.assign("late-news", ORIGINAL, 10_000.0)
    earlier = stage.assign("earlier-copy", EDITS["typos"](), 9_000.0)
    assert (earlier.story_id, earlier.matched_id) == ("late-news", "late-news")
    # Older than the window behind the newest event time: kept apart, forgotten next time.
    ancient = stage.assign("ancient", EDITS["truncated"](), 10_000.0 - 3 * 86400)
    assert ancient.story_id == "ancient"


def test_empty_and_punctuation_only_texts_are_their_own_stories(stage: StoryStage) -> None:
    assert stage.assign("e1", "", 0.0).story_id == "e1"
    assert stage.assign("e2", "", 1.0).story_id == "e2"
    assert stage.assign("p1", "!!! --- ???", 2.0).story_id == "p1"


def test_once_the_window_passes_no_index_entries_are_left() -> None:
    stage = StoryStage(threshold=0.5, window_s=60.0)
    texts = [ORIGINAL, *[make() for make in EDITS.values()], "Drone shot down over Moscow region",
             "BREAKING: Drone shot down over Moscow region"]
    for k, text in enumerate(texts * 30):
        stage.assign(f"i{k}", text, float(k % 50) + (k // 50) * 0.5)  # event times out of order
    stage.assign("last", "", 10_000.0)  # advances event time; an empty item is not indexed
    assert len(stage) == 1 and stage.stories == 1
    # The memory bound is the index too, not only the item table.
    assert len(stage._index) == 0 and stage._index.postings() == {}
    assert stage._alerts == {} and stage._small == set()


def test_while_items_expire_out_of_order_postings_hold_only_live_items() -> None:
    stage = StoryStage(threshold=0.5, window_s=20.0)
    texts = [ORIGINAL, *[make() for make in EDITS.values()]]
    for k, text in enumerate(texts * 30):
        stage.assign(f"i{k}", text, float(k % 50) + (k // 50) * 0.5)
        live = set(stage._entries)
        postings = stage._index.postings()
        assert len(postings) == len(stage._index)
        for posting in postings.values():  # a full posting keeps its newest items, oldest first
            assert 1 <= len(posting) <= 8
            assert set(posting) <= live and posting == sorted(posting)
    assert 0 < len(stage) < len(texts) * 30


@pytest.mark.parametrize("switch", [0, 40])
def test_the_numpy_index_assigns_as_the_dict_index_does(
        monkeypatch: pytest.MonkeyPatch, switch: int) -> None:
    from wiremap.stream.stories import _index

    texts = [ORIGINAL, *[make() for make in EDITS.values()], "Drone shot down over Moscow region",
             "BREAKING: Drone shot down over Moscow region"]
    filler = [f"Item {k}\n" + " ".join(f"w{(k * 7919 + j * 104729) % 1009}" for j in range(60))
              for k in range(200)]
    items = [(f"i{k}", text, float(k % 50) + (k // 50) * 5.0)  # out of order, expiring
             for k, text in enumerate((texts + filler[:20]) * 12 + filler)]

    def run() -> tuple[list[StoryAssignment], bool]:
        stage = StoryStage(threshold=0.5, window_s=60.0)
        return [stage.assign(*item) for item in items], stage._index.in_numpy

    by_dict, in_numpy = run()
    assert not in_numpy
    monkeypatch.setattr(_index, "SWITCH", switch)
    by_numpy, in_numpy = run()
    assert in_numpy
    assert by_numpy == by_dict
    assert sum(a.matched_id is not None for a in by_dict) > 100


# --- the fast paths against the plain code they replace -------------------------------

def _plain_match_long(stage: StoryStage, f: Features, span: tuple[float, float],
                      found: Lookup) -> tuple[object | None, float]:
    """Candidate ranking and verification as first written: every candidate counted, ranked
    and looked up in the entries; overlaps by set intersection."""
    held = stage._index.candidates(found).tolist()
    if not held:
        return None, 0.0
    hits = Counter(held)
    n = len(f.shingles)
    query_step = S.SAMPLE if n >= S.SMALL else S.QUERY_SAMPLE
    if stage.threshold * n / S.SAMPLE >= S.LONE_HIT:
        ranked = [(-k, s) for s, k in hits.items() if k > 1 or s in stage._small]
    else:
        ranked = [(-k, s) for s, k in hits.items()]
    ranked = sorted(ranked)[: S.MAX_VERIFY]
    best, best_sim = None, 0.0
    for neg, seq in ranked:
        k, e = -neg, stage._entries[seq]
        if e.short or not span[0] <= e.ts <= span[1]:
            continue
        m = len(e.shingles)
        step = S.SAMPLE if m >= S.SMALL else query_step
        expected = stage.threshold * (min(n, m) + S.LENGTH_WEIGHT * abs(n - m)) / step
        if (k == 1 and expected >= S.LONE_HIT) or (k + 2 * k**0.5 + 2) < S.PREFILTER * expected:
            continue
        sim = S._similarity(len(set(f.shingles.tolist()) & set(e.shingles.tolist())), n, m)
        if sim >= stage.threshold and sim > best_sim and S.facts_agree(f, e.features):
            best, best_sim = e, sim
    return best, best_sim


def _shared_paragraph_items(n: int, seed: int) -> list[tuple[str, str, float]]:
    """Items assembled from a small pool of paragraphs, long and short, so that most have
    many candidates, some held by several keys; event times now and then out of order."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)] + [f"Town{i}" for i in range(40)] + [str(i) for i in range(30)]
    pool = [" ".join(rng.choice(words) for _ in range(rng.randint(15, 60))) + "." for _ in range(300)]
    items = []
    for k in range(n):
        paragraphs = rng.sample(pool, rng.choice([1, 1, 2, 3, 5]))
        text = "\n\n".join(paragraphs)
        if rng.random() < 0.3:
            text = " ".join(text.split()[: rng.randint(22, 70)])  # small: fewer than 64 shingles
        late = rng.random()
        ts = float(k) - (rng.random() * 150 if late < 0.1 else rng.randint(900, 1100) if late < 0.13 else 0)
        items.append((f"i{k}", f"Item {k % 7}\n{text}", ts))
    return items


def test_candidate_ranking_verifies_what_ranking_every_candidate_did(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from wiremap.stream.stories import _index

    monkeypatch.setattr(_index, "SWITCH", 300)  # the dict index first, then numpy's
    stage = StoryStage(threshold=0.5, window_s=1000.0)
    seen: Counter[str] = Counter()
    for item_id, text, ts in _shared_paragraph_items(4000, 8):
        f = extract(text)
        if not f.short:
            found = stage._index.find(S._keys(f.shingles))
            span = (max(stage._watermark, ts) - stage.window_s, ts + stage.window_s)
            fast = stage._match_long(f, span, found)
            assert fast == _plain_match_long(stage, f, span, found), item_id
            distinct = len(set(stage._index.candidates(found).tolist()))
            big = stage.threshold * len(f.shingles) / S.SAMPLE >= S.LONE_HIT
            seen["big" if big else "not big"] += 1
            seen["many candidates"] += distinct > S.MAX_VERIFY
            seen["matched"] += fast[0] is not None
        stage.assign(item_id, text, ts)
        if int(item_id[1:]) % 50 == 0:
            assert all(stage._sizes[seq - stage._base] == len(e.shingles)
                       and stage._times[seq - stage._base] == e.ts for seq, e in stage._entries.items())
    assert stage._index.in_numpy and stage._base > 0  # past the dict and a rebase of the arrays
    assert min(seen["big"], seen["not big"], seen["many candidates"], seen["matched"]) > 100, seen


def test_expiry_keeps_exactly_the_items_within_the_window_of_the_newest_event_time() -> None:
    stage = StoryStage(threshold=0.5, window_s=50.0)
    live: dict[str, float] = {}
    newest, late = float("-inf"), 0
    for item_id, text, ts in _shared_paragraph_items(1500, 9):
        if ts > newest:  # the plain rule: when event time advances, older items go
            newest = ts
            live = {i: t for i, t in live.items() if t >= ts - stage.window_s}
        live[item_id] = ts
        stage.assign(item_id, text, ts)
        assert {e.item_id for e in stage._entries.values()} == set(live)
        late = max(late, len(stage._late))
    assert late > 2  # items arriving out of order went the heap's way
