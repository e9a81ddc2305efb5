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
})();
