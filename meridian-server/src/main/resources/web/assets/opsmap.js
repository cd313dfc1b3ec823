// The operations centre's map: the city's districts and roads as vector layers (no tiles), a layer per entity type
// fetched for the view as it moves (entities, or server-side clusters when there are too many), the layers that
// changed fetched again when the server says so, and the live alarms.
(function () {
  'use strict';
  var element = document.getElementById('city-map');
  if (!element) { return; }
  // The map once Leaflet has arrived (null before): the live alarms start at once and do not wait for it.
  var map = null;

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      if (response.status === 401) { window.location.assign('/sign-in?next=' + encodeURIComponent(location.pathname)); }
      return response.ok ? response.json() : null;
    });
  }

  alarms();
  if (window.meridianLeaflet) { window.meridianLeaflet(start); }

  function start() {
    map = L.map(element, { preferCanvas: true, zoomSnap: 0.5 }).setView([30.27, 120.15], 12);
    // A place asked for (?at=latitude,longitude, as a case page links here): shown close up and marked, instead of the
    // whole city.
    var asked = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/
      .exec(new URLSearchParams(window.location.search).get('at') || '');
    var at = asked ? [+asked[1], +asked[2]] : null;
    var focused = at !== null && Math.abs(at[0]) <= 90 && Math.abs(at[1]) <= 180;
    if (focused) {
      map.setView(at, 16);
      L.circleMarker(at, { radius: 10, color: '#b3261e', weight: 3, fillOpacity: 0.3, interactive: false }).addTo(map);
    }
    // The map, for scripts that look at it (the browser test finds where a sensor is drawn through it).
    element.meridianMap = map;
    var renderer = L.canvas({ padding: 0.3 });
    // Whether the map is being moved (dragged, zoomed): no layer is read, taken in or painted meanwhile. Registered
    // before every other handler, so that they all see it as it now is.
    var moving = false;
    map.on('movestart', function () { moving = true; });
    map.on('moveend', function () { moving = false; });
    var COLOURS = { good: '#1a7f37', fair: '#bf8700', poor: '#d1242f', bad: '#82071e', stale: '#8c959f', plain: '#0b5cad' };

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
        if (fit && features.length && !focused) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
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

    // A layer's scale (its levels, or the values that are bad), read from its toggle once per drawing, not per point.
    function scale(toggle) {
      return { levels: JSON.parse(toggle.getAttribute('data-levels')), bad: toggle.getAttribute('data-bad').split(',').filter(Boolean) };
    }

    function grade(look, point) {
      if (point.stale) { return 'stale'; }
      var value = point.value;
      var levels = look.levels;
      var bad = look.bad;
      if (levels.length && typeof value === 'number') {
        var i = 0;
        while (i < levels.length && value > levels[i]) { i++; }
        return ['good', 'fair', 'poor', 'bad'][i];
      }
      if (bad.length) { return bad.indexOf(String(value)) >= 0 ? 'bad' : 'good'; }
      return 'plain';
    }

    function caseNumber(id) { return id.substring(id.lastIndexOf(':') + 1); }

    // Every point and cluster of every layer is drawn on one canvas of our own: no object per marker, so a layer of
    // hundreds of dots costs a loop, not hundreds of Leaflet layers made, added and hit-tested. A worker (dots.js) paints
    // them into a bitmap, shown when it arrives where the view was when it was asked for: the page's main thread, which
    // draws the frames of a drag, only works out where the dots go. During a drag the canvas moves with the map; it is
    // painted again when the map stops, and when a layer's data arrives while it is still.
    var painter = document.querySelector('script[src$="/dots.js"]');
    var DotLayer = L.Layer.extend({
      onAdd: function (m) {
        this._sets = this._sets || {};
        this._order = this._order || [];
        this._jobs = {};
        this._asked = 0;
        this._busy = false;
        this._again = false;
        this._shown = null;
        // A pane of its own above the districts and roads (drawn by Leaflet's canvas in the overlay pane), below tooltips.
        this._pane = m.getPane('dots') || m.createPane('dots');
        this._pane.style.zIndex = 450;
        this._worker = null;
        if (painter && window.Worker && window.OffscreenCanvas && OffscreenCanvas.prototype.transferToImageBitmap) {
          try {
            this._worker = new Worker(painter.src);
            this._worker.onmessage = L.Util.bind(this._painted, this);
            this._worker.onerror = this._worker.onmessageerror = L.Util.bind(this._workerless, this);
          } catch (e) {
            this._worker = null;
          }
        }
        this._makeCanvas();
        // A zoom ends with a moveend too: painting on both would paint twice.
        m.on('moveend resize', this._reset, this);
        m.on('viewreset', this._placeShown, this);
        this._reset();
      },
      onRemove: function (m) {
        L.DomUtil.remove(this._canvas);
        this._canvas = null;
        if (this._worker) { this._worker.terminate(); }
        this._worker = null;
        clearTimeout(this._timer);
        if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
        m.off('moveend resize', this._reset, this);
        m.off('viewreset', this._placeShown, this);
      },
      // A canvas shows either the worker's bitmaps or the page's own painting, never both (one context per canvas).
      _makeCanvas: function () {
        if (this._canvas) { L.DomUtil.remove(this._canvas); }
        this._canvas = L.DomUtil.create('canvas', 'dot-layer leaflet-zoom-hide', this._pane);
        this._bitmaps = this._worker ? this._canvas.getContext('bitmaprenderer') : null;
        if (!this._bitmaps && this._worker) { this._worker.terminate(); this._worker = null; }
        // Which painter this canvas shows (the browser test checks the worker did).
        this._canvas.setAttribute('data-painter', this._worker ? 'worker' : 'page');
        this._shown = null;
        this._canvas.style.visibility = 'hidden';
      },
      // The worker could not start, or failed: the page paints the dots itself from now on.
      _workerless: function (event) {
        if (event && event.preventDefault) { event.preventDefault(); }
        if (this._worker) { this._worker.terminate(); }
        this._worker = null;
        this._busy = false;
        this._jobs = {};
        if (!this._map) { return; }
        this._makeCanvas();
        this._paint();
      },
      set: function (type, dots) {
        if (this._order.indexOf(type) < 0) { this._order.push(type); }
        this._sets[type] = dots;
        this._schedule();
      },
      clear: function (type) { delete this._sets[type]; this._schedule(); },
      // Layers arrive one after another: their painting waits for a quiet moment (60 ms without another, 250 ms at most)
      // so that a moved map is painted once or twice, not once per layer.
      _schedule: function () {
        var self = this;
        var now = Date.now();
        self._firstAsked = self._firstAsked || now;
        clearTimeout(self._timer);
        var wait = Math.max(0, Math.min(60, self._firstAsked + 250 - now));
        self._timer = setTimeout(function () {
          self._firstAsked = 0;
          if (self._frame) { return; }
          self._frame = L.Util.requestAnimFrame(function () { self._frame = null; if (!moving) { self._paint(); } });
        }, wait);
      },
      _reset: function () {
        this._placeShown();
        this._paint();
      },
      // The painting shown stays where its dots are: placed again when the map's origin moves (a jump without a zoom),
      // hidden when the zoom changed (its dots would stand in the wrong places until the new painting arrives).
      _placeShown: function () {
        if (!this._map || !this._canvas) { return; }
        if (this._shown && this._shown.zoom === this._map.getZoom()) {
          this._show(this._shown);
        } else {
          this._canvas.style.visibility = 'hidden';
        }
      },
      // Where a dot is at this zoom, in the map's absolute pixels: worked out once per dot and zoom, not at every painting.
      _place: function (dot, zoom) {
        if (dot.z !== zoom) {
          var p = this._map.project([dot.lat, dot.lon], zoom);
          dot.px = p.x;
          dot.py = p.y;
          dot.z = zoom;
        }
      },
      // The view's top left corner in the map's absolute pixels.
      _corner: function () {
        var corner = this._map.containerPointToLayerPoint([0, 0]);
        var origin = this._map.getPixelOrigin();
        return { x: corner.x + origin.x, y: corner.y + origin.y };
      },
      _paint: function () {
        if (!this._map || !this._canvas) { return; }
        // One painting at a time in the worker; asked again meanwhile, the next one is of the view as it is then.
        if (this._busy) { this._again = true; return; }
        this._again = false;
        var m = this._map;
        var zoom = m.getZoom();
        var size = m.getSize();
        var corner = this._corner();
        var styles = [];
        var looks = {};
        var points = [];
        var self = this;
        this._order.forEach(function (type) {
          (self._sets[type] || []).forEach(function (dot) {
            self._place(dot, zoom);
            var x = dot.px - corner.x;
            var y = dot.py - corner.y;
            if (x < -dot.r || y < -dot.r || x > size.x + dot.r || y > size.y + dot.r) { return; }
            var look = looks[dot.look];
            if (look === undefined) {
              look = looks[dot.look] = styles.length;
              styles.push({ fill: dot.fill, alpha: dot.alpha, r: dot.r });
            }
            points.push(x, y, look);
          });
        });
        var ratio = window.devicePixelRatio || 1;
        var view = { x: corner.x, y: corner.y, zoom: zoom, size: size };
        var job = { id: ++this._asked, width: size.x, height: size.y, ratio: ratio, styles: styles, points: new Float32Array(points) };
        if (this._worker) {
          this._busy = true;
          this._jobs[job.id] = view;
          this._worker.postMessage(job, [job.points.buffer]);
          return;
        }
        this._canvas.width = Math.round(size.x * ratio);
        this._canvas.height = Math.round(size.y * ratio);
        window.meridianPaintDots(this._canvas.getContext('2d'), size.x, size.y, ratio, styles, job.points);
        this._show(view);
      },
      _painted: function (event) {
        var view = this._jobs[event.data.id];
        delete this._jobs[event.data.id];
        this._busy = false;
        var bitmap = event.data.bitmap;
        // A painting of another zoom is of no use: the one for this zoom is asked for by the zoom's end.
        if (view && this._map && this._canvas && view.zoom === this._map.getZoom()) {
          if (this._canvas.width !== bitmap.width || this._canvas.height !== bitmap.height) {
            this._canvas.width = bitmap.width;
            this._canvas.height = bitmap.height;
          }
          this._bitmaps.transferFromImageBitmap(bitmap);
          this._show(view);
        } else {
          bitmap.close();
        }
        // Asked again meanwhile: painted now, also mid-drag when nothing is shown (a zoom's painting was of no use).
        if (this._again && (!moving || !this._shown)) { this._paint(); }
      },
      // The painting placed where its view was, in the map's absolute pixels: right however far the map has moved since
      // (the canvas moves with the map), and placed again when the map's origin moves.
      _show: function (view) {
        this._canvas.style.width = view.size.x + 'px';
        this._canvas.style.height = view.size.y + 'px';
        L.DomUtil.setPosition(this._canvas, L.point(view.x, view.y).subtract(this._map.getPixelOrigin()));
        this._canvas.style.visibility = '';
        this._shown = view;
      },
      // The dot under a point of the screen (the last drawn wins, as it is on top), or null.
      at: function (point) {
        var zoom = this._map.getZoom();
        var corner = this._corner();
        var x = point.x + corner.x;
        var y = point.y + corner.y;
        var found = null;
        var self = this;
        this._order.forEach(function (type) {
          (self._sets[type] || []).forEach(function (dot) {
            self._place(dot, zoom);
            var dx = dot.px - x;
            var dy = dot.py - y;
            if (dx * dx + dy * dy <= (dot.r + 2) * (dot.r + 2)) { found = dot; }
          });
        });
        return found;
      }
    });
    var dots = new DotLayer().addTo(map);
    var hint = L.tooltip({ direction: 'top', offset: [0, -8] });
    var hovered = null;
    map.on('mousemove', function (event) {
      var dot = dots.at(event.containerPoint);
      if (dot === hovered) { return; }
      hovered = dot;
      element.style.cursor = dot ? 'pointer' : '';
      if (dot) { hint.setLatLng([dot.lat, dot.lon]).setContent(dot.label); map.openTooltip(hint); } else { map.closeTooltip(hint); }
    });
    map.on('click', function (event) {
      var dot = dots.at(event.containerPoint);
      if (dot) { dot.open(); }
    });

    // Shapes (closed roads and the like) stay Leaflet layers: there are few of them.
    function shapeLayer(type, point, colour, label) {
      return L.geoJSON(point.geometry, { style: { color: colour, weight: 6, opacity: 0.9 }, renderer: renderer })
        .bindTooltip(label).on('click', function () { window.location.assign('/ops/entities/' + encodeURIComponent(point.id)); });
    }

    // A layer read that arrives while the map moves waits for it to stop: its view is already gone, and taking it in
    // mid-drag costs the frames the drag needs.
    var pending = {};
    function draw(toggle, data) {
      if (moving) { pending[toggle.value] = { toggle: toggle, data: data }; return; }
      var type = toggle.value;
      var look = scale(toggle);
      var count = document.getElementById('count-' + type);
      if (shown[type]) { map.removeLayer(shown[type]); delete shown[type]; }
      var list = [];
      if (data.clusters) {
        var total = 0;
        data.clusters.forEach(function (cluster) {
          total += cluster.count;
          var r = Math.round(Math.min(22, 6 + Math.log(cluster.count) * 2.5));
          list.push({ lat: cluster.lat, lon: cluster.lon, r: r, fill: '#0b5cad', alpha: 0.75, look: 'cluster|' + r, label: String(cluster.count),
            open: function () { map.setView([cluster.lat, cluster.lon], map.getZoom() + 2); } });
        });
        count.textContent = total;
        count.setAttribute('data-clustered', 'true');
      } else {
        var shapes = null;
        data.points.forEach(function (point) {
          var colour = COLOURS[grade(look, point)];
          var label = type + ' ' + point.id + (point.value !== undefined ? ': ' + point.value : '');
          if (point.geometry && point.geometry.type !== 'Point') {
            shapes = shapes || L.layerGroup();
            shapeLayer(type, point, colour, label).addTo(shapes);
            return;
          }
          var r = type === 'ServiceRequest' || type === 'Alert' ? 8 : 6;
          list.push({ lat: point.lat, lon: point.lon, r: r, fill: colour, alpha: 0.95, look: colour + '|' + r, label: label, open: function () {
              window.location.assign(type === 'ServiceRequest' ? '/ops/cases/' + caseNumber(point.id)
                : '/ops/entities/' + encodeURIComponent(point.id));
            } });
        });
        if (shapes) { shown[type] = shapes.addTo(map); }
        count.textContent = data.points.length;
        count.removeAttribute('data-clustered');
      }
      dots.set(type, list);
      // How many times the layer was drawn: a screen reader ignores it, a test watches live updates arrive by it.
      count.setAttribute('data-drawn', String(+(count.getAttribute('data-drawn') || 0) + 1));
    }

    var inFlight = {};
    var fetchedAt = {};
    map.on('moveend', function () {
      var arrived = pending;
      pending = {};
      Object.keys(arrived).forEach(function (type) {
        if (arrived[type].toggle.checked) { draw(arrived[type].toggle, arrived[type].data); }
      });
      pump();
    });
    function fetchLayer(toggle) {
      var type = toggle.value;
      if (!toggle.checked) {
        if (shown[type]) { map.removeLayer(shown[type]); delete shown[type]; }
        dots.clear(type);
        document.getElementById('count-' + type).textContent = '';
        return;
      }
      if (inFlight[type] || waiting.indexOf(toggle) >= 0) { return; }
      waiting.push(toggle);
      pump();
    }
    // Layers are read one at a time: the server (on the operator's desk this may be the same machine, as in the demo)
    // then leaves the browser a core to draw and move the map with, instead of eleven queries at once taking every core.
    var waiting = [];
    var reading = 0;
    var MAX_READS = 1;
    // No read starts while the map moves (its view would be stale before it arrived); the queue goes on when it stops.
    function pump() {
      while (!moving && reading < MAX_READS && waiting.length) { read(waiting.shift()); }
    }
    function read(toggle) {
      var type = toggle.value;
      if (!toggle.checked) { pump(); return; }
      inFlight[type] = true;
      reading++;
      fetchedAt[type] = Date.now();
      // The view as it is when the read goes out, not when it was asked for.
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); }).join(',');
      getJson('/ops/map/layer?type=' + type + '&bbox=' + bbox + '&zoom=' + Math.round(map.getZoom()))
        .then(function (data) { if (data && toggle.checked) { draw(toggle, data); } })
        .catch(function () {})
        .then(function () { inFlight[type] = false; reading--; pump(); });
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
  }

  // The live alarms: open episodes now, then each step as the server says it.
  function alarms() {
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
          if (map) { map.setView([context.location.coordinates[1], context.location.coordinates[0]], 15); }
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
      var feed = new EventSource('/rules/v1/alarms');
      feed.onopen = function () { dot.classList.add('on'); };
      feed.onerror = function () { dot.classList.remove('on'); };
      ['opened', 'escalated', 'cleared'].forEach(function (step) {
        feed.addEventListener(step, function (event) { show(step, JSON.parse(event.data)); });
      });
      feed.addEventListener('missed', function () { window.location.reload(); });
    }
  }
}());
