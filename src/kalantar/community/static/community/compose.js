// The alert composer: ask for the preview (counts only) whenever the area, topic or
// priority changes.
(function () {
  "use strict";
  const form = document.getElementById("alert-form");
  const box = document.getElementById("alert-preview");
  if (!form || !box) return;
  const refresh = () => {
    const params = new URLSearchParams(new FormData(form));
    params.delete("csrfmiddlewaretoken");
    params.delete("text");
    fetch(`${box.dataset.url}?${params}`, { credentials: "same-origin" })
      .then((r) => r.text())
      .then((html) => { box.innerHTML = html; });
  };
  ["id_neighbourhood", "id_topic", "id_priority"].forEach((id) => {
    const el = document.getElementById(id);
    if (el) el.addEventListener("change", refresh);
  });
})();
