"""Phrase-level rules that look past one name: "the capital", coordinated lists that share a
place-type word ("Kursk, Belgorod and Rostov regions"), and "Paris, Texas" containers."""

from __future__ import annotations

import re
from collections.abc import Callable

from wiremap.stream.geo._lexicon import KIND_SUFFIX
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import Mention

__all__ = ["OUTSIDE", "PLURAL_HINT", "capital_mentions", "link_containers", "spread_list_hints"]

_CAPITAL = re.compile(
    r"\b(?:the|its|their)\s+(?:country['’]s\s+|nation['’]s\s+|russian\s+|ukrainian\s+)?capital"
    r"(?:['’]s)?\b(?!\s+(?:of|city)\b)(?!,?\s+[A-Z])"
)
OUTSIDE = re.compile(r"\b(?:outside|near|around|outskirts\s+of|suburbs\s+of|vicinity\s+of|"
                     r"(?:north|south|east|west)\s+of)\s*(?:the\s+)?$")
_TAIL = re.compile(r"\s+([A-Za-z]+)")
_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
PLURAL_HINT = {"regions": "admin1", "oblasts": "admin1", "provinces": "admin1",
               "airports": "airport", "counties": "admin2", "states": "admin1", "cities": "city"}
_PREFIX_LIST = re.compile(r"\b(regions?|oblasts?|provinces?|cities|towns|airports?)\s+of\s*$", re.I)


def capital_mentions(doc: Doc, out: list[Mention], aviation_sents: set[int]) -> None:
    """'the capital' — resolved later to the capital of the document's main country."""
    if "capital" not in doc.text:
        return  # the pattern is case-sensitive: no "capital", no match
    for m in _CAPITAL.finditer(doc.text):
        start = m.start()
        sent = doc.sentence_of(start)
        before = doc.text[max(0, start - 40) : start]
        out.append(
            Mention(
                start=start,
                end=m.end(),
                text=m.group(),
                key="the capital",
                cands=[],
                match="capital",
                sent=sent,
                hint="city",
                ntok=2,
                locative=bool(re.search(r"\b(?:in|at|on|over|to|near|outside)\s+$", before)),
                aviation=sent in aviation_sents,
                outside=bool(OUTSIDE.search(before)),
            )
        )

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
