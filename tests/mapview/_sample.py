"""A small desk-map sample: located reports and region counts placed relative to ``now``.

Modelled on the Moscow drone report in shared/samples: admin-1, airport and city
placements, an unconfirmed origin, a speculative claim, a mention and an unplaced item.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from wiremap.contracts import LocatedReport, Placement, RegionCount

__all__ = ["counts", "placement", "report", "reports"]


def placement(
    name: str,
    place_id: str,
    lat: float,
    lon: float,
    *,
    precision: str = "city",
    radius_km: float = 5.0,
    confidence: float = 0.8,
    role: str = "event",
    claim: str = "reported",
    admin1: str | None = None,
    country: str | None = "RU",
    text: str | None = None,
    reason: str = "",
) -> Placement:
    return Placement(
        place_id=place_id,
        name=name,
        text=text or name,
        start=0,
        end=len(text or name),
        lat=lat,
        lon=lon,
        precision=precision,  # type: ignore[arg-type]
        radius_km=radius_km,
        country=country,
        admin1=admin1,
        confidence=confidence,
        role=role,  # type: ignore[arg-type]
        claim=claim,  # type: ignore[arg-type]
        reason=reason or f"{precision} match for '{text or name}'",
    )


def report(
    rid: str,
    headline: str,
    published: datetime,
    placements: list[Placement],
    *,
    source: str = "wire-a",
    url: str | None = None,
    story: str | None = None,
    **extra: Any,
) -> LocatedReport:
    return LocatedReport(
        id=rid,
        source=source,
        url=url if url is not None else f"https://news.example/{rid}",
        headline=headline,
        published_at=published,
        received_at=published + timedelta(seconds=40),
        located_at=published + timedelta(seconds=41),
        story_id=story or f"s-{rid}",
        placements=placements,
        **extra,
    )


MOSCOW_OBLAST = dict(precision="admin1", radius_km=120.0, admin1="RU.47")


def reports(now: datetime) -> list[LocatedReport]:
    h = timedelta(hours=1)
    return [
        report(
            "r-moscow-drones",
            "Air defence shot down 40 drones over Moscow Oblast; Domodedovo and Vnukovo halted flights",
            now - 0.5 * h,
            [
                placement("Moscow Oblast", "a1:RU.47", 55.5, 37.5, confidence=0.86,
                          claim="confirmed", **MOSCOW_OBLAST),  # type: ignore[arg-type]
                placement("Domodedovo Airport", "iata:DME", 55.4088, 37.9063,
                          precision="airport", radius_km=3, confidence=0.93, admin1="RU.47",
                          text="Domodedovo"),
                placement("Vnukovo Airport", "iata:VKO", 55.5915, 37.2615,
                          precision="airport", radius_km=3, confidence=0.9, admin1="RU.47",
                          text="Vnukovo"),
                placement("Kharkiv Oblast", "a1:UA.07", 49.8, 36.5, precision="admin1",
                          radius_km=110, confidence=0.45, role="origin", claim="unconfirmed",
                          admin1="UA.07", country="UA", text="Kharkiv region"),
            ],
            source="wire-a",
            story="s-moscow",
        ),
        report(
            "r-kolomna",
            "Drone wreckage found near Kolomna, emergency services at the scene",
            now - 1.5 * h,
            [placement("Kolomna", "gn:547560", 55.0794, 38.7783, radius_km=8, confidence=0.72,
                       admin1="RU.47")],
            source="wire-b",
            story="s-moscow",
        ),
        report(
            "r-belgorod",
            "Unverified reports of explosions in Belgorod overnight",
            now - 3 * h,
            [placement("Belgorod", "gn:578072", 50.6107, 36.5802, radius_km=10, confidence=0.38,
                       claim="speculative", admin1="RU.09")],
            source="wire-c",
        ),
        report(
            "r-kyiv",
            "Air raid alert lifted in Kyiv after three hours",
            now - 2 * h,
            [placement("Kyiv", "gn:703448", 50.4501, 30.5234, radius_km=15, confidence=0.81,
                       claim="confirmed", admin1="UA.12", country="UA")],
            source="wire-b",
        ),
        report(
            "r-sheremetyevo",
            "Flights resume at Sheremetyevo after overnight restrictions",
            now - 4 * h,
            [placement("Sheremetyevo Airport", "iata:SVO", 55.9726, 37.4146,
                       precision="airport", radius_km=3, confidence=0.88, claim="confirmed",
                       admin1="RU.47", text="Sheremetyevo")],
            source="wire-a",
        ),
        report(
            "r-london",
            "Analysts in London say the drone campaign is widening",
            now - 5 * h,
            [placement("London", "gn:2643743", 51.5085, -0.1257, radius_km=20, confidence=0.6,
                       role="mentioned", admin1="GB.ENG", country="GB")],
            source="wire-c",
        ),
        report(
            "r-statement",
            "Ministry statement on overnight air defence operations",
            now - 0.2 * h,
            [],
            source="wire-a",
        ),
        report(
            "r-bryansk-old",
            "Drone attack reported in Bryansk Oblast",
            now - 30 * h,
            [placement("Bryansk Oblast", "a1:RU.10", 53.0, 33.4, precision="admin1",
                       radius_km=100, confidence=0.7, admin1="RU.10")],
            source="wire-b",
        ),
    ]


def counts(now: datetime) -> list[RegionCount]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    out: list[RegionCount] = []

    def add(code: str, name: str, cc: str, kind: str, start: datetime, r: int, s: int,
            w: float) -> None:
        end = start + (timedelta(hours=1) if kind == "hour" else timedelta(days=1))
        out.append(RegionCount(region=code, name=name, country=cc, window=kind,  # type: ignore[arg-type]
                               start=start, end=end, reports=r, stories=s, weighted=w,
                               updated_at=now))

    add("RU.47", "Moscow Oblast", "RU", "hour", hour, 3, 2, 1.79)
    add("RU.47", "Moscow Oblast", "RU", "hour", hour - timedelta(hours=4), 1, 1, 0.88)
    add("UA.07", "Kharkiv Oblast", "UA", "hour", hour, 1, 1, 0.45)
    add("RU.09", "Belgorod Oblast", "RU", "hour", hour - timedelta(hours=3), 1, 1, 0.38)
    add("UA.12", "Kyiv", "UA", "hour", hour - timedelta(hours=2), 1, 1, 0.81)
    add("RU.10", "Bryansk Oblast", "RU", "hour", hour - timedelta(hours=30), 1, 1, 0.7)
    add("RU.47", "Moscow Oblast", "RU", "day", day, 4, 3, 2.67)
    add("RU.10", "Bryansk Oblast", "RU", "day", day - timedelta(days=2), 1, 1, 0.7)
    add("UA.07", "Kharkiv Oblast", "UA", "day", day, 1, 1, 0.45)
    return out


def now_utc() -> datetime:
    return datetime.now(UTC)
