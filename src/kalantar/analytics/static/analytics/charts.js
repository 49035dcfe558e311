// CompStat trend: weekly incident counts as lines (Chart.js from npm).
(function () {
  "use strict";
  const canvas = document.getElementById("trend-chart");
  if (!canvas || !window.Chart) return;
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const labels = JSON.parse(document.getElementById("trend-labels").textContent);
  const palette = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589"];
  const fa = document.documentElement.lang === "fa";
  const digits = (n) => (fa ? String(n).replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[c]) : String(n));
  const datasets = Object.entries(data.series).map(([name, values], i) => ({
    label: name,
    data: values,
    borderColor: palette[i % palette.length],
    backgroundColor: palette[i % palette.length],
    borderWidth: i === 0 ? 3 : 1.5,
    pointRadius: 0,
    tension: 0.25,
  }));
  Chart.defaults.font.family = "Vazirmatn, system-ui, sans-serif";
  new Chart(canvas, {
    type: "line",
    data: { labels, datasets },
    options: {
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { reverse: fa, ticks: { maxTicksLimit: 12 } },
        y: { beginAtZero: true, position: fa ? "right" : "left", ticks: { callback: digits } },
      },
      plugins: { legend: { rtl: fa, position: "bottom" }, tooltip: { rtl: fa } },
    },
  });
  canvas.dataset.ready = "1";
})();
