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
    root.querySelectorAll("table.qpdo-cards").forEach(labelCards);
  }

  // A list table marked qpdo-cards becomes one card per row on a phone (see qpdo.css): each
  // cell is captioned with its column's header, and the row's link (or first cell) is the
  // card's title. Cells that carry their own data-label or title class keep them.
  function labelCards(table) {
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) {
      return;
    }
    var names = [];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) {
        names.push(th.textContent.replace(/\s+/g, " ").trim());
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length === 1 && row.cells[0].colSpan > 1) {
          return; // the "nothing here" row
        }
        var column = 0;
        var hasTitle = row.querySelector(".qpdo-card-title");
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column] || "";
          if (!cell.hasAttribute("data-label") && name) {
            cell.setAttribute("data-label", name);
          }
          column += cell.colSpan || 1;
        });
        if (!hasTitle) {
          var linked = Array.prototype.find.call(row.cells, function (cell) {
            return cell.querySelector("a[href]");
          });
          (linked || row.cells[0]).classList.add("qpdo-card-title");
        }
      });
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
