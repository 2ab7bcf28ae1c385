/* wiremap desk: how the data layers look and stack: placement and count styles, uncertainty
 * footprints, cluster icons, the batching points container, the outline basemap and the
 * online tile layer's fallback. */
(function () {
  'use strict';

  var wm = window.wm, D = window.wmDesk, R = window.wmRender;
  var el = R.el, add = R.add, ramp = R.ramp, placementStyle = R.placementStyle;
  var RAMPS = R.RAMPS, CHORO = R.CHORO;
  var state = D.state;

  // -- styles ---------------------------------------------------------------------------

  wm.areaStyle = function (f) {
    var s = placementStyle(f.properties);
    s.weight = f.properties.role === 'origin' ? 2.5 : 2;
    s.fillOpacity = Math.min(0.4, s.fillOpacity * 0.75);
    return s;
  };

  wm.countStyle = function (f) {
    var v = f.properties[state.metric] || 0;
    var t = state.countMax > 0 ? v / state.countMax : 0;
    return {
      color: '#6a51a3', weight: 0.6, opacity: 0.6,
      fillColor: ramp(CHORO, t), fillOpacity: v > 0 ? 0.45 : 0
    };
  };

  // An uncertainty circle that never shrinks below a few pixels, so a precise point
  // stays visible and clickable at any zoom.
  var Footprint = L.Circle.extend({
    _project: function () {
      L.Circle.prototype._project.call(this);
      var min = this.options.minPx || 4;
      if (!(this._radius >= min)) { this._radius = min; this._radiusY = min; this._updateBounds(); }
    }
  });

  wm.pointToLayer = function (f, latlng) {
    var opts = placementStyle(f.properties);
    opts.radius = Math.max(1, f.properties.radius_m || 0);
    opts.minPx = f.properties.role === 'origin' ? 5 : 4;
    return new Footprint(latlng, opts);
  };

  wm.clusterIcon = function (cluster) {
    var kids = cluster.getAllChildMarkers();
    var best = 0;
    for (var i = 0; i < kids.length; i++) {
      var p = kids[i].feature && kids[i].feature.properties;
      if (p && p.role === 'event' && p.confidence > best) { best = p.confidence; }
    }
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    var icon = el('div', 'wm-cluster');
    icon.style.background = ramp(RAMPS.event, best);
    add(icon, el('span', null, n >= 1000 ? Math.round(n / 100) / 10 + 'k' : n));
    return L.divIcon({ html: icon, className: 'wm-cluster-wrap', iconSize: L.point(size, size) });
  };

  // -- the points container: realtime adds one layer at a time, markercluster is fast only
  //    when handed many at once, so adds are buffered and flushed as one addLayers() ---------

  var chunksDone = null;
  wm.chunkProgress = function (processed, total) {
    // markercluster reports the last chunk just before it finishes; run after that.
    if (processed >= total && chunksDone) { var cb = chunksDone; chunksDone = null; setTimeout(cb, 0); }
  };

  wm.batched = function (cluster) {
    var Batched = L.Layer.extend({
      initialize: function () { this._buffer = []; this._queued = false; },
      onAdd: function (map) { map.addLayer(cluster); },
      onRemove: function (map) { map.removeLayer(cluster); },
      addLayer: function (layer) {
        this._buffer.push(layer);
        if (!this._queued) { this._queued = true; Promise.resolve().then(L.bind(this.flush, this)); }
        return this;
      },
      removeLayer: function (layer) {
        var i = this._buffer.indexOf(layer);
        if (i >= 0) { this._buffer.splice(i, 1); } else { cluster.removeLayer(layer); }
        return this;
      },
      flush: function (done) {
        this._queued = false;
        var batch = this._buffer;
        this._buffer = [];
        if (batch.length > 50 && cluster._map) {
          // Bulk adds (first load, a window change) go in chunks. A few live additions go
          // one by one: addLayers() can hide a visible neighbour, closing its open popup.
          if (done) { chunksDone = done; }
          cluster.addLayers(batch);
        } else if (batch.length && cluster._map) {
          batch.forEach(function (l) { cluster.addLayer(l); });
          if (done) { done(); }
        } else if (batch.length) {
          cluster.addLayers(batch);
          if (done) { done(); }
        } else if (done) {
          done();
        }
      },
      hasLayer: function (layer) { return cluster.hasLayer(layer); },
      getLayers: function () { return cluster.getLayers().concat(this._buffer); },
      getBounds: function () { return cluster.getBounds(); }
    });
    return new Batched();
  };

  // -- stacking -------------------------------------------------------------------------

  D.stackOrder = function () {
    // One canvas for all data: region counts at the bottom, placement areas above them,
    // point footprints on top, so a point inside a shaded region is still clickable.
    // (Canvas bringToBack() corrupts Leaflet's draw list when the layer is already first,
    // so the list is re-linked here instead, and only when it is out of order.)
    var r = D.refs.map && D.refs.map._renderer;
    if (!r || !r._drawFirst) { return; }
    var rank = function (o) {
      var p = o.layer && o.layer.feature && o.layer.feature.properties;
      return !p ? 2 : p.code ? 0 : p.area ? 1 : 2;
    };
    var list = [], sorted = true, o;
    for (o = r._drawFirst; o; o = o.next) {
      if (list.length && rank(list[list.length - 1]) > rank(o)) { sorted = false; }
      list.push(o);
    }
    if (sorted) { return; }
    list = list.map(function (x, i) { return [rank(x), i, x]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (x) { return x[2]; });
    for (var i = 0; i < list.length; i++) {
      list[i].prev = list[i - 1] || null;
      list[i].next = list[i + 1] || null;
    }
    r._drawFirst = list[0];
    r._drawLast = list[list.length - 1];
    r._redrawBounds = null;
    r._redraw();
  };

  // -- basemap: packaged outlines always, online tiles while they load --------------------

  D.basemap = function (map) {
    map.createPane('wmLand').style.zIndex = 150;
    map.createPane('wmBorders').style.zIndex = 250;
    map.getPane('wmBorders').style.pointerEvents = 'none';
    var land = L.canvas({ pane: 'wmLand' });
    var borders = L.canvas({ pane: 'wmBorders' });
    function load(url, style, pane, renderer) {
      return fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data) { return; }
        L.geoJSON(data, { pane: pane, renderer: renderer, interactive: false, style: style }).addTo(map);
      }).catch(function () { /* outlines are decoration; the data layers do not need them */ });
    }
    load('/geo/countries.geojson', { stroke: false, fillColor: '#f4f1ea', fillOpacity: 1 }, 'wmLand', land)
      .then(function () {
        return load('/geo/admin1.geojson', { color: '#9aa3ad', weight: 0.5, opacity: 0.7, fill: false }, 'wmBorders', borders);
      })
      .then(function () {
        return load('/geo/countries.geojson', { color: '#5f6b78', weight: 1, opacity: 0.9, fill: false }, 'wmBorders', borders);
      });
  };

  D.watchTiles = function (layer) {
    if (!layer) { state.tiles = 'none'; return; }
    state.tiles = 'online';
    var loaded = 0, failed = 0;
    layer.on('tileload', function () { loaded++; if (state.tiles === 'down') { state.tiles = 'online'; D.renderStatus(); } });
    layer.on('tileerror', function () {
      failed++;
      if (!loaded && failed >= 2 && state.tiles !== 'down') {
        state.tiles = 'down';
        document.body.classList.add('wm-tiles-down');
        D.refs.map.removeLayer(layer);  // stop asking; the outline basemap carries on
        D.renderStatus();
      }
    });
  };
})();
