// The service worker: the app shell (index.html and the hashed assets of this build) is cached so
// the console opens offline and installs as a PWA. API answers, the configuration and the sign-in
// service are NEVER cached: they go to the network, and fail as the network fails.
// Typed by hand: the console compiles with the DOM lib, which cannot be mixed with the WebWorker lib.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(answer: Promise<Response>): void;
}
interface WorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}
const worker = self as unknown as WorkerScope;
/** filled in by bin/build-console.ts: this build's shell files */
declare const __SHELL__: string[];
declare const __BUILD__: string;

const CACHE = `console-shell-${__BUILD__}`;
const SHELL = new Set(__SHELL__);

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL]))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('console-shell-') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
  // a page navigation gets the shell (network first, so a new build is picked up)
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('/index.html').then((r) => r ?? Response.error())));
    return;
  }
  // only this build's shell files come from the cache; everything else (the API) is not touched
  if (!SHELL.has(url.pathname)) return;
  event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)));
});

export {};
