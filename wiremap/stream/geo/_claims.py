"""Claim status and role of a placement, read from cues in its sentence.

Status: is the sentence's claim confirmed, merely reported, explicitly unconfirmed, or
speculation? Role: is the place where the event happened, where it came from ("launched
from Sumy Oblast"), or only mentioned? Cue lists are plain lower-case regexes run over the
lower-cased sentence: cheap and auditable.
"""

from __future__ import annotations

import re

from wiremap.contracts import ClaimStatus, Role

__all__ = ["claim_status", "has_event", "role_of"]

_UNCONFIRMED = re.compile(
    r"\b(unconfirmed|unverified|not\s+(?:been\s+|yet\s+been\s+)?(?:independently\s+)?"
    r"(?:confirmed|verified)|could\s+not\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verif)\w*|"
    r"cannot\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verif)\w*|no\s+confirmation|"
    r"remains?\s+unclear|declined\s+to\s+confirm|unsubstantiated|unknown\s+whether)\b",
)
_SPECULATIVE = re.compile(
    r"\b(speculat\w*|may\s+have|might\s+have|could\s+have|suggest(?:s|ed|ing)?|possibl[ey]|"
    r"likely|probabl[ey]|presumabl[ey]|perhaps|believed\s+to|thought\s+to|suspected|"
    r"allegedly|alleged|rumou?r(?:s|ed)?|apparent(?:ly)?|feared|expected\s+to|could\s+be)\b",
)
_CONFIRMED = re.compile(r"\b(confirm(?:ed|s)|officially|verified|announced|acknowledged)\b")
_REPORTED = re.compile(r"\b(according\s+to|reported(?:ly)?|said|says|told|sources?|claims?)\b")

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
_EVENT = re.compile(
    r"\b(attack\w*|strik\w+|struck|crash\w*|shot\s+down|intercept\w*|destroy\w*|explo\w+|"
    r"blast|kill\w*|injur\w+|wound\w*|fire[sd]?|burn\w*|flood\w*|quake|earthquake|storm|"
    r"outbreak|cases?|infect\w*|died|deaths?|dead|arrest\w*|shoot\w*|shelling|shelled|bomb\w*|"
    r"clash\w*|protest\w*|riot\w*|evacuat\w*|cancel\w*|delay\w*|divert\w*|halt\w*|closed|"
    r"suspend\w*|collaps\w*|drone\s+strike|missile|hit|target\w*|damag\w*|incident|scene|"
    r"occurred|happened|took\s+place|erupted)\b",
)


def claim_status(sentence: str) -> ClaimStatus:
    """The strongest epistemic cue in the sentence wins: a denial of confirmation over
    speculation, speculation over a confirmation, a confirmation over plain reporting."""
    sentence = sentence.lower()  # the cue patterns are lower-case: faster than re.I
    if _UNCONFIRMED.search(sentence):
        return ClaimStatus.UNCONFIRMED
    if _SPECULATIVE.search(sentence):
        return ClaimStatus.SPECULATIVE
    if _CONFIRMED.search(sentence):
        return ClaimStatus.CONFIRMED
    return ClaimStatus.REPORTED


def has_event(sentence: str) -> bool:
    """Does the sentence report something happening (a strike, a fire, cancelled flights)?"""
    return _EVENT.search(sentence.lower()) is not None


def role_of(sentence: str, offset: int, *, event: bool | None = None) -> Role:
    """Role of the place whose mention starts at ``offset`` within ``sentence``; ``event`` is
    has_event(sentence) when the caller already knows it."""
    before = sentence[max(0, offset - 80) : offset]
    if _ORIGIN.search(before):
        return Role.ORIGIN
    if event if event is not None else has_event(sentence):
        return Role.EVENT
    return Role.MENTIONED
