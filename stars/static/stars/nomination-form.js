/* The 申报表 form: prefill from the chosen nominee's staff record, show the post's category,
 * show the 比武 select only for 比武竞赛, offering the nominee's own entries. Without
 * JavaScript the form still works (the server checks every choice). */
(function () {
  "use strict";
  var form = document.getElementById("nomination-form");
  if (!form) { return; }
  var prefill = JSON.parse(document.getElementById("nominee-prefill").textContent);
  var posts = JSON.parse(document.getElementById("post-categories").textContent);
  var nominee = form.querySelector("#id_nominee");
  var post = form.querySelector("#id_post");
  var FIELDS = ["name", "gender", "native_place", "political_status", "education",
                "birth_month", "years_on_post"];

  function fillFromNominee() {
    var data = prefill[nominee.value];
    if (!data) { return; }
    FIELDS.forEach(function (field) {
      var input = form.querySelector("#id_" + field);
      if (input) { input.value = data[field] === null || data[field] === undefined ? "" : data[field]; }
    });
  }
  if (nominee) {
    nominee.addEventListener("change", fillFromNominee);
    // A nominee chosen before this script ran (a quick hand, or the browser restoring the
    // form) still fills an empty form.
    var name = form.querySelector("#id_name");
    if (nominee.value && name && !name.value) { fillFromNominee(); }
  }

  function showCategory() {
    var box = document.getElementById("post-category");
    var info = posts[post.value];
    box.textContent = info ? info.category : "—";
  }
  if (post) { post.addEventListener("change", showCategory); showCategory(); }

  // The 比武 select offers only the chosen nominee's entries (the server checks it again).
  var entry = form.querySelector("#id_competition_entry");
  var noEntries = form.querySelector('[data-testid="no-entries"]');
  function filterEntries() {
    if (!entry) { return; }
    var who = nominee ? nominee.value : "";
    var shown = 0;
    Array.prototype.forEach.call(entry.options, function (option) {
      if (!option.value) { return; }
      var mine = option.getAttribute("data-staff") === who;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine) { shown += 1; }
    });
    var current = entry.options[entry.selectedIndex];
    if (current && current.value && current.disabled) { entry.value = ""; }
    if (noEntries) { noEntries.hidden = !who || shown > 0; }
  }
  if (nominee) { nominee.addEventListener("change", filterEntries); }
  filterEntries();

  function toggleCompetition() {
    var checked = form.querySelector('input[name="source"]:checked');
    var show = checked && checked.value === "competition";
    form.querySelectorAll("[data-show-when-competition]").forEach(function (el) {
      el.hidden = !show;
    });
  }
  form.querySelectorAll('input[name="source"]').forEach(function (radio) {
    radio.addEventListener("change", toggleCompetition);
  });
  toggleCompetition();
})();
