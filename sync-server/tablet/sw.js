// The tablet's service worker: keeps a copy of every file of the app so that it starts with no network.
// The server fills in its version (a hash of all the files) and the list of files: a new server version
// changes this text, the browser installs the new worker, and it takes the new files.
// The sync API (/api/) is never answered from the cache: an answer is sent or it is not.

const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `ocen-urzad-tablet-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Past the browser's HTTP cache: the files of this version, from the server.
    await cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('ocen-urzad-tablet-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/kiosk/')) {
    return;
  }
  // The app's page is one document whatever the query; everything else by its path.
  const key = event.request.mode === 'navigate' ? '/kiosk/' : url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(key);
    return cached || fetch(event.request);
  })());
});
