// Live events (community/live.py) may replay what the page already shows: a page's stream
// starts a little before the page was rendered, so that nothing published in between is
// lost. An element that arrives with the id of one already on the page is that same item
// again: the one already there stays and the copy goes. Elements swapped whole (the bell,
// "Seen", out-of-band swaps) replace their old selves and are left alone.
(function () {
  "use strict";
  var present = [];

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    present = [];
    var data = event.detail && event.detail.data;
    if (typeof data !== "string" || data.indexOf("id=") === -1) {
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = data;
    template.content.querySelectorAll("[id]").forEach(function (node) {
      var existing = document.getElementById(node.id);
      if (existing) {
        present.push(existing);
      }
    });
  });

  document.addEventListener("htmx:sseMessage", function () {
    present.forEach(function (kept) {
      if (!kept.isConnected) {
        return; // Replaced by the swap (outerHTML): nothing is doubled.
      }
      document.querySelectorAll('[id="' + CSS.escape(kept.id) + '"]').forEach(function (node) {
        if (node !== kept) {
          node.remove();
        }
      });
    });
    present = [];
  });
})();

// A stream the server ends on purpose (every few minutes under uvicorn, after each answer
// when the app runs under a WSGI server and polls) is followed by the browser reconnecting
// on its own, after the `retry:` the stream sent. The SSE extension would log each such end
// as an error: only a stream the browser gave up on (closed) goes to its handler, which
// reconnects it with a back-off.
(function () {
  "use strict";
  if (!window.htmx || !window.EventSource) {
    return;
  }
  window.htmx.createEventSource = function (url) {
    var source = new EventSource(url, { withCredentials: true });
    var handler = null;
    Object.defineProperty(source, "onerror", {
      get: function () { return handler; },
      set: function (callback) { handler = callback; },
    });
    source.addEventListener("error", function (event) {
      if (source.readyState === EventSource.CONNECTING || !handler) {
        return;
      }
      handler.call(source, event);
    });
    return source;
  };
})();
