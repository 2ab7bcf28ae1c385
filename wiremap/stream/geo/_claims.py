"""Claim status and role of a placement, read from cues in its sentence.

Status: is the sentence's claim confirmed, merely reported, explicitly unconfirmed, or
speculation? Role: is the place where the event happened, where it came from ("launched
from Sumy Oblast"), or only mentioned? Cue lists are plain lower-case regexes run over the
lower-cased sentence: cheap and auditable. Each pattern starts with a look-ahead on its
alternatives' first letters, and the status cues are tried only when the sentence holds a
substring every match contains: same matches, a fraction of the scan.
"""

from __future__ import annotations

import re

from wiremap.contracts import ClaimStatus, Role
from wiremap.stream.geo._cyrillic import has_cyrillic
from wiremap.stream.geo._needles import Needles

__all__ = ["claim_status", "has_event", "role_of", "sentence_cues"]

_UNCONFIRMED = re.compile(
    r"(?=[cdnru])\b(unconfirmed|unverified|not\s+(?:been\s+|yet\s+been\s+)?(?:independently\s+)?"
    r"(?:confirmed|verified)|could\s+not\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verif)\w*|"
    r"cannot\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verif)\w*|no\s+confirmation|"
    r"remains?\s+unclear|declined\s+to\s+confirm|unsubstantiated|unknown\s+whether)\b",
)
_SPECULATIVE = re.compile(
    r"(?=[abcefilmprst])\b(speculat\w*|may\s+have|might\s+have|could\s+have|suggest(?:s|ed|ing)?|possibl[ey]|"
    r"likely|probabl[ey]|presumabl[ey]|perhaps|believed\s+to|thought\s+to|suspected|"
    r"allegedly|alleged|rumou?r(?:s|ed)?|apparent(?:ly)?|feared|expected\s+to|could\s+be)\b",
)
_CONFIRMED = re.compile(r"(?=[acov])\b(confirm(?:ed|s)|officially|verified|announced|acknowledged)\b")
_REPORTED = re.compile(r"\b(according\s+to|reported(?:ly)?|said|says|told|sources?|claims?)\b")
# Substrings every match of a cue pattern contains: a sentence holding none of them cannot
# match, and ``in`` tests are far cheaper than a regex scan of a long sentence.
_UNCONFIRMED_NEEDS = ("confirm", "verif", "unclear", "unsubstantiated", "unknown")
_SPECULATIVE_NEEDS = ("speculat", "may", "might", "could", "suggest", "possibl", "likely",
                      "probabl", "presumabl", "perhaps", "believed", "thought", "suspected",
                      "alleged", "rumo", "apparent", "feared", "expected")
_CONFIRMED_NEEDS = ("confirm", "officially", "verified", "announced", "acknowledged")
_STATUS_NEEDS = Needles(_UNCONFIRMED_NEEDS, _SPECULATIVE_NEEDS, _CONFIRMED_NEEDS)

_ORIGIN = re.compile(
    r"(?i:\b(?:originat\w+\s+(?:from|in)|launched\s+(?:\w+\s+){0,3}from|"
    r"fired\s+(?:\w+\s+){0,3}from|took\s+off\s+from|came\s+from|coming\s+from|"
    r"flew\s+(?:in\s+)?from|departed\s+from|from\s+the\s+direction\s+of|origin\s+(?:in|from)|"
    r"launch(?:ed)?\s+site\s+in|staging\s+area\s+in|sent\s+from|arrived\s+from|"
    r"imported\s+from|fled\s+from))"
    # then only determiners, compass words or other capitalised words before the place
    r"(?:\s+(?:the|a|an|[Nn]orthern|[Ss]outhern|[Ee]astern|[Ww]estern|[Cc]entral|occupied|"
    r"nearby|neighbou?ring)|\s+[A-Z][\w'’-]*)*\s*$"
)
# Every _ORIGIN match holds one of these (lower-cased): the verb or noun of each alternative.
_ORIGIN_NEEDS = Needles(("origin", "launch", "fired", "took", "came", "coming", "flew",
                          "departed", "direction", "staging", "sent", "arrived", "imported", "fled"))
_EVENT = re.compile(
    r"(?=[abcdefhikmopqrstw])\b(attack\w*|strik\w+|struck|crash\w*|shot\s+down|intercept\w*|destroy\w*|explo\w+|"
    r"blast|kill\w*|injur\w+|wound\w*|fire[sd]?|burn\w*|flood\w*|quake|earthquake|storm|"
    r"outbreak|cases?|infect\w*|died|deaths?|dead|arrest\w*|shoot\w*|shelling|shelled|bomb\w*|"
    r"clash\w*|protest\w*|riot\w*|evacuat\w*|cancel\w*|delay\w*|divert\w*|halt\w*|closed|"
    r"suspend\w*|collaps\w*|drone\s+strike|missile|hit|target\w*|damag\w*|incident|scene|"
    r"occurred|happened|took\s+place|erupted)\b",
)


