"""Russian and Ukrainian copy: names in their case forms read in their dictionary forms.

Both languages inflect place names ("над Московской областью", "у Харківській області",
"в аэропорту Внуково"), so the gazetteer's keys (nominative forms) miss them as written, and
it has no Cyrillic country names. The capitalised words of such a document get the key of
their dictionary form from pymorphy3's morphological dictionary for the language; an
adjective before a place-type noun gets the key of the whole agreed name ("Московской
областью" → "московская область", the gazetteer's own alias); "аэропорт/аеропорт" before a
name gives the airport's typed key; a country's name maps to the gazetteer's English one. The
dictionary also says which capitalised words are people (Собянин, Шевченко) or common words
opening a sentence ("Силы"), which get no token. The English rules then run over these
tokens unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wiremap.stream.geo._mentions import Lookup
from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo._text import Doc, Token, key_of

__all__ = ["cyrillic_doc", "has_cyrillic", "language_of"]

_CYR = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ]")
_LAT = re.compile(r"[A-Za-z]")
_ONLY_UK = re.compile(r"[ІіЇїЄєҐґ]")
_ONLY_RU = re.compile(r"[ЫыЭэЪъЁё]")
_WORD = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ'’]+(?:-[А-Яа-яЁёІіЇїЄєҐґ'’]+)*")
_PEOPLE = frozenset({"Name", "Surn", "Patr"})
_OPENERS = " \t\n\"'«“(—-"


def _uk_colloquial(lemma: str) -> str | None:
    """"Харківщина" → "харківська область", "Донеччина" → "донецька область"."""
    if lemma.endswith("ччина"):
        return lemma[:-5] + "цька область"
    if lemma.endswith("щина") and len(lemma) > 6:
        return lemma[:-4] + "ська область"
    return None


_RU_COLLOQUIAL = {"подмосковье": "московская область", "кубань": "краснодарский край",
                  "приморье": "приморский край", "ставрополье": "ставропольский край"}


@dataclass(frozen=True)
class _Lang:
    code: str
    #: Place-type nouns after an adjectival name, by dictionary form → the kind they name.
    type_after: dict[str, str]
    #: Place-type nouns before a name → the typed key they give it.
    type_before: dict[str, str]
    connect: dict[str, str]
    names_file: str
    colloquial: Callable[[str], str | None]
    #: The dictionary tags place names (Geox): Russian's does, Ukrainian's does not.
    geox: bool


_RU = _Lang("ru", {"область": "admin1", "край": "admin1", "республика": "admin1", "округ": "admin1",
                   "район": "admin2"},
            {"аэропорт": "airport"}, {"и": "and"}, "ru_names.json", _RU_COLLOQUIAL.get, True)
_UK = _Lang("uk", {"область": "admin1", "край": "admin1", "республіка": "admin1", "район": "admin2"},
            {"аеропорт": "airport"}, {"і": "and", "й": "and", "та": "and"}, "uk_names.json",
            _uk_colloquial, False)

_BGN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"})
_YE = re.compile(r"(?:(?<=[аеёиоуыэюяьъ])|^)е")
_SKY = re.compile(r"[иы]й\b")


def _romanised(word: str) -> str:
    """The English press's spelling of a Russian name ("Шереметьево" → Sheremetyevo,
    "Жуковский" → Zhukovsky), which the gazetteer's English names use, where the generic
    transliteration differs."""
    w = _SKY.sub("y", _YE.sub("ye", word.lower()))
    return w.translate(_BGN)


_UK_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": ""})
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UK_WORD_START = re.compile(r"(?:^|(?<=[\s-]))([єїйюя])")


def _uk_romanised(word: str) -> str:
    """Ukraine's official romanisation ("Гостомель" → Hostomel, "Миколаїв" → Mykolaiv), which
    the gazetteer's English names follow."""
    w = _UK_WORD_START.sub(lambda m: _UK_INITIAL[m.group(1)], word.lower())
    return w.translate(_UK_LATIN)


