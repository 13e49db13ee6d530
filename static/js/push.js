// "Turn on push for this device" on the notification preferences page: asks the browser
// for permission, subscribes with the site's VAPID key, and sends the subscription to the
// server. Without JavaScript or web push the button stays hidden and the page says so.
"use strict";

(() => {
  const section = document.getElementById("push");
  if (!section) return;
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;
  if (!supported) return;
  const controls = section.querySelector("[data-push-controls]");
  const button = section.querySelector("[data-push-subscribe]");
  const status = section.querySelector("[data-push-status]");
  section.querySelector("[data-push-unavailable]").hidden = true;
  controls.hidden = false;

  const csrfToken = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };
  const keyBytes = (base64url) => {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  };

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Asking your browser…";
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        status.textContent = "Your browser did not allow notifications for this site. You can change that in its site settings.";
        return;
      }
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(section.dataset.pushKey) }));
      const response = await fetch(section.dataset.pushUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON()),
      });
      if (!response.ok) {
        const answer = await response.json().catch(() => ({}));
        status.textContent = answer.error || "The site could not save this device. Please try again.";
        return;
      }
      window.location.reload();
    } catch (error) {
      status.textContent = "Push could not be turned on in this browser.";
    } finally {
      button.disabled = false;
    }
  });
})();
