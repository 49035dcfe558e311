// The perception-gap map: each surveyed neighbourhood cell coloured by its gap, shaded by
// the share feeling unsafe otherwise; a cell under the minimum count is drawn empty, with
// no figure. The cells and their texts come in the map's data-cells attribute (GeoJSON).
(function () {
  "use strict";
  const el = document.getElementById("gap-map");
  if (!el || !window.L) return;
  const HAMEDAN = [34.8, 48.515];
  const COLOURS = { feels_unsafe: "#d9480f", feels_safe: "#5f3dc4" };

  function style(feature) {
    const p = feature.properties;
    const kind = p.suppressed ? "hidden" : p.gap || "none";
    const base = { weight: 1, className: `gap-cell gap-${kind}` };
    if (p.suppressed) return { ...base, color: "#868e96", dashArray: "4 3", fillOpacity: 0.05 };
    if (p.gap) return { ...base, color: COLOURS[p.gap], weight: 3, fillColor: COLOURS[p.gap], fillOpacity: 0.45 };
    return { ...base, color: "#0b5d3b", fillColor: "#0b5d3b", fillOpacity: 0.1 + 0.6 * (p.share || 0) };
  }

  function popup(feature) {
    // Text, never markup: the label is shown as it is.
    const box = document.createElement("div");
    box.textContent = feature.properties.label;
    return box;
  }

  const map = L.map(el).setView(HAMEDAN, 12);
  if (window.KalantarMap) window.KalantarMap.setup(map, (latlng) => map.setView(latlng, 14));
  const layer = L.geoJSON(JSON.parse(el.dataset.cells || "{}"), {
    style,
    onEachFeature: (feature, cell) => cell.bindPopup(() => popup(feature)),
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  el.dataset.ready = String(layer.getLayers().length);
})();