def has_cyrillic(text: str) -> bool:
    return not text.isascii() and _CYR.search(text) is not None


def _opens_sentence(doc: Doc, offset: int) -> bool:
    """Only opening quotes, dashes or brackets stand between the sentence's start and here."""
    return not doc.text[doc.sent_starts[doc.sentence_of(offset)] : offset].strip(_OPENERS)


def language_of(text: str) -> _Lang | None:
    """The Cyrillic language to read ``text`` in: more Cyrillic letters than Latin ones, and
    Ukrainian where the letters only Ukrainian has outnumber those only Russian has."""
    if not has_cyrillic(text):
        return None
    if len(_CYR.findall(text)) <= len(_LAT.findall(text)):
        return None
    return _UK if len(_ONLY_UK.findall(text)) > len(_ONLY_RU.findall(text)) else _RU


@lru_cache(maxsize=2)
def _aliases(names_file: str) -> dict[str, str]:
    """Dictionary form → the gazetteer's name for a country (data/ru_names.json,
    data/uk_names.json, built by scripts/build_geo_cyrillic.py)."""
    out: dict[str, str] = json.loads(data_path(names_file).read_text(encoding="utf-8"))
    return out


@lru_cache(maxsize=2)
def _morph(code: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=code)


@lru_cache(maxsize=100_000)
def _parses(code: str, word: str) -> tuple[Any, ...]:
    return tuple(_morph(code).parse(word))


def _agreed(adj: Any, gender: str | None) -> str:
    """The adjective in the nominative singular of a gender ("Московской" before "областью"
    → "московская")."""
    gender = gender or "masc"
    form = adj.inflect({"nomn", "sing", gender}) or adj.inflect({"nomn", gender})
    return str(form.word if form is not None else adj.normal_form)


def _is_person(parses: Sequence[Any], best: Any, lang: _Lang) -> bool:
    """A person's name rather than a place. Russian: the best reading is a name and no place
    ("Собянин"). Ukrainian, whose dictionary tags no places: some reading is a name of the
    same word as the best other reading ("Шевченко", "Зеленський"); "Львові" is the surname
    Львов or the city Львів, different words, so a place."""
    if lang.geox:
        tags = parses[0].tag.grammemes
        return bool(tags & _PEOPLE) and "Geox" not in tags
    return any(p.tag.grammemes & _PEOPLE and p.normal_form == best.normal_form for p in parses)


def _best(parses: Sequence[Any], lang: _Lang) -> Any:
    """The reading to key a capitalised word by: Russian's best one; in Ukrainian the first
    that is no person's name ("Києві" reads first as the name Кий)."""
    if lang.geox:
        return parses[0]
    return next((p for p in parses if not p.tag.grammemes & _PEOPLE), parses[0])


def _key(word: str, lang: _Lang, lookup: Lookup) -> str | None:
    """The key under which the gazetteer knows a Cyrillic name, if it does."""
    other = _romanised(word) if lang.geox else _uk_romanised(word)
    return next((k for k in (key_of(word), key_of(other)) if lookup(k)[0]), None)


