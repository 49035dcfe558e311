// The public statistics page: the bar chart of closed incidents by category and the map of
// H3 cells. Data come from json_script elements; words and the areas' URL from this
// script element's data- attributes.
(function () {
  "use strict";
  const d = document.currentScript.dataset;
  const shown = (c) => (c === "<5" ? d.labelFewer : c === "withheld" ? d.labelWithheld : String(c));
  const rtl = document.documentElement.dir === "rtl";
  const chartData = JSON.parse(document.getElementById("chart-data").textContent);
  const canvas = document.getElementById("category-chart");
  if (canvas && window.Chart) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: chartData.labels, datasets: [{ data: chartData.values,
        backgroundColor: chartData.small.map((s) => (s ? "#adb5bd" : "#1f4e79")) }] },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: {
          label: (ctx) => (chartData.small[ctx.dataIndex] ? shown(chartData.raw[ctx.dataIndex]) : ctx.formattedValue) } } },
        scales: { x: { reverse: rtl, beginAtZero: true },
          y: { position: rtl ? "right" : "left", ticks: { autoSkip: false } } } },
    });
  }
  const cells = JSON.parse(document.getElementById("cells-data").textContent);
  const mapEl = document.getElementById("cells-map");
  if (mapEl && window.L) {
    const map = L.map(mapEl, { attributionControl: false });
    const max = Math.max(5, ...cells.features.map((f) => (typeof f.properties.count === "number" ? f.properties.count : 0)));
    const layer = L.geoJSON(cells, {
      style: (f) => {
        const n = typeof f.properties.count === "number" ? f.properties.count : 2.5;
        return { color: "#1f4e79", weight: 1, fillColor: "#c0392b", fillOpacity: 0.15 + 0.65 * n / max };
      },
      onEachFeature: (f, l) => l.bindTooltip(shown(f.properties.count)),
    }).addTo(map);
    if (cells.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([34.8, 48.5], 8); }
    // The stations' areas, for orientation (there is no tile server).
    fetch(d.areasUrl).then((r) => r.json()).then((areas) => {
      L.geoJSON(areas, { style: { color: "#6c757d", weight: 1, fill: false }, interactive: false })
        .addTo(map).bringToBack();
    });
  }
})();
