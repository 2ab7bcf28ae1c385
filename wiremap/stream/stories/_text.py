"""Text → comparable features: boilerplate stripped, word shingles hashed, facts pulled out.

Everything here is a pure function of the text (crc32 and fixed multipliers, never
Python's per-process ``hash``), so replaying the same items rebuilds the same state.
"""

from __future__ import annotations

import array
import bisect
import re
import unicodedata
import zlib
from collections import Counter

import numpy as np
import numpy.typing as npt

__all__ = ["SHORT_TOKENS", "Features", "extract", "strip_boilerplate"]

#: Items with fewer content tokens than this are "short" (headline-only alerts).
SHORT_TOKENS = 20
#: A headline shorter than this is too generic to stand for its item.
MIN_ALERT_TOKENS = 3
#: Word shingle length.
SHINGLE = 3

_AGENCIES = (
    r"Reuters|AP|AFP|Bloomberg|TASS|Interfax|RIA(?: Novosti)?|UPI|dpa|DPA|ANSA|EFE|Xinhua|"
    r"Kyodo|Yonhap|PTI|IANS|ANI|CNN|BBC|Ukrinform|Anadolu|PAP|CTK|APA|AAP|CP|NYT"
)
# (substrings of the casefolded text, one of which must occur, pattern to remove).
_BOILERPLATE: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    # Dateline + agency credit: "MOSCOW, Nov 25 (Reuters) - ", "(AP) — ".
    ((") -", ")-", ") —", ") –", "):"), re.compile(
        r"(?m)^[ \t]*(?:[A-Z][A-Za-z .'/-]{1,40}(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?[ \t]*)?"
        rf"\((?:{_AGENCIES})\)[ \t]*[-—–:]+[ \t]*"
    )),
    ((") -", ")-", ") —", ") –"), re.compile(rf"\((?:{_AGENCIES})\)[ \t]*[-—–]+[ \t]+")),
    # Copyright notices.
    (("rights reserved",), re.compile(
        r"(?is)(?:copyright|©|\(c\))[^\n]{0,200}?all rights reserved\.?"
    )),
    (("copyright", "©"), re.compile(r"(?im)^[ \t]*(?:copyright|©)[^\n]{0,120}$")),
    # Credit lines: "Reporting by ...; Editing by ...", on their own line (bracketed, or with
    # a ";", or not ending as a sentence does) or closing the text.
    (("reporting by", "writing by", "editing by", "compiled by", "translated by"), re.compile(
        r"(?im)^[ \t]*(?:[(\[][ \t]*(?:additional[ \t]+)?(?:reporting|writing|editing|compiled|"
        r"translated)[ \t]+by\b[^\n]*|(?:additional[ \t]+)?(?:reporting|writing|editing|compiled|"
        r"translated)[ \t]+by\b(?:[^\n]*;[^\n]*|[^\n]*[^.\n]))[ \t]*$"
    )),
    (("reporting by", "writing by", "editing by"), re.compile(
        r"(?is)[ \t]*[(\[][ \t]*(?:additional[ \t]+)?(?:reporting|writing|editing)[ \t]+by\b"
        r"[^\n]{0,300}?[)\]][ \t]*\Z"
    )),
    # Update / correction tags and urgency prefixes.
    (("(updates", "(adds", "(recasts", "(refiles", "(corrects", "(rewrites", "(changes",
      "[updates", "[adds", "[corrects"), re.compile(
        r"(?im)^[ \t]*[(\[][ \t]*(?:updates|adds|recasts|refiles|corrects|rewrites|changes)\b"
        r"[^\n]{0,200}?[)\]][ \t]*$"
    )),
    (("our standards",), re.compile(r"(?i)our standards:[^\n]{0,80}trust principles\.?")),
    (("follow us on", "sign up for", "click here", "read more"), re.compile(
        r"(?im)^[ \t]*(?:follow us on|sign up for|click here|read more:?)\b[^\n]*$"
    )),
]

# Most texts hold no trigger. Each is searched for once per text, bar those holding an anchor
# (a rare character, or " by"): the anchor is searched for once, and each of its occurrences
# checked against the triggers around it.
_ANCHORS = (")", "(", "[", " by")


def _by_anchor() -> tuple[tuple[str, ...], tuple[tuple[str, tuple[tuple[str, int], ...]], ...]]:
    plain: list[str] = []
    anchored: dict[str, list[tuple[str, int]]] = {}
    for t in sorted({t for triggers, _ in _BOILERPLATE for t in triggers}):
        anchor = next((a for a in _ANCHORS if a in t), None)
        if anchor is None:
            plain.append(t)
        else:
            anchored.setdefault(anchor, []).append((t, t.index(anchor)))
    return tuple(plain), tuple((a, tuple(ts)) for a, ts in anchored.items())