def cyrillic_doc(doc: Doc, lookup: Lookup, lang: _Lang) -> Doc:
    """``doc`` with its Cyrillic tokens replaced by dictionary-form ones. ``lookup`` is the
    recogniser's gazetteer probe (a name already in its dictionary form is kept as written:
    indeclinable "Внуково" is no "внуково" the analyser guesses at)."""
    text = doc.text
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    parses = [_parses(lang.code, w.lower()) for _, _, w in words]
    best = [_best(ps, lang) for ps in parses]
    tokens: list[Token] = [t for t in doc.tokens if _CYR.search(t.text) is None]
    joiners = {" ", ", "} | {f" {c} " for c in lang.connect}
    skip: set[int] = set()
    for i, (s, e, w) in enumerate(words):
        if i in skip:
            continue
        p = best[i]
        lemma = str(p.normal_form)
        typed = lang.type_before.get(lemma)
        if not w[0].isupper() or typed:
            conn = lang.connect.get(w)
            if conn is not None:
                tokens.append(_token(doc, s, e, w, conn, cap=False))
            if typed:
                # "в аэропорту Внуково", "в аэропортах Домодедово и Шереметьево"
                j, start = i + 1, s
                while j < len(words) and words[j][2][0].isupper() \
                        and text[words[j - 1][1] : words[j][0]] in joiners:
                    _, ne, nw = words[j]
                    for name in (nw, str(best[j].normal_form)):
                        key = _key(f"{name} {typed}", lang, lookup)
                        if key is not None:
                            tokens.append(_token(doc, start, ne, text[start:ne], key, hint=typed))
                            break
                    skip.add(j)
                    j += 1
                    if j < len(words) and words[j][2] in lang.connect:
                        j += 1
                    start = words[j][0] if j < len(words) else ne
            continue
        if _is_person(parses[i], p, lang):
            continue  # "Собянин"
        tags = p.tag.grammemes
        nxt = i + 1
        if "ADJF" in tags and nxt < len(words):
            # "Московской областью", or one of a list: "Курской, Белгородской и Ростовской областях"
            j = nxt
            while j < len(words) and ((words[j][2][0].isupper() and "ADJF" in best[j].tag)
                                      or words[j][2] in lang.connect):
                j += 1
            noun = best[j] if j < len(words) else None
            if noun is not None and noun.normal_form in lang.type_after:
                key = _key(f"{_agreed(p, noun.tag.gender)} {noun.normal_form}", lang, lookup)
                if key is not None:
                    end = words[j][1] if j == nxt and text[e : words[j][0]] == " " else e
                    tokens.append(_token(doc, s, end, text[s:end], key,
                                         hint=lang.type_after[noun.normal_form]))
                    if end != e:
                        skip.add(j)
                    continue
                if lang.type_after[noun.normal_form] != "admin2":
                    continue  # a region the gazetteer lacks: not the town of the same stem
        alias = lang.colloquial(lemma) or _aliases(lang.names_file).get(lemma)
        names = _names(w, lemma, alias, p, parses[i], lang)
        key = next((k for k in (_key(x, lang, lookup) for x in names) if k is not None), None)
        if key is None:
            continue
        if _opens_sentence(doc, s) and alias is None \
                and (not lang.geox or ("Geox" not in tags and p.is_known)):
            # a common word capitalised to open its sentence ("Силы", "Над"); the Ukrainian
            # dictionary tags no places, so there no unnamed word opening a sentence is read
            continue
        tokens.append(_token(doc, s, e, w, key))
    tokens.sort(key=lambda t: t.start)
    return Doc(text, tokens, doc.sent_starts)


def _names(w: str, lemma: str, alias: str | None, p: Any, parses: Sequence[Any],
           lang: _Lang) -> list[str]:
    """The forms to look a capitalised word up by, best first."""
    if lang.geox:
        # the dictionary form first where the analyser knows the word as a place ("Орле" is
        # Oryol, not a village "Orle"); as written first otherwise (names it does not know)
        names = [alias or lemma, w] if alias or "Geox" in p.tag.grammemes else [w, lemma]
        if "ADJF" in p.tag.grammemes:  # towns named by an adjective: Раменское, Жуковский
            names += [_agreed(p, g) for g in ("neut", "femn")]
        return names
    # Ukrainian: the nouns' dictionary forms, then the word as written; no adjective guessed
    # into a town ("Зеленський" is a person, not Zelenske)
    nouns = [str(q.normal_form) for q in parses
             if "NOUN" in q.tag.grammemes and not q.tag.grammemes & _PEOPLE]
    return ([alias] if alias else []) + list(dict.fromkeys(nouns)) + [w]


def _token(doc: Doc, s: int, e: int, w: str, key: str, *, cap: bool = True,
           hint: str | None = None) -> Token:
    return Token(s, e, w, key, cap, cap and len(w) > 1 and w.isupper(), doc.sentence_of(s),
                 _opens_sentence(doc, s), hint)
