// The station's map of contract sites' posts: green where a guard is on duty now.
(function () {
  "use strict";
  const el = document.getElementById("duty-map");
  if (!el || !window.L) return;
  const d = el.dataset;
  const map = L.map(el, { attributionControl: false }).setView([34.8, 48.5], 11);
  const text = (s) => { const span = document.createElement("span"); span.textContent = s; return span.innerHTML; };
  const json = (url) => fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); });
  Promise.all([json(d.url), json(d.outlineUrl)])
    .then(([data, outline]) => {
      const border = L.geoJSON(outline, { style: { color: "#30424d", weight: 1.5, fillOpacity: 0.04 } }).addTo(map);
      const layer = L.geoJSON(data, {
        pointToLayer: (f, latlng) => L.circleMarker(latlng, {
          radius: 8, weight: 2, color: "#1d3b53",
          fillColor: f.properties.on_duty.length ? "#2e7d32" : "#bdbdbd", fillOpacity: 0.9,
        }),
        onEachFeature: (f, l) => {
          const p = f.properties;
          const who = p.on_duty.length ? `${d.labelOnDuty}: ${p.on_duty.map(text).join("، ")}` : d.labelNobody;
          l.bindTooltip(`<strong>${text(p.site)}</strong> · ${text(p.post)}<br>${text(p.institution)}<br>${who}`);
        },
      }).addTo(map);
      const bounds = border.getBounds().isValid() ? border.getBounds() : layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15, animate: false });
      el.dataset.ready = "1";
      el.dataset.posts = String(data.features.length);
    })
    .catch(() => { el.innerHTML = `<div class="alert alert-warning m-2">${d.labelError}</div>`; });
})();
