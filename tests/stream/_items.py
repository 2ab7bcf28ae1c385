"""Wire items for worker tests: distinct reports over a few regions, plus copies of some."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wiremap.contracts import WireItem

T0 = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
_PLACES = ["Moscow Oblast", "Domodedovo", "Belgorod", "Kyiv", "Odesa", "Austin"]
_VERBS = [
    "drones shot down over",
    "explosions heard near",
    "power cut reported in",
    "air raid alert declared for",
    "flights halted at",
    "fire at depot in",
]
_WORDS = [
    "officials",
    "said",
    "the",
    "situation",
    "was",
    "under",
    "control",
    "while",
    "residents",
    "described",
    "several",
    "loud",
    "bangs",
    "and",
    "emergency",
    "crews",
    "were",
    "sent",
    "to",
    "the",
    "area",
    "overnight",
]


def items(n: int, *, prefix: str = "it", body_bytes: int = 300, minutes: float = 7.0) -> list[WireItem]:
    """``n`` distinct items; every 10th mentions two places; times span hours and days."""
    out = []
    for i in range(n):
        place = _PLACES[i % len(_PLACES)]
        verb = _VERBS[(i // len(_PLACES)) % len(_VERBS)]
        body_words = [_WORDS[(i * 7 + j * 3) % len(_WORDS)] for j in range(body_bytes // 6)]
        body = f"Report {prefix} number {i}: {verb} {place}. " + " ".join(body_words)
        if i % 10 == 0:
            body += f" Earlier, sirens sounded in {_PLACES[(i + 3) % len(_PLACES)]}."
        out.append(
            WireItem(
                id=f"{prefix}-{i:06d}",
                source=f"agency{i % 4}",
                headline=f"{verb.capitalize()} {place} #{i}",
                body=body[: body_bytes * 2],
                published_at=T0 + timedelta(minutes=minutes * i),
                received_at=T0 + timedelta(minutes=minutes * i, seconds=5),
            )
        )
    return out


def records(batch: list[WireItem]) -> list[tuple[bytes | None, bytes]]:
    return [(item.key, item.to_bytes()) for item in batch]
