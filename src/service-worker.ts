/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The app-shell cache for offline use. Documents themselves live in IndexedDB (y-indexeddb,
 * see src/lib/sync/connect-doc.ts); this worker makes sure the pages and the code that open them
 * load with no network:
 *
 * - install: precache the build's immutable assets and the static files (`shell-<version>`);
 * - activate: drop the caches of older versions, take control of open pages at once;
 * - pages (navigations) and SvelteKit data requests: network first with a short timeout, every
 *   good GET answer kept per URL (`pages-<version>`); offline, the kept copy of that URL, else the
 *   workspace's board (or any kept page of the workspace), else `/offline.html`;
 * - workspace files (runbook images, `isWorkspaceFile`): cache first from `files`, kept on a
 *   200. Content-addressed, so the cache outlives versions;
 * - never cached: the rest of the API, the websocket, sign-in/out and setup (see `NEVER_CACHE_PATHS`),
 *   non-GET requests, answers that are not 200 or say `Cache-Control: no-store`;
 * - signing out or in (form, REST or single sign-on) empties the page and file caches: they hold
 *   pages and files only the signed-in user may see.
 */
import { build, files, version } from '$service-worker';
import {
  DATA_SUFFIX,
  changesSession,
  isNeverCached,
  isServiceWorkerMessage,
  isWorkspaceFile,
  workspaceOfPagePath
} from '$lib/offline/sw-protocol';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = `shell-${version}`;
// Versioned too: a kept page names the build's hashed assets, which only its version's shell
// cache holds.
const PAGES_CACHE = `pages-${version}`;
// Not versioned: a file's id is the hash of its bytes, so a copy is right for every version.
const FILES_CACHE = 'files';
const OFFLINE_PAGE = '/offline.html';

/** How long a page request may take before a kept copy is shown instead. */
const NETWORK_TIMEOUT_MS = 3_000;

/**
 * How long a page copy kept after a client-side navigation counts as fresh (it embeds the
 * layout data, e.g. the language and the member list, of when it was rendered).
 */
const KEPT_PAGE_FRESH_MS = 10 * 60_000;

/** Most page and data copies kept; the oldest go first. */
const MAX_KEPT_PAGES = 300;

const SHELL_ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll([...SHELL_ASSETS]);
      // The new version takes over without waiting for every tab to close: assets are
      // immutable and versioned, so a page of the old version keeps its own files until reload.
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== SHELL_CACHE && key !== PAGES_CACHE && key !== FILES_CACHE)
          await caches.delete(key);
      }
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;

  if (changesSession(request.method, url.pathname)) event.waitUntil(clearPages());
  if (request.method !== 'GET') return;
  if (isWorkspaceFile(url.pathname)) {
    event.respondWith(cacheFirst(event, request));
    return;
  }
  if (isNeverCached(url.pathname)) return;

  if (SHELL_ASSETS.has(url.pathname)) {
    event.respondWith(fromShell(request));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(event, request, () => pageFallback(url)));
    return;
  }
  if (url.pathname.endsWith(DATA_SUFFIX)) {
    event.respondWith(networkFirst(event, request, () => Promise.resolve(dataUnavailable())));
  }
  // Anything else (e.g. /_app/version.json) goes to the network as usual.
});

sw.addEventListener('message', (event) => {
  const message: unknown = event.data;
  if (!isServiceWorkerMessage(message)) return;
  if (message.type === 'cache-page') event.waitUntil(keepPage(message.url));
});

/** A precached asset; the network if the shell cache lost it (storage pressure). */
async function fromShell(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached ?? fetch(request);
}

/**
 * A workspace file: the kept copy, else the network's answer, kept on a 200 (files are
 * immutable, so a copy never needs refreshing). A failed fetch rejects as it would without
 * the worker: the page shows a broken image.
 */
async function cacheFirst(event: FetchEvent, request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: FILES_CACHE, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (isCacheable(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(FILES_CACHE).then((cache) => cache.put(request, copy)));
  }
  return response;
}

/**
 * The network's answer, kept when cacheable; the kept copy if the network fails or takes
 * longer than `NETWORK_TIMEOUT_MS` (the network answer still refreshes the copy); `fallback()`
 * when there is neither.
 */
