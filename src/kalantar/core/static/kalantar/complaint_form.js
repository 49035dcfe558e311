// Complaint form: map picker routed by the server's jurisdiction index, and returning
// complainants found by national code.
(function () {
  "use strict";
  const form = document.getElementById("complaint-form");
  const el = document.getElementById("picker-map");
  if (!form || !el) return;
  const d = el.dataset;
  const faDigits = (s) => String(s).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]);
  const digits = (s) => (d.lang === "fa" ? faDigits(s) : String(s));
  const lat = form.querySelector("[name=lat]");
  const lon = form.querySelector("[name=lon]");
  const picked = document.getElementById("picked-station");
  const map = L.map(el, { attributionControl: false }).setView([34.8, 48.5], 8);
  let marker = null;

  fetch(d.geojsonUrl, { credentials: "same-origin" }).then((r) => r.json()).then((fc) => {
    const layer = L.geoJSON(fc, { style: { color: "#30424d", weight: 1, fillOpacity: 0.15 } });
    // Framed at once: a zoom animation would move the areas under a first quick click.
    if (fc.features.length) map.fitBounds(layer.getBounds(), { animate: false });
    layer.addTo(map);
    layer.on("click", (e) => place(e.latlng));
    if (lat.value && lon.value) place(L.latLng(+lat.value, +lon.value));
  });
  map.on("click", (e) => place(e.latlng));
  // A recorded address found by the search also fills the place's text, if still empty.
  const placeText = form.querySelector("[name=location_text]");
  if (window.KalantarMap) {
    window.KalantarMap.setup(map, (latlng, found) => {
      place(latlng);
      if (placeText && !placeText.value && found.kind === "address") placeText.value = found.name;
    });
  }

  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    fetch(`${d.locateUrl}?lon=${lon.value}&lat=${lat.value}`, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((res) => {
        const where = digits(`${(+lat.value).toFixed(5)}, ${(+lon.value).toFixed(5)}`);
        const name = res.inside ? (d.lang === "en" && res.name_en ? res.name_en : digits(res.name)) : d.labelOutside;
        picked.textContent = `${where} — ${name}`;
        picked.classList.toggle("text-danger", !res.inside);
      });
  }

  // A returning complainant's details fill only boxes the officer has left alone: never one
  // they have typed in, nor the one they are in (their next keys would add to the filled
  // text). A later national code replaces what an earlier one filled, and a slow answer
  // for an earlier code is dropped.
  const code = form.querySelector("[name=national_code]");
  const note = document.getElementById("returning-note");
  if (code && form.dataset.lookupUrl) {
    const boxes = ["complainant_name", "mobile", "complainant_address"]
      .map((name) => form.querySelector(`[name=${name}]`))
      .filter(Boolean);
    const typed = new Set();
    const filled = new Map();
    boxes.forEach((box) => box.addEventListener("input", () => {
      typed.add(box);
      filled.delete(box);
    }));
    let asked = 0;
    code.addEventListener("change", () => {
      const ticket = ++asked;
      fetch(`${form.dataset.lookupUrl}?national_code=${encodeURIComponent(code.value)}`, { credentials: "same-origin" })
        .then((r) => r.json())
        .then((res) => {
          if (ticket !== asked) return;
          filled.forEach((value, box) => { if (box.value === value) box.value = ""; });
          filled.clear();
          if (!res.found) { note.textContent = ""; return; }
          boxes.forEach((box) => {
            if (typed.has(box) || box.value || box === document.activeElement) return;
            box.value = res[box.name] || "";
            filled.set(box, box.value);
          });
          note.textContent = form.dataset.foundText;
        });
    });
  }
})();
