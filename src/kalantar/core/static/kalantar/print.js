// Print pages (receipts, referral letters): a button with data-print prints the page, and a
// page whose <body> has data-autoprint opens the print dialogue once it has loaded.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
  if (document.body.dataset.autoprint) {
    window.addEventListener("load", () => window.print());
  }
})();
