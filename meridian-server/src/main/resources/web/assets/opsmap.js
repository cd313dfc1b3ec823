// The operations centre's map: the city's districts and roads as vector layers (no tiles), a layer per entity type
// fetched for the view as it moves (entities, or server-side clusters when there are too many), the layers that
// changed fetched again when the server says so, and the live alarms.
(function () {
  'use strict';
  var element = document.getElementById('city-map');
  if (!element || typeof L === 'undefined') { return; }
  var map = L.map(element, { preferCanvas: true, zoomSnap: 0.5 }).setView([30.27, 120.15], 12);
  var renderer = L.canvas({ padding: 0.3 });
  var COLOURS = { good: '#1a7f37', fair: '#bf8700', poor: '#d1242f', bad: '#82071e', stale: '#8c959f', plain: '#0b5cad' };

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      if (response.status === 401) { window.location.assign('/sign-in?next=' + encodeURIComponent(location.pathname)); }
      return response.ok ? response.json() : null;
    });
  }

  // The city itself: districts and roads, from its open data.
  function base(url, style, fit) {
    getJson(url).then(function (entities) {
      if (!entities) { return; }
      var features = entities.filter(function (e) { return e.location; }).map(function (e) {
        return { type: 'Feature', geometry: e.location, properties: { name: e.name || e.id } };
      });
      var layer = L.geoJSON(features, { style: style, interactive: false, renderer: renderer, onEachFeature: function (feature, shape) {
        // Districts carry their names on the map; roads are left unnamed, to keep the map quiet.
        if (fit && feature.geometry.type.indexOf('Polygon') >= 0) {
          shape.bindTooltip(String(feature.properties.name), { permanent: true, direction: 'center', className: 'district-label' });
        }
      } }).addTo(map);
      layer.bringToBack();
      if (fit && features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
    }).catch(function () {});
  }
  base(element.getAttribute('data-districts'), { color: '#0b5cad', weight: 1.5, fillColor: '#dbe9f6', fillOpacity: 0.5 }, true);
  base(element.getAttribute('data-roads'), { color: '#9aa4ae', weight: 3 }, false);

  // ---- entity layers ----
  var toggles = Array.prototype.slice.call(document.querySelectorAll('.layer-toggle'));
  var shown = {};
  var saved = JSON.parse(localStorage.getItem('meridian.layers') || 'null') ||
      ['ServiceRequest', 'Alert', 'RoadSegment', 'FloodMonitoring', 'AirQualityObserved'];
  toggles.forEach(function (toggle) { toggle.checked = saved.indexOf(toggle.value) >= 0; });

  function grade(toggle, point) {
    if (point.stale) { return 'stale'; }
    var value = point.value;
    var levels = JSON.parse(toggle.getAttribute('data-levels'));
    var bad = toggle.getAttribute('data-bad').split(',').filter(Boolean);
    if (levels.length && typeof value === 'number') {
      var i = 0;
      while (i < levels.length && value > levels[i]) { i++; }
      return ['good', 'fair', 'poor', 'bad'][i];
    }
    if (bad.length) { return bad.indexOf(String(value)) >= 0 ? 'bad' : 'good'; }
    return 'plain';
  }

  function caseNumber(id) { return id.substring(id.lastIndexOf(':') + 1); }

  // What each layer draws now: a group on the map, and (for single entities) each entity's shape by id with the colour
  // and label it was drawn with, so a live update changes only what changed instead of drawing hundreds again.
  var drawnPoints = {};

  function pointShape(type, point, colour, label) {
    var layer;
    if (point.geometry && point.geometry.type !== 'Point') {
      layer = L.geoJSON(point.geometry, { style: { color: colour, weight: 6, opacity: 0.9 }, renderer: renderer });
    } else {
      layer = L.circleMarker([point.lat, point.lon], { radius: type === 'ServiceRequest' || type === 'Alert' ? 8 : 6,
        color: '#fff', weight: 1, fillColor: colour, fillOpacity: 0.95, renderer: renderer });
    }
    layer.bindTooltip(label);
    layer.on('click', function () {
      window.location.assign(type === 'ServiceRequest' ? '/ops/cases/' + caseNumber(point.id)
        : '/ops/entities/' + encodeURIComponent(point.id));
    });
    return layer;
  }

  function draw(toggle, data) {
    var type = toggle.value;
    var count = document.getElementById('count-' + type);
    if (data.clusters) {
      // Counts per cell, drawn on the canvas like the points (no element per cluster): the circle grows with the count.
      if (shown[type]) { map.removeLayer(shown[type]); }
      delete drawnPoints[type];
      var group = L.layerGroup();
      var total = 0;
      data.clusters.forEach(function (cluster) {
        total += cluster.count;
        L.circleMarker([cluster.lat, cluster.lon], { radius: Math.min(22, 6 + Math.log(cluster.count) * 2.5), color: '#fff', weight: 1,
          fillColor: '#0b5cad', fillOpacity: 0.75, renderer: renderer })
          .bindTooltip(String(cluster.count))
          .on('click', function () { map.setView([cluster.lat, cluster.lon], map.getZoom() + 2); })
          .addTo(group);
      });
      shown[type] = group.addTo(map);
      count.textContent = total;
      count.setAttribute('data-clustered', 'true');
    } else {
      if (!drawnPoints[type]) {
        if (shown[type]) { map.removeLayer(shown[type]); }
        shown[type] = L.layerGroup().addTo(map);
        drawnPoints[type] = {};
      }
      var before = drawnPoints[type];
      var now = {};
      data.points.forEach(function (point) {
        var colour = COLOURS[grade(toggle, point)];
        var label = type + ' ' + point.id + (point.value !== undefined ? ': ' + point.value : '');
        var where = point.geometry && point.geometry.type !== 'Point' ? JSON.stringify(point.geometry) : point.lat + ',' + point.lon;
        var known = before[point.id];
        if (known && known.where === where) {
          if (known.colour !== colour) {
            known.layer.setStyle(known.layer instanceof L.CircleMarker ? { fillColor: colour } : { color: colour });
          }
          if (known.label !== label) { known.layer.setTooltipContent(label); }
          delete before[point.id];
        } else {
          if (known) { shown[type].removeLayer(known.layer); delete before[point.id]; }
          known = { layer: pointShape(type, point, colour, label).addTo(shown[type]) };
        }
        known.where = where;
        known.colour = colour;
        known.label = label;
        now[point.id] = known;
      });
      // What is no longer in the view (or no longer there) goes.
      Object.keys(before).forEach(function (id) { shown[type].removeLayer(before[id].layer); });
      drawnPoints[type] = now;
      count.textContent = data.points.length;
      count.removeAttribute('data-clustered');
    }
    // How many times the layer was drawn: a screen reader ignores it, a test watches live updates arrive by it.
    count.setAttribute('data-drawn', String(+(count.getAttribute('data-drawn') || 0) + 1));
  }

  var inFlight = {};
  var fetchedAt = {};
  var moving = false;
  map.on('movestart', function () { moving = true; });
  map.on('moveend', function () { moving = false; });
  function fetchLayer(toggle) {
    var type = toggle.value;
    if (!toggle.checked) {
      if (shown[type]) { map.removeLayer(shown[type]); delete shown[type]; }
      delete drawnPoints[type];
      document.getElementById('count-' + type).textContent = '';
      return;
    }
    if (inFlight[type]) { return; }
    inFlight[type] = true;
    fetchedAt[type] = Date.now();
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); }).join(',');
    getJson('/ops/map/layer?type=' + type + '&bbox=' + bbox + '&zoom=' + Math.round(map.getZoom()))
      .then(function (data) { if (data) { draw(toggle, data); } })
      .catch(function () {})
      .then(function () { inFlight[type] = false; });
  }
  function fetchAll() { toggles.forEach(fetchLayer); }
  var moved = null;
  map.on('moveend', function () { clearTimeout(moved); moved = setTimeout(fetchAll, 200); });
  toggles.forEach(function (toggle) {
    toggle.addEventListener('change', function () {
      localStorage.setItem('meridian.layers', JSON.stringify(toggles.filter(function (t) { return t.checked; })
        .map(function (t) { return t.value; })));
      fetchLayer(toggle);
      listen();
    });
  });
  fetchAll();

  // The server says which layers changed; those are fetched again.
  var stream = null;
  function listen() {
    if (stream) { stream.close(); }
    var types = toggles.filter(function (t) { return t.checked; }).map(function (t) { return t.value; });
    if (!types.length || !window.EventSource) { return; }
    stream = new EventSource('/ops/map/live?types=' + types.join(','));
    stream.addEventListener('changed', function (event) {
      if (moving) { return; }
      JSON.parse(event.data).forEach(function (type) {
        var toggle = toggles.filter(function (t) { return t.value === type; })[0];
        if (!toggle) { return; }
        // Counts per cell hardly move with one reading: a clustered layer is read again every ten seconds at most, a
        // layer of single entities every two (a busy city changes every layer every second).
        var clustered = document.getElementById('count-' + type).hasAttribute('data-clustered');
        if (Date.now() - (fetchedAt[type] || 0) > (clustered ? 10000 : 2000)) { fetchLayer(toggle); }
      });
    });
  }
  listen();

  // ---- live alarms ----
  var list = document.getElementById('alarms');
  var dot = document.getElementById('live-state');
  function alarmItem(step, context) {
    var item = document.createElement('li');
    item.className = 'alarm alarm-' + step + ' severity-' + (context.severity || 'medium');
    var title = document.createElement(context.episode ? 'a' : 'strong');
    title.textContent = context.ruleName || (context.rule && (context.rule.name || context.rule.id)) || context.rule || context.episode || '';
    if (context.episode) { title.href = '/ops/episodes/' + encodeURIComponent(context.episode); }
    var what = document.createElement('span');
    what.className = 'muted';
    what.textContent = ' ' + (list.getAttribute('data-' + step) || step) + ' · ' + (context.key || '') + ' · ' +
      new Date(context.at || Date.now()).toLocaleTimeString();
    item.appendChild(title);
    item.appendChild(what);
    if (context.location && context.location.coordinates) {
      item.tabIndex = 0;
      item.addEventListener('click', function () {
        map.setView([context.location.coordinates[1], context.location.coordinates[0]], 15);
      });
    }
    return item;
  }
  function show(step, context) {
    var none = list.querySelector('.none');
    if (none) { list.removeChild(none); }
    list.insertBefore(alarmItem(step, context), list.firstChild);
    while (list.children.length > 50) { list.removeChild(list.lastChild); }
  }
  getJson('/rules/v1/episodes?open=true').then(function (episodes) {
    if (!episodes || !episodes.length) {
      var none = document.createElement('li');
      none.className = 'none muted';
      none.textContent = list.getAttribute('data-none');
      list.appendChild(none);
      return;
    }
    episodes.slice(0, 50).forEach(function (episode) {
      show('opened', { rule: { id: episode.rule }, key: episode.key, at: episode.openedAt, episode: episode.id });
    });
  }).catch(function () {});
  if (window.EventSource) {
    var alarms = new EventSource('/rules/v1/alarms');
    alarms.onopen = function () { dot.classList.add('on'); };
    alarms.onerror = function () { dot.classList.remove('on'); };
    ['opened', 'escalated', 'cleared'].forEach(function (step) {
      alarms.addEventListener(step, function (event) { show(step, JSON.parse(event.data)); });
    });
    alarms.addEventListener('missed', function () { window.location.reload(); });
  }
}());
