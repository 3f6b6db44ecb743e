// Staff pages: warn before the idle time-out and offer to stay logged in. Without JavaScript
// nothing is lost either: text sent after the time-out is held and restored after the next
// log-in (wbs/cases/drafts.py). Same origin only, no inline code (CSP).
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) return;
  var idle = Number(box.dataset.idleSeconds) * 1000;
  var warn = Number(box.dataset.warnSeconds) * 1000;
  var text = box.querySelector(".idle-text");
  var stay = box.querySelector(".idle-stay");
  var warnTimer = null;
  var endTimer = null;

  function ended() {
    text.textContent = box.dataset.endedText;
    stay.hidden = true;
    box.hidden = false;
    box.classList.add("idle-ended");
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(function () { box.hidden = false; stay.focus(); }, Math.max(0, idle - warn));
    endTimer = setTimeout(ended, idle);
  }

  stay.addEventListener("click", function () {
    fetch(box.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 204) schedule(); else ended();
      })
      .catch(ended);
  });
  schedule();
})();
