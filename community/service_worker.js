/* Rounds' service worker, served at /sw.js by community/service_worker.py, which puts the
   constants CACHE, SHELL, OFFLINE_URL and ICON_URL above this text.

   What it keeps: the static shell (stylesheets, icons, htmx) and the offline page, nothing
   else. Navigations and every other request go to the network and are never stored, so a
   member's private pages never land in a cache another person could read on a shared
   device; when a navigation fails, the offline page answers instead. It also shows push
   notifications and opens their link when one is clicked. */

"use strict";

const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // "reload": fetched from the network, not the browser's HTTP cache.
      .then((cache) => cache.addAll([OFFLINE_URL, ...SHELL].map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("rounds-") && name !== CACHE).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    // Network only; the offline page when the network fails (not on an error status).
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL, { ignoreSearch: true })));
    return;
  }
  if (url.origin === self.location.origin && SHELL_PATHS.has(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
  // Anything else is left to the browser: fetched from the network, never stored here.
});

function sameOriginUrl(value) {
  try {
    const url = new URL(value || "/notifications/", self.location.origin);
    if (url.origin === self.location.origin) return url.href;
  } catch (error) {
    // Not a URL: fall through to the notifications page.
  }
  return new URL("/notifications/", self.location.origin).href;
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const title = typeof data.title === "string" && data.title ? data.title : "Rounds";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      icon: ICON_URL,
      badge: ICON_URL,
      tag: typeof data.tag === "string" ? data.tag : undefined,
      data: { url: sameOriginUrl(data.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target);
      if (open) return open.focus();
      return self.clients.openWindow(target);
    }),
  );
});
