// Small behaviour around htmx; no inline scripts (the CSP forbids them).
(function () {
  "use strict";

  function announce(text, kind) {
    var region = document.getElementById("live-status");
    if (!region) return;
    region.textContent = "";
    var message = document.createElement("p");
    message.className = "live-status__message live-status__message--" + (kind || "info");
    message.textContent = text;
    region.appendChild(message);
  }

  // 403, 404, 500 and network failures are not swapped (base.html's responseHandling):
  // the form stays as the user left it, and this says why nothing happened.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var body = document.body.dataset;
    var text = status === 403 ? body.msgForbidden : status === 404 ? body.msgMissing : body.msgError;
    announce(text + " (" + status + ")", "error");
  });
  document.addEventListener("htmx:sendError", function () {
    announce(document.body.dataset.msgOffline, "error");
  });

  // After a swap that removed the focused control (Cancel, Delete), put focus on the
  // fragment's own focus target instead of letting it fall back to <body>.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (document.activeElement && document.activeElement !== document.body) return;
    var scope = event.detail.elt;
    var target = scope && scope.isConnected ? scope.querySelector("[data-focus-after-swap]") : null;
    if (!target && scope && scope.isConnected && scope.matches("[data-focus-after-swap]")) target = scope;
    if (target) target.focus();
  });

  // Messages fade from view after a while but stay in the live region's history for screen readers.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "live-status") {
      window.clearTimeout(announce.timer);
      announce.timer = window.setTimeout(function () {
        var region = document.getElementById("live-status");
        if (region) region.textContent = "";
      }, 8000);
    }
  });

  // A page that waits for the task worker (a PDF being prepared, a publication): it asks whether
  // the result is there (HEAD, every data-wait-seconds) and only then loads it, instead of
  // reloading itself (a timed refresh moves the page away from the reader: WCAG 2.2.1). Without
  // JavaScript, a <noscript> meta refresh does the asking.
  var waiting = document.querySelector("[data-wait-url]");
  if (waiting) {
    var url = waiting.dataset.waitUrl;
    var seconds = parseFloat(waiting.dataset.waitSeconds) || 3;
    var ask = function () {
      fetch(url, { method: "HEAD", cache: "no-store", credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (response.status === 202) {
            window.setTimeout(ask, seconds * 1000);
          } else {
            window.location.replace(url);
          }
        })
        .catch(function () {
          window.setTimeout(ask, seconds * 1000);
        });
    };
    window.setTimeout(ask, seconds * 1000);
  }
})();
