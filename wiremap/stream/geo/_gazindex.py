"""The gazetteer's on-disk index (gazetteer.bin): gzip of a JSON header and raw little-endian columns.

Columnar and pickle-free so that loading is a decompress plus a few `numpy.frombuffer` calls and
a single `str.split` for the sorted name keys; Place objects are only made for looked-up rows.
Written by scripts/build_gazetteer.py, read by Gazetteer.load().
"""

from __future__ import annotations

import gzip
import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from unidecode import unidecode

from wiremap.errors import GeoError

MAGIC = b"WMGAZ1\n"
KINDS = ("country", "admin1", "admin2", "city", "airport")
# How a name reached a place, weakest last; the recognizer may trust some more than others.
ALIASES = (
    "preferred",    # the place's English name
    "alternate",    # another name the data gives (other languages, older spellings)
    "code",         # ISO/GeoNames/IATA-style code such as "RU-MOS"
    "abbreviation", # an all-caps short form in the alternate names ("MOW", "U.A.E.")
    "stripped",     # a name with its type word removed ("Moscow Oblast" -> "Moscow")
    "typed",        # a generated "X Oblast" / "X Region" / "X airport" form
    "namesake",     # the oblast keyed by its namesake city's spellings ("Kharkov Oblast")
    "translit",     # a machine transliteration from a non-Latin script ("ha er ke fu")
)
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "u1"), ("lat", "<i4"), ("lon", "<i4"), ("country", "<u2"), ("admin1", "<i4"),
    ("population", "<u4"), ("radius", "<f4"), ("feature", "u1"),
    ("name_off", "<u4"), ("id_off", "<u4"), ("key_off", "<u4"),
    ("post_place", "<u4"), ("post_alias", "u1"),
)
COORD_SCALE = 100_000
_NONWORD = re.compile(r"[\W_]+")


def name_key(s: str) -> str:
    """Normal form of a name for matching: transliterated, casefolded, punctuation to spaces."""
    if not s.isascii():
        s = unidecode(s)
    return _NONWORD.sub(" ", s.casefold()).strip()


@dataclass
class Index:
    """The decoded index: row columns for places and a sorted key table with postings."""

    header: dict[str, Any]
    cols: dict[str, npt.NDArray[Any]]
    names: str
    ids: str
    keys: tuple[str, ...]


def write(path: Path, header: dict[str, Any], cols: dict[str, npt.NDArray[Any]],
          names: list[str], ids: list[str], keys: list[str]) -> None:
    """Write deterministically (sorted JSON, gzip mtime 0) so a rebuild gives identical bytes."""
    if any("\n" in k for k in keys) or keys != sorted(keys):
        raise GeoError("index keys must be sorted and newline-free")
    cols = dict(cols)
    cols["name_off"] = _offsets(names)
    cols["id_off"] = _offsets(ids)
    blobs = {"names": "".join(names).encode(), "ids": "".join(ids).encode(),
             "keys": "\n".join(keys).encode()}
    parts: list[bytes] = []
    layout: dict[str, list[Any]] = {}
    pos = 0
    for name, dtype in _COLUMNS:
        raw = np.ascontiguousarray(cols[name], dtype=np.dtype(dtype)).tobytes()
        layout[name] = [pos, len(raw), dtype]
        parts.append(raw)
        pos += len(raw)
    for name, raw in blobs.items():
        layout[name] = [pos, len(raw), "utf-8"]
        parts.append(raw)
        pos += len(raw)
    head = json.dumps({**header, "layout": layout}, sort_keys=True,
                      separators=(",", ":")).encode()
    body = MAGIC + struct.pack("<I", len(head)) + head + b"".join(parts)
    with path.open("wb") as raw_f, gzip.GzipFile(fileobj=raw_f, mode="wb", mtime=0,
                                                  compresslevel=9, filename="") as gz:
        gz.write(body)


def _offsets(strings: list[str]) -> npt.NDArray[np.uint32]:
    lens = [len(s) for s in strings]  # character offsets: the blob is decoded to str once
    return np.concatenate([[0], np.cumsum(lens, dtype=np.uint64)]).astype(np.uint32)


def read(path: Path) -> Index:
    try:
        body = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise GeoError(f"gazetteer index {path} is unreadable: {exc}") from exc
    if not body.startswith(MAGIC):
        raise GeoError(f"{path} is not a wiremap gazetteer index")
    (hlen,) = struct.unpack_from("<I", body, len(MAGIC))
    start = len(MAGIC) + 4
    header = json.loads(body[start:start + hlen])
    base = start + hlen
    view = memoryview(body)
    cols: dict[str, npt.NDArray[Any]] = {}
    text: dict[str, str] = {}
    for name, (off, size, dtype) in header.pop("layout").items():
        chunk = view[base + off: base + off + size]
        if dtype == "utf-8":
            text[name] = str(chunk, "utf-8")
        else:
            cols[name] = np.frombuffer(chunk, dtype=np.dtype(dtype))
    keys = tuple(text["keys"].split("\n")) if text["keys"] else ()
    return Index(header=header, cols=cols, names=text["names"], ids=text["ids"], keys=keys)
