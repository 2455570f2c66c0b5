// Concord's service worker: keeps the signed-in person's buildings and their current plans for use without a
// connection. The server says which URLs it may keep ({{ urls_endpoint }}); every other copy is dropped at each
// refresh, and everything is dropped when the person is signed out.
"use strict";

const PAGES = "concord-pages-v{{ cache_version }}";
const STATIC = "concord-static-v{{ cache_version }}";
const LIST_URL = "{{ urls_endpoint|escapejs }}";
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
const CACHED_AT = "X-Concord-Cached-At";
const MARKER = "<!--offline-copy-->";
// A refresh is not repeated within this time, unless asked (back online, signed in again).
const REFRESH_EVERY_MS = 60 * 1000;
// The worker's own requests must not count as the person's activity (portal/middleware.py).
const BACKGROUND = { "X-Concord-Background": "1" };
// A field packet's file never changes (a new packet has a new address): fetched once, so each refresh does
// not download it again (and record another export of its plans).
const UNCHANGING = /^\/packets\/[^/]+\/file\/$/;

let lastRefresh = 0;
let refreshing = null;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== PAGES && key !== STATIC).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  let done;
  if (type === "clear") {
    done = clearAll();
  } else if (type === "refresh") {
    done = refresh(Boolean(event.data.force));
  } else {
    return;
  }
  event.waitUntil(
    done.then(() => {
      if (event.source) event.source.postMessage({ type: `${type}ed` });
    })
  );
});

function clearAll() {
  lastRefresh = 0;
  return caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))));
}

function pathOf(url) {
  const parsed = new URL(url, self.location.origin);
  return parsed.pathname;
}

async function allowedPaths() {
  const cache = await caches.open(PAGES);
  const list = await cache.match(LIST_URL);
  if (!list) return new Set();
  const data = await list.json();
  return new Set(data.urls);
}

function stamped(response, when) {
  const headers = new Headers(response.headers);
  headers.set(CACHED_AT, when);
  return response.blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

async function refresh(force) {
  if (refreshing) return refreshing;
  if (!force && Date.now() - lastRefresh < REFRESH_EVERY_MS) return undefined;
  refreshing = doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function doRefresh() {
  let listResponse;
  try {
    listResponse = await fetch(LIST_URL, { credentials: "same-origin", cache: "no-store", redirect: "manual", headers: BACKGROUND });
  } catch (error) {
    return; // offline: keep the copies until the server can be asked again
  }
  if (listResponse.status === 401 || listResponse.status === 403 || listResponse.type === "opaqueredirect") {
    await clearAll(); // signed out (here or everywhere): keep nothing
    return;
  }
  if (!listResponse.ok) return; // the server is in trouble: ask again later
  const data = await listResponse.clone().json();
  const allowed = new Set(data.urls);
  const cache = await caches.open(PAGES);
  // Drop first, so a page no longer listed is gone even if fetching the others fails half-way.
  for (const request of await cache.keys()) {
    const path = pathOf(request.url);
    if (path !== LIST_URL && !allowed.has(path)) await cache.delete(request);
  }
  await cache.put(LIST_URL, listResponse);
  const when = new Date().toISOString();
  for (const url of data.urls) {
    if (UNCHANGING.test(url) && (await cache.match(url))) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual", headers: BACKGROUND });
      if (response.ok) {
        await cache.put(url, await stamped(response, when));
      } else if (response.status !== 429 && response.status < 500) {
        await cache.delete(url); // gone, refused or signed out: no copy
      }
    } catch (error) {
      return; // the connection dropped: what is kept stays until the next refresh
    }
  }
  lastRefresh = Date.now();
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function labelled(cached) {
  const when = cached.headers.get(CACHED_AT) || "";
  const type = cached.headers.get("Content-Type") || "";
  if (!type.startsWith("text/html")) return cached;
  const shown = when ? new Date(when).toLocaleString() : "an earlier visit";
  const banner =
    `<p class="offline-copy" role="status"><strong>Offline copy as of <time datetime="${escapeHtml(when)}">` +
    `${escapeHtml(shown)}</time>.</strong> You have no connection: this page is as it was then, and is ` +
    "refreshed when you are back online.</p>";
  const text = (await cached.text()).replace(MARKER, banner);
  const headers = new Headers(cached.headers);
  headers.delete("Content-Length");
  return new Response(text, { status: 200, headers });
}

async function offlinePage() {
  // The buildings kept offline, so that the app opened with no connection still leads to them.
  const list = await (await caches.open(PAGES)).match(LIST_URL);
  const buildings = list ? (await list.json()).buildings || [] : [];
  const links = buildings
    .map((building) => `<li><a href="${escapeHtml(building.url)}">${escapeHtml(building.name)}</a></li>`)
    .join("");
  const kept = links
    ? `<p>Your buildings are kept for use without a connection:</p><ul>${links}</ul>`
    : "<p>Nothing is kept for use without a connection yet: open Concord while online first.</p>";
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Offline · Concord</title></head><body><main><h1>You are offline</h1>" +
    `<p>This page has no offline copy.</p>${kept}</main></body></html>`;
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" },
  });
}

async function fromNetworkOrCopy(event) {
  const request = event.request;
  const path = pathOf(request.url);
  const allowed = await allowedPaths();
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    if (allowed.has(path)) {
      const cached = await (await caches.open(PAGES)).match(path);
      if (cached) return request.mode === "navigate" ? labelled(cached) : cached;
    }
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
  if (allowed.has(path) && !new URL(request.url).search) {
    const cache = await caches.open(PAGES);
    if (response.ok && !response.redirected) {
      event.waitUntil(stamped(response.clone(), new Date().toISOString()).then((copy) => cache.put(path, copy)));
    } else if (response.status < 500 && response.status !== 429) {
      event.waitUntil(cache.delete(path)); // no longer readable (or signed out): no copy
    }
  }
  return response;
}

async function staticAsset(request) {
  const cache = await caches.open(STATIC);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticAsset(request));
    return;
  }
  if (request.mode === "navigate" || url.pathname.includes("/documents/") || UNCHANGING.test(url.pathname)) {
    event.respondWith(fromNetworkOrCopy(event));
  }
});
