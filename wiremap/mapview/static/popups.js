/* wiremap desk: popups and tooltips. Layers carry only ids and styling; a popup's text comes
 * from the report's detail record, fetched once per revision and shared with the feed. */
(function () {
  'use strict';

  var wm = window.wm, D = window.wmDesk, R = window.wmRender;
  var el = R.el, add = R.add, pct = R.pct, permalink = R.permalink;
  var reportHeader = R.reportHeader, reportPopup = R.reportPopup, tooltipFor = R.tooltipFor;
  var claimTag = R.claimTag, roleTag = R.roleTag, WINDOW_LABEL = R.WINDOW_LABEL;
  var details = D.details;

  // -- details cache ----------------------------------------------------------------------

  var inflight = {};     // report id -> promise of its detail fetch
  D.ensureDetails = function (ids) {
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
  };

  function fresh(id, rev) {
    var d = details[id];
    return !!d && (d.missing || d.rev === rev);
  }

  // -- popups -----------------------------------------------------------------------------

  function pointPopup(layer) {
    var p = layer.feature.properties;
    if (!fresh(p.report, p.rev)) {
      D.ensureDetails([p.report]).then(function () {
        if (fresh(p.report, p.rev)) { D.refreshOpenPopup(layer); }
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
      D.ensureDetails(stale.map(function (r) { return r.report; })).then(function () {
        if (stale.some(function (r) { return fresh(r.report, r.rev); })) { D.refreshOpenPopup(layer); }
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

  function countTooltip(layer) {
    var p = layer.feature.properties;
    var box = el('div', 'wm-tip');
    add(box, el('b', null, p.name), el('span', 'wm-dim', ' ' + p.code),
      el('div', null, p.stories + ' stor' + (p.stories === 1 ? 'y' : 'ies') + ' · ' + p.reports + ' report' + (p.reports === 1 ? '' : 's')),
      el('div', null, 'confidence-weighted ' + Number(p.weighted).toFixed(1) + ' · last ' + WINDOW_LABEL[D.state.window]));
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
    layer.bindTooltip(countTooltip, { sticky: true, opacity: 0.95, className: 'wm-count-tip' });
  };
})();
