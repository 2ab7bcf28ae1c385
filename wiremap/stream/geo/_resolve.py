"""Resolution: choose one place per mention from prior, hints and the rest of the document.

A candidate's score is a prior (kind, population, feature code, how its name matched), plus
what the text asks for (a place-type hint, "Paris, Texas"), plus coherence with what the other
mentions resolved to (same country, same admin-1, within a few hundred km), plus a source hint.
Mentions with the same key share one reading (one sense per discourse).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict

from wiremap.stream.geo._evidence import LOCAL_KINDS, evidence, haversine_km, neighbours
from wiremap.stream.geo._phrases import CAPITAL
from wiremap.stream.geo._types import GazetteerLike, Mention, PlaceLike, Resolved

__all__ = ["Resolver", "haversine_km", "prior"]

_KIND_PRIOR = {"country": 13.0, "continent": 13.0, "admin1": 6.5, "admin2": 4.5, "city": 3.0,
               "airport": 3.0}
_FEATURE_BONUS = {"PPLC": 1.5, "PPLA": 0.6, "PPLA2": 0.3, "PCLI": 0.5}
_HINT_MATCH = 8.0
_CONTAINER = 6.0
_W_COUNTRY = 4.0
_W_ADMIN1 = 2.5
_W_NEAR = 1.5
_NEAR_KM = 250.0
_W_SOURCE = 2.0
_AVIATION = 6.0
_MAX_CANDS = 10
_PASSES = 1
_NEAR_DEG = _NEAR_KM / 111.0
_MAX_BONUS = _W_COUNTRY + _W_ADMIN1 + _W_NEAR


def prior(p: PlaceLike, hint: str | None) -> float:
    kind = p.kind
    s = _KIND_PRIOR.get(kind, 1.0)
    pop = p.population
    if kind == "city":
        s += math.log10(pop + 1)
    elif kind in ("admin1", "admin2"):
        s += 0.5 * math.log10(pop + 1)
    s += _FEATURE_BONUS.get(p.feature, 0.0)
    if hint:
        if hint == kind:
            s += _HINT_MATCH + min(p.radius_km, 400.0) / 200.0
        elif hint == "admin2" and kind == "admin1":
            s += 1.0
        elif hint == "area":
            s += 1.0 if kind in ("city", "admin1", "admin2") else 0.0
        elif hint == "city" and kind == "admin1":
            s -= 1.0
        elif hint == "airport":
            s -= 2.0
    return s


def _alias_adjust(alias: str, hint: str | None, has_preferred: bool, kind: str) -> float:
    """A type-stripped ("Kursk" for Kursk Oblast) or namesake name needs the text's hint; an
    alternate name yields to a place whose own name it is. Airports are named by their stem
    ("Vnukovo"), so that is no weaker for them."""
    if alias == "stripped" and kind == "airport":
        return 0.0
    if alias in ("stripped", "namesake"):
        return -0.5 if hint else -4.0
    if alias == "alternate":
        return -1.5 if has_preferred else -0.3
    if alias in ("abbreviation", "code"):
        return -1.0
    return 0.0


class _Context:
    """What the document's current picks say: weight per country and admin-1, and the picked
    points for the proximity test."""

    __slots__ = ("a1", "by_lat", "cc", "lats", "memo", "own_a1", "own_cc", "points", "total")

    def __init__(self, mentions: list[Mention], picks: list[int | None]) -> None:
        self.cc: dict[str, float] = defaultdict(float)
        self.a1: dict[str, float] = defaultdict(float)
        self.own_cc: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.own_a1: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.points: list[tuple[str, str, float, float, str, str]] = []
        self.memo: dict[tuple[str, str], tuple[float, float, str | None]] = {}
        seen: set[tuple[str, str]] = set()
        for m, p in zip(mentions, picks, strict=True):
            if p is None or not m.cands:
                continue
            place = m.cands[p]
            w = 1.0 / len(m.cands) ** 0.5
            if place.country:
                self.cc[place.country] += w
                self.own_cc[m.key][place.country] += w
            if place.admin1 and place.kind != "country":
                self.a1[place.admin1] += w
                self.own_a1[m.key][place.admin1] += w
            if place.kind not in ("country", "continent") and (m.key, place.id) not in seen:
                # a repeat of the same (name, place) cannot change any proximity test
                seen.add((m.key, place.id))
                self.points.append((m.key, place.id, place.lat, place.lon, m.text, place.country))
        self.total = sum(self.cc.values()) or 1.0
        # Points sorted by latitude: a candidate scans only the band within _NEAR_DEG of it.
        self.by_lat = sorted(range(len(self.points)), key=lambda i: self.points[i][2])
        self.lats = [self.points[i][2] for i in self.by_lat]

    def scores(self, m: Mention, base: list[float]
               ) -> tuple[list[float], list[float], list[str | None]]:
        mkey = m.key
        own_cc = self.own_cc.get(mkey, {})
        own_a1 = self.own_a1.get(mkey, {})
        total = self.total - sum(own_cc.values())
        total = total if total > 0 else 1.0
        points = self.points
        scores: list[float] = []
        coh: list[float] = []
        near: list[str | None] = []
        memo = self.memo
        memo_get = memo.get
        cc_get, a1_get = self.cc.get, self.a1.get
        own_cc_get, own_a1_get = own_cc.get, own_a1.get
        lats, by_lat = self.lats, self.by_lat
        for c, b in zip(m.cands, base, strict=True):
            cid = c.id
            hit = memo_get((mkey, cid))
            if hit is not None:
                scores.append(b + hit[0])
                coh.append(hit[1])
                near.append(hit[2])
                continue
            cc0 = c.country
            kind = c.kind
            share = (cc_get(cc0, 0.0) - own_cc_get(cc0, 0.0)) / total if cc0 else 0.0
            a1s = 0.0
            if c.admin1 and kind != "country":
                a1s = (a1_get(c.admin1, 0.0) - own_a1_get(c.admin1, 0.0)) / total
            close: str | None = None
            if kind != "country" and kind != "continent" and points:
                clat, clon = c.lat, c.lon
                lo = bisect_left(lats, clat - _NEAR_DEG - 1e-6)
                hi = bisect_right(lats, clat + _NEAR_DEG + 1e-6, lo)
                band = sorted(by_lat[lo:hi]) if hi - lo > 1 else by_lat[lo:hi]
                cos_lat = math.cos(math.radians(clat))
                lon_lim = _NEAR_DEG / (cos_lat if cos_lat > 0.2 else 0.2)
                for i in band:
                    key, pid, lat, lon, text, cc = points[i]
                    if key != mkey and -_NEAR_DEG < lat - clat < _NEAR_DEG \
                            and -lon_lim < lon - clon < lon_lim \
                            and pid != cid and (close is None or cc == cc0) and \
                            haversine_km(lat, lon, clat, clon) < _NEAR_KM:
                        close = text
                        if cc == cc0:
                            break
            bonus = _W_COUNTRY * share + _W_ADMIN1 * a1s + (_W_NEAR if close else 0.0)
            memo[(mkey, cid)] = (bonus, share, close)
            scores.append(b + bonus)
            coh.append(share)
            near.append(close)
        return scores, coh, near


class Resolver:
    def __init__(self, gazetteer: GazetteerLike) -> None:
        self._gaz = gazetteer
        # prior + alias adjustment per (place id, hint, alias, has_preferred): pure, and news
        # repeats its names
        self._prior_memo: dict[tuple[str, str | None, str, bool], float] = {}

    def resolve(self, mentions: list[Mention], *, source_cc: str | None = None) -> list[Resolved]:
        n_cands = [len(m.cands) for m in mentions]
        priors = [self._priors(m, mentions, source_cc) for m in mentions]
        groups: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(mentions):
            if m.match != "capital":
                groups[m.key].append(i)
        picks: list[int | None] = [_argmax(p) for p in priors]
        self._capitals(mentions, priors, picks)
        ambiguous = [k for k, idx in groups.items() if any(len(mentions[i].cands) > 1 for i in idx)]
        ctx: _Context | None = None
        for _ in range(_PASSES):
            if not ambiguous:
                break
            ctx = _Context(mentions, picks)
            new = self._pass(mentions, groups, ambiguous, priors, picks, ctx)
            if new != picks:
                ctx = None  # the picks moved: the final context differs
            picks = new
            self._capitals(mentions, priors, picks)
        return self._finish(mentions, groups, priors, picks, n_cands, ctx)

    def _priors(self, m: Mention, mentions: list[Mention], source_cc: str | None) -> list[float]:
        als = m.aliases if len(m.aliases) == len(m.cands) else ["preferred"] * len(m.cands)
        has_pref = "preferred" in als
        memo = self._prior_memo
        hint = m.hint
        base = []
        for c, a in zip(m.cands, als, strict=True):
            s = memo.get((c.id, hint, a, has_pref))
            if s is None:
                if len(memo) >= 200_000:
                    memo.clear()
                s = memo[(c.id, hint, a, has_pref)] = prior(c, hint) + _alias_adjust(
                    a, hint, has_pref, c.kind)
            base.append(s)
        if m.aviation and m.hint is None:
            # "Vnukovo halted flights": in a sentence about flying, the airport reading.
            base = [b + _AVIATION if c.kind == "airport" else b
                    for b, c in zip(base, m.cands, strict=True)]
        if m.hint is None and len(m.cands) > 1:
            # A bare name shared by a big city and its region means the city ("Kursk"), as does
            # one shared by a region and a city inside it ("Kherson", whatever its census says).
            big = {c.country for c in m.cands if c.kind == "city" and c.population >= 100_000}
            seats = {c.admin1 for c in m.cands if c.kind == "city"}
            if big or seats:
                base = [b - 3.0 if c.kind == "admin1" and (c.country in big or c.admin1 in seats)
                        else b for b, c in zip(base, m.cands, strict=True)]
        if m.container is not None:
            cont = mentions[m.container]
            ccs = {c.country for c in cont.cands if c.kind == "country"}
            a1s = {c.admin1 for c in cont.cands if c.kind == "admin1"}
            base = [b + (_CONTAINER if (c.country in ccs or (c.admin1 and c.admin1 in a1s)) else 0.0)
                    for b, c in zip(base, m.cands, strict=True)]
        if source_cc:
            base = [b + (_W_SOURCE if c.country == source_cc else 0.0)
                    for b, c in zip(base, m.cands, strict=True)]
        # Coherence adds at most _MAX_BONUS, so a candidate further behind can never win.
        floor = max(base, default=0.0) - _MAX_BONUS
        if len(m.cands) > _MAX_CANDS or min(base, default=0.0) < floor:
            ranked = sorted(range(len(base)), key=lambda i: -base[i])[:_MAX_CANDS]
            keep = [i for i in ranked if base[i] >= floor]
            m.cands = [m.cands[i] for i in keep]
            m.aliases = [als[i] for i in keep]
            base = [base[i] for i in keep]
        return base

    def _pass(self, mentions: list[Mention], groups: dict[str, list[int]], ambiguous: list[str],
              priors: list[list[float]], picks: list[int | None], ctx: _Context
              ) -> list[int | None]:
        new = list(picks)
        for key in ambiguous:
            idx = groups[key]
            for i in idx:
                m = mentions[i]
                if len(m.cands) > 1:
                    s, _, _ = ctx.scores(m, priors[i])
                    new[i] = _argmax(s)
            # One sense per discourse: mentions without their own hint follow the majority.
            plain = [i for i in idx if mentions[i].hint is None and mentions[i].container is None]
            if len(plain) > 1:
                ids = [mentions[i].cands[p].id for i in plain if (p := new[i]) is not None]
                if ids:
                    top = max(dict.fromkeys(ids), key=ids.count)  # ties: first seen
                    for i in plain:
                        for j, c in enumerate(mentions[i].cands):
                            if c.id == top:
                                new[i] = j
                                break
        return new

    def _capitals(self, mentions: list[Mention], priors: list[list[float]],
                  picks: list[int | None]) -> None:
        """'the capital' reads as the capital of the document's leading country."""
        caps = [i for i, m in enumerate(mentions) if m.match == "capital" and m.key == CAPITAL]
        if not caps:
            return
        cc: dict[str, float] = defaultdict(float)
        for m, p in zip(mentions, picks, strict=True):
            # Places count by how sure their reading is; a capital the text ties to its
            # country ("the Ukrainian capital") counts for that country.
            if p is not None and (m.match != "capital" or m.key != CAPITAL) and m.cands \
                    and m.cands[p].country:
                cc[m.cands[p].country] += 1.0 / len(m.cands) ** 0.5
        ranked = sorted(cc.items(), key=lambda kv: -kv[1])[:2]
        cands: list[PlaceLike] = []
        weights: list[float] = []
        for code, w in ranked:
            cap = self._gaz.capital(code)
            if cap is not None:
                cands.append(cap)
                weights.append(w)
        for i in caps:
            mentions[i].cands = list(cands)
            mentions[i].aliases = ["preferred"] * len(cands)
            priors[i] = [10.0 * w for w in weights]
            picks[i] = 0 if cands else None

    def _finish(self, mentions: list[Mention], groups: dict[str, list[int]],
                priors: list[list[float]], picks: list[int | None], n_cands: list[int],
                ctx: _Context | None = None) -> list[Resolved]:
        """``ctx``: the context of the last pass when no pick moved in it (its scores hold)."""
        ctx = ctx if ctx is not None else _Context(mentions, picks)
        top_cc = max(ctx.cc, key=ctx.cc.__getitem__) if ctx.cc else None
        top_share = ctx.cc[top_cc] / ctx.total if top_cc is not None else 0.0
        top_a1 = max(ctx.a1, key=ctx.a1.__getitem__) if ctx.a1 else None
        a1_total = sum(ctx.a1.values()) or 1.0
        n_mentions = max(1, len(mentions))
        # Where the document's other local picks lie: a reading far from all of them is the
        # usual shape of a wrong namesake ("Dublin" placed in Ireland in an Ohio story).
        local = {(m.key, m.cands[q].lat, m.cands[q].lon) for m, q in zip(mentions, picks, strict=True)
                 if q is not None and m.cands and m.match != "capital"
                 and m.cands[q].kind in LOCAL_KINDS}
        near_memo: dict[tuple[str, str], tuple[float, float]] = {}
        out: list[Resolved] = []
        for i, m in enumerate(mentions):
            p = picks[i]
            if p is None or not m.cands:
                continue
            if m.match == "capital":
                near: list[str | None] = [None] * len(m.cands)
                scores, coh = list(priors[i]), [1.0] * len(m.cands)
            else:
                scores, coh, near = ctx.scores(m, priors[i])
            chosen = scores[p]
            second = max(scores[:p] + scores[p + 1 :], default=None)
            place = m.cands[p]
            extras = evidence(m.cands, scores, p, place, top_cc, top_share,
                               len(groups.get(m.key, ())) / n_mentions)
            if place.admin1 is not None and place.kind != "country":
                own = ctx.own_a1.get(m.key, {}).get(place.admin1, 0.0)
                extras["a1_share"] = max(0.0, ctx.a1.get(place.admin1, 0.0) - own) / a1_total
                extras["dominant_a1"] = float(place.admin1 == top_a1)
            memo_key = (m.key, place.id)
            hit = near_memo.get(memo_key)
            if hit is None:
                hit = near_memo[memo_key] = neighbours(
                    place, extras.pop("_rival", None), m.key, local)
            else:
                extras.pop("_rival", None)
            extras["neighbour_km"], extras["rival_closer"] = hit
            with_ = near[p]
            if with_ is None and coh[p] > 0:
                for j, o in enumerate(mentions):
                    q = picks[j]
                    if q is not None and o.key != m.key and o.cands and \
                            o.cands[q].country == place.country and o.match != "capital":
                        with_ = o.text
                        break

            out.append(
                Resolved(
                    mention=m,
                    place=place,
                    score=chosen,
                    margin=10.0 if second is None else chosen - second,
                    n_cands=max(n_cands[i], len(m.cands), m.n_found),
                    coherence=coh[p],
                    same_country=coh[p],
                    near_other=near[p] is not None,
                    coherent_with=with_,
                    in_container=m.container is not None,
                    repeats=len(groups.get(m.key, ())) or 1,
                    alias=m.aliases[p] if p < len(m.aliases) else "preferred",
                    extras=extras,
                )
            )
        return out


def _argmax(xs: list[float]) -> int | None:
    if not xs:
        return None
    best = 0
    for i in range(1, len(xs)):
        if xs[i] > xs[best]:
            best = i
    return best
