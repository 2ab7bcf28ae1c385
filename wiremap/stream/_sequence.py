"""The single-partition story stage: story assignment plus the sequence numbers roll-ups use.

Each new item gets ``seq = input offset << 16 | index in batch``: unique, increasing along
the stage's one input partition, and the same on every run over that partition. A record
redelivered after a crash upstream reaches this stage again at a *new* offset; it is
recognised by its wire.items origin and given its first assignment and ``seq`` back, so the
roll-up can skip it. State is rebuilt at startup by replaying the input partition from its
start up to the committed offset (see ``app``): ``StoryStage`` is deterministic.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

from wiremap.stream._wire import event_ts
from wiremap.stream.stories import StoryAssignment, StoryStage

__all__ = ["MAX_BATCH", "Sequenced", "StorySequencer"]

MAX_BATCH = 1 << 16


class Sequenced(NamedTuple):
    origin: tuple[int, int]
    item: dict[str, Any]
    seq: int
    story: StoryAssignment
    wm: float


class StorySequencer:
    """Wraps ``StoryStage`` with redelivery memory and an event-time watermark."""

    def __init__(self, stage: StoryStage, *, memo_size: int = 500_000) -> None:
        self.stage = stage
        self.memo_size = memo_size
        self.watermark = float("-inf")
        self._memo: OrderedDict[tuple[int, int], tuple[int, StoryAssignment, float]] = OrderedDict()

    def process(self, offset: int, rows: list[list[Any]]) -> list[Sequenced]:
        """Rows ``[origin, item dict]`` of the input record at ``offset``, in order."""
        if len(rows) >= MAX_BATCH:
            raise ValueError(f"a batch holds at most {MAX_BATCH - 1} items, got {len(rows)}")
        out = []
        for index, (origin_list, item) in enumerate(rows):
            origin = (int(origin_list[0]), int(origin_list[1]))
            known = self._memo.get(origin)
            if known is not None:
                seq, story, wm = known
            else:
                ts = event_ts(item)
                self.watermark = max(self.watermark, ts)
                text = f"{item['headline']}\n{item['body']}" if item.get("body") else item["headline"]
                story = self.stage.assign(item["id"], text, ts)
                seq, wm = (offset << 16) | index, self.watermark
                self._memo[origin] = (seq, story, wm)
                if len(self._memo) > self.memo_size:
                    self._memo.popitem(last=False)
            out.append(Sequenced(origin, item, seq, story, wm))
        return out
