"""Build the near-duplicate development set from the geoeval news corpora.

Positives are republication-style edits of one document (new headline, dropped or
reordered paragraphs, agency boilerplate, corrected figures, typos, truncation, one to
three at a time). Negatives share topic and place but are different stories: two
different documents that name the same toponym, and same-template reports of another
event made by swapping a document's places and figures (and, half the time, its names).
Short pairs exercise headline-only alerts. Seeded: the same corpora give the same set.

    python scripts/build_neardup_devset.py [--corpora DIR] [--out FILE] [--seed N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "geoeval"
OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "neardup_devset.jsonl.gz"

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_NUM = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?")
_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")

AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "TASS", "Interfax", "dpa", "UPI"]
MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov"]
REPORTERS = ["Jane Doe", "Polina Ivanova", "Tom Balmforth", "Maria Tsvetkova", "Mark Trevelyan",
             "Andrew Osborn", "Guy Faulconbridge", "Dmitry Antonov", "Lidia Kelly", "Alex Richardson"]
PREFIXES = ["UPDATE 1-", "UPDATE 2-", "REFILE-", "BREAKING: ", "EXCLUSIVE-", "CORRECTED-", "URGENT: "]
HEADLINE_TAILS = [" - officials", ": report", " — police", ", officials say", " (update)"]


def load(corpora: Path) -> list[dict[str, Any]]:
    """Documents as {id, headline, paragraphs, places}: headline and body split apart."""
    docs = []
    for name in ("lgl.jsonl", "geovirus.jsonl"):
        for line in (corpora / name).read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            d = json.loads(line)
            text = d["text"].strip()
            title = (d.get("title") or "").strip()
            sentences = _SENT.split(text)
            if title and text.startswith(title):
                headline = title.rstrip(".")
                sentences = _SENT.split(text[len(title):].lstrip(" .").strip())
            else:
                headline, sentences = sentences[0].rstrip("."), sentences[1:]
            sentences = [s for s in sentences if s.strip()]
            if len(sentences) < 3 or len(" ".join(sentences).split()) < 40:
                continue
            paragraphs = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
            places = sorted({t["name"] for t in d.get("toponyms", []) if t.get("name")})
            docs.append({"id": d["doc_id"], "headline": headline, "paragraphs": paragraphs,
                         "places": places})
    return docs


def render(headline: str, paragraphs: list[str]) -> str:
    return headline + "\n" + "\n\n".join(paragraphs)


# --- republication edits -------------------------------------------------------------


def new_headline(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    words = ps[0].split()
    choice = rng.random()
    if choice < 0.4:
        h = " ".join(words[: rng.randint(6, 11)]).rstrip(",.;:")
    elif choice < 0.7:
        hw = h.split()
        if len(hw) > 4:
            del hw[rng.randrange(1, len(hw))]
        h = " ".join(hw) + rng.choice(HEADLINE_TAILS)
    else:
        h = rng.choice(PREFIXES) + h
    return h, ps


def drop_paragraphs(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    if len(ps) < 3:
        return h, ps
    k = rng.randint(1, max(1, len(ps) // 4))
    drop = set(rng.sample(range(1, len(ps)), min(k, len(ps) - 2)))
    return h, [p for i, p in enumerate(ps) if i not in drop]


def reorder(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    ps = list(ps)
    if len(ps) >= 3:
        i, j = rng.sample(range(1, len(ps)), 2)
        ps[i], ps[j] = ps[j], ps[i]
    elif len(ps) == 2:
        ps.reverse()
    return h, ps


def truncate(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    keep = max(2, round(len(ps) * rng.uniform(0.5, 0.85)))
    return h, ps[:keep]


def boilerplate(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    ps = list(ps)
    agency = rng.choice(AGENCIES)
    city = rng.choice(["MOSCOW", "WASHINGTON", "LONDON", "KYIV", "NEW YORK", "MANILA"])
    if rng.random() < 0.7:
        dateline = f"{city}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({agency}) - "
        ps[0] = (dateline if rng.random() < 0.6 else f"({agency}) — ") + ps[0]
    if rng.random() < 0.6:
        a, b = rng.sample(REPORTERS, 2)
        ps.append(f"(Reporting by {a}; Editing by {b})")
    if rng.random() < 0.5:
        ps.append(f"Copyright {rng.randint(2008, 2024)} {agency}. All rights reserved.")
    if rng.random() < 0.3:
        ps.insert(0, f"(Updates with {rng.choice(['official comment', 'details', 'casualty toll'])})")
    return h, ps


def correct_figures(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    spots = [(i, m) for i, p in enumerate(ps) for m in _NUM.finditer(p)]
    if not spots:
        return h, ps
    ps = list(ps)
    for i, m in sorted(rng.sample(spots, min(len(spots), rng.randint(1, 2))),
                       key=lambda s: -s[1].start()):
        digits = re.sub(r"\D", "", m.group())
        new = str(int(digits) + rng.choice([-2, -1, 1, 2, 10])) if digits else m.group()
        ps[i] = ps[i][: m.start()] + new.lstrip("-") + ps[i][m.end():]
    return h, ps


def typos(rng: random.Random, h: str, ps: list[str]) -> tuple[str, list[str]]:
    ps = list(ps)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(ps))
        words = list(_WORD.finditer(ps[i]))
        if not words:
            continue
        m = rng.choice(words)
        w = list(m.group())
        k = rng.randrange(1, len(w) - 1)
        op = rng.random()
        if op < 0.33:
            w[k], w[k + 1] = w[k + 1], w[k]
        elif op < 0.66:
            del w[k]
        else:
            w.insert(k, rng.choice("aeinorst"))
        ps[i] = ps[i][: m.start()] + "".join(w) + ps[i][m.end():]
    return h, ps


EDITS = [new_headline, drop_paragraphs, reorder, truncate, boilerplate, correct_figures, typos]


# --- different stories ---------------------------------------------------------------


def swap_facts(rng: random.Random, doc: dict[str, Any], others: list[dict[str, Any]],
               names: bool) -> tuple[str, list[str]]:
    """The same template reporting another event: other places, other figures, maybe other names."""
    pool = sorted({p for o in others for p in o["places"]} - set(doc["places"]))
    mapping = {p: rng.choice(pool) for p in doc["places"]}
    name_pool = sorted({m.group() for o in others for p in o["paragraphs"] for m in _NAME.finditer(p)})

    def swap(text: str) -> str:
        for old in sorted(mapping, key=len, reverse=True):
            text = re.sub(rf"\b{re.escape(old)}\b", mapping[old], text)
        text = _NUM.sub(lambda m: str(rng.randint(2, 400)), text)
        if names and name_pool:
            text = _NAME.sub(lambda m: rng.choice(name_pool) if m.group() not in mapping.values()
                             else m.group(), text)
        return text

    return swap(doc["headline"]), [swap(p) for p in doc["paragraphs"]]


def _mentions(text: str, places: list[str]) -> bool:
    return any(re.search(rf"\b{re.escape(p)}\b", text) for p in places)


def build(corpora: Path, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = load(corpora)
    by_place: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        for p in d["places"]:
            by_place[p].append(i)
    pairs: list[dict[str, Any]] = []

    def add(kind: str, label: int, d: dict[str, Any], a: str, b: str, edits: list[str]) -> None:
        split = "test" if zlib.crc32(d["id"].encode()) % 2 else "dev"
        pairs.append({"pair": f"{kind}-{len(pairs)}", "kind": kind, "label": label, "split": split,
                      "doc": d["id"], "edits": edits, "a": a, "b": b})

    for i, d in enumerate(docs):
        original = render(d["headline"], d["paragraphs"])
        for _ in range(2):
            chosen = rng.sample(EDITS, rng.randint(1, 3))
            h, ps = d["headline"], list(d["paragraphs"])
            for edit in chosen:
                h, ps = edit(rng, h, ps)
            add("republication", 1, d, original, render(h, ps), [e.__name__ for e in chosen])
        others = [docs[j] for j in rng.sample(range(len(docs)), 40) if j != i]
        if d["places"]:
            names = rng.random() < 0.5
            h, ps = swap_facts(rng, d, others, names)
            a, b = original, render(h, ps)
            lede = render(d["headline"], d["paragraphs"][:2])
            if rng.random() < 0.5 and _mentions(lede, d["places"]):
                a, b = lede, render(h, ps[:2])
            if a != b and _mentions(a, d["places"]):
                add("template", 0, d, a, b, ["places", "figures", *(["names"] if names else [])])
            shared = [j for p in d["places"] for j in by_place[p] if j != i]
            if shared:
                o = docs[rng.choice(sorted(set(shared)))]
                add("same_place", 0, d, original, render(o["headline"], o["paragraphs"]), [])
            hw = d["headline"].split()
            if 4 <= len(hw) <= 16:
                hs, _ = swap_facts(rng, d, others, names=False)
                if hs != d["headline"] and _mentions(d["headline"], d["places"]):
                    add("alert_other", 0, d, d["headline"], hs, ["places", "figures"])
                variant = rng.choice(PREFIXES) + d["headline"] if rng.random() < 0.5 else (
                    d["headline"].upper() if rng.random() < 0.3 else d["headline"] + ".")
                add("alert_repeat", 1, d, d["headline"], variant, ["prefix/case/punctuation"])
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    pairs = build(args.corpora, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as gz:
        for p in pairs:
            gz.write((json.dumps(p, ensure_ascii=False) + "\n").encode())
    kinds: dict[str, int] = defaultdict(int)
    for p in pairs:
        kinds[p["kind"]] += 1
    print(f"{len(pairs)} pairs → {args.out}: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
