// Hotspot layer: H3 cells coloured by Gi* z-score over the unit's jurisdictions.
(function () {
  "use strict";
  const el = document.getElementById("hotspot-map");
  if (!el || !window.L) return;
  const d = el.dataset;
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false }).setView([34.8, 48.5], 9);
  const fa = d.lang === "fa";
  const digits = (s) => (fa ? String(s).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]) : String(s));
  const colour = (p) => {
    if (p.significant && p.z > 0) return p.z > 4 ? "#a50f15" : "#e34a33";
    if (p.significant && p.z < 0) return "#3182bd";
    return p.count > 0 ? "#fdd49e" : "#f7f7f7";
  };
  const json = (url) => fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); });
  Promise.all([json(d.outlineUrl), json(d.dataUrl)])
    .then(([outline, cells]) => {
      const border = L.geoJSON(outline, { style: { color: "#30424d", weight: 1.5, fill: false } }).addTo(map);
      const layer = L.geoJSON(cells, {
        style: (f) => ({
          color: "#999", weight: 0.3, fillColor: colour(f.properties),
          fillOpacity: f.properties.significant ? 0.75 : 0.45,
        }),
        onEachFeature: (f, l) => {
          const p = f.properties;
          l.bindTooltip(`${d.labelCount}: ${digits(p.count)}<br>z: ${digits(p.z.toFixed(2))}` +
            (p.significant ? `<br><strong>${p.z > 0 ? d.labelHot : d.labelCold}</strong>` : ""));
        },
      }).addTo(map);
      const bounds = border.getBounds().isValid() ? border.getBounds() : layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      const hot = cells.features.filter((f) => f.properties.significant && f.properties.z > 0).length;
      const summary = document.getElementById("hotspot-summary");
      if (summary) summary.textContent = `${d.labelCells}: ${digits(cells.features.length)} · ${d.labelHotCount}: ${digits(hot)}`;
      el.dataset.ready = "1";
    })
    .catch(() => { el.innerHTML = `<div class="alert alert-warning m-2">${d.labelError}</div>`; });
})();
