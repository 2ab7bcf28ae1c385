"""Near-duplicate wire copy grouped into stories, so the desk counts stories, not copies.

``StoryStage.assign(item_id, text, ts)`` puts each item into the story of its most
similar earlier item within the event-time window, or starts a story whose id is the
item's own (so a story's id is its earliest item's id, and a replay gives the same
stories). The assignment carries the story's size so far, the matched item and the
similarity, so the desk can see why two reports were merged.

How items are compared:

- Agency boilerplate ("MOSCOW, Nov 25 (Reuters) -", "UPDATE 2-", "Reporting by ...",
  "Copyright ... All rights reserved.", correction tags) is stripped; words are hashed
  (crc32 of the lower-cased word) into word 3-shingles with fixed multipliers, stable
  across processes.
- Long items: candidates come from an inverted index over the shingles whose hash is 0
  mod 8 (value sampling keeps containment, so a trimmed copy still shares keys with its
  original; a dict while small, numpy arrays past 400,000 keys, see ``_index``); the
  best few are verified exactly on the stored shingle sets. A key keeps
  only its newest holders, so common phrases cost bounded time and a story copied
  hundreds of times stays findable through its latest copies. Similarity is
  the overlap divided by (smaller size + 0.25 x size difference): near 1 for a copy with a
  new headline, dropped paragraphs or a truncated tail, low for a long roundup that
  merely quotes an item. A match must also keep the facts: every name or place of the
  item with fewer must appear in the other (one-edit typos forgiven), and at most two of
  its figures may differ (corrected figures); a same-template report of another event
  changes the place, the people or the figures.
- Short items (under 20 words: headline-only alerts) merge only with short items, or a
  later long item whose headline is that alert: word-set Jaccard >= 0.8 and no name or
  figure differing. "Drone shot down over Moscow region" and "Drone attack on Moscow
  airport" stay apart; "BREAKING: Drone shot down over Moscow region" joins the first. An
  alert that arrives after the full story starts its own story.

State expires by event time (items older than the newest event time minus the window
drop out), so memory is bounded by the items in one window.

Scaling: near-duplicates have different ids, so key partitioning cannot bring them
together. The stage runs on one partition (one faust agent, one core); docs/benchmarks.md
has its measured rate (~8,000 items/s of CPU time with 20,000 items live, ~6,300 at a full
window of 172,800 on a quiet machine, ~5,400 sharing its cores; a desk needs a few items a
second, and replaying a full window to rebuild state takes under a minute). About half of
an item's cost is its text features, a pure function of the text that could be computed
upstream on any core. Should one core ever not suffice, the next step is LSH-band-keyed
repartitioning: emit each item once per index key to a topic keyed by that key,
match per key, and reduce the per-key candidates by item id in a second stage. That
multiplies traffic by the keys per item (~25) and needs the reduce to be deterministic
too, so it is not built.
"""

from wiremap.stream.stories._stage import StoryAssignment, StoryStage

__all__ = ["StoryAssignment", "StoryStage"]
