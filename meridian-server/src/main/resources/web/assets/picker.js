// The report form's place picker: the city's districts and roads drawn from its own open data (no tile server), a
// click or the phone's position sets the place. Without JavaScript the latitude and longitude fields still work.
(function () {
  'use strict';
  var element = document.getElementById('picker');
  var latitude = document.getElementById('latitude');
  var longitude = document.getElementById('longitude');
  var category = document.getElementById('category');
  var form = category && category.form;

  // Choosing a category reloads the form with its questions: what was typed is kept across the reload.
  var KEPT = ['description', 'latitude', 'longitude', 'address', 'phone'];
  if (category) {
    var saved = sessionStorage.getItem('meridian.report');
    if (saved) {
      sessionStorage.removeItem('meridian.report');
      var values = JSON.parse(saved);
      KEPT.forEach(function (name) {
        var field = form.elements[name];
        if (field && !field.value && values[name]) { field.value = values[name]; }
      });
    }
    category.addEventListener('change', function () {
      var values = {};
      KEPT.forEach(function (name) { values[name] = form.elements[name].value; });
      sessionStorage.setItem('meridian.report', JSON.stringify(values));
      window.location.assign(category.getAttribute('data-reload') + encodeURIComponent(category.value));
    });
  }
  // The phone's position fills the place at once, and is marked on the map once there is one.
  var placed = null;
  var locate = document.getElementById('locate');
  if (locate && latitude && longitude) {
    if (!navigator.geolocation) { locate.hidden = true; }
    locate.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        if (placed) {
          placed(position.coords.latitude, position.coords.longitude, true);
        } else {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
        }
      });
    });
  }
  if (!element || !window.meridianLeaflet) { return; }
  window.meridianLeaflet(drawMap);

  // The map, once Leaflet has arrived: the city's shapes, the place picked, the reports listed.
  function drawMap() {
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.5 }).setView([30.27, 120.15], 12);
    var marker = null;
    function place(lat, lon, pan) {
      latitude.value = lat.toFixed(6);
      longitude.value = lon.toFixed(6);
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = L.circleMarker([lat, lon], { radius: 9, color: '#b3261e', weight: 3, fillOpacity: 0.6 }).addTo(map);
      }
      if (pan) { map.panTo([lat, lon]); }
    }
    function load(url, style, fit) {
      fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (entities) {
        var features = entities.filter(function (e) { return e.location && e.location.type; }).map(function (e) {
          return { type: 'Feature', geometry: e.location, properties: { name: e.name || e.id } };
        });
        if (!features.length) { return; }
        var layer = L.geoJSON(features, { style: style, interactive: false }).addTo(map);
        if (fit && !marker) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
      }).catch(function () { /* the fields still work without the map */ });
    }
    load(element.getAttribute('data-basemap'), { color: '#0b5cad', weight: 1.5, fillColor: '#cfe3f7', fillOpacity: 0.5 }, true);
    load(element.getAttribute('data-roads'), { color: '#8c959f', weight: 3 }, false);
    map.on('click', function (event) { place(event.latlng.lat, event.latlng.lng, false); });
    // Reports listed on the page (near a place): drawn, each with its category as a tooltip.
    Array.prototype.forEach.call(document.querySelectorAll('[data-lat][data-lon]'), function (item) {
      L.circleMarker([+item.getAttribute('data-lat'), +item.getAttribute('data-lon')],
        { radius: 6, color: '#57606a', weight: 2, fillColor: '#0b5cad', fillOpacity: 0.7 })
        .bindTooltip(item.getAttribute('data-label')).addTo(map);
    });
    if (latitude.value && longitude.value && !isNaN(+latitude.value) && !isNaN(+longitude.value)) {
      place(+latitude.value, +longitude.value, true);
    }
    placed = place;
  }
}());
