// The viewer's name and the running time drawn over the evidence player, so that a
// screen recording or a photo of the screen says who watched it and when.
(function () {
  "use strict";
  var overlay = document.getElementById("evidence-overlay");
  if (!overlay) return;
  var clock = overlay.querySelector("[data-clock]");
  var lang = document.documentElement.lang || "fa";
  var format = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR" : "en-GB", {
    timeZone: "Asia/Tehran",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  function tick() {
    clock.textContent = format.format(new Date());
  }
  tick();
  window.setInterval(tick, 1000);
})();
