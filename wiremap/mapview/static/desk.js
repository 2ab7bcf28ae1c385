/* wiremap desk: wiring. wm.init() (called by the folium-generated page with its layers)
 * connects the layers, legend, feed and controls, fits the first view, opens a permalinked
 * report, and records when each layer first rendered. The parts are in live.js, layers.js,
 * popups.js, feed.js and legend.js; DOM builders in render.js. */
(function () {
  'use strict';

  var wm = window.wm, D = window.wmDesk;
  var state = D.state;

  function markReady(kind) {
    if (wm.ready[kind]) { return; }
    requestAnimationFrame(function () { wm.ready[kind] = performance.now(); });
  }

  var seen = {};
  function maybeFit() {
    if (state.fitted || D.fromHash() || !seen.points || !seen.areas) { return; }
    var refs = D.refs;
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
    var rid = D.fromHash();
    if (!rid) { hashHandled = true; return; }
    if (!seen.points || !seen.areas) { return; }
    hashHandled = true;
    state.fitted = true;
    wm.select(rid);
  }

  wm.init = function (cfg) {
    D.refs = cfg;
    var map = cfg.map;
    D.basemap(map);
    D.watchTiles(cfg.tiles);
    cfg.legend = D.legend().addTo(map);
    L.control.layers(null, {
      'Report footprints': cfg.cluster,
      'Region placements': cfg.areas._container,
      'Region counts': cfg.counts._container
    }, { position: 'topright', collapsed: true }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.on('popupopen', D.onPopupOpen);

    cfg.points.on('update', function () {
      cfg.points._container.flush(function () {
        seen.points = true;
        markReady('points');
        maybeFit();
        maybeOpenHash();
      });
    });
    cfg.areas.on('update', function () { seen.areas = true; D.stackOrder(); markReady('areas'); maybeFit(); maybeOpenHash(); });
    cfg.counts.on('update', function () {
      D.recomputeCountMax();
      cfg.counts._container.setStyle(wm.countStyle);
      D.stackOrder();
      D.renderChoroLegend();
      markReady('counts');
    });

    D.listenFeed();
    D.controls();
    D.renderStatus();
    D.renderChoroLegend();
    D.pollFeed();
    setInterval(D.pollFeed, cfg.pollMs);
    setInterval(D.renderStatus, 15000);
  };

  // For tests and the benchmark: the map, its layers, and what the page shows right now.
  wm.map = function () { return D.refs.map; };
  wm.layers = function () { return D.refs; };
  wm.snapshot = function () {
    var refs = D.refs;
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
