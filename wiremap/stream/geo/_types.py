"""The shapes the geoparser relies on: what a place and a gazetteer look like to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

__all__ = ["Analysed", "Area", "GazetteerLike", "Mention", "PlaceLike", "Resolved"]


class PlaceLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def country(self) -> str: ...
    @property
    def admin1(self) -> str | None: ...
    @property
    def population(self) -> int: ...
    @property
    def radius_km(self) -> float: ...
    @property
    def feature(self) -> str: ...


class GazetteerLike(Protocol):
    def lookup(self, key: str) -> Sequence[PlaceLike]: ...
    def keys(self) -> Iterable[str]: ...
    def get(self, place_id: str) -> PlaceLike | None: ...
    def admin1(self, code: str) -> PlaceLike | None: ...
    def country(self, cc: str) -> PlaceLike | None: ...
    def capital(self, cc: str) -> PlaceLike | None: ...


@dataclass(frozen=True, slots=True)
class Area:
    """A continent or world region: places the gazetteer does not hold but news names."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str
    admin1: str | None
    population: int
    radius_km: float
    feature: str


@dataclass(slots=True)
class Mention:
    """A recognised span and the places it could name."""

    start: int
    end: int
    text: str
    key: str
    cands: list[PlaceLike]
    match: str  # name | alias | fuzzy | capital | demonym | abbrev | area
    sent: int
    dist: int = 0
    hint: str | None = None
    ntok: int = 1
    first: bool = False
    locative: bool = False
    person_cue: bool = False
    aviation: bool = False
    outside: bool = False
    titlecase: bool = False
    container: int | None = None  # index of a following ", State" mention
    aliases: list[str] = field(default_factory=list)  # how each candidate's name matched
    in_run: bool = False  # part of a longer capitalised name ("Superior Court")
    n_found: int = 0  # candidates before a place-type word narrowed them
    in_list: bool = False  # one of a coordinated list of names ("Kursk, Belgorod and Rostov")
    org_run: bool = False  # its capitalised run ends in an organisation word ("Columbia University")
    dateline: bool = False  # the place the copy was filed from ("KYIV (AP) -")


@dataclass(slots=True)
class Resolved:
    """A mention with its chosen place and the evidence for it."""

    mention: Mention
    place: PlaceLike
    score: float
    margin: float
    n_cands: int
    coherence: float = 0.0
    same_country: float = 0.0
    near_other: bool = False
    coherent_with: str | None = None
    in_container: bool = False
    repeats: int = 1
    alias: str = "preferred"
    extras: dict[str, float] = field(default_factory=dict)


class Analysed(NamedTuple):
    """A resolved mention, its evidence features and what the model makes of them."""

    resolved: Resolved
    features: list[float]
    confidence: float  # P(the chosen place is right): for an area, that the event lies in it
    point_confidence: float  # P(its point lies within 161 km of the place's true location)
    toponym: float  # P(the span is a place name at all): decides emission
