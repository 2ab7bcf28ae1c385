"""``wiremap geo``: parse text into placements, or evaluate on an annotated corpus. Offline."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from wiremap.errors import GeoError

__all__ = ["geo"]

_DEMONYMS = click.Choice(["place", "all", "none"])

@click.group()
def geo() -> None:
    """Offline geoparsing: place names in text → placements with calibrated confidence."""


@geo.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--source", help="Source name or URL (a hint for ambiguous names).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Drop placements less likely than this to be placed right.")
@click.option("--min-toponym", type=click.FloatRange(0, 1), default=None,
              help="Drop mentions less likely than this to be place names at all "
                   "(default: the model's threshold).")
@click.option("--demonyms", type=_DEMONYMS, default="place", show_default=True,
              help="'place': only demonyms that denote a place ('Russian territory'); "
                   "'all': every demonym, as LGL annotates them.")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Confidence model JSON (default: the shipped one).")
def parse(file: click.utils.LazyFile, source: str | None, min_confidence: float,
          min_toponym: float | None, demonyms: str, model: Path | None) -> None:
    """Read text from FILE (or stdin) and print its placements as JSON."""
    from wiremap.stream.geo.geoparser import Geoparser

    try:
        text = file.read()
    except UnicodeDecodeError as exc:
        raise GeoError(f"input is not UTF-8 text: {exc}") from exc
    gp = Geoparser.load(model_path=model, min_confidence=min_confidence, min_toponym=min_toponym,
                        demonyms=demonyms)
    placements = gp.parse(text, source=source)
    click.echo(json.dumps([p.model_dump(mode="json") for p in placements], indent=2,
                          ensure_ascii=False))


@geo.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pred-out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write predictions in the scorer's JSONL format.")
@click.option("--scorer", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="score.py to run (default: $WIREMAP_GEOEVAL_SCORER or "
                   "../shared/geoeval/score.py beside the repository).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--min-toponym", type=click.FloatRange(0, 1), default=None)
@click.option("--demonyms", type=_DEMONYMS, default="place", show_default=True)
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the scorer's full figures here.")
def eval_(gold: Path, pred_out: Path, scorer: Path | None, min_confidence: float,
          min_toponym: float | None, demonyms: str, model: Path | None, json_out: Path | None) -> None:
    """Geoparse every document of GOLD.jsonl, write predictions, and score them."""
    from wiremap.stream.geo import _eval
    from wiremap.stream.geo.geoparser import Geoparser

    docs = list(_eval.iter_corpus(gold))  # a bad line fails before the slow load
    gp = Geoparser.load(model_path=model, min_confidence=min_confidence, min_toponym=min_toponym,
                        demonyms=demonyms)
    n = chars = 0
    t0 = time.perf_counter()
    try:
        with pred_out.open("w", encoding="utf-8") as out:
            for doc in docs:
                out.write(json.dumps(_eval.predict_doc(gp, doc)) + "\n")
                n += 1
                chars += len(doc["text"])
    except OSError as exc:
        raise GeoError(f"cannot write predictions to {pred_out}: {exc}") from exc
    dt = time.perf_counter() - t0
    click.echo(f"{n} documents ({chars / max(n, 1):.0f} chars avg) in {dt:.2f} s "
               f"({n / dt if dt else 0:.0f} docs/s); predictions in {pred_out}")
    found = _eval.find_scorer(scorer)
    if found is None:
        click.echo("scorer not found (pass --scorer or set $WIREMAP_GEOEVAL_SCORER); "
                   "predictions written, not scored", err=True)
        return
    scores = _eval.run_scorer(found, gold, pred_out)
    for line in _eval.summary_lines(scores):
        click.echo(line)
    if json_out is not None:
        json_out.write_text(json.dumps(scores, indent=1))


if __name__ == "__main__":  # pragma: no cover
    geo(sys.argv[1:])
