/* wiremap desk: data sources, live updates, selection, feed and controls around the
 * folium-made layers (DOM builders and styles are in render.js).
 *
 * Every string that came from a wire item reaches the page through textContent or an
 * attribute set as a property; nothing here assigns innerHTML from data.
 */
(function () {
  'use strict';

  var wm = (window.wm = {});
  var R = window.wmRender;
  var RAMPS = R.RAMPS, CHORO = R.CHORO, WINDOW_LABEL = R.WINDOW_LABEL;
  var el = R.el, add = R.add, pct = R.pct, permalink = R.permalink, fmtTime = R.fmtTime;
  var ramp = R.ramp, dashFor = R.dashFor, placementStyle = R.placementStyle;
  var reportHeader = R.reportHeader, reportPopup = R.reportPopup, tooltipFor = R.tooltipFor;
  var claimTag = R.claimTag, roleTag = R.roleTag;

  var state = {
    window: '24h',
    minConf: 0,
    metric: 'stories',
    at: null,
    selected: null,
    countMax: 0,
    fitted: false,
    online: null,
    lastUpdate: null,
    feedMeta: null,
    tiles: 'none'
  };
  var details = {};      // report id -> detail record (popup and feed content)
  var feedEls = {};      // report id -> feed <li>
  var refs = {};         // folium-made layers handed over by init()
  wm.ready = {};         // first-render timestamps (performance.now()) per layer
  wm.state = state;

  (function readUrl() {
    var q = new URLSearchParams(window.location.search);
    if (WINDOW_LABEL[q.get('window')]) { state.window = q.get('window'); }
    var mc = parseFloat(q.get('min_conf'));
    if (mc >= 0 && mc <= 1) { state.minConf = mc; }
    if (q.get('at')) { state.at = q.get('at'); }
  })();

  // -- data sources (polled by leaflet-realtime) -----------------------------------------

  function params(extra) {
    var q = new URLSearchParams();
    q.set('window', state.window);
    if (extra !== 'regions') { q.set('min_conf', String(state.minConf)); }
    if (state.at) { q.set('at', state.at); }
    return q.toString();
  }
  var URLS = {
    points: function () { return '/api/reports.geojson?layer=points&' + params(); },
    areas: function () { return '/api/reports.geojson?layer=areas&' + params(); },
    counts: function () { return '/api/regions.geojson?' + params('regions'); },
    feed: function () { return '/api/feed?limit=200&' + params(); }
  };

  // GET with If-None-Match. A response is delivered only if no newer request was made
  // since, and only a delivered response's ETag is remembered: otherwise a dropped answer
  // could leave the next poll with a 304 for data the layer never received.
  function conditionalFetch(kind) {
    var last = { url: null, etag: null };
    var seq = 0;
    return function () {
      var mine = ++seq;
      var url = URLS[kind]();
      var headers = {};
      if (last.url === url && last.etag) { headers['If-None-Match'] = last.etag; }
      return fetch(url, { headers: headers, cache: 'no-store' }).then(function (r) {
        setOnline(true);
        if (mine !== seq || r.status === 304) { return null; }
        if (!r.ok) { throw new Error(kind + ': HTTP ' + r.status); }
        var etag = r.headers.get('ETag');
        return r.json().then(function (data) {
          if (mine !== seq) { return null; }
          last = { url: url, etag: etag };
          return data;
        });
      }, function (err) { setOnline(false); throw err; });
    };
  }

  wm.source = function (kind) {
    var get = conditionalFetch(kind);
    return function (success, error) {
      get().then(function (data) { if (data) { success(data); } })
        .catch(function (err) { error(err, String(err && err.message)); });
    };
  };
  wm.featureId = function (f) { return f.properties.id; };

  // -- styles ---------------------------------------------------------------------------

  wm.placementStyle = placementStyle;

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

  // -- realtime updates in place (keeps open popups and the view) ------------------------

  wm.updater = function (kind) {
    return function (feature, oldLayer) {
      if (!oldLayer) { return undefined; }
      var prev = oldLayer.feature;
      oldLayer.feature = feature;
      if (kind === 'points') {
        var p = feature.properties;
        var ll = L.GeoJSON.coordsToLatLng(feature.geometry.coordinates);
        // setLatLng makes markercluster re-add the layer, closing its popup: only on a move.
        if (!ll.equals(oldLayer.getLatLng())) { oldLayer.setLatLng(ll); }
        var radius = Math.max(1, p.radius_m || 0);
        if (radius !== oldLayer.getRadius()) { oldLayer.setRadius(radius); }
        oldLayer.setStyle(placementStyle(p));
      }
      var changed = !prev || prev.properties.rev !== feature.properties.rev;
      if (changed && oldLayer.isPopupOpen && oldLayer.isPopupOpen()) {
        oldLayer.getPopup().update();
      }
      return oldLayer;
    };
  };

  // -- details cache ----------------------------------------------------------------------

  var inflight = {};     // report id -> promise of its detail fetch
  function ensureDetails(ids) {
    var waits = [], want = [];
    ids.forEach(function (id) { if (inflight[id]) { waits.push(inflight[id]); } else { want.push(id); } });
    if (want.length) {
      var q = new URLSearchParams();
      want.forEach(function (id) { q.append('id', id); });
      var p = fetch('/api/reports?' + q.toString(), { cache: 'no-store' })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (list) {
          list.forEach(function (d) { details[d.id] = d; });
          want.forEach(function (id) { if (!details[id]) { details[id] = { id: id, missing: true }; } });
        })
        .catch(function () { /* the popup keeps its Loading line; the next update retries */ })
        .finally(function () { want.forEach(function (id) { delete inflight[id]; }); });
      want.forEach(function (id) { inflight[id] = p; });
      waits.push(p);
    }
    return Promise.all(waits);
  }
  function fresh(id, rev) {
    var d = details[id];
    return !!d && (d.missing || d.rev === rev);
  }

  function refreshOpenPopup(layer) {
    if (layer && layer.isPopupOpen && layer.isPopupOpen()) { layer.getPopup().update(); }
  }

  // -- popups -----------------------------------------------------------------------------

  function pointPopup(layer) {
    var p = layer.feature.properties;
    if (!fresh(p.report, p.rev)) {
      ensureDetails([p.report]).then(function () {
        if (fresh(p.report, p.rev)) { refreshOpenPopup(layer); }
      });
      return el('div', 'wm-pop wm-dim', 'Loading…');
    }
    return reportPopup(details[p.report], p.id);
  }

  function areaPopup(layer) {
    var p = layer.feature.properties;
    var reports = (p.reports || []).slice();
    if (layer._wmFocus) {
      reports.sort(function (a, b) { return (b.report === layer._wmFocus) - (a.report === layer._wmFocus); });
    }
    var shown = reports.slice(0, 8);
    var stale = shown.filter(function (r) { return !fresh(r.report, r.rev); });
    if (stale.length) {
      ensureDetails(stale.map(function (r) { return r.report; })).then(function () {
        if (stale.some(function (r) { return fresh(r.report, r.rev); })) { refreshOpenPopup(layer); }
      });
    }
    var box = el('div', 'wm-pop wm-pop-area');
    add(box, el('div', 'wm-pop-title', p.name),
      el('div', 'wm-dim', (p.precision === 'country' ? 'Country' : 'Admin-1 region') + ' placement · ' +
        p.n + ' report' + (p.n === 1 ? '' : 's') + ' · best ' + pct(p.confidence)));
    shown.forEach(function (r) {
      var d = details[r.report];
      var item = el('div', 'wm-pop-area-item' + (r.report === layer._wmFocus ? ' wm-focus' : ''));
      if (!d) { add(item, el('div', 'wm-dim', 'Loading…')); add(box, item); return; }
      if (d.missing) { return; }
      add(item, reportHeader(d));
      var mine = (d.placements || []).filter(function (pl) { return pl.fid === p.id; })[0];
      var line = el('div', 'wm-pop-line');
      add(line, el('span', 'wm-num', pct(r.confidence)), roleTag(r.role), claimTag(r.claim));
      if (mine && mine.text) { add(line, el('span', 'wm-dim', ' “' + mine.text + '”')); }
      add(item, line);
      if (mine && mine.reason) { add(item, el('div', 'wm-reason', mine.reason)); }
      var link = el('a', 'wm-permalink', 'Permalink');
      link.href = permalink(d.id);
      add(item, link);
      add(box, item);
    });
    if (reports.length > shown.length) {
      add(box, el('div', 'wm-dim', '… and ' + (p.n - shown.length) + ' more in the feed'));
    }
    return box;
  }

  var POPUP_OPTS = { maxWidth: 420, minWidth: 300, autoPanPadding: [24, 24], className: 'wm-popup' };

  wm.onEachPoint = function (f, layer) {
    layer.bindPopup(pointPopup, POPUP_OPTS);
    layer.bindTooltip(tooltipFor, { direction: 'top', sticky: true, opacity: 0.95 });
  };
  wm.onEachArea = function (f, layer) {
    layer.bindPopup(areaPopup, POPUP_OPTS);
    layer.bindTooltip(tooltipFor, { sticky: true, opacity: 0.95 });
  };
  wm.onEachCount = function (f, layer) {
    layer.bindTooltip(function (l) {
      var p = l.feature.properties;
      var box = el('div', 'wm-tip');
      add(box, el('b', null, p.name), el('span', 'wm-dim', ' ' + p.code),
        el('div', null, p.stories + ' stor' + (p.stories === 1 ? 'y' : 'ies') + ' · ' + p.reports + ' report' + (p.reports === 1 ? '' : 's')),
        el('div', null, 'confidence-weighted ' + Number(p.weighted).toFixed(1) + ' · last ' + WINDOW_LABEL[state.window]));
      return box;
    }, { sticky: true, opacity: 0.95, className: 'wm-count-tip' });
  };

  // -- selection: feed <-> map ------------------------------------------------------------

  function layerFor(d) {
    var pls = (d.placements || []).slice().sort(function (a, b) {
      return (b.role === 'event') - (a.role === 'event') || b.confidence - a.confidence;
    });
    for (var i = 0; i < pls.length; i++) {
      var rt = pls[i].layer === 'areas' ? refs.areas : refs.points;
      var layer = rt && rt.getLayer(pls[i].fid);
      if (layer) { return layer; }
    }
    return null;
  }

  function flyThen(layer, done) {
    var map = refs.map;
    var target, zoom;
    if (layer.getLatLng) {
      target = layer.getLatLng();
      zoom = Math.max(map.getZoom(), 9);
    } else {
      var b = layer.getBounds();
      zoom = Math.min(Math.max(map.getBoundsZoom(b, false, L.point(40, 40)), 3), 8);
      target = b.getCenter();
    }
    var near = map.getCenter().distanceTo(target) < 50 && map.getZoom() === zoom;
    if (near) { done(); return; }
    map.once('moveend', function () { setTimeout(done, 0); });
    map.flyTo(target, zoom, { duration: 0.8 });
  }

  function openOn(layer, rid) {
    if (layer.getLatLng) {
      // Clustering stops at zoom 9; wait (briefly) for the cluster group to put it back.
      var tries = 0;
      var attempt = function () {
        if (refs.map.hasLayer(layer)) { layer.openPopup(); return; }
        if (++tries === 1) { refs.cluster.zoomToShowLayer(layer, function () {}); }
        if (tries < 40) { setTimeout(attempt, 50); }
      };
      attempt();
    } else {
      layer._wmFocus = rid;
      layer.openPopup(layer.getBounds().getCenter());
    }
  }

  function highlight(rid, scroll) {
    var prev = document.querySelector('.wm-item.wm-selected');
    if (prev) { prev.classList.remove('wm-selected'); }
    var li = feedEls[rid];
    if (li) {
      li.classList.add('wm-selected');
      if (scroll) { li.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); }
    }
  }

  function setHash(rid) {
    var h = permalink(rid);
    if (window.location.hash !== h) { history.replaceState(null, '', h); }
  }

  wm.select = function (rid) {
    state.selected = rid;
    highlight(rid, true);
    setHash(rid);
    var go = function () {
      var d = details[rid];
      if (!d || d.missing) { flash('Report ' + rid + ' is not in the current window.'); return; }
      var layer = layerFor(d);
      if (!layer) {
        flash(d.placements && d.placements.length
          ? 'This report has no placement above the confidence filter.'
          : 'This report has no placement.');
        return;
      }
      flyThen(layer, function () { openOn(layer, rid); });
    };
    if (details[rid]) { go(); } else { ensureDetails([rid]).then(go); }
  };

  function onPopupOpen(e) {
    var layer = e.popup._source;
    if (!layer || !layer.feature) { return; }
    var p = layer.feature.properties;
    var rid = p.report || layer._wmFocus || (p.reports && p.reports[0] && p.reports[0].report);
    if (!rid) { return; }
    state.selected = rid;
    highlight(rid, true);
    setHash(rid);
  }

  function fromHash() {
    var m = /^#report=(.+)$/.exec(window.location.hash);
    if (!m) { return null; }
    try { return decodeURIComponent(m[1]); } catch (err) { return null; }
  }

  // -- feed panel -------------------------------------------------------------------------

  var feedFetch = conditionalFetch('feed');
  function pollFeed() {
    return feedFetch().then(function (data) {
      if (!data) { return; }
      state.feedMeta = data.meta;
      state.lastUpdate = data.meta.last_update;
      var list = document.getElementById('wm-feed-list');
      var frag = document.createDocumentFragment();
      feedEls = {};
      data.items.forEach(function (d) {
        details[d.id] = d;
        var li = R.feedItem(d, state.selected);
        feedEls[d.id] = li;
        frag.appendChild(li);
      });
      var top = list.scrollTop;
      list.replaceChildren(frag);
      list.scrollTop = top;
      var m = data.meta;
      var counts = document.getElementById('wm-feed-counts');
      var bits = [
        el('span', 'wm-total', m.total + ' report' + (m.total === 1 ? '' : 's') + ' · last ' + WINDOW_LABEL[m.window]),
        el('span', 'wm-unplaced', m.unplaced + ' without placement')
      ];
      if (m.shown < m.total) { bits.push(el('span', 'wm-dim', 'newest ' + m.shown + ' listed')); }
      counts.replaceChildren.apply(counts, bits);
      if (!wm.ready.feed) { wm.ready.feed = performance.now(); }
      renderStatus();
    }).catch(function () { renderStatus(); });
  }
  wm.pollFeed = pollFeed;

  function onFeedClick(e) {
    if (e.target.closest('a.wm-item-link')) { return; }  // the permalink navigates itself
    var li = e.target.closest('.wm-item');
    if (li) { e.preventDefault(); wm.select(li.dataset.id); }
  }

  // -- status line, legend, basemap -------------------------------------------------------

  function setOnline(ok) {
    if (state.online !== ok) { state.online = ok; renderStatus(); }
  }

  var flashTimer = null;
  function flash(msg) {
    state.flash = msg;
    renderStatus();
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { state.flash = null; renderStatus(); }, 4000);
  }

  function renderStatus() {
    var box = document.getElementById('wm-status');
    if (!box) { return; }
    var dot = el('span', 'wm-dot ' + (state.online === false ? 'wm-dot-down' : state.online ? 'wm-dot-live' : ''));
    var parts = [state.online === false ? 'server unreachable — retrying' : state.online ? 'live' : 'connecting…'];
    if (state.lastUpdate) { parts.push('updated ' + fmtTime(state.lastUpdate).slice(11)); }
    if (state.at) { parts.push('as of ' + state.at); }
    if (state.tiles === 'down') { parts.push('tiles unreachable: outline basemap'); }
    else if (state.tiles === 'none') { parts.push('offline basemap'); }
    var children = [dot, el('span', null, parts.join(' · '))];
    if (state.flash) { children.push(el('span', 'wm-flash', state.flash)); }
    box.replaceChildren.apply(box, children);
  }

  function legend() {
    var ctl = L.control({ position: 'bottomleft' });
    ctl.onAdd = function () {
      var box = el('div', 'wm-legend leaflet-bar');
      L.DomEvent.disableClickPropagation(box);
      add(box, el('div', 'wm-legend-title', 'Placement confidence'));
      ['event', 'origin', 'mentioned'].forEach(function (role) {
        var row = el('div', 'wm-legend-row');
        add(row, el('span', 'wm-legend-label', role === 'event' ? 'event site' : role));
        RAMPS[role].forEach(function (c) { var sw = el('span', 'wm-swatch' + (role === 'origin' ? ' wm-swatch-ring' : '')); sw.style.background = role === 'origin' ? 'transparent' : c; sw.style.borderColor = c; add(row, sw); });
        add(box, row);
      });
      add(box, add(el('div', 'wm-legend-scale'), el('span', null, '0%'), el('span', null, '100%')));
      add(box, add(el('div', 'wm-legend-row'), el('span', 'wm-swatch wm-swatch-circle'), el('span', null, 'circle = uncertainty radius')));
      add(box, add(el('div', 'wm-legend-row'), el('span', 'wm-swatch wm-swatch-area'), el('span', null, 'shaded region = admin-1 / country placement')));
      add(box, add(el('div', 'wm-legend-row'), el('span', 'wm-swatch wm-swatch-dash'), el('span', null, 'dashed = unconfirmed'), el('span', 'wm-swatch wm-swatch-dot'), el('span', null, 'dotted = speculative')));
      var choro = el('div', 'wm-legend-choro');
      box._choro = choro;
      add(box, choro);
      return box;
    };
    return ctl;
  }

  function renderChoroLegend() {
    var box = refs.legend && refs.legend.getContainer() && refs.legend.getContainer()._choro;
    if (!box) { return; }
    var label = state.metric === 'stories' ? 'Stories per region' : 'Confidence-weighted stories';
    var row = el('div', 'wm-legend-row');
    CHORO.forEach(function (c) { var sw = el('span', 'wm-swatch'); sw.style.background = c; add(row, sw); });
    var max = state.countMax;
    box.replaceChildren(el('div', 'wm-legend-title', label + ', last ' + WINDOW_LABEL[state.window]), row,
      add(el('div', 'wm-legend-scale'), el('span', null, '0'), el('span', null, max ? (state.metric === 'stories' ? String(max) : max.toFixed(1)) : '–')));
  }

  function basemap(map) {
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
  }

  function watchTiles(layer) {
    if (!layer) { state.tiles = 'none'; return; }
    state.tiles = 'online';
    var loaded = 0, failed = 0;
    layer.on('tileload', function () { loaded++; if (state.tiles === 'down') { state.tiles = 'online'; renderStatus(); } });
    layer.on('tileerror', function () {
      failed++;
      if (!loaded && failed >= 2 && state.tiles !== 'down') {
        state.tiles = 'down';
        document.body.classList.add('wm-tiles-down');
        refs.map.removeLayer(layer);  // stop asking; the outline basemap carries on
        renderStatus();
      }
    });
  }

  // -- wiring -----------------------------------------------------------------------------

  function refreshAll() {
    refs.points.update();
    refs.areas.update();
    refs.counts.update();
    pollFeed();
  }

  function controls() {
    var win = document.getElementById('wm-window');
    var mc = document.getElementById('wm-minconf');
    var out = document.getElementById('wm-minconf-out');
    var metric = document.getElementById('wm-metric');
    win.value = state.window;
    mc.value = String(Math.round(state.minConf * 100));
    out.textContent = pct(state.minConf);
    win.addEventListener('change', function () { state.window = win.value; refreshAll(); renderChoroLegend(); });
    var t = null;
    mc.addEventListener('input', function () {
      out.textContent = mc.value + '%';
      clearTimeout(t);
      t = setTimeout(function () { state.minConf = Number(mc.value) / 100; refreshAll(); }, 150);
    });
    metric.addEventListener('change', function () {
      state.metric = metric.value;
      recomputeCountMax();
      refs.counts._container.setStyle(wm.countStyle);
      renderChoroLegend();
    });
  }

  function recomputeCountMax() {
    var max = 0;
    var feats = refs.counts._features;
    Object.keys(feats).forEach(function (k) { max = Math.max(max, feats[k].properties[state.metric] || 0); });
    state.countMax = max;
  }

  function stackOrder() {
    // One canvas for all data: region counts at the bottom, placement areas above them,
    // point footprints on top, so a point inside a shaded region is still clickable.
    // (Canvas bringToBack() corrupts Leaflet's draw list when the layer is already first,
    // so the list is re-linked here instead, and only when it is out of order.)
    var r = refs.map && refs.map._renderer;
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
  }

  function markReady(kind) {
    if (wm.ready[kind]) { return; }
    requestAnimationFrame(function () { wm.ready[kind] = performance.now(); });
  }

  var seen = {};
  function maybeFit() {
    if (state.fitted || fromHash() || !seen.points || !seen.areas) { return; }
    var b = L.latLngBounds([]);
    if (refs.cluster.getLayers().length) { b.extend(refs.cluster.getBounds()); }
    if (refs.areas._container.getLayers().length) { b.extend(refs.areas._container.getBounds()); }
    if (b.isValid()) {
      state.fitted = true;
      refs.map.fitBounds(b, { padding: [30, 30], maxZoom: 7, animate: false });
    }
  }

  var hashHandled = false;
  function maybeOpenHash() {
    if (hashHandled) { return; }
    var rid = fromHash();
    if (!rid) { hashHandled = true; return; }
    if (!seen.points || !seen.areas) { return; }
    hashHandled = true;
    state.fitted = true;
    wm.select(rid);
  }

  wm.init = function (cfg) {
    refs = cfg;
    var map = cfg.map;
    basemap(map);
    watchTiles(cfg.tiles);
    refs.legend = legend().addTo(map);
    L.control.layers(null, {
      'Report footprints': cfg.cluster,
      'Region placements': cfg.areas._container,
      'Region counts': cfg.counts._container
    }, { position: 'topright', collapsed: true }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.on('popupopen', onPopupOpen);

    cfg.points.on('update', function () {
      cfg.points._container.flush(function () {
        seen.points = true;
        markReady('points');
        maybeFit();
        maybeOpenHash();
      });
    });
    cfg.areas.on('update', function () { seen.areas = true; stackOrder(); markReady('areas'); maybeFit(); maybeOpenHash(); });
    cfg.counts.on('update', function () {
      recomputeCountMax();
      cfg.counts._container.setStyle(wm.countStyle);
      stackOrder();
      renderChoroLegend();
      markReady('counts');
    });

    document.getElementById('wm-feed-list').addEventListener('click', onFeedClick);
    document.getElementById('wm-feed-list').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { onFeedClick(e); }
    });
    window.addEventListener('hashchange', function () {
      var rid = fromHash();
      if (rid && rid !== state.selected) { wm.select(rid); }
    });
    controls();
    renderStatus();
    renderChoroLegend();
    pollFeed();
    setInterval(pollFeed, cfg.pollMs);
    setInterval(renderStatus, 15000);
  };

  // For tests and the benchmark: the map, its layers, and what the page shows right now.
  wm.map = function () { return refs.map; };
  wm.layers = function () { return refs; };
  wm.snapshot = function () {
    return {
      points: Object.keys(refs.points ? refs.points._features : {}).length,
      areas: Object.keys(refs.areas ? refs.areas._features : {}).length,
      counts: Object.keys(refs.counts ? refs.counts._features : {}).length,
      feed: document.querySelectorAll('#wm-feed-list .wm-item').length,
      zoom: refs.map ? refs.map.getZoom() : null,
      selected: state.selected,
      popupOpen: !!document.querySelector('.leaflet-popup'),
      tiles: state.tiles
    };
  };
})();
