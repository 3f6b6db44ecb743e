// The report form: under "Anonim" the identity fields are disabled as well as hidden (site.css),
// so nothing typed there can be sent and silently dropped. Same origin, no inline code (CSP).
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) return;
  var box = document.getElementById("identity-fields");
  function sync() {
    var chosen = form.querySelector('input[name="identity_mode"]:checked');
    var anonymous = !chosen || chosen.value === "anonymous";
    box.querySelectorAll("input, select, textarea").forEach(function (el) {
      el.disabled = anonymous;
    });
  }
  form.querySelectorAll('input[name="identity_mode"]').forEach(function (el) {
    el.addEventListener("change", sync);
  });
  sync();
})();
