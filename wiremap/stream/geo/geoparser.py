"""The geoparser: text in, placements out (recognise → resolve → score → describe)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from wiremap.contracts import ClaimStatus, Placement, Role, WireItem
from wiremap.errors import GeoError
from wiremap.stream.geo._claims import role_of, sentence_cues
from wiremap.stream.geo._confidence import FEATURES, features
from wiremap.stream.geo._describe import precision_of, reason_of
from wiremap.stream.geo._model import AREA_KINDS, ConfidenceModel
from wiremap.stream.geo._person import is_person_name, person_keys, warm_person_names
from wiremap.stream.geo._recognize import Recognizer
from wiremap.stream.geo._resolve import Resolver
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import Analysed, GazetteerLike, Resolved

__all__ = ["Geoparser"]

_TLD_CC = {
    "ru": "RU", "ua": "UA", "by": "BY", "uk": "GB", "au": "AU", "ca": "CA", "in": "IN",
    "nz": "NZ", "ie": "IE", "za": "ZA", "ng": "NG", "ke": "KE", "pk": "PK", "ph": "PH",
    "sg": "SG", "fr": "FR", "de": "DE", "it": "IT", "es": "ES", "pl": "PL", "il": "IL",
    "tr": "TR", "jp": "JP", "cn": "CN", "kr": "KR", "br": "BR", "mx": "MX", "ar": "AR",
    "ge": "GE", "kz": "KZ", "us": "US", "gov": "US", "mil": "US",
}
#: National news agencies and outlets → their home country: a weak prior for ambiguous names
#: ("Valencia" from EFE, "Odessa" from Ukrinform), which the text's own places outweigh.
_OUTLET_CC = {
    "tass": "RU", "ria": "RU", "rianovosti": "RU", "interfax": "RU", "meduza": "RU",
    "ukrinform": "UA", "unian": "UA", "ukrnews": "UA", "kyivindependent": "UA", "belta": "BY",
    "bbc": "GB", "guardian": "GB", "abcau": "AU", "aap": "AU", "cbc": "CA", "ap": "US", "cnn": "US",
    "efe": "ES", "ansa": "IT", "dpa": "DE", "pap": "PL", "ctk": "CZ", "anadolu": "TR", "aa": "TR",
    "nhk": "JP", "kyodo": "JP", "yonhap": "KR", "xinhua": "CN", "pti": "IN", "ians": "IN",
    "kazinform": "KZ", "wafa": "PS", "irna": "IR", "sana": "SY", "mena": "EG",
}
_DOMAIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)+([a-z]{2,4})(?:[/:]|$)")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_MODES = ("place", "all", "none")
_AIRPORT_CAP = 0.9
_EDIT_PENALTY = 0.15


def source_country(*sources: str | None) -> str | None:
    """A country hint from the first source that gives one: a national domain, or a known
    outlet ("ukrinform", "Kyiv Independent"); a URL on a generic domain falls through to the
    outlet's name."""
    for source in sources:
        if not source:
            continue
        s = source.strip().lower()
        m = _DOMAIN.match(s)
        cc = _TLD_CC.get(m.group(1)) if m else _OUTLET_CC.get(_NOT_LETTERS.sub("", s))
        if cc:
            return cc
    return None


