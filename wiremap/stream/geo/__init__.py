"""Geolocation: an offline gazetteer and region polygons (and the geoparser built on them)."""

from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo.gazetteer import Gazetteer, Place, name_key
from wiremap.stream.geo.geoparser import Geoparser

__all__ = ["Gazetteer", "Geoparser", "Place", "data_path", "name_key"]
