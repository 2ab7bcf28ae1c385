"""The development-set builder: seeded, labelled, and its edits are what they say."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

TOWNS = ["Alexandria", "Pineville", "Natchitoches", "Marksville", "Leesville", "Ruston",
         "Bunkie", "Oakdale", "Jena", "Winnfield"]


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_neardup_devset", ROOT / "scripts" / "build_neardup_devset.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc(k: int, town: str) -> dict[str, Any]:
    title = f"{town} council approves {k + 3} new projects"
    body = " ".join(
        f"The {town} council voted {k + 5} to {k % 4} on item {j} on Monday night. "
        f"Mayor Jane Smith{k} said the work on street {j} would start in {2020 + j}."
        for j in range(6))
    text = f"{title}. {body}"
    toponyms = [{"name": town, "start": m, "end": m + len(town)}
                for m in range(len(text)) if text.startswith(town, m)]
    return {"doc_id": f"LGL:{k}", "title": title, "text": text, "toponyms": toponyms}


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    docs = [_doc(k, TOWNS[k % len(TOWNS)]) for k in range(40)]
    (tmp_path / "lgl.jsonl").write_text("\n".join(json.dumps(d) for d in docs[:30]) + "\n")
    (tmp_path / "geovirus.jsonl").write_text("\n".join(json.dumps(d) for d in docs[30:]) + "\n")
    return tmp_path


def test_same_seed_same_set_and_every_kind_present(corpora: Path) -> None:
    b = _builder()
    first, second = b.build(corpora, 5), b.build(corpora, 5)
    assert first == second
    assert b.build(corpora, 6) != first
    kinds = {p["kind"] for p in first}
    assert {"republication", "template", "same_place", "alert_repeat"} <= kinds
    for p in first:
        assert p["label"] == (1 if p["kind"] in ("republication", "alert_repeat") else 0)
        assert p["split"] in ("dev", "test")
        assert p["a"] != p["b"] or p["label"] == 1


def test_template_pairs_change_the_place(corpora: Path) -> None:
    b = _builder()
    for p in b.build(corpora, 5):
        if p["kind"] == "template":
            town = next(t for t in TOWNS if f"The {t} council" in p["a"])
            assert f"The {town} council" not in p["b"]


def test_edits_do_what_they_say() -> None:
    b = _builder()
    rng = random.Random(1)
    paragraphs = ["One two 12 three. Four five six.", "Seven eight 40 nine.", "Ten eleven.",
                  "Twelve 7 thirteen.", "Fourteen fifteen."]
    _, ps = b.correct_figures(rng, "Head", paragraphs)
    assert ps != paragraphs and len(ps) == len(paragraphs)
    _, ps = b.drop_paragraphs(rng, "Head", paragraphs)
    assert 2 <= len(ps) < len(paragraphs) and ps[0] == paragraphs[0]
    _, ps = b.boilerplate(random.Random(3), "Head", paragraphs)
    assert len("\n".join(ps)) > len("\n".join(paragraphs))
    _, ps = b.truncate(rng, "Head", paragraphs)
    assert ps == paragraphs[: len(ps)] and len(ps) < len(paragraphs)
