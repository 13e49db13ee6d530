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
