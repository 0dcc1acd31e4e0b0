// The admin's autocomplete boxes (select2) get the name of the field they replace, so screen
// readers announce them (axe: aria-input-field-name).
function qpdoNameAutocompletes() {
  document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
    if (box.getAttribute("aria-label")) return;
    const container = box.closest(".select2");
    let select = container && container.previousElementSibling;
    if (!(select && select.tagName === "SELECT") && container && container.parentElement) {
      select = container.parentElement.querySelector("select");
    }
    const label = select && select.id && document.querySelector("label[for='" + select.id + "']");
    if (!label) return;
    const name = label.textContent.replace(/[:：]\s*$/, "").trim();
    box.setAttribute("aria-label", name);
    // aria-labelledby would win over the name and points at the shown choice (often empty).
    box.removeAttribute("aria-labelledby");
    box.querySelectorAll("[role=textbox]").forEach(function (shown) {
      shown.setAttribute("aria-label", name);
    });
  });
}
window.addEventListener("load", function () {
  qpdoNameAutocompletes();
  setTimeout(qpdoNameAutocompletes, 300);
  // select2 may build its boxes later (inlines, "add another"): name those as they appear.
  new MutationObserver(function () {
    qpdoNameAutocompletes();
  }).observe(document.body, { childList: true, subtree: true });
});
