/* wiremap desk: pure DOM builders and styles, used by the other desk scripts. Every string
 * from a wire item goes in as textContent (or a checked href); nothing here assigns
 * innerHTML. */
(function () {
  'use strict';

  var RAMPS = {
    event: ['#fdcc8a', '#fc8d59', '#ef6548', '#d7301f', '#990000'],
    origin: ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'],
    mentioned: ['#d9d9d9', '#bdbdbd', '#969696', '#737373', '#525252'],
    dateline: ['#d9f0d3', '#a6dba0', '#5aae61', '#1b7837', '#00441b']
  };
  var CHORO = ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#54278f'];
  var WINDOW_LABEL = { '1h': '1 h', '24h': '24 h', '7d': '7 d' };

  // -- small DOM helpers (text only) ---------------------------------------------------

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) { parent.appendChild(arguments[i]); }
    }
    return parent;
  }
  function pct(c) { return Math.round(c * 100) + '%'; }
  function safeHref(url) { return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null; }
  function permalink(id) { return '#report=' + encodeURIComponent(id); }
  function fmtTime(iso) {
    if (!iso) { return '–'; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return String(iso); }
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, ' UTC');
  }
  function ago(iso) {
    var s = (Date.now() - new Date(iso).getTime()) / 1000;
    if (!(s >= 0)) { return ''; }
    if (s < 90) { return Math.round(s) + ' s ago'; }
    if (s < 5400) { return Math.round(s / 60) + ' min ago'; }
    if (s < 129600) { return Math.round(s / 3600) + ' h ago'; }
    return Math.round(s / 86400) + ' d ago';
  }
  function ramp(colors, c) { return colors[Math.max(0, Math.min(colors.length - 1, Math.floor(c * colors.length)))]; }
  function dashFor(claim) {
    if (claim === 'speculative') { return '2 6'; }
    if (claim === 'unconfirmed') { return '7 5'; }
    return null;
  }


  function placementStyle(p) {
    var c = p.confidence || 0;
    var colors = RAMPS[p.role] || RAMPS.mentioned;
    var col = ramp(colors, c);
    var origin = p.role === 'origin';
    return {
      color: origin ? colors[4] : col,
      fillColor: col,
      weight: origin ? 2.5 : 1.5,
      opacity: 0.45 + 0.55 * c,
      fillOpacity: origin ? 0.04 + 0.12 * c : 0.08 + 0.37 * c,
      dashArray: dashFor(p.claim)
    };
  }

  function claimTag(claim) { return el('span', 'wm-claim wm-claim-' + claim, claim); }
  function roleTag(role) { return el('span', 'wm-role wm-role-' + role, role); }

  function reportHeader(d) {
    var box = el('div', 'wm-pop-report');
    add(box, el('div', 'wm-pop-head', d.headline));
    var src = el('div', 'wm-pop-src');
    var href = safeHref(d.url);
    if (href) {
      var a = el('a', null, d.source);
      a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
      add(src, a);
    } else {
      add(src, el('span', null, d.source));
    }
    add(src, el('span', 'wm-dim', ' · story ' + d.story + (d.story_size > 1 ? ' (' + d.story_size + ' items)' : '')));
    add(box, src);
    var times = el('div', 'wm-pop-times');
    add(times, el('span', null, 'Published ' + fmtTime(d.published)),
      el('span', null, 'Received ' + fmtTime(d.received)));
    add(box, times);
    return box;
  }

  function placementTable(d, focusFid) {
    var table = el('table', 'wm-pl');
    var head = add(el('tr'), el('th', null, 'Place'), el('th', null, 'Conf.'),
      el('th', null, 'Precision'), el('th', null, 'Role'), el('th', null, 'Claim'));
    add(table, add(el('thead'), head));
    var body = el('tbody');
    (d.placements || []).forEach(function (p) {
      var tr = el('tr', p.fid === focusFid ? 'wm-focus' : null);
      var name = el('td', 'wm-pl-name', p.name);
      if (p.text && p.text !== p.name) { add(name, el('span', 'wm-dim', ' “' + p.text + '”')); }
      add(tr, name, el('td', 'wm-num', pct(p.confidence)),
        el('td', null, p.precision + (p.radius_km ? ' ±' + (p.radius_km < 10 ? p.radius_km.toFixed(1) : Math.round(p.radius_km)) + ' km' : '')),
        add(el('td'), roleTag(p.role)), add(el('td'), claimTag(p.claim)));
      add(body, tr);
      if (p.reason) { add(body, add(el('tr', 'wm-reason'), el('td', null, p.reason))); body.lastChild.firstChild.colSpan = 5; }
    });
    if (!(d.placements || []).length) { add(body, add(el('tr'), el('td', 'wm-dim', 'no placement'))); }
    add(table, body);
    return table;
  }

  function reportPopup(d, focusFid) {
    var box = el('div', 'wm-pop');
    if (d.missing) { return add(box, el('div', 'wm-dim', 'This report is no longer in the feed.')); }
    add(box, reportHeader(d), placementTable(d, focusFid));
    var link = el('a', 'wm-permalink', 'Permalink');
    link.href = permalink(d.id);
    add(box, link);
    return box;
  }


  function tooltipFor(layer) {
    var p = layer.feature.properties;
    var box = el('div', 'wm-tip');
    add(box, el('b', null, p.name), el('span', null, ' ' + pct(p.confidence) + ' · ' + p.role + ' · ' + p.claim));
    if (p.area) { add(box, el('div', 'wm-dim', p.n + ' report' + (p.n === 1 ? '' : 's'))); }
    else { add(box, el('div', 'wm-dim', p.precision + (p.radius_m ? ' ±' + (p.radius_m / 1000).toFixed(1) + ' km' : ''))); }
    return box;
  }


  function chip(pl) {
    var c = el('span', 'wm-chip wm-role-' + pl.role + (dashFor(pl.claim) ? ' wm-chip-dashed' : ''));
    c.style.borderColor = ramp(RAMPS[pl.role] || RAMPS.mentioned, pl.confidence);
    add(c, el('span', null, pl.name + ' '), el('b', null, pct(pl.confidence)));
    c.title = pl.precision + ' · ' + pl.role + ' · ' + pl.claim + (pl.reason ? ' — ' + pl.reason : '');
    return c;
  }

  function feedItem(d, selected) {
    var li = el('li', 'wm-item');
    li.dataset.id = d.id;
    li.tabIndex = 0;
    var meta = el('div', 'wm-item-meta');
    var t = el('time', null, fmtTime(d.published).slice(11, 16) + ' · ' + ago(d.published));
    t.dateTime = d.published;
    t.title = 'published ' + fmtTime(d.published) + ', received ' + fmtTime(d.received);
    var link = el('a', 'wm-item-link', '¶');
    link.href = permalink(d.id);
    link.title = 'Permalink';
    add(meta, el('span', 'wm-item-src', d.source), t, link);
    add(li, meta, el('div', 'wm-item-head', d.headline));
    var chips = el('div', 'wm-item-chips');
    var pls = d.placements || [];
    if (!pls.length) { add(chips, el('span', 'wm-chip wm-chip-none', 'no placement')); }
    pls.slice(0, 4).forEach(function (pl) { add(chips, chip(pl)); });
    if (pls.length > 4) { add(chips, el('span', 'wm-dim', '+' + (pls.length - 4))); }
    add(li, chips);
    if (d.id === selected) { li.classList.add('wm-selected'); }
    return li;
  }


  window.wmRender = {
    RAMPS: RAMPS, CHORO: CHORO, WINDOW_LABEL: WINDOW_LABEL, el: el, add: add, pct: pct,
    permalink: permalink, fmtTime: fmtTime, ramp: ramp, dashFor: dashFor,
    placementStyle: placementStyle, reportHeader: reportHeader, reportPopup: reportPopup,
    claimTag: claimTag, roleTag: roleTag, tooltipFor: tooltipFor, feedItem: feedItem
  };
})();
