// Behaviour that used to sit in inline attributes (style="…", onsubmit="…", onchange="…"):
// the Content-Security-Policy allows no inline script or style, so it is applied from here.
(function () {
  "use strict";

  function apply(root) {
    root.querySelectorAll("[data-qpdo-width]").forEach(function (el) {
      el.style.width = el.dataset.qpdoWidth + "%";
    });
    root.querySelectorAll("[data-qpdo-max-width]").forEach(function (el) {
      el.style.maxWidth = el.dataset.qpdoMaxWidth + "px";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset ? form.dataset.confirm : null;
    var button = event.submitter;
    if (!message && button && button.dataset) {
      message = button.dataset.confirm;
    }
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  } else {
    apply(document);
  }
})();
