// What every Kalantar map shares: the configured base layer, the names the system knows as
// labels, and the place search. Each page's map script creates its map, then calls
// KalantarMap.setup(map, onPick), onPick(latlng, place) being called with the place chosen
// in the search box; the settings come from the map's tools partial
// (core/_map_tools.html, rendered by {% map_tools %}), found by the map element's id.
(function () {
  "use strict";
  if (!window.L) return;
  const faDigits = (s) => String(s).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]);
  // Zoom levels from which each kind of name is shown: a province view names the counties,
  // a county view its stations and outposts.
  const LABEL_ZOOM = { county: [0, 10.5], kalantari: [9.5, 30], pasgah: [9.5, 30] };
  const KINDS = ["county", "kalantari", "pasgah"];
  const PICK_ZOOM = { county: 11, kalantari: 14, pasgah: 14, address: 16 };

  function toolsOf(map) {
    const id = map.getContainer().id;
    return document.querySelector(`[data-map-tools][data-for="${CSS.escape(id)}"]`);
  }

  // The base layer: a raster tile server, or the site's own PMTiles archive read by byte
  // ranges (its reader is loaded only on a site that has an archive). With neither, the
  // plain background: jurisdictions and labels alone.
  function addBaseLayer(map, d) {
    const options = { attribution: d.tilesAttribution || "", maxZoom: 19 };
    const show = (layer) => {
      layer.addTo(map);
      if (!map.attributionControl) L.control.attribution({ prefix: false }).addTo(map);
      map.getContainer().classList.add("has-base-layer");
    };
    if (d.tilesUrl) { show(L.tileLayer(d.tilesUrl, options)); return; }
    if (!d.pmtilesUrl || !d.pmtilesScript) return;
    const archive = () => show(window.pmtiles.leafletRasterLayer(new window.pmtiles.PMTiles(d.pmtilesUrl), options));
    if (window.pmtiles) { archive(); return; }
    const script = document.createElement("script");
    script.src = d.pmtilesScript;
    script.addEventListener("load", archive);
    document.head.append(script);
  }

  function setup(map, onPick) {
    const tools = toolsOf(map);
    if (!tools) return;
    const d = tools.dataset;
    const nameOf = (p) => (d.lang === "en" && p.name_en ? p.name_en : d.lang === "fa" ? faDigits(p.name) : p.name);
    addBaseLayer(map, d);
    addLabels(map, d, nameOf);
    wireSearch(map, tools, d, nameOf, onPick);
  }

  function addLabels(map, d, nameOf) {
    fetch(d.placesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { features: [] }))
      .then((fc) => {
        const rank = (f) => KINDS.indexOf(f.properties.kind);
        const labels = fc.features.slice().sort((a, b) => rank(a) - rank(b)).map((f) => {
          const p = f.properties;
          const [lon, lat] = f.geometry.coordinates;
          const isCounty = p.kind === "county";
          const marker = L.circleMarker([lat, lon], {
            radius: isCounty ? 4 : 3, color: isCounty ? "#5a3e1b" : "#0b4f6c", weight: 2,
            fillColor: "#fff", fillOpacity: 1, interactive: false,
          }).addTo(map);
          marker.bindTooltip(nameOf(p), {
            permanent: true, direction: "top", offset: [0, -4], className: `place-label place-label-${p.kind}`,
          });
          return { marker, range: LABEL_ZOOM[p.kind] || [0, 30] };
        });
        // Show the names of the zoom level, the more important first (county commands, then
        // stations, then outposts), and leave out a name that would cover one already shown.
        const update = () => {
          const z = map.getZoom();
          const shown = [];
          labels.forEach(({ marker, range }) => {
            const tooltip = marker.getTooltip();
            const tip = tooltip && tooltip.getElement();
            if (!tip) return;
            const wanted = z >= range[0] && z < range[1];
            tip.style.display = wanted ? "" : "none";
            if (!wanted) return;
            tooltip.update(); // placed while hidden, it was placed with no width
            const r = tip.getBoundingClientRect();
            const covers = shown.some((o) => r.left < o.right && r.right > o.left && r.top < o.bottom && r.bottom > o.top);
            if (covers) tip.style.display = "none"; else shown.push(r);
          });
        };
        map.on("zoomend moveend", update);
        update();
      })
      .catch((err) => console.error(err));
  }

  function wireSearch(map, tools, d, nameOf, onPick) {
    const input = tools.querySelector("[data-map-search]");
    const go = tools.querySelector("[data-map-search-go]");
    const list = tools.querySelector(".map-search-results");
    let timer = null;
    let asked = 0;
    const kindLabel = (kind) => d["label" + kind[0].toUpperCase() + kind.slice(1)] || "";

    function choose(f) {
      const [lon, lat] = f.geometry.coordinates;
      const latlng = L.latLng(lat, lon);
      map.setView(latlng, Math.max(map.getZoom(), PICK_ZOOM[f.properties.kind] || 14));
      list.hidden = true;
      input.value = nameOf(f.properties);
      if (onPick) onPick(latlng, f.properties);
    }

    function show(features) {
      list.replaceChildren();
      if (!features.length) {
        const none = document.createElement("div");
        none.className = "list-group-item text-muted";
        none.textContent = d.labelNoMatch;
        list.append(none);
      }
      features.forEach((f) => {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action";
        item.textContent = nameOf(f.properties);
        const kind = document.createElement("span");
        kind.className = "text-muted ms-2 me-2";
        kind.textContent = kindLabel(f.properties.kind);
        item.append(kind);
        item.addEventListener("click", () => choose(f));
        list.append(item);
      });
      list.hidden = false;
    }

    function ask(pickFirst) {
      const q = input.value.trim();
      if (!q) { list.hidden = true; return; }
      const mine = ++asked;
      const url = `${d.placesUrl}?q=${encodeURIComponent(q)}`;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : { features: [] }))
        .then((fc) => {
          if (mine !== asked) return; // a later question was asked meanwhile
          if (pickFirst && fc.features.length) choose(fc.features[0]); else show(fc.features);
        });
    }

    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => ask(false), 250); });
    // Enter chooses the first place, and must not submit the complaint form around the box.
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); ask(true); }
      if (e.key === "Escape") list.hidden = true;
    });
    go.addEventListener("click", () => { clearTimeout(timer); ask(true); });
  }

  window.KalantarMap = { setup };
})();
