// The push channel on the page (calldesk.live): the screen pop, and polling only while the stream
// is down.
//
// base.html connects htmx's SSE extension once on <body>; elements refresh on an event with
// hx-trigger="sse:<event>". An element that also says data-live-poll="N" and hx-trigger="...,
// live:poll" is sent live:poll every N seconds while the stream is down (a proxy that buffers
// it, a server without it), and once when it comes back, since events of the gap may be lost.
// The stream counts as up from its "stream-open" event, and stays up while something (an event
// or the keep-alive the server sends every 20 s) arrived within the last 45 s.
//
// The screen pop (III.1): a call-pop event fills #screen-pop with the caller's name, type and
// route (as text, never as markup) and gives its link the key Alt+R; when the person chose to
// open calls at once, the call screen opens straight away.
(function () {
  "use strict";

  var SILENCE_MS = 45000;
  var GRACE_MS = 3000;
  var body = document.body;
  if (!body || !body.hasAttribute("sse-connect")) return;

  var source = null;
  var heardAt = 0;
  var wasDown = false;
  var loadedAt = Date.now();
  var polledAt = new WeakMap();

  function isUp() {
    return heardAt > 0 && Date.now() - heardAt < SILENCE_MS;
  }

  function heard() {
    var comingBack = wasDown;
    heardAt = Date.now();
    wasDown = false;
    body.setAttribute("data-live", "up");
    if (comingBack) pollAll();
  }

  function pollAll() {
    document.querySelectorAll("[data-live-poll]").forEach(function (element) {
      polledAt.set(element, Date.now());
      htmx.trigger(element, "live:poll");
    });
  }

  function tick() {
    if (isUp() || Date.now() - loadedAt < GRACE_MS) return;
    if (!wasDown) {
      wasDown = true;
      body.setAttribute("data-live", "down");
    }
    var now = Date.now();
    document.querySelectorAll("[data-live-poll]").forEach(function (element) {
      var every = 1000 * (parseFloat(element.getAttribute("data-live-poll")) || 10);
      var last = polledAt.get(element) || loadedAt;
      if (now - last >= every) {
        polledAt.set(element, now);
        htmx.trigger(element, "live:poll");
      }
    });
  }

  function showPop(event) {
    var pop = document.getElementById("screen-pop");
    var call;
    try {
      call = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!pop || !call || !call.url) return;
    if (pop.getAttribute("data-open-at-once") === "true") {
      window.location.assign(call.url);
      return;
    }
    document.getElementById("screen-pop-caller").textContent = call.caller || "";
    document.getElementById("screen-pop-type").textContent = call.type || "";
    document.getElementById("screen-pop-route").textContent = call.route || "";
    var open = document.getElementById("screen-pop-open");
    open.setAttribute("href", call.url);
    open.setAttribute("data-shortcut", "Alt+r");
    pop.setAttribute("data-call", String(call.call));
    pop.hidden = false;
  }

  function listen(eventSource) {
    if (eventSource === source) return;
    source = eventSource;
    ["stream-open", "keep-alive"].forEach(function (name) {
      eventSource.addEventListener(name, heard);
    });
    eventSource.addEventListener("stream-reset", function () {
      heard();
      pollAll();
    });
    eventSource.addEventListener("call-pop", function (event) {
      heard();
      showPop(event);
    });
  }

  body.addEventListener("htmx:sseOpen", function (event) {
    listen(event.detail.source);
  });
  body.addEventListener("htmx:sseMessage", heard);
  body.addEventListener("htmx:sseError", function () {
    heardAt = 0;
  });
  window.setInterval(tick, 1000);
})();
