// timeledger's own script: the CSRF header on every htmx request, the ticking timer and
// the keyboard shortcut. htmx does the rest.
(function () {
  "use strict";

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // starlette-csrf's double-submit check: the csrftoken cookie, echoed in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = cookie("csrftoken");
  });

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function tick() {
    var clocks = document.querySelectorAll("[role=timer][data-started]");
    for (var i = 0; i < clocks.length; i++) {
      var started = Date.parse(clocks[i].getAttribute("data-started"));
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
      clocks[i].textContent = h + ":" + pad(m) + ":" + pad(s);
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  // "/" jumps to the "Track time on" field, as in many web apps' search.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (event.key === "/" && !typing) {
      var field = document.getElementById("track");
      if (field) { event.preventDefault(); field.focus(); }
    }
  });
})();
