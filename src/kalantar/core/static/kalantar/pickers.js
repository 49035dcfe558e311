// Jalali date pickers on every field marked data-jalali-picker="date" or "datetime".
// Typing stays possible: the field accepts Persian and Latin digits either way.
(function () {
  "use strict";
  if (!window.jalaliDatepicker) return;
  const fa = document.documentElement.lang === "fa";
  const labels = document.body.dataset;
  const options = {
    selector: "input[data-jalali-picker]",
    autoShow: false,
    autoReadOnlyInput: false,
    hasSecond: false,
    persianDigits: fa,
    zIndex: 2000,
  };
  // The picker's names are Persian only; other languages pass theirs from base.html.
  if (labels.pickerMonths) options.months = labels.pickerMonths.split(",");
  if (labels.pickerDays) options.days = labels.pickerDays.split(",");
  jalaliDatepicker.startWatch(options);

  // Its footer buttons have fixed Persian captions and no option: relabel them once drawn.
  const captions = {
    "امروز": labels.pickerToday,
    "انتخاب": labels.pickerChoose,
    "خالی": labels.pickerClear,
    "بستن": labels.pickerToday && labels.labelClose,
  };
  const relabel = (el) => {
    const caption = el.childElementCount === 0 && captions[el.textContent.trim()];
    if (caption) el.textContent = caption;
  };
  if (labels.pickerToday) {
    new MutationObserver((records) => {
      records.forEach((r) => r.addedNodes.forEach((n) => {
        if (n instanceof Element && n.parentElement && n.parentElement.classList.contains("jdp-footer")) relabel(n);
      }));
    }).observe(document.body, { childList: true, subtree: true });
  }

  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.jalaliPicker) return;
    jalaliDatepicker.updateOptions({ time: input.dataset.jalaliPicker === "datetime" });
    jalaliDatepicker.show(input);
  });
})();
