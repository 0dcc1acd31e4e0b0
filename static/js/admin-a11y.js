// The admin's autocomplete boxes (select2) get the name of the field they replace, so screen
// readers announce them (axe: aria-input-field-name).
function qpdoNameAutocompletes() {
  document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
    if (box.getAttribute("aria-label")) return;
    const container = box.closest(".select2");
    const select = container && container.previousElementSibling;
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
});