_PLAIN, _ANCHORED = _by_anchor()
_HEAD = re.compile(r"\s*([^\n]*)")
# Urgency and update prefixes of a headline: "UPDATE 2-", "BREAKING:", "EXCLUSIVE-".
_PREFIX = re.compile(
    r"\s*(?:(?:UPDATE|REFILE|CORRECTED|WRAPUP)[ \t]*\d*[ \t]*[-—–:][ \t]*|"
    r"(?:BREAKING|URGENT|FLASH|EXCLUSIVE|ALERT)(?:[ \t]+NEWS)?[ \t]*[-—–:|][ \t]*)+",
    re.IGNORECASE,
)

#: Capitalised words that start sentences; never evidence of a name or place.
_NOT_FACTS = frozenset(
    b"a an and as at but by for from he her his if in it its more most no not of on one "
    b"or our she so some that the their then there these they this those to we what when "
    b"where which while who why with you after also according all although another any "
    b"because before both during each however last meanwhile many other over since such "
    b"under until police officials authorities i mr mrs ms dr".split()
)
# The capitalised word that opens a sentence (or the text): not evidence of a name.
_INITIAL = re.compile(rb"[.!?\n:][\s\"'(\[]*([A-Z][A-Za-z0-9_\x80-\xff]*)")
_FIRST = re.compile(rb"[\s\"'(\[]*([A-Z][A-Za-z0-9_\x80-\xff]*)")
# ASCII punctuation → space; letters, digits and UTF-8 continuation bytes kept.
_KEEP = set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_KEEP |= set(range(128, 256))
_TABLE = bytes(b if b in _KEEP else 0x20 for b in range(256))
# A capitalised word (or a figure) of the ASCII-punctuation-free text, after a space.
_CAPITALISED = re.compile(rb" ([0-9A-Z][^ ]*)")
_UNICODE_PUNCT = "’‘“”—–…«»„·•"
#: Triggers with a character that :func:`_spaced` replaces (") —").
_DASHED = tuple(sorted({t for triggers, _ in _BOILERPLATE for t in triggers
                        if any(ch in t for ch in _UNICODE_PUNCT)}))
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)
_SHIFT = np.uint64(32)
_EMPTY = np.zeros(0, dtype=np.uint32)
_U32 = next(code for code in "IL" if array.array(code).itemsize == 4)
_NO_FACTS: frozenset[int] = frozenset()


class Features:
    """What the stage keeps of an item: sorted unique shingle hashes, token count, the alert
    form, and its facts as two space-joined byte strings: a few hundred bytes, where holding
    the cleaned text to extract them on first use cost ~1.2 KB per live item."""

    __slots__ = ("_alert", "_alert_facts", "_head", "_names", "_numbers", "shingles", "tokens")

    def __init__(self, facts: tuple[tuple[bytes, ...], tuple[bytes, ...]],
                 shingles: npt.NDArray[np.uint32], tokens: int,
                 alert: npt.NDArray[np.uint32] | None, alert_facts: frozenset[int],
                 head: str | None = None) -> None:
        self._names = b" ".join(facts[0])
        self._numbers = b" ".join(facts[1])
        self.shingles = shingles
        self.tokens = tokens
        self._alert = alert
        self._alert_facts = alert_facts
        #: A long item's first line, until its alert form is first asked for: most long
        #: items are never compared with alerts.
        self._head = head

    @property
    def short(self) -> bool:
        return self.tokens < SHORT_TOKENS

    @property
    def alert(self) -> npt.NDArray[np.uint32] | None:
        """The alert form: a short item's token hashes, or a long item's headline's (first
        line, when that is alert-sized); None when there is none."""
        if self._head is not None:
            self._alert, self._alert_facts = _headline(self._head)
            self._head = None
        return self._alert

    @property
    def alert_facts(self) -> frozenset[int]:
        """The alert's names and figures, as token hashes."""
        if self._head is not None:
            self._alert, self._alert_facts = _headline(self._head)
            self._head = None
        return self._alert_facts

    def drop_alert(self) -> None:
        """Forget the alert form (a long item's headline is only a query)."""
        self._alert, self._alert_facts, self._head = None, _NO_FACTS, None

    def facts(self) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
        """(names and places, figures), lower-cased and sorted."""
        return tuple(self._names.split()), tuple(self._numbers.split())


