// Installs the service worker (offline page, push notifications). Every page works
// without it; browsers without service workers simply skip this.
"use strict";

if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // Private windows and some settings refuse workers: nothing depends on it.
    });
  });
}
