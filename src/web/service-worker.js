/*
 * The counter's service worker: the app shell and the photo check's model come from the cache, so the page opens and
 * works without the server. The API is never cached: personal data stays in IndexedDB, encrypted (intake/counter/vault.ts).
 * Built by vite.config.ts, which puts the list of the build's files and its version in place of the two names below.
 */
const VERSION = __BUILD_VERSION__;
const PRECACHE = __PRECACHE_URLS__;
const CACHE = `doithe-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('doithe-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // The newest shell when the line is up, the cached one when it is not.
    event.respondWith(fetch(request).catch(() => caches.match('/index.html')));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
});