def strip_boilerplate(text: str) -> str:
    """Remove agency credits, copyright lines and update tags that republications add."""
    if text.isascii():
        text = _unprefixed(text)
        return _strip(text, _triggers(text.lower()))
    text = _unprefixed(unicodedata.normalize("NFKC", text))
    spaced = _spaced(text)
    # Usually ASCII, so cheap to lower: the triggers in it, and those with a dash it lost,
    # are a superset of the text's (a space for a quote can complete one), checked below.
    found = _triggers(spaced.lower() if spaced.isascii() else spaced.casefold())
    found.update(t for t in _DASHED if t in text)
    if found:
        low = text.casefold()
        found = {t for t in found if t in low}
        if found:
            return _spaced(_strip(text, found))
    return spaced


def _unprefixed(text: str) -> str:
    prefix = _PREFIX.match(text)
    return text[prefix.end():] if prefix else text


def _spaced(text: str) -> str:
    """Unicode quotes, dashes and bullets → spaces."""
    for ch in _UNICODE_PUNCT:
        if ch in text:
            text = text.replace(ch, " ")
    return text


def _strip(text: str, found: set[str]) -> str:
    """The text without the boilerplate whose triggers were ``found``."""
    if found:
        for triggers, pattern in _BOILERPLATE:
            if not found.isdisjoint(triggers):
                text = pattern.sub(" ", text)
    return text


def _triggers(low: str) -> set[str]:
    """The boilerplate triggers that occur in ``low``."""
    found = {t for t in _PLAIN if t in low}
    for anchor, triggers in _ANCHORED:
        i = low.find(anchor)
        while i >= 0:
            for t, at in triggers:
                if i >= at and low.startswith(t, i - at):
                    found.add(t)
            i = low.find(anchor, i + 1)
    return found


def _words(text: str) -> tuple[bytes, bytes, list[int]]:
    """The text as UTF-8, as ASCII-punctuation-free bytes, and crc32 hashes of its
    lower-cased words."""
    encoded = text.encode("utf-8", "replace")
    raw = encoded.translate(_TABLE)
    return encoded, raw, list(map(zlib.crc32, raw.lower().split()))


def _facts(encoded: bytes, raw: bytes) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """Names and places (capitalised words used mid-sentence) and figures (numbers), lower-cased."""
    counts = Counter(_CAPITALISED.findall(b" " + raw))
    if not counts:
        return (), ()
    first = _FIRST.match(encoded)
    if first:
        counts[first.group(1)] -= 1
    for w in _INITIAL.findall(encoded):
        counts[w] -= 1
    found = sorted({w.lower() for w, c in counts.items() if c > 0 or w[0] <= 0x39} - _NOT_FACTS)
    names = bisect.bisect_left(found, b":")  # figures (a digit first) sort before names
    return tuple(found[names:]), tuple(found[:names])


def _alert_facts(raw: bytes) -> frozenset[int]:
    """An alert's names and figures, in the token-hash space (crc32 of the lower-cased word).

    Every capitalised word counts, the first included: headlines open with the place."""
    found = {w.lower() for w in raw.split() if w[0] < 0x5B} - _NOT_FACTS
    return frozenset(map(zlib.crc32, found))


def _set(tokens: list[int]) -> npt.NDArray[np.uint32]:
    return np.array(sorted(set(tokens)), dtype=np.uint32)


def _shingles(tokens: list[int]) -> npt.NDArray[np.uint32]:
    if not tokens:
        return _EMPTY
    h = np.frombuffer(array.array(_U32, tokens), dtype=np.uint32)  # twice np.array's speed
    if len(h) >= SHINGLE:
        mixed = h[: -SHINGLE + 1] * _M1 + h[1 : len(h) - SHINGLE + 2] * _M2 + h[SHINGLE - 1 :] * _M3
    else:
        mixed = np.array([int(np.sum(h * _M1, dtype=np.uint64))], dtype=np.uint64)
    out = (mixed >> _SHIFT).astype(np.uint32)
    out.sort()
    keep = np.empty(len(out), dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


def _headline(head_text: str) -> tuple[npt.NDArray[np.uint32] | None, frozenset[int]]:
    """A long item's headline (its first line) as an alert, when it is alert-sized."""
    _, head_raw, head = _words(head_text)
    if MIN_ALERT_TOKENS <= len(head) < SHORT_TOKENS:
        return _set(head), _alert_facts(head_raw)
    return None, _NO_FACTS


def extract(text: str) -> Features:
    """Features of one item's text (headline, newline, body)."""
    clean = strip_boilerplate(text)
    encoded, raw, tokens = _words(clean)
    facts, shingles = _facts(encoded, raw), _shingles(tokens)
    if len(tokens) >= SHORT_TOKENS:
        head = _HEAD.match(clean).group(1)  # type: ignore[union-attr]
        return Features(facts, shingles, len(tokens), None, _NO_FACTS, head)
    if not tokens:
        return Features(facts, shingles, 0, None, _NO_FACTS)
    return Features(facts, shingles, len(tokens), _set(tokens), _alert_facts(raw))
