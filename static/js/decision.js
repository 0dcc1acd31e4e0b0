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
