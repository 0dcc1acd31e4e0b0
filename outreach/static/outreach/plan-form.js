/* The annual plan form: when the page comes back with errors, move the focus (and the view)
 * to the summary at its top; a link in the summary moves the focus to the first field of the
 * faulty row. Without JavaScript the summary and its anchors still work. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.scrollIntoView({block: "start"});
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var field = target.matches("input, select, textarea") ? target
      : target.querySelector(".is-invalid, input:not([type=hidden]), select, textarea");
    target.scrollIntoView({block: "center"});
    if (field) { field.focus(); }
  });
}());
