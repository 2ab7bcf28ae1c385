"""The desk map: a live folium/Leaflet page over reports.located and regions.counts."""

from wiremap.mapview._app import create_app
from wiremap.mapview._areas import Area, AreaIndex
from wiremap.mapview._follow import Follower
from wiremap.mapview._view import WINDOWS, MapView, Payload

__all__ = ["WINDOWS", "Area", "AreaIndex", "Follower", "MapView", "Payload", "create_app"]
