"""The desk page: a folium map wired to the JSON endpoints, with every asset served locally.

The HTML carries no report data at all (the page fetches it as JSON and builds DOM with
textContent), so there is nothing untrusted to escape here; the only configured string,
the tile URL, goes through folium's JSON encoding.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, NamedTuple

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster, Realtime
from folium.template import Template
from folium.utilities import JsCode

from wiremap.errors import MapviewError
from wiremap.settings import Settings

__all__ = ["Page", "build_page"]

VENDOR = "/static/vendor"
# The desk's own scripts, in load order: each later one uses what the earlier ones define.
DESK_SCRIPTS = ("render", "live", "layers", "popups", "feed", "legend", "desk")

_PANEL = """
<header id="wm-bar">
  <div class="wm-brand">wiremap<span>desk</span></div>
  <label class="wm-ctl">Window
    <select id="wm-window">
      <option value="1h">1 h</option><option value="24h" selected>24 h</option>
      <option value="7d">7 d</option>
    </select></label>
  <label class="wm-ctl">Min. confidence
    <input id="wm-minconf" type="range" min="0" max="95" step="5" value="0">
    <output id="wm-minconf-out">0%</output></label>
  <label class="wm-ctl">Regions by
    <select id="wm-metric">
      <option value="stories">stories</option>
      <option value="weighted">confidence-weighted</option>
    </select></label>
  <div id="wm-status" class="wm-status" role="status" aria-live="polite">connecting…</div>
</header>
<aside id="wm-feed" aria-label="Feed">
  <div class="wm-feed-head">
    <h2>Feed</h2>
    <div id="wm-feed-counts" class="wm-feed-counts"></div>
  </div>
  <ol id="wm-feed-list" class="wm-feed-list"></ol>
</aside>
"""


class _DeskAssets(JSCSSMixin, MacroElement):
    """The desk's own script and style, linked last so they override plugin defaults,
    and the call that hands the folium-made layers to the script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            wm.init({{ this.config | tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, object]) -> None:
        super().__init__()
        self._name = "DeskAssets"
        self.config = config
        self.default_js = [(f"wiremap_{name}_js", f"/static/{name}.js") for name in DESK_SCRIPTS]
        self.default_css = [("wiremap_desk_css", "/static/desk.css")]


class Page(NamedTuple):
    """Rendered HTML plus the Content-Security-Policy that admits exactly its inline scripts."""

    html: str
    csp: str


_TILES_URL = re.compile(r"^(https?)://((?:\{s\}\.)?[A-Za-z0-9.-]+)(:\d{1,5})?/", re.IGNORECASE)


def _tile_origin(url: str) -> tuple[str, str]:
    """The CSP source admitting the tiles (``{s}`` subdomains become ``*.``) and the host
    named in their attribution. A host that is not a plain name is refused: it would be
    written into the CSP header and into the attribution, which Leaflet renders as HTML."""
    m = _TILES_URL.match(url)
    if m is None:
        raise MapviewError(
            f"map_tiles_url {url[:200]!r} is not an http(s) tile URL template with a plain host "
            "name (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png)"
        )
    scheme, host, port = m.group(1).lower(), m.group(2).lower(), m.group(3) or ""
    return f"{scheme}://{host.replace('{s}.', '*.')}{port}", host.removeprefix("{s}.")


def _tile_attribution(host: str) -> str:
    if "openstreetmap" in host:
        return "&copy; OpenStreetMap contributors"
    return f"Tiles: {host}"


def build_page(settings: Settings) -> Page:
    m = folium.Map(
        location=[49.0, 32.0],
        zoom_start=4,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        min_zoom=2,
        world_copy_jump=True,
        zoom_control="topleft",
        maxZoom=18,
    )
    m.default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]

    tiles: folium.TileLayer | None = None
    img_src = ["'self'", "data:"]
    if settings.map_tiles_url:
        origin, host = _tile_origin(settings.map_tiles_url)
        img_src.append(origin)
        tiles = folium.TileLayer(
            tiles=settings.map_tiles_url,
            attr=_tile_attribution(host),
            name="Online tiles",
            max_zoom=18,
            control=False,
        )
        tiles.add_to(m)

    cluster = MarkerCluster(
        name="Reports",
        control=False,
        icon_create_function="wm.clusterIcon",
        options={
            "chunkedLoading": True,
            "maxClusterRadius": 45,
            "disableClusteringAtZoom": 9,
            "spiderfyOnMaxZoom": False,
            "showCoverageOnHover": False,
            "chunkProgress": JsCode("wm.chunkProgress"),
        },
    )
    cluster.default_js = [
        ("markerclusterjs", f"{VENDOR}/leaflet.markercluster/leaflet.markercluster.js")
    ]
    cluster.default_css = [
        ("markerclustercss", f"{VENDOR}/leaflet.markercluster/MarkerCluster.css"),
    ]
    cluster.add_to(m)

    interval = max(250, int(settings.map_poll_s * 1000))
    realtime_js = [("Leaflet_Realtime_js", f"{VENDOR}/leaflet-realtime/leaflet-realtime.js")]
    layers: dict[str, Realtime] = {}
    per_kind: dict[str, dict[str, Any]] = {
        # Order matters: counts under region placements under point footprints.
        "counts": {"style": JsCode("wm.countStyle"), "on_each_feature": JsCode("wm.onEachCount")},
        "areas": {"style": JsCode("wm.areaStyle"), "on_each_feature": JsCode("wm.onEachArea")},
        "points": {
            "point_to_layer": JsCode("wm.pointToLayer"),
            "on_each_feature": JsCode("wm.onEachPoint"),
            "container": JsCode(f"wm.batched({cluster.get_name()})"),
        },
    }
    for kind, extra in per_kind.items():
        rt = Realtime(
            JsCode(f"wm.source({kind!r})"),
            interval=interval,
            get_feature_id=JsCode("wm.featureId"),
            update_feature=JsCode(f"wm.updater({kind!r})"),
            remove_missing=True,
            **extra,
        )
        rt.default_js = realtime_js
        rt.add_to(m)
        layers[kind] = rt

    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(
        Element('<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'),
        name="wm_head",
    )
    root.title = "wiremap desk"
    root.html.add_child(Element(_PANEL), name="wm_panel")

    config: dict[str, object] = {
        "map": m,
        "cluster": cluster,
        "points": layers["points"],
        "areas": layers["areas"],
        "counts": layers["counts"],
        "tiles": tiles if tiles is not None else JsCode("null"),
        "pollMs": interval,
    }
    _DeskAssets(config).add_to(m)

    markup = root.render()
    return Page(markup, _csp(markup, img_src))


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _csp(markup: str, img_src: list[str]) -> str:
    """Scripts: our origin plus the hash of each inline script folium wrote, so no injected
    handler or script could run even if escaping failed somewhere."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(markup)
        }
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {' '.join(hashes)}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(img_src)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )
