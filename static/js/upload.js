// Upload progress: a form that sends files is posted with XMLHttpRequest so that the page can
// show how much has been sent. The server's answer is then handled as a normal submit would:
// a redirect (passed back by UploadProgressMiddleware as X-Qpdo-Location, so the flash
// messages are not spent) is followed, a page (the form with its errors, a refusal) replaces
// this one, a file is downloaded. Without XMLHttpRequest/FormData, for a form marked
// data-no-progress, or when nothing is chosen, the browser submits as usual.
(function () {
  "use strict";

  if (!window.XMLHttpRequest || !window.FormData || !window.Blob) {
    return;
  }

  function chosenBytes(form) {
    var total = 0;
    var found = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "file" && !el.disabled && el.files) {
        Array.prototype.forEach.call(el.files, function (file) {
          found = true;
          total += file.size;
        });
      }
    });
    return found ? Math.max(total, 1) : 0;
  }

  function formatSize(bytes) {
    if (bytes < 1024 * 1024) {
      return Math.max(1, Math.round(bytes / 1024)) + " KB";
    }
    return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "") + " MB";
  }

  function progressBox(form, submitter) {
    var box = document.createElement("div");
    box.className = "qpdo-upload";
    box.setAttribute("data-testid", "upload-progress");
    var bar = document.createElement("div");
    bar.className = "qpdo-upload-bar";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "上传进度");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", "0");
    var fill = document.createElement("div");
    fill.className = "qpdo-upload-fill";
    bar.appendChild(fill);
    var text = document.createElement("div");
    text.className = "qpdo-upload-text";
    text.setAttribute("role", "status");
    text.textContent = "正在上传……";
    box.appendChild(bar);
    box.appendChild(text);
    var anchor = submitter && form.contains(submitter) ? submitter.parentNode : null;
    if (anchor && anchor !== form) {
      anchor.parentNode.insertBefore(box, anchor);
    } else {
      form.appendChild(box);
    }
    return {
      box: box,
      show: function (sent, total) {
        var percent = Math.min(100, Math.round((sent / total) * 100));
        bar.setAttribute("aria-valuenow", String(percent));
        fill.style.width = percent + "%";
        text.textContent = percent < 100
          ? "正在上传：" + percent + "%（" + formatSize(sent) + " / " + formatSize(total) + "）"
          : "上传完成，正在处理，请稍候……";
      },
      fail: function (message) {
        box.classList.add("qpdo-upload-failed");
        text.textContent = message;
      },
    };
  }

  function setBusy(form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button, input[type=submit]"), function (b) {
      if (busy) {
        b.dataset.qpdoWasDisabled = b.disabled ? "1" : "";
        b.disabled = true;
      } else {
        b.disabled = b.dataset.qpdoWasDisabled === "1";
      }
    });
  }

  function nativeSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function filename(disposition) {
    var match = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (match) {
      return decodeURIComponent(match[1]);
    }
    match = /filename="?([^";]+)"?/i.exec(disposition || "");
    return match ? match[1] : "";
  }

  function showPage(xhr) {
    xhr.response.text().then(function (html) {
      if (xhr.responseURL && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", xhr.responseURL);
      }
      document.open();
      document.write(html);
      document.close();
    });
  }

  function download(xhr) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(xhr.response);
    link.download = filename(xhr.getResponseHeader("Content-Disposition")) || "download";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter || null;
    var method = ((submitter && submitter.getAttribute("formmethod")) || form.method || "").toLowerCase();
    var target = (submitter && submitter.getAttribute("formtarget")) || form.target;
    if (method !== "post" || form.enctype !== "multipart/form-data" || (target && target !== "_self")) {
      return;
    }
    if (form.hasAttribute("data-no-progress")) {
      return;
    }
    var total = chosenBytes(form);
    if (!total) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var action = (submitter && submitter.getAttribute("formaction")) || form.action;
    var progress = progressBox(form, submitter);
    setBusy(form, true);

    var xhr = new XMLHttpRequest();
    xhr.open("POST", action);
    xhr.responseType = "blob";
    xhr.setRequestHeader("X-Qpdo-Upload", "1");
    xhr.upload.addEventListener("progress", function (e) {
      progress.show(e.loaded, e.lengthComputable ? e.total : total);
    });
    xhr.addEventListener("load", function () {
      var location = xhr.getResponseHeader("X-Qpdo-Location");
      var type = xhr.getResponseHeader("Content-Type") || "";
      var disposition = xhr.getResponseHeader("Content-Disposition") || "";
      if (location) {
        window.location.assign(location);
      } else if (/attachment/i.test(disposition) || type.indexOf("text/html") !== 0) {
        download(xhr);
        progress.box.remove();
        setBusy(form, false);
      } else {
        showPage(xhr);
      }
    });
    xhr.addEventListener("error", function () {
      // The connection broke: let the browser try the same submission the ordinary way.
      progress.fail("上传中断，正在按普通方式重新提交……");
      setBusy(form, false);
      nativeSubmit(form, submitter);
    });
    xhr.send(data);
  });
})();
