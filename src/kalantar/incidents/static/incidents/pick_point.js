// Choose the place of a new incident on the jurisdiction map; fills the hidden lat/lon.
(function () {
  "use strict";
  const el = document.getElementById("incident-map");
  if (!el || !window.L) return;
  const map = L.map(el, { attributionControl: false }).setView([34.8, 48.5], 9);
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  let marker = null;
  const place = (latlng) => {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
  };
  fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((fc) => {
      const layer = L.geoJSON(fc, {
        style: { color: "#30424d", weight: 1, fillColor: "#4f8fb0", fillOpacity: 0.2 },
        onEachFeature: (f, l) => l.on("click", (e) => place(e.latlng)),
      }).addTo(map);
      if (fc.features.length) map.fitBounds(layer.getBounds());
      if (lat.value && lon.value) place(L.latLng(+lat.value, +lon.value));
    });
  map.on("click", (e) => place(e.latlng));
  if (window.KalantarMap) window.KalantarMap.setup(map, place);
})();
