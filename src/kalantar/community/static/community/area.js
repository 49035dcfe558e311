// Neighbourhood maps: [data-area-draw] lets the user draw a polygon by clicking its corners
// (the GeoJSON goes to the hidden input named by data-input); [data-area-show] shows the
// polygons given in its data-areas attribute. No drawing library is among the project's
// front-end dependencies, and a click-to-add-corner polygon is all these forms need.
(function () {
  "use strict";
  if (!window.L) return;
  const HAMEDAN = [34.8, 48.515];

  function baseMap(el) {
    const map = L.map(el).setView(HAMEDAN, 13);
    if (window.KalantarMap) window.KalantarMap.setup(map, (latlng) => map.setView(latlng, 15));
    return map;
  }

  function draw(el) {
    const map = baseMap(el);
    const input = document.getElementById(el.dataset.input);
    const corners = [];
    const shape = L.polygon([], { color: "#0b5d3b" }).addTo(map);
    const write = () => {
      shape.setLatLngs(corners);
      if (corners.length < 3) { input.value = ""; return; }
      const ring = corners.map((c) => [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))]);
      ring.push(ring[0]);
      input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    };
    if (input.value) {
      try {
        JSON.parse(input.value).coordinates[0].slice(0, -1).forEach(([lon, lat]) => corners.push(L.latLng(lat, lon)));
        write();
        if (corners.length) map.fitBounds(shape.getBounds());
      } catch (e) { input.value = ""; }
    }
    map.on("click", (e) => { corners.push(e.latlng); write(); });
    const clear = document.querySelector(`[data-area-clear="${el.id}"]`);
    if (clear) clear.addEventListener("click", () => { corners.length = 0; write(); });
  }

  function show(el) {
    const map = baseMap(el);
    const layer = L.geoJSON(JSON.parse(el.dataset.areas || "[]"), {
      style: { color: "#0b5d3b", weight: 2, fillOpacity: 0.15 },
      onEachFeature: (f, l) => { if (f.properties && f.properties.name) l.bindTooltip(f.properties.name); },
    }).addTo(map);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds());
  }

  document.querySelectorAll("[data-area-draw]").forEach(draw);
  document.querySelectorAll("[data-area-show]").forEach(show);
})();
