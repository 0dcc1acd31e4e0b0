// The 常用意见 pick-list fills the opinion box of its decision form (no inline scripts: CSP).
document.addEventListener("change", function (event) {
  const select = event.target;
  if (!select.classList || !select.classList.contains("wf-common") || !select.value) return;
  const box = document.getElementById(select.dataset.target);
  if (box) {
    box.value = select.value;
    box.focus();
  }
  select.value = "";
});

// 退回至 matters only for 退回修改: show it when that decision is chosen.
function qpdoToggleReturnTo(form) {
  const target = form.querySelector(".wf-return-to");
  if (!target) return;
  const chosen = form.querySelector("input[name=decision]:checked");
  target.hidden = !(chosen && chosen.value === "return");
}
document.addEventListener("change", function (event) {
  if (event.target.name === "decision" && event.target.form) {
    qpdoToggleReturnTo(event.target.form);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".wf-decision-form").forEach(qpdoToggleReturnTo);
});
