// Alarm console: the queue follows a server-sent event stream; each alarm's waiting time
// ticks every second; clicking a row loads its detail (htmx) with a small map.
(function () {
  "use strict";
  const queue = document.getElementById("queue");
  const detail = document.getElementById("alarm-detail");
  const faDigits = (s) => String(s).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]);
  const lang = (queue && queue.dataset.lang) || document.documentElement.lang;
  const digits = (s) => (lang === "fa" ? faDigits(s) : String(s));
  let selected = detail && detail.dataset.selected ? detail.dataset.selected : "";
  let map = null;
  // The detail pane follows the stream too, but never while the operator is working in it.
  let lastTouch = 0;
  if (detail) ["pointerdown", "keydown", "focusin", "change"].forEach((type) =>
    detail.addEventListener(type, () => { lastTouch = Date.now(); }, true));

  function tick() {
    const now = Date.now() / 1000;
    document.querySelectorAll(".alarm-row").forEach((row) => {
      const timer = row.querySelector(".timer");
      if (!timer) return;
      const s = Math.max(0, Math.floor(now - Number(row.dataset.opened)));
      const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      timer.textContent = digits(text);
      row.classList.toggle("overdue", s > 90);
    });
  }

  function mark() {
    document.querySelectorAll(".alarm-row").forEach((row) => {
      row.classList.toggle("table-active", row.dataset.id === selected);
    });
  }

  function refreshQueue() {
    return fetch(queue.dataset.rowsUrl, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => { queue.innerHTML = html; mark(); tick(); })
      .catch((err) => console.error(err));
  }

  function textElement(text) {
    const span = document.createElement("span");
    span.textContent = text || "";
    return span;
  }

  function showMap() {
    const el = document.getElementById("alarm-map");
    if (!el || !window.L) return;
    if (map) { map.remove(); map = null; }
    const lat = Number(el.dataset.lat), lon = Number(el.dataset.lon);
    // The jurisdictions arrive after the marker: drawn over it, they must not take its hover.
    map = L.map(el, { attributionControl: false }).setView([lat, lon], 13);
    fetch("/api/jurisdictions", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((fc) => { if (fc) L.geoJSON(fc, { interactive: false, style: { color: "#30424d", weight: 1, fillOpacity: 0.15 } }).addTo(map); })
      .catch(() => {});
    // A string given to bindTooltip becomes innerHTML: names (typed by people, imported from
    // files) reach the page only as text.
    L.circleMarker([lat, lon], { radius: 9, color: "#b00020", weight: 3, fillOpacity: 0.7 })
      .bindTooltip(textElement(el.dataset.name)).addTo(map);
  }

  function open(id) {
    selected = String(id);
    mark();
    const url = queue.dataset.detailUrl.replace("/0/", `/${id}/`);
    htmx.ajax("GET", url, { target: "#alarm-detail" });
    history.replaceState(null, "", `?alarm=${id}`);
  }

  if (queue) {
    queue.addEventListener("click", (e) => {
      const row = e.target.closest(".alarm-row");
      if (row) open(row.dataset.id);
    });
    queue.addEventListener("keydown", (e) => {
      const row = e.target.closest(".alarm-row");
      if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); open(row.dataset.id); }
    });
    const live = document.getElementById("live-state");
    let version = queue.dataset.version;
    const connect = () => {
      const source = new EventSource(`${queue.dataset.streamUrl}?v=${version}`);
      source.addEventListener("open", () => { live.textContent = live.dataset.on; live.className = "badge text-bg-success"; });
      source.addEventListener("queue", (e) => {
        version = JSON.parse(e.data).version;
        refreshQueue();
        const card = document.querySelector(".alarm-card");
        const busy = Date.now() - lastTouch < 5000 || document.activeElement.closest("#alarm-detail form");
        if (card && selected && !busy) {
          htmx.ajax("GET", queue.dataset.detailUrl.replace("/0/", `/${selected}/`), { target: "#alarm-detail" });
        }
      });
      source.addEventListener("error", () => { live.textContent = live.dataset.off; live.className = "badge text-bg-warning"; });
    };
    connect();
    setInterval(tick, 1000);
    tick();
    if (selected) open(selected);
  }
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id === "alarm-detail") { showMap(); if (queue) refreshQueue(); }
  });
  if (!queue) showMap();
})();
