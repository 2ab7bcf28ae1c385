"""Evidence that a capitalised word names a person: census name priors and the document's use.

News names people after places all the time ("Lincoln", "Sullivan", "Clark"); the gazetteer
cannot tell, but the document usually does somewhere ("Sgt. Mike Sullivan", "Sullivan said").
The priors come from ``data/person_names.json`` (built by scripts/build_geo_names.py from the
US Census name tables), read once per process.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

from wiremap.errors import GeoError
from wiremap.stream.geo._lexicon import PERSON_AFTER, TITLES
from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo._text import Doc

__all__ = ["is_person_name", "name_priors", "person_keys", "warm_person_names"]

_MIN_GIVEN = 0.005  # per cent: a given name common enough to mark the next word a surname


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, float], frozenset[str]]:
    path = data_path("person_names.json")
    try:
        raw = json.loads(path.read_text())
        surname = {str(k): float(v) for k, v in raw["surname"].items()}
        given = {str(k): float(v) for k, v in raw["given"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GeoError(f"cannot read {path}: {exc!r}; rebuild it with "
                       "scripts/build_geo_names.py") from exc
    common = frozenset(k for k, v in given.items() if v >= _MIN_GIVEN)
    return surname, given, common


def warm_person_names() -> None:
    """Read the name tables now (at load) rather than on the first document."""
    _tables()


def _scaled(share: float) -> float:
    """Per-cent share → 0..1 on a log scale (0.001 % ≈ 0.1, 1 % ≈ 1)."""
    return math.log10(1.0 + 1000.0 * share) / 3.0 if share > 0 else 0.0


@lru_cache(maxsize=65_536)
def name_priors(key: str) -> tuple[float, float]:
    """(surname share, given-name share), log-scaled, of a one-word name key."""
    surname, given, _ = _tables()
    return _scaled(surname.get(key, 0.0)), _scaled(given.get(key, 0.0))


def is_person_name(key: str) -> bool:
    """The census knows the word as a surname or a given name."""
    return name_priors(key) != (0.0, 0.0)


def person_keys(doc: Doc, keys: set[str] | frozenset[str]) -> frozenset[str]:
    """Those of ``keys`` (one-word names) that the document uses as a person's name at least
    once: after a title ("Sgt. Sullivan") or a common given name ("Mike Sullivan"), or before
    a speech verb ("Sullivan said")."""
    if not keys:
        return frozenset()
    _, _, common = _tables()
    toks = doc.tokens
    text = doc.text
    last = len(toks) - 1
    out: set[str] = set()
    for i, t in enumerate(toks):
        k = t.key
        if k not in keys or k in out or not t.cap:
            continue
        if i:
            prev = toks[i - 1]
            if prev.sent == t.sent and not t.upper:
                gap = text[prev.end : t.start]
                if (prev.key in TITLES and gap in (" ", ". ")) or (
                        prev.cap and gap == " " and prev.key in common):
                    out.add(k)
                    continue
        if i < last:
            nxt = toks[i + 1]
            if nxt.key in PERSON_AFTER and nxt.sent == t.sent and nxt.start - t.end <= 3:
                out.add(k)
    return frozenset(out)
