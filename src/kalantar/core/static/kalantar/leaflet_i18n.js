// Leaflet's built-in control titles and marker text are English; take the page's
// translations from <body data-label-*> (rendered by base.html with {% translate %}).
// Load right after leaflet.js, before any map is created.
(function () {
  "use strict";
  if (!window.L) return;
  const d = document.body.dataset;
  if (d.labelZoomIn) L.Control.Zoom.mergeOptions({ zoomInTitle: d.labelZoomIn, zoomOutTitle: d.labelZoomOut });
  if (d.labelMarker) L.Marker.mergeOptions({ alt: d.labelMarker });
  // The popup's close button has a fixed English aria-label and no option for it.
  if (d.labelClose) {
    L.Map.addInitHook(function () {
      this.on("popupopen", (e) => {
        const button = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (button) button.setAttribute("aria-label", d.labelClose);
      });
    });
  }
})();
