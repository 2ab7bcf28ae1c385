"""Recognition: find the spans of English text that name places, with their candidates.

Names are looked up as token n-grams of capitalised runs in the gazetteer's key table (one
dict probe per n-gram, longest first), so the cost grows with the capitalised words of a
document, not with the size of the gazetteer. Rules around the lookup keep people,
organisations and common words out, read place-type words ("Kursk region", "Domodedovo
airport", "the regions of Kursk, Belgorod and Rostov") as hints, and catch misspellings
with a one-edit index over the better-known names.
"""

from __future__ import annotations

import functools
import re

from wiremap.stream.geo._common import COMMON_WORDS
from wiremap.stream.geo._cyrillic import cyrillic_doc, language_of
from wiremap.stream.geo._dateline import mark_dateline
from wiremap.stream.geo._fuzzy import FUZZY_MIN_LEN
from wiremap.stream.geo._lexicon import (
    AP_STATES,
    CONNECTORS,
    CONTINENTS,
    DEMONYMS,
    GIVEN_NAMES,
    INSTITUTIONS,
    KIND_SUFFIX,
    LOCATIVE,
    NON_PLACE_HEADS,
    ORG_HEADS,
    PERSON_AFTER,
    PLACE_NOUNS,
    SHORT_FORMS,
    STOP_CAPS,
    STREET_HEADS,
    TITLES,
)
from wiremap.stream.geo._mentions import MODIFIER_AFTER, apply_hint, build_mention
from wiremap.stream.geo._names import NameTable
from wiremap.stream.geo._needles import Needles
from wiremap.stream.geo._phrases import (
    PLURAL_HINT,
    capital_mentions,
    link_containers,
    spread_list_hints,
)
from wiremap.stream.geo._text import Doc, Token, tokenize
from wiremap.stream.geo._types import Area, GazetteerLike, Mention, PlaceLike

__all__ = ["Recognizer"]

_MAX_NGRAM = 6
_AVIATION = re.compile(r"(?=[aflprt])\b(airports?|flights?|runways?|airlines?|aircraft|planes?|"
                       r"landed|takeoff|take-off|terminal|aviation|airspace)\b")
#: Substrings every _AVIATION match contains: most documents hold none, and ``in`` is cheaper
#: than the regex scan.
_AVIATION_NEEDS = ("airport", "flight", "runway", "airline", "aircraft", "plane", "landed",
                   "takeoff", "take-off", "terminal", "aviation", "airspace")
_AVIATION_NEEDLES = Needles(_AVIATION_NEEDS)
_WATER_HILL = frozenset({"lake", "mount", "mt"})
#: Water bodies named after a place: "the Sea of Azov" is not Azov, "the Gulf of Mexico" not
#: Mexico, "the South China Sea" not China. The gazetteer holds no water bodies, so such a
#: name gets no placement rather than a wrong one.
_WATER_OF = frozenset({"sea", "gulf", "bay", "strait", "straits"})
_WATER_AFTER = frozenset({"sea", "ocean", "gulf", "strait", "straits"})
#: Lower-case words the rules look at; every other lower-case word is skipped by the tokenizer.
_KEEP = frozenset(
    CONNECTORS | set(KIND_SUFFIX) | set(PLURAL_HINT) | LOCATIVE | TITLES | PERSON_AFTER
    | PLACE_NOUNS | {"of", "the"}
)
def _gap_ok(text: str, a: Token, b: Token) -> bool:
    gap = text[a.end : b.start]
    if gap in (" ", "-", "'", "’", "  ", " - "):
        return True
    if gap.startswith("."):
        return gap in (".", ". ") and (len(a.text) == 1 or a.key in ("st", "ft", "mt"))
    return False


