// Jalali date pickers on every field marked data-jalali-picker="date" or "datetime".
// Typing stays possible: the field accepts Persian and Latin digits either way.
(function () {
  "use strict";
  if (!window.jalaliDatepicker) return;
  const fa = document.documentElement.lang === "fa";
  jalaliDatepicker.startWatch({
    selector: "input[data-jalali-picker]",
    autoShow: false,
    autoReadOnlyInput: false,
    hasSecond: false,
    persianDigits: fa,
    zIndex: 2000,
  });
  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.jalaliPicker) return;
    jalaliDatepicker.updateOptions({ time: input.dataset.jalaliPicker === "datetime" });
    jalaliDatepicker.show(input);
  });
})();
