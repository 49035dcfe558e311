// Jurisdiction map: GeoJSON layers over the configured base layer, or a plain background
// (no tile server needed).
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el) return;
  const d = el.dataset;
  // A view must exist before vector layers are added (Leaflet clips them to it).
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false }).setView([34.8, 48.5], 8);
  const colours = { kalantari: "#4f8fb0", pasgah: "#8fbf73" };
  const faDigits = (s) => String(s).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]);
  const digits = (s) => (d.lang === "fa" ? faDigits(s) : String(s));
  const nameOf = (p) => (d.lang === "en" && p.name_en ? p.name_en : digits(p.name));
  const unitUrl = (code) => d.unitUrl.replace("CODE", encodeURIComponent(code));
  const escape = (s) => String(s).replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // A place linked from another page (?lat=…&lon=…, e.g. a hotspot's cell): centre on it.
  const query = new URLSearchParams(window.location.search);
  const [focusLat, focusLon] = [Number(query.get("lat")), Number(query.get("lon"))];
  const focus = query.has("lat") && query.has("lon") && Number.isFinite(focusLat) && Number.isFinite(focusLon)
    ? L.latLng(focusLat, focusLon) : null;

  function popup(p) {
    return `<strong>${escape(nameOf(p))}</strong><br>${escape(d["label" + p.kind[0].toUpperCase() + p.kind.slice(1)] || p.kind)}` +
      ` · <span dir="ltr">${escape(p.code)}</span><br><a href="${unitUrl(p.code)}">${escape(d.labelOpen)}</a>`;
  }

  fetch(d.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then((fc) => {
      const layer = L.geoJSON(fc, {
        style: (f) => ({ color: "#30424d", weight: 1, fillColor: colours[f.properties.kind] || "#999", fillOpacity: 0.45 }),
        onEachFeature: (f, l) => {
          l.on("click", (e) => { L.DomEvent.stopPropagation(e); lookup(e.latlng); });
        },
      });
      if (focus) map.setView(focus, 16);
      else if (fc.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      layer.addTo(map);
    })
    .catch((err) => { console.error(err); el.innerHTML = `<div class="alert alert-danger m-3">${escape(d.labelError)}</div>`; });

  const result = document.getElementById("locate-result");
  let marker = null;
  map.on("click", (e) => lookup(e.latlng));
  // Base layer, headquarters and place names, and the place search: shared by every map.
  if (window.KalantarMap) window.KalantarMap.setup(map, lookup);
  if (focus) lookup(focus);

  // Ask the server, the one authority on jurisdictions, whose point this is.
  function lookup(latlng) {
    const { lat, lng } = latlng;
    if (marker) marker.remove();
    marker = L.marker([lat, lng]).addTo(map);
    const url = `${d.locateUrl}?lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`;
    fetch(url, { credentials: "same-origin" }).then((r) => r.json()).then((res) => {
      const where = `<span dir="ltr">${digits(lat.toFixed(5))}, ${digits(lng.toFixed(5))}</span>`;
      const html = res.inside ? `${popup(res)}<br>${where}` : `${where}<br>${escape(d.labelOutside)}`;
      if (result) result.innerHTML = html;
      marker.bindPopup(html).openPopup();
    });
  }
})();
