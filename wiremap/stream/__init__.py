"""Stream processing: wire.items → merge + exact dedupe → stories → geolocate → roll-up.

The faust app (``make_app``) only wires topics, tables and agents; each stage's logic is a
plain module: ``dedupe``, ``rollup``, ``locate`` (the Locator interface), and private ones.
``wiremap worker`` runs it.
"""

from wiremap.stream.dedupe import DedupeIndex
from wiremap.stream.locate import Locator, load_locator
from wiremap.stream.rollup import RegionEvent, Rollup

__all__ = ["DedupeIndex", "Locator", "RegionEvent", "Rollup", "load_locator", "make_app"]


def __getattr__(name: str) -> object:
    if name == "make_app":  # importing faust costs ~0.5 s: only when asked for
        from wiremap.stream.app import make_app

        return make_app
    raise AttributeError(name)
