"""Phrase-level rules that look past one name: "the capital", coordinated lists that share a
place-type word ("Kursk, Belgorod and Rostov regions"), and "Paris, Texas" containers."""

from __future__ import annotations

import re
from collections.abc import Callable

from wiremap.stream.geo._lexicon import KIND_SUFFIX
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import Mention, PlaceLike

__all__ = ["CAPITAL", "OUTSIDE", "PLURAL_HINT", "capital_mentions", "link_containers",
           "spread_list_hints"]

#: The key of a "the capital" mention whose country the document decides.
CAPITAL = "the capital"

# "the capital", "the country's capital", "the Ukrainian capital", "Japan's capital"; not
# "the capital of ...", "the capital city", nor "the capital, Kyiv" (the name is a mention).
_CAPITAL = re.compile(
    r"(?:\b(?:the|its|their)\s+(?:(?P<adj>country['’]s|nation['’]s|[a-z]+ian|[A-Z][a-z]+"
    r"(?:\s[A-Z][a-z]+)?)\s+)?|\b(?P<own>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['’]s\s+)capital"
    r"(?:['’]s)?\b(?!\s+(?:of|city)\b)(?!,?\s+[A-Z])"
)
_GENERIC_OWNERS = frozenset({"country's", "country’s", "nation's", "nation’s"})
OUTSIDE = re.compile(r"\b(?:outside|near|around|outskirts\s+of|suburbs\s+of|vicinity\s+of|"
                     r"(?:north|south|east|west)\s+of)\s*(?:the\s+)?$")
_TAIL = re.compile(r"\s+([A-Za-z]+)")
_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
PLURAL_HINT = {"regions": "admin1", "oblasts": "admin1", "provinces": "admin1",
               "airports": "airport", "counties": "admin2", "states": "admin1", "cities": "city"}
_AREA_HINTS = frozenset({"admin1", "admin2", "country"})
_PREFIX_LIST = re.compile(r"\b(regions?|oblasts?|provinces?|cities|towns|airports?)\s+of\s*$", re.I)


def capital_mentions(doc: Doc, out: list[Mention], aviation_sents: set[int],
                     capital_of: Callable[[str], PlaceLike | None]) -> None:
    """'the capital' — resolved later to the capital of the document's main country — and
    'the Ukrainian capital' / 'Japan's capital', whose country the text names (``capital_of``
    maps a demonym or a country's name to its capital; a qualifier it does not know, as in
    "the Soviet capital", is no capital mention)."""
    if "capital" not in doc.text:
        return  # the pattern is case-sensitive: no "capital", no match
    for m in _CAPITAL.finditer(doc.text):
        qualifier = m.group("adj") or m.group("own")
        cands: list[PlaceLike] = []
        if qualifier and qualifier.lower() not in _GENERIC_OWNERS:
            cap = capital_of(qualifier)
            if cap is None:
                continue
            cands = [cap]
        # "Japan's capital": "Japan" is a mention of its own; this one is the capital.
        start = m.start() if m.group("own") is None else doc.text.index("capital", m.end("own"))
        sent = doc.sentence_of(start)
        before = doc.text[max(0, start - 40) : start]
        out.append(
            Mention(
                start=start,
                end=m.end(),
                text=doc.text[start : m.end()],
                # A named country's capital is settled here; "the capital" waits for the
                # document's leading country (the resolver fills mentions keyed CAPITAL).
                key=f"the capital of {cands[0].country}" if cands else CAPITAL,
                cands=cands,
                match="capital",
                sent=sent,
                hint="city",
                ntok=2,
                locative=bool(re.search(r"\b(?:in|at|on|over|to|near|outside)\s+$", before)),
                aviation=sent in aviation_sents,
                outside=bool(OUTSIDE.search(before)),
                aliases=["preferred"] * len(cands),
            )
        )
    # "the Ukrainian capital" names the city, not the country its adjective is.
    spans = [(c.start, c.end) for c in out if c.match == "capital" and c.cands]
    if spans:
        out[:] = [c for c in out if c.match != "demonym"
                  or not any(a <= c.start and c.end <= b for a, b in spans)]


def spread_list_hints(doc: Doc, mentions: list[Mention],
                      apply_hint: Callable[[Mention, str], None]) -> None:
    """Spread a plural place-type word over a coordinated list of names."""
    text = doc.text
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups and groups[-1][-1].sent == m.sent and _LIST_GAP.fullmatch(
            text[groups[-1][-1].end : m.start]
        ):
            groups[-1].append(m)
        else:
            groups.append([m])
    for g in groups:
        if len(g) == 2 and g[0].hint is None and g[1].hint in _AREA_HINTS \
                and text[g[0].end : g[1].start].strip() == ",":
            continue  # "Rostov, Yaroslavl region": a place and its region, not a list
        if len(g) > 1 and sum(m.match != "fuzzy" for m in g) >= 1:
            for m in g:
                m.in_list = True
        hint = None
        tail = _TAIL.match(text[g[-1].end : g[-1].end + 20])
        if tail and tail.group(1).lower() in PLURAL_HINT:
            hint = PLURAL_HINT[tail.group(1).lower()]
        chunk = text[max(0, g[0].start - 30) : g[0].start]
        head = _PREFIX_LIST.search(chunk) if "of" in chunk.lower() else None
        if hint is None and head:
            word = head.group(1).lower()
            hint = PLURAL_HINT.get(word) or KIND_SUFFIX.get(word)
        if hint is None and len(g) > 1:
            hints = {m.hint for m in g if m.hint}
            if len(hints) == 1 and g[-1].hint:
                hint = g[-1].hint
        if hint:
            for m in g:
                if m.hint is None and m.match not in ("capital", "demonym", "area"):
                    apply_hint(m, hint)
                if hint == "airport":
                    m.aviation = True

def link_containers(text: str, mentions: list[Mention]) -> None:
    """'Paris, Texas': the second name contains the first."""
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if text[a.end : b.start] != ", " or (b.in_list and a.in_list and b.hint):
            continue
        a1s = {c.admin1 for c in b.cands if c.kind == "admin1"}
        ccs = {c.country for c in b.cands if c.kind == "country"}
        inside = [c for c in a.cands if c.kind not in ("country", "admin1") and
                  (c.admin1 in a1s or c.country in ccs)]
        if inside and len(inside) < len(a.cands):
            a.container = i + 1
