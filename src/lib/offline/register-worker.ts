/**
 * Registers the service worker (src/service-worker.ts) once the page has settled, instead of
 * SvelteKit's registration on `load` (turned off in svelte.config.js).
 *
 * Installing the worker precaches the whole app shell, a few hundred requests. On `load` they
 * compete with what the page is still doing: the document's websocket sync and the first
 * render of a large runbook, which a cold open then waited on (about 150 ms of the runbook
 * benchmark's "editable from the server", bench/README.md). Waiting for a quiet moment moves the
 * precache behind them; the worker still controls the page a second or two after load, and
 * everything opened meanwhile is kept once it does (OfflineSupport.svelte).
 */

/** Quiet time after `load` before the worker is registered. */
export const REGISTER_DELAY_MS = 1_000;
/** Longest wait for an idle moment after that. */
const IDLE_TIMEOUT_MS = 3_000;

export interface RegisterWorkerOptions {
  /** The worker's script, e.g. `${base}/service-worker.js`. */
  url: string;
  /** `module` in development, where Vite serves the worker as an ES module. */
  type: WorkerType;
  delayMs?: number;
}

/**
 * Registers the worker after `load`, `delayMs` and an idle callback; returns a function that
 * cancels a registration not started yet. Does nothing without service worker support.
 */
export function registerWorkerWhenSettled(options: RegisterWorkerOptions): () => void {
  const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;
  if (container === undefined) return () => undefined;
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle: number | undefined;

  const register = (): void => {
    if (cancelled) return;
    container.register(options.url, { type: options.type }).catch((error: unknown) => {
      // Offline use is lost, the app itself works: say so where developers look.
      console.warn('service worker registration failed', error);
    });
  };
  const whenIdle = (): void => {
    if (cancelled) return;
    if (typeof requestIdleCallback === 'function') {
      idle = requestIdleCallback(register, { timeout: IDLE_TIMEOUT_MS });
    } else {
      register();
    }
  };
  const afterLoad = (): void => {
    timer = setTimeout(whenIdle, options.delayMs ?? REGISTER_DELAY_MS);
  };

  if (document.readyState === 'complete') afterLoad();
  else window.addEventListener('load', afterLoad, { once: true });
  return () => {
    cancelled = true;
    window.removeEventListener('load', afterLoad);
    clearTimeout(timer);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}
