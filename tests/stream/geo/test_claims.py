"""Claim status and role come from the sentence around a place."""

from __future__ import annotations

import pytest

from wiremap.contracts import ClaimStatus, Role
from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._claims import claim_status, role_of


@pytest.mark.parametrize(("sentence", "status"), [
    ("Officials confirmed that two drones crashed near Kursk.", ClaimStatus.CONFIRMED),
    ("The governor has confirmed the strike on the depot.", ClaimStatus.CONFIRMED),
    ("According to local media, a drone hit a depot in Kursk.", ClaimStatus.REPORTED),
    ("A drone hit a depot in Kursk, the agency reported.", ClaimStatus.REPORTED),
    ("The drones may have come from Sumy.", ClaimStatus.SPECULATIVE),
    ("Analysts speculated that the launch site was in Sumy.", ClaimStatus.SPECULATIVE),
    ("Images suggest the depot in Kursk was hit.", ClaimStatus.SPECULATIVE),
    ("The report, which remains unconfirmed, placed the strike in Kursk.", ClaimStatus.UNCONFIRMED),
    ("The claim could not be independently verified.", ClaimStatus.UNCONFIRMED),
    ("Officials have not confirmed a strike in Kursk.", ClaimStatus.UNCONFIRMED),
    # Russian and Ukrainian copy
    ("По неподтверждённым данным, беспилотник упал в Раменском.", ClaimStatus.UNCONFIRMED),
    ("За неперевіреною інформацією, дрони запустили з території Сумщини.", ClaimStatus.UNCONFIRMED),
    ("Предположительно, дроны были запущены из Сумской области.", ClaimStatus.SPECULATIVE),
    ("Ймовірно, ракету випустили з боку Бєлгорода.", ClaimStatus.SPECULATIVE),
    ("Губернатор подтвердил, что обломки упали в Курске.", ClaimStatus.CONFIRMED),
    ("Силы ПВО уничтожили три беспилотника над Московской областью.", ClaimStatus.REPORTED),
])
def test_claim_status(sentence: str, status: ClaimStatus) -> None:
    assert claim_status(sentence) == status


@pytest.mark.parametrize(("sentence", "place", "role"), [
    ("The drones were launched from Sumy Oblast, officials said.", "Sumy", Role.ORIGIN),
    ("The drones may have originated from the Kharkiv region.", "Kharkiv", Role.ORIGIN),
    ("Missiles fired overnight from Belgorod hit Kharkiv.", "Belgorod", Role.ORIGIN),
    ("Missiles fired overnight from Belgorod hit Kharkiv.", "Kharkiv", Role.EVENT),
    ("Forty drones were intercepted over Moscow Oblast.", "Moscow", Role.EVENT),
    ("The minister, who was born in Kursk, spoke on television.", "Kursk", Role.MENTIONED),
    ("Беспилотники, запущенные с территории Сумской области, сбиты над Курском.", "Сумской",
     Role.ORIGIN),
    ("Беспилотники, запущенные с территории Сумской области, сбиты над Курском.", "Курском",
     Role.EVENT),
    ("Дрони, випущені з території Сумщини, збили над Харковом.", "Сумщини", Role.ORIGIN),
    ("Мэр Москвы выступил на форуме в Казани.", "Казани", Role.MENTIONED),
])
def test_role(sentence: str, place: str, role: Role) -> None:
    assert role_of(sentence, sentence.index(place)) == role


def test_roles_and_status_reach_placements(geoparser: Geoparser) -> None:
    text = ("Air defences destroyed 12 drones over the Belgorod region, officials confirmed. "
            "Analysts speculated that the drones had been launched from the Sumy region.")
    got = {p.text: p for p in geoparser.parse(text)}
    assert got["Belgorod region"].role == Role.EVENT
    assert got["Belgorod region"].claim == ClaimStatus.CONFIRMED
    assert got["Sumy region"].role == Role.ORIGIN
    assert got["Sumy region"].claim == ClaimStatus.SPECULATIVE
