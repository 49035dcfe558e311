// Work queue: the header's check box selects every row's. Delegated, because htmx replaces
// the table whenever a filter changes.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    const table = all.closest("table");
    table.querySelectorAll(all.dataset.selectAll).forEach((box) => { box.checked = all.checked; });
  });
})();
