// The city map's dots, painted. The map (opsmap.js) runs this file as a worker: it sends each view's dots as numbers,
// the worker paints them into a bitmap of its own and hands the bitmap back. Thousands of dots then never hold up the
// page's main thread, which draws the frames of a drag. On the page itself (loaded as a plain script) the same
// painter serves a browser that cannot paint in a worker.
(function (scope) {
  'use strict';

  function surface(width, height) {
    if (typeof OffscreenCanvas !== 'undefined') { return new OffscreenCanvas(width, height); }
    var canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }

  // A dot of each look is drawn once into a little bitmap, then copied where each dot goes: copying a bitmap is far
  // cheaper than filling a circle, and the browser may be painting without a GPU.
  var sprites = {};
  function sprite(style, ratio) {
    var key = style.fill + '|' + style.alpha + '|' + style.r + '|' + ratio;
    var found = sprites[key];
    if (found) { return found; }
    var r = style.r;
    var side = Math.ceil((2 * r + 2) * ratio);
    var made = surface(side, side);
    var c = made.getContext('2d');
    c.scale(ratio, ratio);
    c.beginPath();
    c.arc(r + 1, r + 1, r, 0, 2 * Math.PI);
    c.globalAlpha = style.alpha;
    c.fillStyle = style.fill;
    c.fill();
    c.globalAlpha = 1;
    c.lineWidth = 1;
    c.strokeStyle = '#fff';
    c.stroke();
    sprites[key] = made;
    return made;
  }

  // Paints the dots on a 2D context of width × height CSS pixels at the given pixel ratio. styles: [{fill, alpha, r}];
  // points: x, y and a style's index per dot, in CSS pixels from the top left corner, in the order they are drawn.
  function paint(ctx, width, height, ratio, styles, points) {
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var looks = styles.map(function (style) { return sprite(style, ratio); });
    for (var i = 0; i + 2 < points.length; i += 3) {
      var r = styles[points[i + 2]].r;
      ctx.drawImage(looks[points[i + 2]], points[i] - r - 1, points[i + 1] - r - 1, 2 * r + 2, 2 * r + 2);
    }
  }

  scope.meridianPaintDots = paint;

  if (typeof WorkerGlobalScope !== 'undefined' && scope instanceof WorkerGlobalScope) {
    var canvas = null;
    scope.onmessage = function (event) {
      var job = event.data;
      var width = Math.max(1, Math.round(job.width * job.ratio));
      var height = Math.max(1, Math.round(job.height * job.ratio));
      if (!canvas || canvas.width !== width || canvas.height !== height) { canvas = new OffscreenCanvas(width, height); }
      paint(canvas.getContext('2d'), job.width, job.height, job.ratio, job.styles, job.points);
      var bitmap = canvas.transferToImageBitmap();
      scope.postMessage({ id: job.id, bitmap: bitmap }, [bitmap]);
    };
  }
}(self));