class Geoparser:
    """Finds and places the place names of English news text.

    CPU-bound and free of I/O after ``load``; one instance per thread.
    """

    def __init__(
        self,
        gazetteer: GazetteerLike,
        *,
        model: ConfidenceModel | None = None,
        min_confidence: float = 0.0,
        min_toponym: float | None = None,
        demonyms: str = "place",
        fuzzy: bool = True,
    ) -> None:
        if demonyms not in _MODES:
            raise GeoError(f"demonyms must be one of {_MODES}, not {demonyms!r}")
        self.gazetteer = gazetteer
        self.model = model or ConfidenceModel.neutral(FEATURES)
        #: Emitted: mentions at least this likely to be a place name (the model's threshold) ...
        self.min_toponym = self.model.threshold if min_toponym is None else min_toponym
        #: ... whose placement is at least this likely to be right.
        self.min_confidence = min_confidence
        self.demonyms = demonyms
        self._recognizer = Recognizer(gazetteer, fuzzy=fuzzy)
        self._resolver = Resolver(gazetteer)

    @classmethod
    def load(
        cls,
        gazetteer: GazetteerLike | None = None,
        *,
        model_path: Path | None = None,
        min_confidence: float = 0.0,
        min_toponym: float | None = None,
        demonyms: str = "place",
    ) -> Geoparser:
        if gazetteer is None:
            from wiremap.stream.geo.gazetteer import Gazetteer

            gaz: GazetteerLike = Gazetteer.load()
        else:
            gaz = gazetteer
        gp = cls(gaz, model=ConfidenceModel.load(model_path), min_confidence=min_confidence,
                 min_toponym=min_toponym, demonyms=demonyms)
        gp._recognizer.warm()
        warm_person_names()
        return gp

    def analyse(self, text: str, *, source: str | None = None) -> list[Analysed]:
        """Every resolved mention with its features and the model's answers, before any
        threshold."""
        return self._analyse([(text, source_country(source))])[0][1]

    def parse(self, text: str, *, source: str | None = None, language: str = "en",
              min_confidence: float | None = None, min_toponym: float | None = None
              ) -> list[Placement]:
        """Placements for ``text``; offsets index into ``text``. Only English is read with
        its rules; other languages still get gazetteer-name matching. The floors default to
        the parser's own; ``min_toponym=0`` with ``min_confidence=0`` gives every resolved
        mention."""
        doc, analysed = self._analyse([(text, source_country(source))])[0]
        return self._placements(text, doc, analysed, min_confidence, min_toponym)

    def locate(self, item: WireItem) -> list[Placement]:
        return self.locate_many([item])[0]

    def locate_many(self, items: Sequence[WireItem]) -> list[list[Placement]]:
        """``locate`` for a batch: the model scores every item's mentions in one call, which
        costs about what scoring one item's does."""
        analysed = self._analyse([(item.text, source_country(item.url, item.source)) for item in items])
        return [self._placements(item.text, doc, found, None, None)
                for item, (doc, found) in zip(items, analysed, strict=True)]

    def _analyse(self, texts: Sequence[tuple[str, str | None]]) -> list[tuple[Doc, list[Analysed]]]:
        """(text, country hint) pairs → each document and its analysed mentions."""
        read = [self._read(text, cc) for text, cc in texts]
        scores = self.model.predict([x for _doc, _resolved, rows in read for x in rows])
        out = []
        i = 0
        for doc, resolved, rows in read:
            found = []
            j = i + len(rows)
            for r, x, point, area, topo in zip(resolved, rows, scores.point[i:j], scores.area[i:j],
                                               scores.toponym[i:j], strict=True):
                kind = r.place.kind
                conf = area if kind in AREA_KINDS else point
                if r.mention.match == "capital":
                    # Annotated corpora do not mark "the capital", so the model never saw one: it
                    # is read by rule, and its confidence is how clearly one country leads.
                    conf = point = _capital_confidence(r)
                    topo = 1.0
                elif kind == "airport":
                    # Nor airports (facilities): the model's other evidence, capped for want of
                    # calibration data, and lowered per edit of a misspelling.
                    conf = point = min(point, _AIRPORT_CAP) * (1.0 - _EDIT_PENALTY * r.mention.dist)
                found.append(Analysed(r, x, conf, point, topo))
            i = j
            out.append((doc, found))
        return out

    def _read(self, text: str, source_cc: str | None) -> tuple[Doc, list[Resolved], list[list[float]]]:
        """Recognise and resolve: the document, its resolved mentions and their features."""
        if not isinstance(text, str):
            raise GeoError(f"geoparser input must be str, not {type(text).__name__}")
        doc = self._recognizer.tokenize(text)
        mentions = self._recognizer.find(doc, demonyms=self.demonyms)
        resolved = self._resolver.resolve(mentions, source_cc=source_cc)
        if not resolved:
            return doc, [], []
        people = person_keys(doc, {k for r in resolved if r.mention.ntok == 1
                                   and is_person_name(k := r.mention.key)})
        return doc, resolved, [features(r, people) for r in resolved]

    def _placements(self, text: str, doc: Doc, analysed: list[Analysed],
                    min_confidence: float | None, min_toponym: float | None) -> list[Placement]:
        if not analysed:
            return []
        floor = self.min_confidence if min_confidence is None else min_confidence
        named = self.min_toponym if min_toponym is None else min_toponym
        doc_sents: dict[int, tuple[str, int, ClaimStatus, bool]] = {}
        out: list[Placement] = []
        for r, _x, conf, point, topo in analysed:
            if topo < named or conf < floor:
                continue
            m = r.mention
            sent = doc_sents.get(m.sent)
            if sent is None:
                s0, s1 = doc.sentence_span(m.sent)
                sentence = text[s0:s1]
                sent = (sentence, s0, *sentence_cues(sentence))
                doc_sents[m.sent] = sent
            precision, radius = precision_of(r)
            p = r.place
            out.append(
                Placement(
                    place_id=p.id,
                    name=p.name,
                    text=m.text,
                    start=m.start,
                    end=m.end,
                    lat=p.lat,
                    lon=p.lon,
                    precision=precision,
                    radius_km=radius,
                    country=p.country or None,
                    admin1=p.admin1,
                    confidence=round(conf, 4),
                    point_confidence=round(point, 4),
                    role=Role.DATELINE if m.dateline
                    else role_of(sent[0], m.start - sent[1], event=sent[3]),
                    claim=sent[2],
                    reason=reason_of(r),
                )
            )
        return out


def _capital_confidence(r: Resolved) -> float:
    lead = max(r.margin, 0.0) / 10.0  # priors are 10 x the countries' weights
    return round(min(0.95, 0.6 + 0.35 * min(1.0, lead)), 4)
