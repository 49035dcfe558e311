// The redaction editor: the frame at the chosen time, with each rectangle of the form drawn
// over it (dashed until ticked); dragging a rectangle writes its new place into the form.
(function () {
  "use strict";
  var preview = document.getElementById("redact-preview");
  var frame = document.getElementById("redact-frame");
  var layer = document.getElementById("redact-boxes");
  var at = document.getElementById("redact-at");
  var form = document.getElementById("redact-form");
  if (!preview || !frame || !layer || !at || !form) return;
  var width = Number(preview.dataset.width) || 1;
  var height = Number(preview.dataset.height) || 1;
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹", ARABIC = "٠١٢٣٤٥٦٧٨٩";
  var persianPage = (document.documentElement.lang || "fa") === "fa";

  function latin(text) {
    return String(text || "").replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    }).replace("٫", ".").trim();
  }
  function localDigits(text) {
    return persianPage ? String(text).replace(/[0-9]/g, function (d) { return PERSIAN[d]; }) : String(text);
  }
  function seconds(text) {
    var parts = latin(text).split(":");
    if (!parts[0]) return NaN;
    var total = 0;
    for (var i = 0; i < parts.length; i++) total = total * 60 + Number(parts[i]);
    return total;
  }
  function field(row, name) {
    return row.querySelector("input[name$='-" + name + "']");
  }
  function rowBox(row) {
    var box = { row: row, on: field(row, "on").checked };
    ["start", "end"].forEach(function (k) { box[k] = seconds(field(row, k).value); });
    ["x", "y", "width", "height"].forEach(function (k) { box[k] = Number(latin(field(row, k).value)); });
    box.valid = ["start", "end", "x", "y", "width", "height"].every(function (k) { return isFinite(box[k]); }) && box.width > 0 && box.height > 0;
    return box;
  }
  function now() {
    var value = seconds(at.value);
    return isFinite(value) ? value : 0;
  }
  function draw() {
    layer.textContent = "";
    var moment = now();
    form.querySelectorAll("tr.redact-row").forEach(function (row) {
      var box = rowBox(row);
      if (!box.valid || moment < box.start || moment >= box.end) return;
      var div = document.createElement("div");
      div.className = "redact-box" + (box.on ? " is-on" : "");
      div.style.left = (100 * box.x / width) + "%";
      div.style.top = (100 * box.y / height) + "%";
      div.style.width = (100 * box.width / width) + "%";
      div.style.height = (100 * box.height / height) + "%";
      var label = document.createElement("span");
      label.textContent = localDigits(row.dataset.row);
      div.appendChild(label);
      drag(div, row);
      layer.appendChild(div);
    });
  }
  function drag(div, row) {
    div.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      div.setPointerCapture(event.pointerId);
      var scale = width / frame.clientWidth;
      var start = { x: event.clientX, y: event.clientY };
      var box = rowBox(row);
      function move(e) {
        var x = Math.round(Math.min(Math.max(0, box.x + (e.clientX - start.x) * scale), width - box.width));
        var y = Math.round(Math.min(Math.max(0, box.y + (e.clientY - start.y) * scale), height - box.height));
        div.style.left = (100 * x / width) + "%";
        div.style.top = (100 * y / height) + "%";
        field(row, "x").value = localDigits(x);
        field(row, "y").value = localDigits(y);
      }
      function up() {
        div.removeEventListener("pointermove", move);
        div.removeEventListener("pointerup", up);
        draw();
      }
      div.addEventListener("pointermove", move);
      div.addEventListener("pointerup", up);
    });
  }
  function show() {
    frame.src = frame.dataset.base + "?t=" + encodeURIComponent(now());
    draw();
  }
  document.getElementById("preview-form").addEventListener("submit", function (event) {
    event.preventDefault();
    show();
  });
  form.addEventListener("input", draw);
  form.addEventListener("change", draw);
  // Working on a row shows its rectangle: the frame moves to the row's start.
  form.querySelectorAll("tr.redact-row").forEach(function (row) {
    row.addEventListener("focusin", function () {
      var box = rowBox(row);
      if (box.valid && (now() < box.start || now() >= box.end)) {
        at.value = field(row, "start").value;
        show();
      }
    });
    // A blank row that is filled in is meant to be blurred.
    ["x", "y", "width", "height"].forEach(function (k) {
      field(row, k).addEventListener("change", function () {
        if (!row.classList.contains("is-suggested") && rowBox(row).valid) field(row, "on").checked = true;
        draw();
      });
    });
  });
  frame.addEventListener("load", draw);
  draw();
})();
