"""The geoparser: text in, placements out (recognise → resolve → score → describe)."""

from __future__ import annotations

import re
from pathlib import Path

from wiremap.contracts import ClaimStatus, Placement, WireItem
from wiremap.errors import GeoError
from wiremap.stream.geo._claims import role_of, sentence_cues
from wiremap.stream.geo._confidence import ConfidenceModel, features
from wiremap.stream.geo._describe import precision_of, reason_of
from wiremap.stream.geo._person import is_person_name, person_keys, warm_person_names
from wiremap.stream.geo._recognize import Recognizer
from wiremap.stream.geo._resolve import Resolver
from wiremap.stream.geo._text import Doc
from wiremap.stream.geo._types import GazetteerLike, Resolved

__all__ = ["Geoparser"]

_TLD_CC = {
    "ru": "RU", "ua": "UA", "by": "BY", "uk": "GB", "au": "AU", "ca": "CA", "in": "IN",
    "nz": "NZ", "ie": "IE", "za": "ZA", "ng": "NG", "ke": "KE", "pk": "PK", "ph": "PH",
    "sg": "SG", "fr": "FR", "de": "DE", "it": "IT", "es": "ES", "pl": "PL", "il": "IL",
    "tr": "TR", "jp": "JP", "cn": "CN", "kr": "KR", "br": "BR", "mx": "MX", "ar": "AR",
    "ge": "GE", "kz": "KZ", "us": "US", "gov": "US", "mil": "US",
}
_OUTLET_CC = {
    "tass": "RU", "ria": "RU", "interfax": "RU", "ukrinform": "UA", "kyiv independent": "UA",
    "bbc": "GB", "guardian": "GB", "abc au": "AU", "cbc": "CA", "ap": "US", "cnn": "US",
}
_DOMAIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)+([a-z]{2,4})(?:[/:]|$)")
_MODES = ("place", "all", "none")
_AIRPORT_CAP = 0.9
_EDIT_PENALTY = 0.15


def source_country(source: str | None) -> str | None:
    """A country hint from the source: a national domain or a known outlet."""
    if not source:
        return None
    s = source.strip().lower()
    m = _DOMAIN.match(s)
    if m:
        return _TLD_CC.get(m.group(1))
    return _OUTLET_CC.get(s)


class Geoparser:
    """Finds and places the place names of English news text.

    CPU-bound and free of I/O after ``load``; one instance per thread.
    """

    def __init__(
        self,
        gazetteer: GazetteerLike,
        *,
        model: ConfidenceModel | None = None,
        min_confidence: float | None = None,
        demonyms: str = "place",
        fuzzy: bool = True,
    ) -> None:
        if demonyms not in _MODES:
            raise GeoError(f"demonyms must be one of {_MODES}, not {demonyms!r}")
        self.gazetteer = gazetteer
        self.model = model or ConfidenceModel.neutral()
        self.min_confidence = self.model.threshold if min_confidence is None else min_confidence
        self.demonyms = demonyms
        self._recognizer = Recognizer(gazetteer, fuzzy=fuzzy)
        self._resolver = Resolver(gazetteer)

    @classmethod
    def load(
        cls,
        gazetteer: GazetteerLike | None = None,
        *,
        model_path: Path | None = None,
        min_confidence: float | None = None,
        demonyms: str = "place",
    ) -> Geoparser:
        if gazetteer is None:
            from wiremap.stream.geo.gazetteer import Gazetteer

            gaz: GazetteerLike = Gazetteer.load()
        else:
            gaz = gazetteer
        gp = cls(gaz, model=ConfidenceModel.load(model_path),
                 min_confidence=min_confidence, demonyms=demonyms)
        gp._recognizer.warm()
        warm_person_names()
        return gp

    def analyse(self, text: str, *, source: str | None = None
                ) -> list[tuple[Resolved, list[float], float]]:
        """Every resolved mention with its features and confidence, before the threshold."""
        return self._analyse(text, source)[1]

    def _analyse(self, text: str, source: str | None
                 ) -> tuple[Doc, list[tuple[Resolved, list[float], float]]]:
        if not isinstance(text, str):
            raise GeoError(f"geoparser input must be str, not {type(text).__name__}")
        doc = self._recognizer.tokenize(text)
        mentions = self._recognizer.find(doc, demonyms=self.demonyms)
        resolved = self._resolver.resolve(mentions, source_cc=source_country(source))
        out = []
        predict = self.model.predict
        people = person_keys(doc, {k for r in resolved if r.mention.ntok == 1
                                   and is_person_name(k := r.mention.key)})
        for r in resolved:
            x = features(r, people)
            if r.mention.match == "capital":
                # Annotated corpora do not mark "the capital", so the model never saw one: its
                # confidence is how clearly one country leads the document.
                out.append((r, x, _capital_confidence(r)))
            elif r.place.kind == "airport":
                # Nor airports (facilities): the model's other evidence, capped for want of
                # calibration data, and lowered per edit of a misspelling.
                conf = min(predict(x), _AIRPORT_CAP) * (1.0 - _EDIT_PENALTY * r.mention.dist)
                out.append((r, x, conf))
            else:
                out.append((r, x, predict(x)))
        return doc, out

    def parse(self, text: str, *, source: str | None = None, language: str = "en",
              min_confidence: float | None = None) -> list[Placement]:
        """Placements for ``text``; offsets index into ``text``. Only English is read with
        its rules; other languages still get gazetteer-name matching."""
        floor = self.min_confidence if min_confidence is None else min_confidence
        doc, analysed = self._analyse(text, source)
        if not analysed:
            return []
        doc_sents: dict[int, tuple[str, int, ClaimStatus, bool]] = {}

        out: list[Placement] = []
        for r, _x, conf in analysed:
            if conf < floor:
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
                    role=role_of(sent[0], m.start - sent[1], event=sent[3]),
                    claim=sent[2],
                    reason=reason_of(r),
                )
            )
        return out

    def locate(self, item: WireItem) -> list[Placement]:
        return self.parse(item.text, source=item.url or item.source, language=item.language)


def _capital_confidence(r: Resolved) -> float:
    lead = max(r.margin, 0.0) / 10.0  # priors are 10 x the countries' weights
    return round(min(0.95, 0.6 + 0.35 * min(1.0, lead)), 4)
