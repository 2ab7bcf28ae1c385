/* wiremap desk: the feed panel and selection synced both ways: a click in the feed flies the
 * map to the report and opens its popup; an opened popup highlights its feed item; both
 * keep the report's permalink in the URL. */
(function () {
  'use strict';

  var wm = window.wm, D = window.wmDesk, R = window.wmRender;
  var el = R.el, WINDOW_LABEL = R.WINDOW_LABEL;
  var state = D.state, details = D.details;

  // -- selection: feed <-> map ------------------------------------------------------------

  function layerFor(d) {
    var pls = (d.placements || []).slice().sort(function (a, b) {
      return (b.role === 'event') - (a.role === 'event') || b.confidence - a.confidence;
    });
    for (var i = 0; i < pls.length; i++) {
      var rt = pls[i].layer === 'areas' ? D.refs.areas : D.refs.points;
      var layer = rt && rt.getLayer(pls[i].fid);
      if (layer) { return layer; }
    }
    return null;
  }

  function flyThen(layer, done) {
    var map = D.refs.map;
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
        if (D.refs.map.hasLayer(layer)) { layer.openPopup(); return; }
        if (++tries === 1) { D.refs.cluster.zoomToShowLayer(layer, function () {}); }
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
    var li = D.feedEls[rid];
    if (li) {
      li.classList.add('wm-selected');
      if (scroll) { li.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); }
    }
  }

  wm.select = function (rid) {
    state.selected = rid;
    highlight(rid, true);
    D.setHash(rid);
    var go = function () {
      var d = details[rid];
      if (!d || d.missing) { D.flash('Report ' + rid + ' is not in the current window.'); return; }
      var layer = layerFor(d);
      if (!layer) {
        D.flash(d.placements && d.placements.length
          ? 'This report has no placement above the confidence filter.'
          : 'This report has no placement.');
        return;
      }
      flyThen(layer, function () { openOn(layer, rid); });
    };
    if (details[rid]) { go(); } else { D.ensureDetails([rid]).then(go); }
  };

  D.onPopupOpen = function (e) {
    var layer = e.popup._source;
    if (!layer || !layer.feature) { return; }
    var p = layer.feature.properties;
    var rid = p.report || layer._wmFocus || (p.reports && p.reports[0] && p.reports[0].report);
    if (!rid) { return; }
    state.selected = rid;
    highlight(rid, true);
    D.setHash(rid);
  };

  // -- feed panel -------------------------------------------------------------------------

  var feedFetch = D.conditionalFetch('feed');
  D.pollFeed = function () {
    return feedFetch().then(function (data) {
      if (!data) { return; }
      state.lastUpdate = data.meta.last_update;
      var list = document.getElementById('wm-feed-list');
      var frag = document.createDocumentFragment();
      D.feedEls = {};
      data.items.forEach(function (d) {
        details[d.id] = d;
        var li = R.feedItem(d, state.selected);
        D.feedEls[d.id] = li;
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
      D.renderStatus();
    }).catch(function () { D.renderStatus(); });
  };

  function onFeedClick(e) {
    if (e.target.closest('a.wm-item-link')) { return; }  // the permalink navigates itself
    var li = e.target.closest('.wm-item');
    if (li) { e.preventDefault(); wm.select(li.dataset.id); }
  }

  // Click or Enter on an item selects it; a permalink opened by hand selects its report.
  D.listenFeed = function () {
    var list = document.getElementById('wm-feed-list');
    list.addEventListener('click', onFeedClick);
    list.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { onFeedClick(e); }
    });
    window.addEventListener('hashchange', function () {
      var rid = D.fromHash();
      if (rid && rid !== state.selected) { wm.select(rid); }
    });
  };
})();
