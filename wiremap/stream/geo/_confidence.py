"""The evidence features of a resolved mention, the confidence model's inputs (``_model``)."""

from __future__ import annotations

import math

from wiremap.stream.geo._lexicon import KIND_SUFFIX
from wiremap.stream.geo._person import name_priors
from wiremap.stream.geo._text import key_of
from wiremap.stream.geo._types import PlaceLike, Resolved

__all__ = ["FEATURES", "features"]

FEATURES: tuple[str, ...] = (
    "log_pop",
    "kind_country",
    "kind_admin1",
    "kind_admin2",
    "kind_city",
    "kind_airport",
    "kind_continent",
    "match_alias",
    "match_fuzzy",
    "match_capital",
    "match_demonym",
    "match_abbrev",
    "log_cands",
    "single_cand",
    "margin",
    "margin_small",
    "coherence",
    "near_other",
    "container",
    "hint_match",
    "multi_token",
    "sentence_initial",
    "titlecase",
    "locative",
    "person_cue",
    "log_repeats",
    "capital_city",
    "short_name",
    "all_caps",
    "primary_name",
    "small_place",
    "outside",
    "alias_alternate",
    "alias_stripped",
    "alias_weak",
    "in_longer_name",
    "log_radius",
    "wide",
    "pop_city",
    "coherence_ambiguous",
    "margin_city",
    "radius_country",
    "near_ambiguous",
    "locative_city",
    "rival_far",
    "rival_km",
    "namesakes_big",
    "dominant_cc",
    "top_share",
    "mention_share",
    "most_populous",
    "wide_dominant",
    "city_not_dominant",
    "surname_prior",
    "given_prior",
    "person_in_doc",
    "suffix_in_span",
    "suffix_hint",
    "neighbour_km",
    "rival_closer",
    "org_run",
    "a1_share",
    "dominant_a1",
    "dateline",
)


_NAME_KEYS: dict[str, str] = {}
_PLACES: dict[str, tuple[float, ...]] = {}
_SUFFIX_WORDS = frozenset(KIND_SUFFIX)


def _name_key(name: str) -> str:
    hit = _NAME_KEYS.get(name)
    if hit is None:
        if len(_NAME_KEYS) > 100_000:
            _NAME_KEYS.clear()
        hit = _NAME_KEYS[name] = key_of(name)
    return hit


def _place_block(p: PlaceLike) -> tuple[float, ...]:
    """The features that depend on the place alone, memoised by id (news repeats its places)."""
    hit = _PLACES.get(p.id)
    if hit is None:
        if len(_PLACES) > 100_000:
            _PLACES.clear()
        kind = p.kind
        # Airports carry no population and are named by their stem ("Domodedovo"): score them
        # as a mid-sized named place rather than as an unknown hamlet.
        pop = 100_000 if kind == "airport" else p.population
        log_pop = math.log10(pop + 1) / 7.0
        log_radius = math.log10(p.radius_km + 1.0) / 3.0
        city = kind == "city"
        hit = _PLACES[p.id] = (
            log_pop, float(kind == "country"), float(kind == "admin1"), float(kind == "admin2"),
            float(city), float(kind == "airport"), float(kind == "continent"),
            float(p.feature == "PPLC"), float(city and pop < 10_000), log_radius,
            float(p.radius_km > 161.0), log_pop * city, log_radius * (kind == "country"),
        )
    return hit


def features(r: Resolved, person_keys: frozenset[str] = frozenset()) -> list[float]:
    """The model's inputs for one placement; ``person_keys`` are the document's words used as
    a person's name somewhere (``_person.person_keys``)."""
    m = r.mention
    p = r.place
    kind = p.kind
    (log_pop, is_country, is_admin1, is_admin2, is_city, is_airport, is_continent, pplc, small,
     log_radius, wide, pop_city, radius_country) = _place_block(p)
    alias = r.alias
    key = m.key
    primary = _name_key(p.name) == key
    if kind == "airport" and alias in ("stripped", "typed"):
        alias, primary = "preferred", True
    margin = max(-2.0, min(r.margin, 10.0)) / 10.0
    ex = r.extras
    get = ex.get
    match = m.match
    n_cands = r.n_cands
    ambiguous = n_cands > 1
    text = m.text
    if m.ntok == 1:
        surname, given = name_priors(key)
        person = float(key in person_keys)
    else:
        surname = given = person = 0.0
    in_span = " " in text and text.rsplit(" ", 1)[-1].lower() in _SUFFIX_WORDS
    dominant = get("dominant_cc", 0.0)
    return [
        log_pop,
        is_country,
        is_admin1,
        is_admin2,
        is_city,
        is_airport,
        is_continent,
        float(match == "alias"),
        float(match == "fuzzy"),
        float(match == "capital"),
        float(match == "demonym"),
        float(match == "abbrev"),
        math.log(n_cands),
        float(n_cands == 1),
        margin,
        float(ambiguous and margin < 0.1),
        r.coherence,
        float(r.near_other),
        float(r.in_container),
        float(m.hint is not None and m.hint == kind),
        float(m.ntok > 1),
        float(m.first),
        float(m.titlecase),
        float(m.locative),
        float(m.person_cue),
        math.log(r.repeats),
        pplc,
        float(len(key) <= 4),
        float(text.isupper()),
        float(primary),
        small,
        float(m.outside),
        float(alias == "alternate"),
        float(alias in ("stripped", "namesake")),
        float(alias in ("abbreviation", "code")),
        float(m.in_run),
        log_radius,
        wide,
        pop_city,
        r.coherence * ambiguous,
        margin * is_city,
        radius_country,
        float(r.near_other and ambiguous),
        float(m.locative) * is_city,
        get("rival_far", 0.0),
        get("rival_km", 0.0),
        get("namesakes_big", 0.0),
        dominant,
        get("top_share", 0.0),
        get("mention_share", 0.0),
        get("most_populous", 0.0),
        wide * dominant,
        is_city * (1.0 - dominant),
        surname,
        given,
        person,
        float(in_span),
        float(m.hint is not None),
        get("neighbour_km", 1.0),
        get("rival_closer", 0.0),
        float(m.org_run),
        get("a1_share", 0.0),
        get("dominant_a1", 0.0),
        float(m.dateline),
    ]
