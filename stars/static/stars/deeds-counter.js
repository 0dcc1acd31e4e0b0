/* Live character counter for <textarea data-count-max>: counts as a person counts 字数.
 * Mirrors stars/text.py count_chars(), rule for rule, so the page and the server agree:
 * NFC first; whitespace, combining marks, format characters and skin tones not counted;
 * a ZWJ-joined emoji sequence or a regional-indicator pair (a flag) counts once. */
(function () {
  "use strict";
  var SPACE = /\s/u, MARK = /\p{M}/u, FORMAT = /\p{Cf}/u;

  function countChars(text) {
    var count = 0, joined = false, pendingFlag = false;
    for (var ch of (text || "").normalize("NFC")) {
      var code = ch.codePointAt(0);
      if (code === 0x200d) { joined = true; continue; }
      if (SPACE.test(ch)) { joined = pendingFlag = false; continue; }
      if (MARK.test(ch) || FORMAT.test(ch) || (code >= 0x1f3fb && code <= 0x1f3ff)) { continue; }
      if (joined) { joined = false; continue; }
      if (code >= 0x1f1e6 && code <= 0x1f1ff) {
        if (pendingFlag) { pendingFlag = false; continue; }
        pendingFlag = true;
      } else {
        pendingFlag = false;
      }
      count += 1;
    }
    return count;
  }
  window.qpdoCountChars = countChars;

  function attach(area) {
    var max = parseInt(area.getAttribute("data-count-max"), 10);
    var box = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!box) {
      box = document.createElement("div");
      box.className = "stars-counter small mb-3";
      box.setAttribute("aria-live", "polite");
      box.innerHTML = '已输入 <strong data-count>0</strong> / ' + max + ' 字';
      area.insertAdjacentElement("afterend", box);
    }
    var number = box.querySelector("[data-count]");
    function update() {
      var n = countChars(area.value);
      number.textContent = n;
      var over = n > max;
      box.classList.toggle("text-danger", over);
      box.classList.toggle("fw-semibold", over);
      var note = box.querySelector("[data-over]");
      if (over) {
        if (!note) {
          note = document.createElement("span");
          note.setAttribute("data-over", "");
          box.appendChild(note);
        }
        note.textContent = "，超出 " + (n - max) + " 字，请删减";
      } else if (note) {
        note.remove();
      }
    }
    area.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-count-max]").forEach(attach);
})();
