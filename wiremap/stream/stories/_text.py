"""Text → comparable features: boilerplate stripped, word shingles hashed, facts pulled out.

Everything here is a pure function of the text (crc32 and fixed multipliers, never
Python's per-process ``hash``), so replaying the same items rebuilds the same state.
"""

from __future__ import annotations

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

# Every trigger contains one of its pattern's gates, and most texts contain none; the
# gates and triggers shared between patterns are searched for once per text.
_GATES: list[tuple[str, ...]] = [(")",), (")",), ("rights reserved",), (), (" by",), (" by",),
                                 ("(", "["), ("our standards",), ()]
_CHECKS = [(gate, triggers, pattern)
           for gate, (triggers, pattern) in zip(_GATES, _BOILERPLATE, strict=True)]
assert all(not gates or any(g in t for g in gates) for gates, ts, _ in _CHECKS for t in ts)
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
_UNICODE_PUNCT = "’‘“”—–…«»„·•"
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)
_SHIFT = np.uint64(32)
_EMPTY = np.zeros(0, dtype=np.uint32)


class Features:
    """What the stage keeps of an item: sorted unique shingle hashes, token count, the alert
    form, and its facts as two space-joined byte strings: a few hundred bytes, where holding
    the cleaned text to extract them on first use cost ~1.2 KB per live item."""

    __slots__ = ("_names", "_numbers", "alert", "alert_facts", "shingles", "tokens")

    def __init__(self, facts: tuple[tuple[bytes, ...], tuple[bytes, ...]],
                 shingles: npt.NDArray[np.uint32], tokens: int,
                 alert: npt.NDArray[np.uint32] | None, alert_facts: frozenset[int]) -> None:
        self._names = b" ".join(facts[0])
        self._numbers = b" ".join(facts[1])
        self.shingles = shingles
        self.tokens = tokens
        #: The alert form: a short item's token hashes, or a long item's headline's
        #: (first line, when that is alert-sized); None when there is none.
        self.alert = alert
        #: The alert's names and figures, as token hashes.
        self.alert_facts = alert_facts

    @property
    def short(self) -> bool:
        return self.tokens < SHORT_TOKENS

    def facts(self) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
        """(names and places, figures), lower-cased and sorted."""
        return tuple(self._names.split()), tuple(self._numbers.split())


def strip_boilerplate(text: str) -> str:
    """Remove agency credits, copyright lines and update tags that republications add."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    prefix = _PREFIX.match(text)
    if prefix:
        text = text[prefix.end():]
    low = text.lower() if ascii_only else text.casefold()
    seen: dict[str, bool] = {}
    for gates, triggers, pattern in _CHECKS:
        for g in gates:
            found = seen.get(g)
            if found is None:
                found = seen[g] = g in low
            if found:
                break
        else:
            if gates:
                continue
        for t in triggers:
            found = seen.get(t)
            if found is None:
                found = seen[t] = t in low
            if found:
                text = pattern.sub(" ", text)
                break
    if not ascii_only:
        for ch in _UNICODE_PUNCT:
            if ch in text:
                text = text.replace(ch, " ")
    return text


def _words(text: str) -> tuple[bytes, bytes, list[int]]:
    """The text as UTF-8, as ASCII-punctuation-free bytes, and crc32 hashes of its
    lower-cased words."""
    encoded = text.encode("utf-8", "replace")
    raw = encoded.translate(_TABLE)
    return encoded, raw, list(map(zlib.crc32, raw.lower().split()))


def _facts(encoded: bytes, raw: bytes) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """Names and places (capitalised words used mid-sentence) and figures (numbers), lower-cased."""
    counts = Counter([w for w in raw.split() if w[0] < 0x5B])
    if not counts:
        return (), ()
    first = _FIRST.match(encoded)
    if first:
        counts[first.group(1)] -= 1
    for w in _INITIAL.findall(encoded):
        counts[w] -= 1
    found = {w.lower() for w, c in counts.items() if c > 0 or w[0] <= 0x39}
    found -= _NOT_FACTS
    names = tuple(sorted(w for w in found if w[0] > 0x39))
    numbers = tuple(sorted(w for w in found if w[0] <= 0x39))
    return names, numbers


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
    h = np.array(tokens, dtype=np.uint64)
    if len(h) >= SHINGLE:
        mixed = h[: -SHINGLE + 1] * _M1 + h[1 : len(h) - SHINGLE + 2] * _M2 + h[SHINGLE - 1 :] * _M3
    else:
        mixed = np.array([int(np.sum(h * _M1, dtype=np.uint64))], dtype=np.uint64)
    out = (mixed >> _SHIFT).astype(np.uint32)
    out.sort()
    return out[np.concatenate(([True], out[1:] != out[:-1]))]


def extract(text: str) -> Features:
    """Features of one item's text (headline, newline, body)."""
    clean = strip_boilerplate(text)
    encoded, raw, tokens = _words(clean)
    alert: npt.NDArray[np.uint32] | None = None
    alert_facts: frozenset[int] = frozenset()
    if len(tokens) < SHORT_TOKENS:
        if tokens:
            alert = _set(tokens)
            alert_facts = _alert_facts(raw)
    else:
        head_text = _HEAD.match(clean).group(1)  # type: ignore[union-attr]
        _, head_raw, head = _words(head_text)
        if MIN_ALERT_TOKENS <= len(head) < SHORT_TOKENS:
            alert = _set(head)
            alert_facts = _alert_facts(head_raw)
    return Features(_facts(encoded, raw), _shingles(tokens), len(tokens), alert, alert_facts)
