"""Tokens, sentences and name keys over raw text, keeping offsets into the original string.

Matching works on name keys (the gazetteer's normal form), built per token once per document
so that a span's key is the join of its tokens' keys and costs no re-normalisation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from unidecode import unidecode

__all__ = ["Doc", "Token", "key_of", "tokenize"]

def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_NONWORD = re.compile(r"[\W_]+")
# A sentence ends at . ! ? (not after a known abbreviation or an initial) or at a line break.
_SENT_END = re.compile(r"[.!?]([\"'”’)]*\s+)|\n+")  # group 1: the break after . ! ?
_ABBREV = _words(
    "mr mrs ms dr st mt ft gen col lt sgt capt cpl maj adm gov sen rep rev prof jr sr inc co corp "
    "ltd no vs u s u.s a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec ave blvd rd "
    "ga ala ariz ark calif colo conn del fla ill ind kan ky la md mass mich minn miss mo mont "
    "neb nev okla ore pa tenn tex va vt wash wis wyo n.y n.j n.c s.c w.va"
)


def key_of(s: str) -> str:
    """The gazetteer's name key: casefolded, transliterated, punctuation collapsed to spaces."""
    if not s.isascii():
        s = unidecode(s)
    return _NONWORD.sub(" ", s.casefold()).strip()


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    cap: bool  # starts with an upper-case letter (or is all caps)
    upper: bool  # all caps, longer than one letter
    sent: int  # sentence index
    first: bool  # first word of its sentence


class Doc:
    """A document split into tokens and sentences, with fast offset → sentence lookup."""

    __slots__ = ("_lower", "_titlecase", "sent_starts", "text", "tokens")

    def __init__(self, text: str, tokens: list[Token], sent_starts: list[int]) -> None:
        self.text = text
        self.tokens = tokens
        self.sent_starts = sent_starts
        self._lower: str | None = None
        self._titlecase: dict[int, bool] = {}

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def is_titlecase(self, idx: int) -> bool:
        """A headline-style sentence, where capitals say little about names."""
        hit = self._titlecase.get(idx)
        if hit is None:
            s0, s1 = self.sentence_span(idx)
            words = _LONG_WORD.findall(self.text, s0, s1)
            caps = sum(1 for w in words if w[0].isupper())
            hit = len(words) >= 4 and caps / len(words) > 0.7
            self._titlecase[idx] = hit
        return hit

    def sentence_of(self, offset: int) -> int:
        return bisect_right(self.sent_starts, offset) - 1

    def sentence_span(self, idx: int) -> tuple[int, int]:
        end = self.sent_starts[idx + 1] if idx + 1 < len(self.sent_starts) else len(self.text)
        return self.sent_starts[idx], end


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in _SENT_END.finditer(text):
        gap = m.group(1)
        if gap is not None and gap[0] != "\n":
            # Do not split after an abbreviation ("Mr.", "U.S.") or a single initial.
            j = m.start(1)
            while j > 0 and text[j - 1] in "\"'”’).!?":
                j -= 1
            k = j
            while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
                k -= 1
            word = text[k:j].lower()
            if word in _ABBREV or len(word) == 1:
                continue
            nxt = text[m.end() : m.end() + 1]
            if nxt and nxt.islower():
                continue
        if m.end() < len(text):
            starts.append(m.end())
    return starts


def tokenize(text: str, keep: frozenset[str] = frozenset()) -> Doc:
    """Tokens of the words that can matter: capitalised words, and the lower-case words in
    ``keep`` (connectors, place-type words, prepositions). Skipping the rest keeps a 2 KB
    document to a few dozen tokens; rules that need adjacency check the text between tokens."""
    sent_starts = _sentence_starts(text)
    tokens: list[Token] = []
    si = 0
    n_sent = len(sent_starts)
    nxt = sent_starts[1] if n_sent > 1 else len(text) + 1
    cur_sent = -1
    append = tokens.append
    first_re = _FIRST.fullmatch
    for m in _candidate_pattern(keep).finditer(text):
        w = m.group()
        if w[0].isupper():
            cap = True
            lw = w.lower() if w.isascii() else key_of(w)
            upper = len(w) > 1 and w.isupper()
        elif w in keep:
            cap = upper = False
            lw = w
        else:
            continue  # a lower-case non-ASCII word
        s = m.start()
        while s >= nxt:
            si += 1
            nxt = sent_starts[si + 1] if si + 1 < n_sent else len(text) + 1
        # Only the first kept word of a sentence can be its first word.
        if cur_sent != si:
            first = first_re(text, sent_starts[si], s) is not None
            cur_sent = si
        else:
            first = False
        append(Token(s, m.end(), w, lw, cap, upper, si, first))
    return Doc(text, tokens, sent_starts)


_PATTERNS: dict[frozenset[str], re.Pattern[str]] = {}


def _candidate_pattern(keep: frozenset[str]) -> re.Pattern[str]:
    """A word that starts with an upper-case letter (or any non-ASCII letter, checked after),
    or one of the lower-case words in ``keep``: the regex engine skips every other word."""
    pat = _PATTERNS.get(keep)
    if pat is None:
        words = _trie(sorted(keep))
        # The keep words first, behind a one-class guard on their first letters: far cheaper
        # per text position than trying the capitalised-word class and every branch.
        first = re.escape("".join(sorted({w[0] for w in keep})))
        alt = f"(?=[{first}]){words}|" if words else ""
        pat = re.compile(rf"(?<![^\W_])(?:{alt}[^\W\d_a-z][^\W_]*)(?![^\W_])")
        _PATTERNS[keep] = pat
    return pat
_FIRST = re.compile(r"[\s\"'“‘(\[*\-–—]*")


def _trie(words: list[str]) -> str:
    """An alternation factored by shared prefixes ("t(?:he|o)"): the regex engine then tries
    one branch per next letter instead of every word at every position."""
    heads: dict[str, list[str]] = {}
    end = False
    for w in words:
        if w:
            heads.setdefault(w[0], []).append(w[1:])
        else:
            end = True
    parts = [re.escape(h) + _trie(rest) for h, rest in sorted(heads.items())]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    if end:
        body = (f"(?:{body})" if len(parts) == 1 else body) + "?"
    return body