async function networkFirst(
  event: FetchEvent,
  request: Request,
  fallback: () => Promise<Response>
): Promise<Response> {
  const network = fetch(request);
  // Kept beside the answer, not before it: the page need not wait for the cache write. This
  // callback runs before the page reads the body (it is registered first), so the clone works.
  event.waitUntil(
    network
      .then(async (response) => {
        if (isCacheable(response)) await keep(request, response.clone());
      })
      .catch(() => undefined)
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), NETWORK_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== 'slow') return first;
    // Slow network: a kept copy now, else keep waiting for the network.
    return (await cachedPage(request)) ?? (await network);
  } catch {
    return (await cachedPage(request)) ?? (await fallback());
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stores a page or data answer, then drops the oldest copies beyond `MAX_KEPT_PAGES`: every
 * filter combination in a URL is a page of its own, and the cache must not grow without end.
 */
async function keep(request: Request | string, response: Response): Promise<void> {
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(request, response);
  const keys = await cache.keys();
  // Keys come in the order they were stored; a refreshed copy moves to the end.
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_KEPT_PAGES))) {
    await cache.delete(old);
  }
}

/** Only complete, successful, same-origin answers the server allows to store. */
function isCacheable(response: Response): boolean {
  if (response.status !== 200 || response.type !== 'basic') return false;
  const cacheControl = response.headers.get('cache-control') ?? '';
  return !/\bno-store\b/i.test(cacheControl);
}

async function cachedPage(request: Request | string): Promise<Response | undefined> {
  return caches.match(request, { cacheName: PAGES_CACHE, ignoreVary: true });
}

/**
 * Offline and this page was never kept: a kept page of the same workspace (its board first),
 * for `/` the workspace used last, else the offline page. A redirect rather than another page's
 * HTML under this URL: SvelteKit hydrates the route and params the HTML was rendered for, so
 * the address bar must name the page actually shown.
 */
async function pageFallback(url: URL): Promise<Response> {
  const cache = await caches.open(PAGES_CACHE);
  const pages = (await cache.keys())
    .map((request) => new URL(request.url))
    .filter((kept) => !kept.pathname.endsWith(DATA_SUFFIX));
  const workspace = workspaceOfPagePath(url.pathname);
  let candidates: URL[] = [];
  if (workspace !== null) {
    candidates = pages.filter((kept) => workspaceOfPagePath(kept.pathname) === workspace);
  } else if (url.pathname === '/') {
    // `/` opens the last workspace; keys are in the order the copies were stored.
    const last = pages.findLast((kept) => workspaceOfPagePath(kept.pathname) !== null);
    const lastWorkspace = last ? workspaceOfPagePath(last.pathname) : null;
    candidates = pages.filter((kept) => workspaceOfPagePath(kept.pathname) === lastWorkspace);
  }
  const target =
    candidates.find((kept) => /^\/w\/[^/]+\/board\/?$/.test(kept.pathname)) ?? candidates.at(-1);
  if (target !== undefined && target.href !== url.href) return Response.redirect(target.href, 302);

  const offline = await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE, ignoreVary: true });
  return (
    offline ?? new Response('Offline', { status: 503, headers: { 'content-type': 'text/plain' } })
  );
}

/**
 * A client-side navigation's data, offline and never kept. A JSON error the SvelteKit client
 * shows on its error page (rather than a network error, which it reports as a crash).
 */
function dataUnavailable(): Response {
  return new Response(JSON.stringify('Offline: this page is not saved on this device.'), {
    status: 503,
    headers: { 'content-type': 'application/json' }
  });
}

/**
 * Keeps a copy of a page the app showed through client-side navigation (only its data went
 * through the network), so it also opens offline. A copy younger than `KEPT_PAGE_FRESH_MS` is
 * left alone, so moving back and forth between pages does not render each one again and again.
 */
async function keepPage(href: string): Promise<void> {
  const url = new URL(href, sw.location.origin);
  if (url.origin !== sw.location.origin || isNeverCached(url.pathname)) return;
  if (url.pathname.endsWith(DATA_SUFFIX) || SHELL_ASSETS.has(url.pathname)) return;
  const kept = await cachedPage(url.href);
  const keptAt = Date.parse(kept?.headers.get('date') ?? '');
  if (Number.isFinite(keptAt) && Date.now() - keptAt < KEPT_PAGE_FRESH_MS) return;
  try {
    const response = await fetch(url.href, {
      credentials: 'same-origin',
      headers: { accept: 'text/html' },
      redirect: 'manual'
    });
    if (isCacheable(response)) await keep(url.href, response);
  } catch {
    // Offline or the server is down: the next visit tries again.
  }
}

/**
 * Empties the page and file caches (sign-in or -out): they hold pages rendered for, and files
 * only readable by, the signed-in user.
 */
async function clearPages(): Promise<void> {
  for (const key of await caches.keys()) {
    if (key.startsWith('pages-') || key === FILES_CACHE) await caches.delete(key);
  }
}
