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
#: A letter or digit outside ASCII. Text without one (curly quotes and dashes allowed) has
#: the same words under the ASCII pattern as under the Unicode one.
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")
# The same words in text whose letters are all ASCII (2x faster), and those of them that start
# with a capital.
_LONG_WORD_ASCII = re.compile(r"[a-zA-Z]{4,}", re.ASCII)
# (The capital first, then the look-behind: the engine then scans for [A-Z] in C.)
_CAP_WORD_ASCII = re.compile(r"[A-Z](?<![a-zA-Z][A-Z])[a-zA-Z]{3,}", re.ASCII)
_NONWORD = re.compile(r"[\W_]+")
# A sentence ends at . ! ? (not after a known abbreviation or an initial) or at a line break.
_SENT_END = re.compile(r"[.!?]([\"'”’)]*\s+)|\n+")  # group 1: the break after . ! ?
_ABBREV = _words(
    "mr mrs ms dr st mt ft gen col lt sgt capt cpl maj adm gov sen rep rev prof jr sr inc co corp "
    "ltd no vs u s u.s a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec ave blvd rd "
    "ga ala ariz ark calif colo conn del fla ill ind kan ky la md mass mich minn miss mo mont "
    "neb nev okla ore pa tenn tex va vt wash wis wyo n.y n.j n.c s.c w.va"
)

_ABBREV_MAX = max(map(len, _ABBREV))


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
    hint: str | None = None  # the kind its own words name (a Cyrillic "... областью" token)


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
            sentence = self.text[s0:s1]
            if sentence.isascii() or _NON_ASCII_WORD.search(sentence) is None:
                # Counted in C; fewer than 3 capitalised words can never be > 70 % of >= 4.
                caps = len(_CAP_WORD_ASCII.findall(sentence))
                if caps < 3:
                    hit = False
                else:
                    n = len(_LONG_WORD_ASCII.findall(sentence))
                    hit = n >= 4 and caps / n > 0.7
            else:
                words = _LONG_WORD.findall(sentence)
                caps = sum(1 for w in words if w[0].isupper())
                hit = len(words) >= 4 and caps / len(words) > 0.7
            self._titlecase[idx] = hit
        return hit

    def sentence_of(self, offset: int) -> int:
        return bisect_right(self.sent_starts, offset) - 1

    def sentence_span(self, idx: int) -> tuple[int, int]:
        end = self.sent_starts[idx + 1] if idx + 1 < len(self.sent_starts) else len(self.text)
        return self.sent_starts[idx], end


def _sentence_ends(text: str) -> list[re.Match[str]]:
    """``_SENT_END.finditer(text)``, found faster: a match can only start at one of . ! ? or a
    line break, which ``str.find`` locates in C; the pattern is tried only there."""
    cands: list[int] = []
    find = text.find
    for ch in ".!?\n":
        i = find(ch)
        while i >= 0:
            cands.append(i)
            i = find(ch, i + 1)
    cands.sort()
    out: list[re.Match[str]] = []
    match = _SENT_END.match
    last = 0
    for p in cands:
        if p >= last:
            m = match(text, p)
            if m is not None:
                out.append(m)
                last = m.end()
    return out


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in _sentence_ends(text):
        gap = m.group(1)
        if gap is not None and gap[0] != "\n":
            # Do not split after an abbreviation ("Mr.", "U.S.") or a single initial.
            j = m.start(1)
            while j > 0 and text[j - 1] in "\"'”’).!?":
                j -= 1
            k = j
            # No further back than the longest abbreviation: a longer word is none.
            stop = max(0, j - _ABBREV_MAX - 1)
            while k > stop and (text[k - 1].isalpha() or text[k - 1] == "."):
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
    cache = _WORD_INFO.get(keep)
    if cache is None:
        cache = _WORD_INFO[keep] = {}
    info_of = cache.get
    ascii_words = text.isascii() or _NON_ASCII_WORD.search(text) is None
    for m in _candidate_pattern(keep, ascii_words).finditer(text):
        w = m.group()
        info = info_of(w)
        if info is None:
            info = _word_info(w, keep, cache)
        if info is _SKIP:
            continue  # a lower-case non-ASCII word
        s, e = m.span()
        while s >= nxt:
            si += 1
            nxt = sent_starts[si + 1] if si + 1 < n_sent else len(text) + 1
        # Only the first kept word of a sentence can be its first word.
        if cur_sent != si:
            first = first_re(text, sent_starts[si], s) is not None
            cur_sent = si
        else:
            first = False
        append(Token(s, e, w, info[0], info[1], info[2], si, first))
    return Doc(text, tokens, sent_starts)


#: Per keep set, per distinct word: (key, capitalised, all caps), or _SKIP. Words repeat
#: across documents, so this saves the case tests and the key per token.
_WORD_INFO: dict[frozenset[str], dict[str, tuple[str, bool, bool]]] = {}
_SKIP = ("", False, False)
_WORD_INFO_MAX = 200_000


def _word_info(w: str, keep: frozenset[str], cache: dict[str, tuple[str, bool, bool]]
               ) -> tuple[str, bool, bool]:
    if w[0].isupper():
        info = (w.lower() if w.isascii() else key_of(w), True, len(w) > 1 and w.isupper())
    elif w in keep:
        info = (w, False, False)
    else:
        info = _SKIP
    if len(cache) >= _WORD_INFO_MAX:
        cache.clear()
    cache[w] = info
    return info


_PATTERNS: dict[frozenset[str], tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _candidate_pattern(keep: frozenset[str], ascii_text: bool = False) -> re.Pattern[str]:
    """A word that starts with an upper-case letter (or any non-ASCII letter, checked after),
    or one of the lower-case words in ``keep``: the regex engine skips every other word.
    ``ascii_text``: the same pattern, with ASCII classes (faster), for text whose letters and
    digits are all ASCII."""
    pats = _PATTERNS.get(keep)
    if pats is None:
        words = _trie(sorted(keep))
        # The keep words first, behind a one-class guard on their first letters: far cheaper
        # per text position than trying the capitalised-word class and every branch.
        first = re.escape("".join(sorted({w[0] for w in keep})))
        alt = f"(?=[{first}]){words}|" if words else ""
        # On ASCII text [^\W_] is [A-Za-z0-9] and [^\W\d_a-z] is [A-Z]; the two branches
        # start with different letters, so trying the capitalised one first changes no match.
        tail = f"|(?=[{first}]){words}" if words else ""
        pats = _PATTERNS[keep] = (
            re.compile(rf"(?<![^\W_])(?:{alt}[^\W\d_a-z][^\W_]*)(?![^\W_])"),
            re.compile(rf"(?<![A-Za-z0-9])(?:[A-Z][A-Za-z0-9]*{tail})(?![A-Za-z0-9])", re.ASCII),
        )
    return pats[1] if ascii_text else pats[0]


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
