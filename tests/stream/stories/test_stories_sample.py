"""The sample Moscow drone report: its republications form one story; other Moscow drone
reports (a different incident, the next night's tally, short alerts) stay apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiremap.stream.stories import StoryStage

REPORT = (Path(__file__).parent / "data" / "moscow-drone-report.txt").read_text(encoding="utf-8")
LINES = [line.strip() for line in REPORT.splitlines() if line.strip()]
HEADLINE = "Emergency services at drone crash site in Moscow region; 378 flights disrupted"


def _doc(headline: str, paragraphs: list[str]) -> str:
    return headline + "\n" + "\n\n".join(paragraphs)


ORIGINAL = _doc(HEADLINE, LINES)

REPUBLICATIONS = {
    # Agency rewrite: new headline, dateline, the leaked-documents lines dropped, credits.
    "rewrite": _doc(
        "Drone downed near Moscow as 287 Ukrainian drones hit 12 regions, ministry says",
        ["MOSCOW, May 21 (Reuters) - " + LINES[0]]
        + [line for line in LINES[1:] if "leaked" not in line and "privileged" not in line]
        + ["(Reporting by Polina Ivanova; Editing by Mark Trevelyan)"]),
    # Corrected figures and an update tag.
    "corrected": _doc(
        "UPDATE 1-" + HEADLINE.replace("378", "381"),
        [line.replace("287", "289").replace("378 flights", "381 flights") for line in LINES]
        + ["(Corrects number of flights in paragraph 14)"]),
    # Cut to the first half, with typos.
    "truncated": _doc(
        HEADLINE,
        [line.replace("emergency", "emergancy").replace("Sobyanin", "Sobyanim")
         for line in LINES[:11]]),
    # Airports first, under a travel headline; copyright line.
    "reordered": _doc(
        "Moscow airports cancel, delay or divert 378 flights after drone attacks",
        LINES[12:16] + LINES[:12] + LINES[16:]
        + ["Copyright 2025 Interfax. All rights reserved."]),
}

PODOLSK = _doc(
    "Drone debris damages houses in Podolsk, Moscow region",
    [
        "Debris from a drone shot down by air defense systems fell on a residential street in "
        "Podolsk in the Moscow region on Tuesday night, damaging the roofs of three houses.",
        "No one was injured, regional governor Andrei Vorobyov said, adding that emergency "
        "services were working at the scene.",
        "Moscow Mayor Sergei Sobyanin said air defense forces had repelled an attack by two "
        "drones flying towards the capital.",
        "Rosaviatsia said restrictions were briefly imposed at Vnukovo and Domodedovo airports "
        "to ensure flight safety.",
        "The Russian Ministry of Defense said 45 Ukrainian drones had been destroyed overnight "
        "over Bryansk, Kursk and Moscow regions.",
    ],
)

# The next night's ministry tally, written on the sample's template: different figures, regions.
NEXT_NIGHT = _doc(
    "Air defenses down 112 drones overnight, 15 over Moscow Oblast",
    [
        "According to the Russian Ministry of Defense, air defense forces across 9 regions of "
        "the country shot down 112 Ukrainian drones between 11:00 pm and 6:00 am Moscow "
        "Standard Time.",
        "Of these, 15 were intercepted in Moscow Oblast, with 6 specifically aimed at the capital.",
        "It also notes that the majority of the drones were destroyed over the regions of "
        "Bryansk, Oryol, and Tula, which have been the primary targets of Ukrainian aerial attacks.",
        "The drone strikes have had a significant impact on air travel in the region.",
        "Sheremetyevo and Vnukovo airports have collectively canceled, delayed, or diverted 64 "
        "flights due to heightened security measures.",
    ],
)


@pytest.fixture
def stage() -> StoryStage:
    return StoryStage()  # the settings' threshold and window: what the worker runs


def test_republications_of_the_sample_join_its_story(stage: StoryStage) -> None:
    assert stage.assign("sample", ORIGINAL, 0.0).matched_id is None
    for k, (name, text) in enumerate(REPUBLICATIONS.items(), start=1):
        result = stage.assign(name, text, 600.0 * k)
        assert result.story_id == "sample", name
        assert result.story_size == k + 1
        assert result.matched_id is not None


def test_other_moscow_drone_reports_stay_apart(stage: StoryStage) -> None:
    stage.assign("sample", ORIGINAL, 0.0)
    for name, text in REPUBLICATIONS.items():
        stage.assign(name, text, 60.0)
    assert stage.assign("podolsk", PODOLSK, 3600.0).story_id == "podolsk"
    assert stage.assign("next-night", NEXT_NIGHT, 86_000.0).story_id == "next-night"
    assert stage.assign("alert-1", "Drone shot down over Moscow region", 86_100.0
                        ).story_id == "alert-1"
    assert stage.assign("alert-2", "Drone attack on Moscow airport", 86_200.0
                        ).story_id == "alert-2"
    assert stage.stories == 5  # the sample (with its copies), podolsk, next night, two alerts


def test_copies_of_the_other_report_join_it_not_the_sample(stage: StoryStage) -> None:
    stage.assign("sample", ORIGINAL, 0.0)
    stage.assign("podolsk", PODOLSK, 10.0)
    copy = PODOLSK.replace("three houses", "four houses") + "\n\n(Reporting by Jane Doe)"
    result = stage.assign("podolsk-2", "UPDATE 1-" + copy, 20.0)
    assert (result.story_id, result.matched_id) == ("podolsk", "podolsk")
