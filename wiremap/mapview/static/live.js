/* wiremap desk: shared state, the data sources leaflet-realtime polls, in-place updates,
 * permalinks in the URL and the status line.
 *
 * The desk scripts load in order: render.js (DOM builders), live.js, layers.js, popups.js,
 * feed.js, legend.js, desk.js (wiring). `window.wm` is what folium's generated code and
 * the tests call; `window.wmDesk` is what the scripts share among themselves.
 *
 * Every string that came from a wire item reaches the page through textContent or an
 * attribute set as a property; no desk script assigns innerHTML from data.
 */
(function () {
  'use strict';

  var R = window.wmRender;
  var el = R.el, fmtTime = R.fmtTime, permalink = R.permalink, placementStyle = R.placementStyle;
  var WINDOW_LABEL = R.WINDOW_LABEL;

  var wm = (window.wm = {});
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
    tiles: 'none'
  };
  var D = (window.wmDesk = {
    state: state,
    refs: {},       // folium-made layers handed over by wm.init()
    details: {},    // report id -> detail record (popup and feed content)
    feedEls: {}     // report id -> feed <li>
  });
  wm.ready = {};    // first-render timestamps (performance.now()) per layer
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
  D.conditionalFetch = function (kind) {
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
  };

  wm.source = function (kind) {
    var get = D.conditionalFetch(kind);
    return function (success, error) {
      get().then(function (data) { if (data) { success(data); } })
        .catch(function (err) { error(err, String(err && err.message)); });
    };
  };
  wm.featureId = function (f) { return f.properties.id; };

  // -- realtime updates in place (keeps open popups and the view) ------------------------

  D.refreshOpenPopup = function (layer) {
    if (layer && layer.isPopupOpen && layer.isPopupOpen()) { layer.getPopup().update(); }
  };

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
      if (!prev || prev.properties.rev !== feature.properties.rev) { D.refreshOpenPopup(oldLayer); }
      return oldLayer;
    };
  };

  // -- permalinks -------------------------------------------------------------------------

  D.setHash = function (rid) {
    var h = permalink(rid);
    if (window.location.hash !== h) { history.replaceState(null, '', h); }
  };

  D.fromHash = function () {
    var m = /^#report=(.+)$/.exec(window.location.hash);
    if (!m) { return null; }
    try { return decodeURIComponent(m[1]); } catch (err) { return null; }
  };

  // -- status line ------------------------------------------------------------------------

  function setOnline(ok) {
    if (state.online !== ok) { state.online = ok; renderStatus(); }
  }

  var flashTimer = null;
  D.flash = function (msg) {
    state.flash = msg;
    renderStatus();
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { state.flash = null; renderStatus(); }, 4000);
  };

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
  D.renderStatus = renderStatus;
})();
