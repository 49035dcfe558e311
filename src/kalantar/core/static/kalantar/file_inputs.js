// A native file input shows the browser's own words ("Choose Files", "No file chosen"),
// whatever the page's language. Show the page's words instead: a button and the chosen
// names, labelled from <body data-label-*> (rendered by base.html with {% translate %}).
// The input itself stays in the form, so submitting is unchanged.
(function () {
  "use strict";
  const d = document.body.dataset;
  if (!d.labelChooseFiles) return;
  const separator = document.documentElement.lang === "fa" ? "، " : ", ";

  function enhance(input) {
    if (input.dataset.picker) return;
    input.dataset.picker = "on";
    const group = document.createElement("div");
    group.className = "input-group file-picker";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = input.multiple ? d.labelChooseFiles : d.labelChooseFile;
    const names = document.createElement("span");
    names.className = "form-control text-truncate";
    names.setAttribute("aria-live", "polite");
    const show = () => {
      const chosen = Array.from(input.files || [], (f) => f.name);
      names.textContent = chosen.length ? chosen.join(separator) : d.labelNoFile;
      names.classList.toggle("text-muted", !chosen.length);
    };
    input.before(group);
    group.append(button, names, input);
    input.classList.add("visually-hidden");
    input.tabIndex = -1; // the button takes the focus instead
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", show);
    show();
  }

  const scan = (root) => root.querySelectorAll('input[type="file"]').forEach(enhance);
  scan(document);
  document.body.addEventListener("htmx:afterSwap", (event) => scan(event.target));
})();
