/* Agora's service worker: what a phone can read when the signal is gone.
 *
 * - The app shell (the hashed CSS, JS and icon, and the offline page) is kept in a cache
 *   named after this release. A new release has a new script, so the browser installs it on
 *   the next visit; it takes over at once and drops the shells of older releases.
 * - Pages are fetched from the network first, always. The home page, region pages, concern
 *   pages and the forms to write one are also saved (the KEEP most recent), and shown from
 *   the device when the network fails, with the "you are offline" notice switched on.
 * - Nothing is ever sent from here: forms go over the network or wait on the page, as a
 *   draft, until the signal is back (see /static/agora.js).
 */
"use strict";

const VERSION = {{ version|tojson }};
const SHELL = "agora-shell-" + VERSION;
const SHELL_URLS = {{ shell|tojson }};
const PAGES = "agora-pages";
const OFFLINE_PAGE = "/offline";
const KEEP = 30;
const SAVED = /^\/(r\/[^/]+(\/new|\/record)?|c\/[0-9]+)?$/;
const HASHED = /^\/static\/(.+)\.[0-9a-f]{10}(\.[a-z]+)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((cache) => cache.addAll(SHELL_URLS))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names
          .filter((name) => name.startsWith("agora-shell-") && name !== SHELL)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request, url));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
  }
});

async function staticFile(request, url) {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  try {
    return await fetch(request);
  } catch (error) {
    // A page saved under an older release names older files: give it today's.
    const hashed = HASHED.exec(url.pathname);
    const today = hashed && SHELL_URLS.find((shellUrl) => {
      const other = HASHED.exec(shellUrl);
      return other && other[1] === hashed[1] && other[2] === hashed[2];
    });
    if (today) return caches.match(today, { cacheName: SHELL });
    throw error;
  }
}

async function page(event, request, url) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && SAVED.test(url.pathname)) {
      event.waitUntil(save(request, response.clone()));
    }
    return response;
  } catch (error) {
    const saved = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
    if (saved) return markedOffline(saved);
    const offline = await caches.match(OFFLINE_PAGE, { cacheName: SHELL, ignoreVary: true });
    return offline || Response.error();
  }
}

async function save(request, response) {
  const cache = await caches.open(PAGES);
  await cache.delete(request, { ignoreVary: true });  // the newest goes last
  await cache.put(request, response);
  const requests = await cache.keys();
  await Promise.all(requests.slice(0, -KEEP).map((old) => cache.delete(old)));
}

async function markedOffline(saved) {
  const html = await saved.text();
  const shown = html.replace('id="offline-notice" hidden', 'id="offline-notice" data-saved-copy');
  return new Response(shown, {
    status: 200,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}
