// The report form, with JavaScript (without it everything works the same, only without these
// conveniences). Same origin, no inline code (CSP).
// - Under "Anonim" the identity fields are disabled as well as hidden (site.css), so nothing
//   typed there can be sent and silently dropped.
// - File sizes are checked before sending, with the same limits as the server.
// - A long upload shows a progress bar.
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) return;

  var box = document.getElementById("identity-fields");
  function syncIdentity() {
    var chosen = form.querySelector('input[name="identity_mode"]:checked');
    var anonymous = !chosen || chosen.value === "anonymous";
    box.querySelectorAll("input, select, textarea").forEach(function (el) {
      el.disabled = anonymous;
    });
  }
  form.querySelectorAll('input[name="identity_mode"]').forEach(function (el) {
    el.addEventListener("change", syncIdentity);
  });
  syncIdentity();

  var input = form.querySelector('input[type="file"][name="attachments"]');
  if (!input) return;
  var maxFile = Number(form.dataset.maxFileBytes);
  var maxTotal = Number(form.dataset.maxReportBytes);
  var note = document.createElement("p");
  note.className = "errors size-check";
  note.id = "size-check";
  note.setAttribute("role", "alert");
  note.hidden = true;
  input.insertAdjacentElement("afterend", note);

  function heldBytes() {
    var total = 0;
    form.querySelectorAll('input[name="held_files"]').forEach(function (held) {
      var removed = form.querySelector('input[name="remove_held"][value="' + held.value + '"]');
      if (!removed || !removed.checked) total += Number(held.dataset.size || 0);
    });
    return total;
  }

  function problems() {
    var found = [];
    var total = heldBytes();
    Array.prototype.forEach.call(input.files || [], function (file) {
      total += file.size;
      if (file.size > maxFile) found.push(form.dataset.msgFile.replace("{name}", file.name));
    });
    if (total > maxTotal) found.push(form.dataset.msgTotal);
    return found;
  }

  function show(messages) {
    note.textContent = messages.join(" ");
    note.hidden = messages.length === 0;
  }

  input.addEventListener("change", function () { show(problems()); });

  form.addEventListener("submit", function (event) {
    var found = problems();
    if (found.length) {
      event.preventDefault();
      show(found);
      input.focus();
      return;
    }
    var sending = 0;
    Array.prototype.forEach.call(input.files || [], function (file) { sending += file.size; });
    if (sending < 256 * 1024 || !window.FormData || !window.XMLHttpRequest) return;
    // A long upload: send it here to show its progress, then show the page that comes back.
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var action = (submitter && submitter.getAttribute("formaction")) || form.action;
    var status = document.createElement("div");
    status.className = "upload-progress";
    status.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = form.dataset.msgSending;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    status.appendChild(text);
    status.appendChild(bar);
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    (submitter || form).insertAdjacentElement("afterend", status);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", action.split("#")[0]);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", function () {
      history.replaceState(null, "", xhr.responseURL || action);
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      status.remove();
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      show([form.dataset.msgFailed]);
    });
    xhr.send(data);
  });
})();
