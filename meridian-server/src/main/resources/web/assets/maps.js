// The map library, loaded once the page is shown: a page's text, forms and live alarms do not wait for Leaflet (its
// parse and start held a page's DOM-ready back by 0.1–0.4 s on a busy machine); each map starts when it arrives, and
// the page works without it (the report form's place fields, the operations centre's alarms).
(function () {
  'use strict';
  var source = document.currentScript.getAttribute('data-leaflet');
  var loading = null;
  window.meridianLeaflet = function (start) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement('script');
        tag.src = source;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    loading.then(start, function () { /* no map: the rest of the page still works */ });
  };
}());
