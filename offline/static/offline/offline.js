// Registers Concord's service worker for a signed-in person and asks it to refresh their offline copies (now, and
// when the connection comes back); on a page seen signed out, drops every offline copy this browser kept.
"use strict";

(function () {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  const script = document.currentScript;
  const signedIn = script && script.dataset.signedIn === "true";
  const workerUrl = script && script.dataset.worker;

  function tell(message) {
    return navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  if (!signedIn) {
    // Signed out here, timed out, or signed out everywhere from another device: keep nothing.
    caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))));
    navigator.serviceWorker.getRegistration().then((registration) => {
      if (registration && registration.active) registration.active.postMessage({ type: "clear" });
    });
    return;
  }
  navigator.serviceWorker
    .register(workerUrl, { scope: "/" })
    .then(() => tell({ type: "refresh" }))
    .catch(() => {}); // no worker (a private window, an old browser): the site works online as before
  window.addEventListener("online", () => tell({ type: "refresh", force: true }));
  // Signing out drops the copies even before the sign-out page's Clear-Site-Data arrives.
  document.addEventListener("submit", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.hasAttribute("data-sign-out")) {
      tell({ type: "clear" });
    }
  });
})();
