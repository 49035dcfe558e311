// Online complaint form: the anonymous box only for categories that allow it, and the
// officer's name only for complaints about officers' conduct. The server checks both anyway.
(function () {
  "use strict";
  const form = document.getElementById("complaint-form");
  if (!form) return;
  const list = (value) => (value || "").split(",").filter(Boolean);
  const anonymousAllowed = list(form.dataset.anonymousCategories);
  const conduct = list(form.dataset.conductCategories);
  const category = form.querySelector("[name=category]");
  const anonymous = form.querySelector("[name=is_anonymous]");
  const anonymousRow = document.getElementById("anonymous-row");
  const officerRow = document.getElementById("officer-row");
  if (!category) return;

  function update() {
    const allowed = anonymousAllowed.includes(category.value);
    if (anonymousRow) anonymousRow.hidden = !allowed && !(anonymous && anonymous.checked);
    if (officerRow) officerRow.hidden = !conduct.includes(category.value);
  }
  category.addEventListener("change", update);
  update();
})();
