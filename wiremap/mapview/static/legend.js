/* wiremap desk: the legend (placement confidence, footprints, claim dashes, and the
 * choropleth scale) and the filter controls in the top bar: window, minimum confidence
 * and the region metric. */
(function () {
  'use strict';

  var wm = window.wm, D = window.wmDesk, R = window.wmRender;
  var el = R.el, add = R.add, pct = R.pct;
  var RAMPS = R.RAMPS, CHORO = R.CHORO, WINDOW_LABEL = R.WINDOW_LABEL;
  var state = D.state;

  D.legend = function () {
    var ctl = L.control({ position: 'bottomleft' });
    ctl.onAdd = function () {
      var box = el('div', 'wm-legend leaflet-bar');
      L.DomEvent.disableClickPropagation(box);
      add(box, el('div', 'wm-legend-title', 'Placement confidence'));
      var LABEL = { event: 'event site' };
      ['event', 'origin', 'mentioned', 'dateline'].forEach(function (role) {
        var row = el('div', 'wm-legend-row');
        add(row, el('span', 'wm-legend-label', LABEL[role] || role));
        RAMPS[role].forEach(function (c) {
          var sw = el('span', 'wm-swatch' + (role === 'origin' ? ' wm-swatch-ring' : ''));
          sw.style.background = role === 'origin' ? 'transparent' : c;
          sw.style.borderColor = c;
          add(row, sw);
        });
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
  };

  D.renderChoroLegend = function () {
    var legend = D.refs.legend;
    var box = legend && legend.getContainer() && legend.getContainer()._choro;
    if (!box) { return; }
    var label = state.metric === 'stories' ? 'Stories per region' : 'Confidence-weighted stories';
    var row = el('div', 'wm-legend-row');
    CHORO.forEach(function (c) { var sw = el('span', 'wm-swatch'); sw.style.background = c; add(row, sw); });
    var max = state.countMax;
    box.replaceChildren(el('div', 'wm-legend-title', label + ', last ' + WINDOW_LABEL[state.window]), row,
      add(el('div', 'wm-legend-scale'), el('span', null, '0'), el('span', null, max ? (state.metric === 'stories' ? String(max) : max.toFixed(1)) : '–')));
  };

  D.recomputeCountMax = function () {
    var max = 0;
    var feats = D.refs.counts._features;
    Object.keys(feats).forEach(function (k) { max = Math.max(max, feats[k].properties[state.metric] || 0); });
    state.countMax = max;
  };

  function refreshAll() {
    D.refs.points.update();
    D.refs.areas.update();
    D.refs.counts.update();
    D.pollFeed();
  }

  D.controls = function () {
    var win = document.getElementById('wm-window');
    var mc = document.getElementById('wm-minconf');
    var out = document.getElementById('wm-minconf-out');
    var metric = document.getElementById('wm-metric');
    win.value = state.window;
    mc.value = String(Math.round(state.minConf * 100));
    out.textContent = pct(state.minConf);
    win.addEventListener('change', function () { state.window = win.value; refreshAll(); D.renderChoroLegend(); });
    var t = null;
    mc.addEventListener('input', function () {
      out.textContent = mc.value + '%';
      clearTimeout(t);
      t = setTimeout(function () { state.minConf = Number(mc.value) / 100; refreshAll(); }, 150);
    });
    metric.addEventListener('change', function () {
      state.metric = metric.value;
      D.recomputeCountMax();
      D.refs.counts._container.setStyle(wm.countStyle);
      D.renderChoroLegend();
    });
  };
})();
