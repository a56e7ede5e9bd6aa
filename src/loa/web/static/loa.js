// Loa's page behaviour, kept out of the HTML so that the Content-Security-Policy allows no inline script.
// data-autosubmit: a control that submits its form when changed.
// data-check-all="NAME": a checkbox that ticks or clears every checkbox named NAME.
// data-back: a link that goes back one page (its href is where to go without history).
// data-width="N": an element (a progress bar's fill) N% wide.
(function () {
  "use strict";

  function widths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0)) + "%";
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
    if (el.matches("[data-check-all]")) {
      document.querySelectorAll('input[type=checkbox][name="' + el.dataset.checkAll + '"]').forEach(function (c) {
        c.checked = el.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  document.addEventListener("htmx:load", function (event) { widths(event.target); });
})();