class Recognizer(NameTable):
    """Finds candidate place mentions; holds only lookup tables, so it is safe to reuse."""

    def __init__(self, gazetteer: GazetteerLike, *, fuzzy: bool = True) -> None:
        super().__init__(gazetteer, fuzzy=fuzzy)
        self._areas: dict[str, Area] = {
            k: Area(v[0], v[1], "continent", v[2], v[3], "", None, 0, v[4], "CONT")
            for k, v in CONTINENTS.items()
        }

    # -- main entry ------------------------------------------------------------------------

    def tokenize(self, text: str) -> Doc:
        doc = tokenize(text, _KEEP)
        lang = language_of(text)
        return doc if lang is None else cyrillic_doc(doc, self.lookup, lang)

    def find(self, doc: Doc, *, demonyms: str = "place") -> list[Mention]:
        text = doc.text
        toks = doc.tokens
        n = len(toks)
        lower = doc.lower
        mentions: list[Mention] = []
        persons: set[str] = set()
        aviation_sents = {doc.sentence_of(m.start()) for m in _AVIATION.finditer(lower)} \
            if _AVIATION_NEEDLES.present(lower) else set()
        lookup = self._gaz.lookup
        areas = self._areas
        dead_get = self._dead.get

        i = 0
        while i < n:
            t = toks[i]
            if not t.cap:
                i += 1
                continue
            # Build the capitalised run starting at i.
            run = [i]
            j = i + 1
            while j < n and toks[j].sent == t.sent:
                tj = toks[j]
                prev = toks[run[-1]]
                if (tj.cap and _gap_ok(text, prev, tj)) or (
                    tj.key in CONNECTORS
                    and j + 1 < n
                    and toks[j + 1].cap
                    and toks[j + 1].sent == t.sent
                    and _gap_ok(text, prev, tj)
                    and _gap_ok(text, tj, toks[j + 1])
                ):
                    run.append(j)
                    j += 1
                else:
                    break
            while run and toks[run[-1]].key in CONNECTORS:
                run.pop()
            if len(run) == 1:
                key = t.key
                dead = dead_get(key)
                if dead is None:
                    dead = self._dead_key(key)
                if dead:
                    i = j if j > i else i + 1
                    continue
            self._scan_run(doc, run, mentions, persons, aviation_sents, demonyms,
                           lookup, areas)
            i = j if j > i else i + 1

        capital_mentions(doc, mentions, aviation_sents, self._capital_of)
        mentions = mark_dateline(self.lookup, doc, mentions, aviation_sents)
        mentions.sort(key=lambda m: m.start)
        if persons:
            mentions = [m for m in mentions if m.key not in persons or m.ntok > 1 or m.dateline]
        spread_list_hints(doc, mentions, functools.partial(apply_hint, self.lookup))
        # A spelling variant counts only where the text says it is a place: a place-type word,
        # a locative preposition, or a list of other places.
        mentions = [m for m in mentions if m.match != "fuzzy" or m.hint or m.locative
                    or (m.in_list and not m.in_run)]
        link_containers(text, mentions)
        return mentions

    def _scan_run(
        self,
        doc: Doc,
        run: list[int],
        out: list[Mention],
        persons: set[str],
        aviation_sents: set[int],
        demonyms: str,
        lookup: object,
        areas: dict[str, Area],
    ) -> None:
        toks = doc.tokens
        text = doc.text
        m = len(run)
        keys = [toks[x].key for x in run]
        special = self._special
        cache_get = self._cache.get
        dead_get = self._dead.get
        k = 0
        while k < m:
            ti = run[k]
            t = toks[ti]
            if t.key in CONNECTORS and not t.cap:
                k += 1
                continue
            found = False
            if (t.key in GIVEN_NAMES and k + 1 < m and toks[run[k + 1]].cap
                    and toks[run[k + 1]].key not in CONNECTORS):
                whole = " ".join(keys[k : k + 2])
                if not self.lookup(whole)[0]:
                    p = k + 1
                    while p < m and toks[run[p]].key not in CONNECTORS:
                        persons.add(toks[run[p]].key)
                        p += 1
                    k = p
                    continue
            for length in range(min(_MAX_NGRAM, m - k), 0, -1):
                last = run[k + length - 1]
                if toks[last].key in CONNECTORS and not toks[last].cap:
                    continue
                key = " ".join(keys[k : k + length])
                if length > 1:
                    if key not in special:
                        hit = cache_get(key)
                        if hit is not None and not hit[0]:
                            continue  # a known miss: the common case for multi-word n-grams
                elif dead_get(key):
                    continue  # _match gives None for it in any context, and it is no title
                mention = self._match(doc, run, k, length, key, aviation_sents,
                                      demonyms, areas)
                if mention is None and length == 1 and dead_get(key) is None:
                    self._dead_key(key)
                if mention is not None:
                    if mention.cands:
                        out.append(mention)
                    k = m if mention.match == "rest" else k + length
                    found = True
                    break
                if length == 1 and t.key in TITLES:
                    # "Captain Dandykin", "Mayor Sergei Sobyanin": the rest of the run is a person.
                    p = k + 1
                    while p < m and toks[run[p]].key not in CONNECTORS:
                        persons.add(toks[run[p]].key)
                        p += 1
                    k = p
                    found = True
                    break
            if not found:
                k += 1
        # Given name + surname: a person unless a longer place name covered it.
        for a in range(m - 1):
            if toks[run[a]].key in GIVEN_NAMES and toks[run[a + 1]].cap:
                for b in range(a + 1, m):
                    if toks[run[b]].key in CONNECTORS:
                        break
                    persons.add(toks[run[b]].key)
        del text

    def _match(
        self,
        doc: Doc,
        run: list[int],
        k: int,
        length: int,
        key: str,
        aviation_sents: set[int],
        demonyms: str,
        areas: dict[str, Area],
    ) -> Mention | None:
        """A mention for run[k:k+length], an empty-candidate mention to consume a non-place
        span, or None when the n-gram is not a name at all."""
        if length > 1 and key not in self._special:
            hit = self._cache.get(key)
            if hit is not None and not hit[0]:
                return None  # a known miss: the common case for multi-word n-grams
        toks = doc.tokens
        text = doc.text
        first_t = toks[run[k]]
        last_i = run[k + length - 1]
        last_t = toks[last_i]
        nxt = toks[last_i + 1] if last_i + 1 < len(toks) else None
        nxt_same = nxt is not None and nxt.sent == first_t.sent and text[last_t.end : nxt.start] == " "
        prv = toks[run[k] - 1] if run[k] > 0 else None
        prv_same = prv is not None and prv.sent == first_t.sent

        match = "name"
        dist = 0
        cands: list[PlaceLike]
        aliases: list[str] = []
        if key in INSTITUTIONS:
            return _consume()
        if key in areas:
            cands = [areas[key]]
            aliases = ["preferred"]
            match = "area"
        else:
            dem = DEMONYMS.get(key)
            if dem is not None and length <= 2:
                if nxt_same and nxt is not None and nxt.cap and nxt.key in ORG_HEADS:
                    return _consume()  # "Russian Ministry of Defense": an organisation
                if k + length < len(run) and toks[run[k + length]].key in ORG_HEADS:
                    return _consume()
                denotes = nxt_same and nxt is not None and nxt.key in PLACE_NOUNS
                if demonyms == "all" or (demonyms == "place" and denotes):
                    c = self._gaz.country(dem)
                    return build_mention(self.lookup, doc, run, k, length, key, [c] if c else [], "demonym",
                                         0, aviation_sents, ["preferred"])
                return _consume()
            short = SHORT_FORMS.get(key)
            if short is not None and (length > 1 or first_t.upper or len(key) > 3):
                c = self._gaz.get(short)
                if c is not None:
                    return build_mention(self.lookup, doc, run, k, length, key, [c], "alias", 0,
                                         aviation_sents, ["alternate"])
            hit = self._cache.get(key)
            if hit is None:
                self.lookup(key)
                hit = self._cache[key]
            if hit[0]:
                upper = first_t.upper or (length > 1 and all(toks[x].upper or len(toks[x].text) == 1
                                                            for x in run[k : k + length]))
                cands, aliases = self._usable(key, upper)
            else:
                cands, aliases = [], []
            if cands and length > 1 and last_t.key in KIND_SUFFIX and "preferred" not in aliases \
                    and MODIFIER_AFTER.match(text, last_t.end) is not None:
                # "Illinois State Police", "Minnesota State Patrol": the typed alias of a place
                # whose type word starts another name; the shorter n-gram is the place.
                return None
            ap = AP_STATES.get(key) if length <= 2 else None
            if ap is not None and prv_same and prv is not None \
                    and text[prv.end : first_t.start] == ", " \
                    and text[last_t.end : last_t.end + 1] == ".":
                # "Columbia, S.C.", "Gainesville, Ga.": an AP-style state after a comma.
                a1 = self._gaz.admin1(f"US.{ap}")
                if a1 is not None:
                    return build_mention(self.lookup, doc, run, k, length, key, [a1], "abbrev", 0,
                                         aviation_sents, ["abbreviation"])
            if not cands:
                if length != 1 or len(key) < FUZZY_MIN_LEN or self._fuzzy is None:
                    return None
                if key in STOP_CAPS or key in COMMON_WORDS or key in GIVEN_NAMES or key in TITLES:
                    return None
                if first_t.upper:
                    return None
                fz = self.fuzzy(key)
                if fz is None:
                    return None
                cands, aliases = self.lookup(fz[0])
                keep = [i for i, a in enumerate(aliases) if a not in ("translit", "abbreviation", "code")]
                cands = [cands[i] for i in keep]
                aliases = [aliases[i] for i in keep]
                match, dist = "fuzzy", fz[1]
        if length == 1:
            if key in STOP_CAPS or key in TITLES:
                return _consume() if key in TITLES else None
            if key in COMMON_WORDS and not any(
                c.kind in ("country", "admin1") or c.population >= 1_000_000 for c in cands
            ) and (first_t.first or len(run) > 1 or f" {key} " in doc.lower):
                return None
            if len(key) <= 2:
                if not (first_t.upper and any(c.kind == "country" for c in cands)):
                    return None
                keep = [i for i, c in enumerate(cands) if c.kind == "country"]
                cands = [cands[i] for i in keep]
                aliases = [aliases[i] for i in keep]
            elif first_t.upper and len(key) <= 4 and not any(c.kind in ("country", "admin1") for c in cands):
                return None  # acronyms: "NATO", "CNN"
        if nxt is not None and nxt.cap and nxt.key in NON_PLACE_HEADS and nxt.sent == first_t.sent:
            return _consume(rest=True)
        if nxt_same and nxt is not None and nxt.cap and nxt.key in STREET_HEADS:
            return _consume(rest=True)
        if nxt_same and nxt is not None and nxt.cap and nxt.key in _WATER_AFTER:
            return _consume()
        if length == 1 and key in _WATER_OF and nxt_same and nxt is not None and nxt.key == "of":
            return _consume()  # "Gulf" of "Gulf of Mexico" is no Gulf County
        if prv_same and prv is not None and prv.key == "of" and run[k] >= 2:
            head = toks[run[k] - 2]
            if head.cap and head.key in _WATER_OF and head.sent == first_t.sent \
                    and text[head.end : prv.start] == " " and text[prv.end : first_t.start] == " ":
                return _consume()
        if prv_same and prv is not None and prv.cap and prv.key in _WATER_HILL \
                and text[prv.end : first_t.start] == " ":
            return _consume()  # "Lake Vermont", "Mount Hope": named after the place, elsewhere
        if prv_same and prv is not None and prv.key in TITLES and length == 1 and match != "area" \
                and text[prv.end : first_t.start] in (" ", ". "):
            return _consume()
        if (
            match == "name"
            and length == 1
            and prv_same
            and prv is not None
            and prv.cap
            and prv.key in GIVEN_NAMES
            and text[prv.end : first_t.start] == " "
        ):
            return _consume()
        return build_mention(self.lookup, doc, run, k, length, key, cands, match, dist, aviation_sents,
                             aliases)


def _consume(*, rest: bool = False) -> Mention:
    """A sentinel mention with no candidates: the span (or the rest of the run) is taken but
    names no place."""
    return Mention(0, 0, "", "", [], "rest" if rest else "none", 0)
