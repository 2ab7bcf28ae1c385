"""The dateline: "KYIV, Ukraine (AP) —", "MOSCOW, Nov 23 (Reuters) -", "МОСКВА, 23 ноября. /ТАСС/.".

Wire copy opens with where it was filed, in capitals, before a dash. That is a place name
whatever the word ("MONROE", "HURRICANE"), almost always a city, and where the reporter was
rather than where the event was: reading it as the event site is the classic dateline error
of news-event databases, so its placements carry their own role and stay out of region counts.
"""

from __future__ import annotations

import re

from wiremap.stream.geo._mentions import Lookup, build_mention
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import Mention

__all__ = ["dateline_span", "mark_dateline"]

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"(?P<name>[A-Z][A-Z'’.\-]*[A-Z.](?: [A-Z][A-Z'’.\-]*[A-Z.]){0,3})"  # KYIV, LOS ANGELES, ST. LOUIS
    r"(?:, ?(?!" + _MONTH + r" \d)[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?"  # , Texas / , Calif.
    r"(?:,? " + _MONTH + r" \d{1,2})?"  # , Nov 23
    r"(?: ?\([A-Za-z0-9.&/ -]{1,40}\))?"  # (Reuters)
    r" ?(?:-{1,2}|–|—) "
)
#: In title case only with the agency in brackets: "Washington (CNN) —", "Kyiv, Ukraine (AP) -".
_DATELINE_TITLE = re.compile(
    r"(?P<name>[A-Z][a-z'’.\-]+(?: [A-Z][a-z'’.\-]+){0,3})"
    r"(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?"
    r" \([A-Z][A-Za-z0-9.&/ -]{0,39}\) ?(?:-{1,2}|–|—) "
)
#: Russian agencies: "МОСКВА, 23 ноября. /ТАСС/.", "МОСКВА, 23 ноя — РИА Новости."
_DATELINE_RU = re.compile(
    r"(?P<name>[А-ЯЁ][А-ЯЁ\-]*[А-ЯЁ](?: [А-ЯЁ][А-ЯЁ\-]*[А-ЯЁ]){0,2}), \d{1,2} "
    r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|янв|фев|мар|"
    r"апр|авг|сен|окт|ноя|дек)[а-я]*\.?"
    r"(?: ?/[^/\n]{1,30}/\.?| ?[-–—] ?[^\n.]{1,40}\.)"
)
#: A text's own opening sentence (a headline joined to its body by ". ") may precede it.
_LEAD = 300


def dateline_span(text: str) -> tuple[int, int, int] | None:
    """(start, end) of the dateline's place name and the end of the whole dateline, when a
    line (or the text's second sentence) opens with one; None otherwise."""
    starts = [0]
    nl = text.find("\n", 0, _LEAD)
    if nl >= 0:
        starts.append(nl + 1)
    dot = text.find(". ", 0, _LEAD)
    if dot >= 0:
        starts.append(dot + 2)
    for s in sorted(set(starts)):
        while s < len(text) and text[s] in " \t\r\n":
            s += 1
        m = _DATELINE.match(text, s) or _DATELINE_TITLE.match(text, s) or _DATELINE_RU.match(text, s)
        if m is not None and sum(c.isalpha() for c in m.group("name")) >= 3:
            return m.start("name"), m.end("name"), m.end()
    return None


def mark_dateline(lookup: Lookup, doc: Doc, mentions: list[Mention],
                  aviation_sents: set[int]) -> list[Mention]:
    """``mentions`` with the dateline's marked. Its name is a place even where the rules would
    doubt the word ("MONROE", "HURRICANE"), and a city where the name has one; it and its state
    or country ("PARIS, Texas (AP) -") are where the copy was filed."""
    span = dateline_span(doc.text)
    if span is None:
        return mentions
    s, e, end = span
    run = [i for i, t in enumerate(doc.tokens) if s <= t.start < e]
    if not run:
        return mentions
    key = " ".join(doc.tokens[i].key for i in run)
    m = next((x for x in mentions if x.start == s and x.key == key), None)
    if m is None:
        cands, aliases = lookup(key)
        if not cands:
            return mentions
        m = build_mention(lookup, doc, run, 0, len(run), key, cands, "name", 0, aviation_sents,
                          aliases)
        mentions = [x for x in mentions if x.end <= s or x.start >= m.end] + [m]
    if m.hint is None and any(c.kind == "city" for c in m.cands):
        m.hint = "city"
    for x in mentions:
        x.dateline = x.dateline or s <= x.start < end
    return mentions