# Russian and Ukrainian copy (stems, as both inflect): the same four statuses, event words
# and "launched from" phrases. Tried only on sentences with Cyrillic letters.
_CYR_UNCONFIRMED = re.compile(
    r"(неподтвержд|не\s+подтвержд|не\s+подтвердил|непроверен|не\s+проверен|"
    r"не\s+удалось\s+(?:независимо\s+)?(?:подтверд|провер)|"
    r"непідтвердж|не\s+підтвердж|не\s+підтвердил|неперевір|не\s+перевір|"
    r"не\s+вдалося\s+(?:незалежно\s+)?(?:підтверд|перевір))"
)
_CYR_SPECULATIVE = re.compile(
    r"(предположительно|предполага|вероятно|возможно|якобы|по\s+слухам|может\s+быть|"
    r"ймовірно|імовірно|можливо|нібито|припуска|за\s+чутками|може\s+бути)"
)
_CYR_CONFIRMED = re.compile(r"(подтвердил|подтверждено|подтвердили|официально|"
                            r"підтвердил|підтверджено|офіційно)")
_CYR_EVENT = re.compile(
    r"(атак|удар|сбит|сбил|уничтож|взрыв|обстрел|пожар|упал|обломк|погиб|ранен|пострада|"
    r"огранич|задерж|тревог|прилет|збит|збил|знищ|вибух|обстріл|пожеж|впал|уламк|загин|"
    r"поранен|постраждал|обмежен|тривог|приліт|ракет)"
)
_CYR_ORIGIN = re.compile(
    r"(?:(?:запущ|выпущ|випущ|прилетевш|прилетіл)\w*\s+(?:\S+\s+){0,3}(?:из|с|со|з|із)|"
    r"(?:с|со|з|із)\s+(?:территории|території|стороны|боку|направления|напрямку))"
    r"(?:\s+[А-ЯЁІЇЄҐ][\w'’-]*)*\s*$"
)


def claim_status(sentence: str) -> ClaimStatus:
    """The strongest epistemic cue in the sentence wins: a denial of confirmation over
    speculation, speculation over a confirmation, a confirmation over plain reporting."""
    return _status(sentence.lower())  # the cue patterns are lower-case: faster than re.I


def sentence_cues(sentence: str) -> tuple[ClaimStatus, bool]:
    """``(claim_status(sentence), has_event(sentence))``, lower-casing the sentence once."""
    lower = sentence.lower()
    return _status(lower), _has_event(lower)


def _status(sentence: str) -> ClaimStatus:
    if has_cyrillic(sentence):
        for pattern, status in ((_CYR_UNCONFIRMED, ClaimStatus.UNCONFIRMED),
                                (_CYR_SPECULATIVE, ClaimStatus.SPECULATIVE),
                                (_CYR_CONFIRMED, ClaimStatus.CONFIRMED)):
            if pattern.search(sentence):
                return status
    needs = _STATUS_NEEDS.present(sentence)
    if needs & 1 and _UNCONFIRMED.search(sentence):
        return ClaimStatus.UNCONFIRMED
    if needs & 2 and _SPECULATIVE.search(sentence):
        return ClaimStatus.SPECULATIVE
    if needs & 4 and _CONFIRMED.search(sentence):
        return ClaimStatus.CONFIRMED
    return ClaimStatus.REPORTED


def has_event(sentence: str) -> bool:
    """Does the sentence report something happening (a strike, a fire, cancelled flights)?"""
    return _has_event(sentence.lower())


def _has_event(lower: str) -> bool:
    if _EVENT.search(lower) is not None:
        return True
    return has_cyrillic(lower) and _CYR_EVENT.search(lower) is not None


def role_of(sentence: str, offset: int, *, event: bool | None = None) -> Role:
    """Role of the place whose mention starts at ``offset`` within ``sentence``; ``event`` is
    has_event(sentence) when the caller already knows it."""
    before = sentence[max(0, offset - 80) : offset]
    # (In non-ASCII text re.I also folds "ſ", "K" (Kelvin) and the like: there, always search.)
    if (not before.isascii() or _ORIGIN_NEEDS.present(before.lower())) \
            and _ORIGIN.search(before):
        return Role.ORIGIN
    if not before.isascii() and _CYR_ORIGIN.search(before):
        return Role.ORIGIN
    if event if event is not None else has_event(sentence):
        return Role.EVENT
    return Role.MENTIONED
