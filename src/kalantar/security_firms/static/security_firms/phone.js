// The guard's phone pages: send the phone's location with a scan or a report when the
// guard allows it, and read a checkpoint's NFC tag where the browser can (Web NFC).
(function () {
  "use strict";
  document.querySelectorAll("form.sf-locate").forEach(function (form) {
    var status = form.querySelector(".sf-location-status");
    var lon = form.querySelector("input[name=lon]");
    var lat = form.querySelector("input[name=lat]");
    function say(key) {
      if (status && status.dataset[key]) status.textContent = status.dataset[key];
    }
    if (lon && lat && navigator.geolocation) {
      say("waiting");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lon.value = position.coords.longitude.toFixed(6);
          lat.value = position.coords.latitude.toFixed(6);
          form.dataset.located = "yes";
          say("found");
        },
        function () { form.dataset.located = "no"; say("none"); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
      );
    }
    var nfc = form.querySelector(".sf-nfc");
    var tag = form.querySelector("input[name=nfc_tag]");
    if (nfc && tag && "NDEFReader" in window) {
      nfc.classList.remove("d-none");
      nfc.addEventListener("click", function () {
        var reader = new window.NDEFReader();
        reader.scan().then(function () {
          reader.onreading = function (event) { tag.value = event.serialNumber; };
        });
      });
    }
  });
})();
