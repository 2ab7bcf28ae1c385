"""A recognised span → its ``Mention``: the span's end, the place-type hint around it
("Kursk region", "the city of X") and the cues the resolver and the confidence model read
(locative, "outside", a person cue after it, an organisation run)."""

from __future__ import annotations

import re
from collections.abc import Callable

from wiremap.stream.geo._lexicon import (
    CONNECTORS,
    KIND_SUFFIX,
    LOCATIVE,
    ORG_HEADS,
    PERSON_AFTER,
)
from wiremap.stream.geo._phrases import OUTSIDE, PLURAL_HINT
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import Mention, PlaceLike

__all__ = ["MODIFIER_AFTER", "Lookup", "apply_hint", "build_mention"]

#: The recogniser's gazetteer lookup: key → (candidates, how each was named).
Lookup = Callable[[str], tuple[list[PlaceLike], list[str]]]

_AGE_AFTER = re.compile(r"\s*,\s*\d{1,3}\s*,")
_HINT_KEYS: dict[str, tuple[str, ...]] = {
    "admin1": ("oblast", "region", "province", "krai", "state", "governorate"),
    "admin2": ("county", "parish", "district"),
    "airport": ("airport", "international airport"),
}
#: Place-type words that, in lower case, say the kind but are no part of the name ("the
#: Knoxville area", "New York state", "Fargo city"); "Kursk region" keeps its word, as the desk
#: writes Russian and Ukrainian oblasts.
_HINT_ONLY = frozenset({"area", "state", "city", "town"})
#: After a place-type word, the start of a longer name or a compound noun: the type word
#: modifies what follows ("Kentucky State Police", "Greer City Hall", "Fargo city council"),
#: so the place name ends before it.
MODIFIER_AFTER = re.compile(
    r" (?:[A-Z][a-z]|(?:hall|halls|council|councils|centre|centres|center|centers|limits|"
    r"administrator|manager|officials?|government|line|lines|police|court|school|schools|"
    r"university|college|hospital|department|attorney|officer|officers)\b)")


def build_mention(
    lookup: Lookup,
    doc: Doc,
    run: list[int],
    k: int,
    length: int,
    key: str,
    cands: list[PlaceLike],
    match: str,
    dist: int,
    aviation_sents: set[int],
    aliases: list[str],
) -> Mention:
    toks = doc.tokens
    text = doc.text
    first_t = toks[run[k]]
    last_i = run[k + length - 1]
    end = toks[last_i].end
    if text[end : end + 1] == "." and (len(toks[last_i].text) == 1 or match == "abbrev"):
        end += 1  # "U.S.", "W.Va.", "Ind."
    hint: str | None = None
    if match == "name" and cands and "preferred" not in aliases:
        match = "alias"
    suffix: str | None = None
    # Place-type word after the name: "Kursk region", "Domodedovo airport".
    if last_i + 1 < len(toks):
        nt = toks[last_i + 1]
        if nt.sent == first_t.sent and text[toks[last_i].end : nt.start] == " " \
                and nt.key in KIND_SUFFIX and nt.key not in PLURAL_HINT:
            hint = KIND_SUFFIX[nt.key]
            suffix = nt.key
            if not (nt.key in _HINT_ONLY and nt.text.islower()) \
                    and MODIFIER_AFTER.match(text, nt.end) is None:
                end = nt.end
    if hint is None:
        hint = toks[last_i].hint
    # "the city of X", "the province of X".
    if hint is None and run[k] >= 2:
        p1, p2 = toks[run[k] - 1], toks[run[k] - 2]
        if p1.key == "of" and p2.key in KIND_SUFFIX and p2.sent == first_t.sent \
                and text[p2.end : p1.start] == " " and text[p1.end : first_t.start] == " ":
            hint = KIND_SUFFIX[p2.key]
    locative = False
    j = run[k] - 1
    if j >= 0 and toks[j].key == "the" and text[toks[j].end : first_t.start] == " ":
        j -= 1
    if j >= 0:
        prv = toks[j]
        locative = prv.key in LOCATIVE and prv.sent == first_t.sent and \
            text[prv.end : first_t.start] in (" ", " the ")
    before = text[max(0, first_t.start - 40) : first_t.start]
    outside = hint == "area" or (
        ("of" in before or "near" in before or "around" in before or "outside" in before)
        and OUTSIDE.search(before) is not None)
    nxt_i = last_i + 1 if end <= toks[last_i].end + 1 else last_i + 2
    person_cue = False
    if nxt_i < len(toks):
        nt = toks[nxt_i]
        person_cue = nt.key in PERSON_AFTER and nt.start - end <= 3
    if _AGE_AFTER.match(text, end):
        person_cue = True
    mention = Mention(
        start=first_t.start,
        end=end,
        text=text[first_t.start : end],
        key=key,
        cands=cands,
        match=match,
        sent=first_t.sent,
        dist=dist,
        hint=hint,
        ntok=length,
        first=first_t.first,
        locative=locative,
        person_cue=person_cue,
        aviation=first_t.sent in aviation_sents,
        outside=outside,
        titlecase=doc.is_titlecase(first_t.sent),
        aliases=aliases,
        in_run=(k > 0 and toks[run[k - 1]].key not in CONNECTORS)
        or (k + length < len(run) and toks[run[k + length]].key not in CONNECTORS),
    )
    for j in range(k + length, len(run)):
        key_j = toks[run[j]].key
        if key_j in CONNECTORS:
            break
        if key_j in ORG_HEADS:
            mention.org_run = True
            break
    if hint is not None:
        apply_hint(lookup, mention, hint, suffix)
    return mention

def apply_hint(lookup: Lookup, m: Mention, hint: str, suffix: str | None = None) -> None:
    """When the text names the kind ("Kursk region", "Vnukovo airport"), the typed form
    the gazetteer generated for that kind is the reading; keep only those candidates."""
    m.hint = hint
    kinds = _HINT_KEYS.get(hint)
    if kinds is None:
        return
    for sfx in ((suffix,) if suffix else ()) + kinds:
        more, al = lookup(f"{m.key} {sfx}")
        sel = [(c, a) for c, a in zip(more, al, strict=True) if c.kind == hint]
        if sel:
            m.n_found = len({c.id for c in m.cands} | {c.id for c, _ in sel})
            m.cands = [c for c, _ in sel]
            m.aliases = ["typed" if a == "stripped" else a for _, a in sel]
            return

