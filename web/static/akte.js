// Akte web UI: the only script. The signature pad of the counter intake:
// pointer events (mouse, pen, touch) draw on the canvas; the strokes go to
// the hidden field "strokes" as JSON [[{x, y}, …], …] in canvas pixels.
(function () {
  "use strict";
  var canvas = document.getElementById("sigpad");
  if (!canvas) { return; }
  var field = document.getElementById("strokes");
  var clear = document.getElementById("sig-clear");
  var ctx = canvas.getContext("2d");
  var strokes = [];
  var current = null;

  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#0a1f44";

  function point(ev) {
    var r = canvas.getBoundingClientRect();
    var x = (ev.clientX - r.left) * canvas.width / r.width;
    var y = (ev.clientY - r.top) * canvas.height / r.height;
    return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
  }
  function save() { field.value = strokes.length ? JSON.stringify(strokes) : ""; }

  canvas.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) { return; }
    ev.preventDefault();
    canvas.setPointerCapture(ev.pointerId);
    var p = point(ev);
    current = [p];
    strokes.push(current);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + 0.1, p.y + 0.1);
    ctx.stroke();
  });
  canvas.addEventListener("pointermove", function (ev) {
    if (!current) { return; }
    ev.preventDefault();
    var evs = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
    if (!evs.length) { evs = [ev]; }
    for (var i = 0; i < evs.length; i++) {
      var p = point(evs[i]);
      var last = current[current.length - 1];
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      current.push(p);
    }
  });
  function end() {
    if (current) { current = null; save(); }
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("lostpointercapture", end);

  clear.addEventListener("click", function () {
    strokes = [];
    current = null;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    save();
    canvas.focus();
  });
}());
