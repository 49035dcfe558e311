// Choose a new checkpoint's place on the site's map: a click (or a place found with the
// search box) fills the longitude and latitude boxes, which may also be typed; the site
// and its checkpoints so far are drawn for reference.
(function () {
  "use strict";
  const el = document.getElementById("checkpoint-map");
  if (!el || !window.L) return;
  const d = el.dataset;
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  if (!lat || !lon) return;
  const site = L.latLng(+d.lat, +d.lon);
  const map = L.map(el, { attributionControl: false }).setView(site, 17);
  L.circleMarker(site, { radius: 6, color: "#30424d" }).addTo(map).bindTooltip(d.siteName);
  JSON.parse(d.checkpoints || "[]").forEach((c) => {
    L.circleMarker([c.lat, c.lon], { radius: 5, color: "#4f8fb0" }).addTo(map).bindTooltip(c.name);
  });
  let marker = null;
  const place = (latlng) => {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
  };
  const typed = () => {
    const point = L.latLng(+lat.value, +lon.value);
    if (lat.value && lon.value && Number.isFinite(point.lat) && Number.isFinite(point.lng)) {
      if (marker) marker.setLatLng(point); else marker = L.marker(point).addTo(map);
    }
  };
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  typed();
  map.on("click", (e) => place(e.latlng));
  if (window.KalantarMap) window.KalantarMap.setup(map, place);
})();
