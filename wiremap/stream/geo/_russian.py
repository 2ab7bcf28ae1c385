"""Russian-language copy: names in their case forms read in their dictionary forms.

Russian inflects place names ("над Московской областью", "в Курске", "в аэропорту Внуково"),
so the gazetteer's keys (nominative forms) miss them as written, and it has no Cyrillic
country names. The capitalised words of a Russian document get the key of their dictionary
form from pymorphy3's morphological dictionary; an adjective before a place-type noun gets the
key of the whole agreed name ("Московской областью" → "московская область", the gazetteer's
own alias); "аэропорт" before a name gives the airport's typed key; a country's Russian name
maps to the gazetteer's English one. The dictionary also says which capitalised words are
common words (sentence-initial "Силы") or people (Собянин), which get no token. The English
rules then run over these tokens unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo._text import Doc, Token, key_of

__all__ = ["is_russian", "russian_doc"]

_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
#: Place-type nouns that follow an adjectival name, by dictionary form → the kind they name.
_TYPE_AFTER = {"область": "admin1", "край": "admin1", "республика": "admin1", "округ": "admin1",
               "район": "admin2"}
#: Place-type nouns that precede a name, and the typed key they give it.
_TYPE_BEFORE = {"аэропорт": "airport"}
#: Colloquial names for regions, by dictionary form → the region's own name.
_COLLOQUIAL = {"подмосковье": "московская область", "кубань": "краснодарский край",
               "приморье": "приморский край", "ставрополье": "ставропольский край"}
_PEOPLE = frozenset({"Name", "Surn", "Patr"})
_CONNECT = {"и": "and"}
_OPENERS = " \t\n\"'«“(—-"


_BGN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"})
_YE = re.compile(r"(?:(?<=[аеёиоуыэюяьъ])|^)е")
_SKY = re.compile(r"[иы]й\b")


def _romanised(word: str) -> str:
    """The English press's spelling ("Шереметьево" → Sheremetyevo, "Жуковский" → Zhukovsky),
    which the gazetteer's English names use, where the generic transliteration differs."""
    w = _SKY.sub("y", _YE.sub("ye", word.lower()))
    return w.translate(_BGN)


def _key(word: str, known: Callable[[str], bool]) -> str | None:
    """The key under which the gazetteer knows a Cyrillic name, if it does."""
    for k in (key_of(word), key_of(_romanised(word))):
        if known(k):
            return k
    return None


def is_russian(text: str) -> bool:
    """More Cyrillic letters than Latin ones: read with the Russian forms."""
    if _CYR.search(text) is None:
        return False
    return len(_CYR.findall(text)) > len(_LAT.findall(text))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Dictionary form → the name to look up: colloquial region names, and countries' Russian
    names → the gazetteer's English ones (data/ru_names.json, scripts/build_geo_russian.py)."""
    out: dict[str, str] = json.loads(data_path("ru_names.json").read_text(encoding="utf-8"))
    return out | _COLLOQUIAL


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def _parse(word: str) -> Any:
    return _morph().parse(word)[0]


def _agreed(adj: Any, gender: str | None) -> str:
    """The adjective in the nominative singular of a gender ("Московской" before "областью"
    → "московская")."""
    form = adj.inflect({"nomn", "sing", gender or "masc"})
    return str(form.word if form is not None else adj.normal_form)


def russian_doc(doc: Doc, known: Callable[[str], bool]) -> Doc:
    """``doc`` with its Cyrillic tokens replaced by dictionary-form ones. ``known(key)`` says
    whether the gazetteer has a key (a name already in its dictionary form is kept as
    written: indeclinable "Внуково" is no "внуково" the analyser guesses at)."""
    text = doc.text
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    parses = [_parse(w.lower()) for _, _, w in words]
    tokens: list[Token] = [t for t in doc.tokens if _CYR.search(t.text) is None]
    skip: set[int] = set()
    for i, (s, e, w) in enumerate(words):
        if i in skip:
            continue
        p = parses[i]
        lemma = str(p.normal_form)
        if not w[0].isupper():
            conn = _CONNECT.get(w)
            if conn is not None:
                tokens.append(_token(doc, s, e, w, conn, cap=False))
            typed = _TYPE_BEFORE.get(lemma)
            if typed:
                # "в аэропорту Внуково", "в аэропортах Домодедово и Шереметьево"
                j, start = i + 1, s
                while j < len(words) and words[j][2][0].isupper() \
                        and text[words[j - 1][1] : words[j][0]] in (" ", ", ", " и "):
                    _, ne, nw = words[j]
                    for name in (nw, str(parses[j].normal_form)):
                        key = _key(f"{name} {typed}", known)
                        if key is not None:
                            tokens.append(_token(doc, start, ne, text[start:ne], key, hint=typed))
                            break
                    skip.add(j)
                    j += 1
                    if j < len(words) and words[j][2] == "и":
                        j += 1
                    start = words[j][0] if j < len(words) else ne
            continue
        tags = set(p.tag.grammemes)
        if tags & _PEOPLE and "Geox" not in tags:
            continue  # "Собянин": a person
        nxt = i + 1
        if "ADJF" in tags and nxt < len(words):
            # "Московской областью", or one of a list: "Курской, Белгородской и Ростовской областях"
            j = nxt
            while j < len(words) and ((words[j][2][0].isupper() and "ADJF" in parses[j].tag)
                                      or words[j][2] == "и"):
                j += 1
            noun = parses[j] if j < len(words) else None
            if noun is not None and noun.normal_form in _TYPE_AFTER:
                key = _key(f"{_agreed(p, noun.tag.gender)} {noun.normal_form}", known)
                if key is not None:
                    end = words[j][1] if j == nxt and text[e : words[j][0]] == " " else e
                    tokens.append(_token(doc, s, end, text[s:end], key,
                                         hint=_TYPE_AFTER[noun.normal_form]))
                    if end != e:
                        skip.add(j)
                    continue
                if noun.normal_form != "район":
                    continue  # a region the gazetteer lacks: not the town of the same stem
        alias = _aliases().get(lemma)
        # the dictionary form first where the analyser knows the word as a place ("Орле" is
        # Oryol, not a village "Orle"); as written first otherwise (names it does not know)
        names = [alias or lemma, w] if alias or "Geox" in tags else [w, lemma]
        if "ADJF" in tags:  # towns named by an adjective: Раменское, Жуковский
            names += [_agreed(p, g) for g in ("neut", "femn")]
        key = next((k for k in (_key(x, known) for x in names) if k is not None), None)
        if key is None:
            continue
        if "Geox" not in tags and p.is_known and alias is None \
                and not text[doc.sent_starts[doc.sentence_of(s)] : s].strip(_OPENERS):
            continue  # a common word capitalised to open its sentence ("Силы", "Над")
        tokens.append(_token(doc, s, e, w, key))
    tokens.sort(key=lambda t: t.start)
    return Doc(text, tokens, doc.sent_starts)


def _token(doc: Doc, s: int, e: int, w: str, key: str, *, cap: bool = True,
           hint: str | None = None) -> Token:
    sent = doc.sentence_of(s)
    first = not doc.text[doc.sent_starts[sent] : s].strip(_OPENERS)
    return Token(s, e, w, key, cap, cap and len(w) > 1 and w.isupper(), sent, first, hint)
