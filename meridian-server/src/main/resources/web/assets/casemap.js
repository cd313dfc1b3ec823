// A case's place on a small map: the city's districts from its own open data, and the case's point.
(function () {
  'use strict';
  var element = document.getElementById('case-map');
  if (!element || typeof L === 'undefined') { return; }
  var lat = +element.getAttribute('data-latitude');
  var lon = +element.getAttribute('data-longitude');
  var map = L.map(element, { preferCanvas: true }).setView([lat, lon], 14);
  fetch(element.getAttribute('data-basemap'), { headers: { Accept: 'application/json' } })
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (entities) {
      var features = entities.filter(function (e) { return e.location; }).map(function (e) {
        return { type: 'Feature', geometry: e.location, properties: {} };
      });
      L.geoJSON(features, { style: { color: '#0b5cad', weight: 1, fillColor: '#cfe3f7', fillOpacity: 0.4 }, interactive: false })
        .addTo(map).bringToBack();
    }).catch(function () { /* the point alone still shows */ });
  L.circleMarker([lat, lon], { radius: 10, color: '#b3261e', weight: 3, fillOpacity: 0.7 }).addTo(map);
}());
