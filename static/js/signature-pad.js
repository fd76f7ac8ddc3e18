// Optional drawn signature: turns [data-signature-pad] into a drawing box. Without this file the typed
// name alone is the signature. Strokes are sent as SVG path data in a 300 x 100 box.
(function () {
  function setUp(pad) {
    if (pad.dataset.ready) { return; }
    pad.dataset.ready = "yes";
    var canvas = pad.querySelector("canvas");
    var output = pad.querySelector("input[name=drawing]");
    var clear = pad.querySelector("[data-clear]");
    var context = canvas.getContext("2d");
    var strokes = [];
    var current = null;
    pad.hidden = false;

    function point(event) {
      var box = canvas.getBoundingClientRect();
      var x = Math.round((event.clientX - box.left) / box.width * 300);
      var y = Math.round((event.clientY - box.top) / box.height * 100);
      return [Math.max(0, Math.min(300, x)), Math.max(0, Math.min(100, y))];
    }
    function redraw() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1d2430";
      strokes.forEach(function (stroke) {
        context.beginPath();
        stroke.forEach(function (p, i) {
          var x = p[0] * canvas.width / 300, y = p[1] * canvas.height / 100;
          if (i === 0) { context.moveTo(x, y); } else { context.lineTo(x, y); }
        });
        context.stroke();
      });
      output.value = strokes.filter(function (s) { return s.length > 1; }).map(function (stroke) {
        return stroke.map(function (p, i) { return (i === 0 ? "M" : "L") + p[0] + " " + p[1]; }).join(" ");
      }).join(" ");
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [point(event)];
      strokes.push(current);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      var p = point(event), last = current[current.length - 1];
      if (p[0] !== last[0] || p[1] !== last[1]) { current.push(p); redraw(); }
    });
    function end() { current = null; redraw(); }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clear.addEventListener("click", function () { strokes = []; redraw(); });
  }
  function scan() { document.querySelectorAll("[data-signature-pad]").forEach(setUp); }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", scan);
  scan();
})();
