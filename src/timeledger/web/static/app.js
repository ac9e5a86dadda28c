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

  // Reports: typed dates win over the period picker (docs/web.md), so picking a preset
  // clears the dates and typing a date picks "Custom dates".
  document.addEventListener("change", function (event) {
    var target = event.target, period = document.getElementById("report-period");
    if (!period || !target) { return; }
    if (target === period && period.value !== "custom") {
      ["report-from", "report-to"].forEach(function (id) { document.getElementById(id).value = ""; });
    } else if ((target.id === "report-from" || target.id === "report-to") && target.value) {
      period.value = "custom";
    }
  });
  // htmx swaps only 2xx answers, so a refused request (429, 403 CSRF, 413, 400, 5xx)
  // would change nothing on screen. Say what the server said, in an alert at the top.
  function refusal(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "", message = "";
    try {
      if (type.indexOf("application/json") === 0) {
        message = JSON.parse(xhr.responseText).message || "";
      } else if (type.indexOf("text/html") === 0) {
        var found = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[role=alert]");
        message = found ? found.textContent.trim() : "";
      } else {
        message = xhr.responseText.slice(0, 300);
      }
    } catch (e) { message = ""; }
    return message || "The server refused this request (HTTP " + xhr.status + "). Nothing was saved.";
  }
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("request-error"), main = document.getElementById("main");
    // The page's own alert answered the previous request; only the new message stays.
    var stale = main.querySelectorAll(":scope > [role=alert]:not(#request-error)");
    for (var i = 0; i < stale.length; i++) { stale[i].remove(); }
    if (!box) {
      box = document.createElement("p");
      box.id = "request-error";
      box.className = "error";
      box.setAttribute("role", "alert");
      main.insertBefore(box, main.children[1] || null);
    }
    box.textContent = refusal(event.detail.xhr);
    // Keyboard focus goes to the message (a refused sign-in, 429), not the page top.
    box.tabIndex = -1;
    box.focus();
  });
  // After htmx swaps a page in, focus stays where the page puts it (an autofocus field,
  // a kept id); when it would fall back to the page top, it goes to the page's message
  // (its alert, else its status) so a keyboard user hears and continues from there.
  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) { return; }
    var message = document.querySelector("#main > [role=alert], #main > [role=status]");
    if (message) {
      message.tabIndex = -1;
      message.focus();
    }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) { box.remove(); }
  });
})();
