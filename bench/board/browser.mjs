// Browser figures with Debian Chromium through Playwright: time from navigation to the first
// rendered task card (cold, and from IndexedDB) and frame times while scrolling.
import { chromium, request } from '@playwright/test';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CARD = '[data-testid="task-card"]';

/**
 * Runs in every document before the app: records, on the navigation's own clock
 * (`performance.now()` counts from navigation start), when the first task card is inserted
 * into the DOM and the next animation frame after it (the frame that paints it).
 */
export function firstCardProbe() {
  /** @type {Record<string, number>} */
  const marks = {};
  /** @type {any} */ (window).__benchMarks = marks;
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="task-card"]')) return;
    if (marks.firstCard === undefined) {
      marks.firstCard = performance.now();
      requestAnimationFrame(() => {
        marks.firstCardFrame = performance.now();
      });
    }
    // A big board may start from its stored preview (read-only); it is live (editable) once
    // the document is loaded and the preview notice is gone.
    if (!document.querySelector('[data-testid="board-previewing"]')) {
      marks.live = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', () => {
    marks.domContentLoaded = performance.now();
  });
}

/** @param {import('@playwright/test').Page} page */
async function readMarks(page) {
  await page.waitForSelector(CARD, { timeout: 180_000 });
  await page.waitForFunction(() => /** @type {any} */ (window).__benchMarks?.firstCardFrame, null, {
    timeout: 10_000
  });
  await page.waitForFunction(() => /** @type {any} */ (window).__benchMarks?.live, null, {
    timeout: 180_000
  });
  return page.evaluate(() => {
    const m = /** @type {any} */ (window).__benchMarks;
    const nav = /** @type {PerformanceNavigationTiming | undefined} */ (
      performance.getEntriesByType('navigation')[0]
    );
    return {
      firstCardMs: m.firstCard,
      firstCardFrameMs: m.firstCardFrame,
      liveMs: m.live,
      domContentLoadedMs: m.domContentLoaded ?? nav?.domContentLoadedEventEnd ?? NaN,
      responseEndMs: nav?.responseEnd ?? NaN,
      cards: document.querySelectorAll('[data-testid="task-card"]').length
    };
  });
}

/** Launches Chromium with the flags the e2e tests use. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  });
}

/**
 * Signs in over REST once and returns the storage state (session cookie) for new contexts, so
 * the login rate limit is touched once per run.
 * @param {string} baseURL
 * @param {string} email
 * @param {string} password
 */
export async function signInState(baseURL, email, password) {
  const api = await request.newContext({ baseURL });
  try {
    const reply = await api.post('/api/v1/auth/login', { data: { email, password } });
    if (reply.status() !== 200) throw new Error(`sign-in: ${reply.status()} ${await reply.text()}`);
    return await api.storageState();
  } finally {
    await api.dispose();
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * (a) cold: a new context each run (no HTTP cache, no IndexedDB, no service worker), the
 * board document unloaded on the server (its room unloads 2 s after the last connection).
 * @param {{ browser: import('@playwright/test').Browser, baseURL: string, path: string,
 *   storageState: any, runs: number, log: (s: string) => void }} o
 */
export async function coldFirstCard(o) {
  /** @type {any[]} */
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    // Let the server unload the document after the previous run's connection closed.
    await sleep(2500);
    const context = await o.browser.newContext({
      baseURL: o.baseURL,
      storageState: o.storageState
    });
    try {
      await context.addInitScript(firstCardProbe);
      const page = await context.newPage();
      await page.goto(o.path, { waitUntil: 'commit' });
      const m = await readMarks(page);
      runs.push(m);
      o.log(
        `    run ${i + 1}: first card ${m.firstCardMs.toFixed(0)} ms (painted frame ${m.firstCardFrameMs.toFixed(0)} ms; live board ${m.liveMs.toFixed(0)} ms; ` +
          `HTML ${m.responseEndMs.toFixed(0)} ms, DOMContentLoaded ${m.domContentLoadedMs.toFixed(0)} ms; ${m.cards} cards in the DOM)`
      );
    } finally {
      await context.close();
    }
  }
  return summarize(runs);
}

/**
 * Opens the board once in a fresh context and waits until the full board is shown and stored in
 * IndexedDB (y-indexeddb's `updates` store of the document holds it).
 * @param {import('@playwright/test').BrowserContext} context
 * @param {string} path
 * @param {string} docName
 * @param {number} expectOpen
 */
export async function warmUp(context, path, docName, expectOpen) {
  const page = await context.newPage();
  await page.goto(path);
  await page.waitForSelector(CARD, { timeout: 180_000 });
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="task-count"]');
      return el !== null && (el.textContent ?? '').replace(/[^0-9]/g, '') === String(n);
    },
    expectOpen,
    { timeout: 180_000 }
  );
  // y-indexeddb writes each update as it arrives; wait until the store holds the board, so the
  // reload reads it.
  await waitForOfflineCopy(page, docName);
  // With the app-shell service worker: once it controls the page, load the board again through
  // it, so it keeps a copy of the page for when the server is gone.
  const sw = await page.evaluate(async () => {
    if (!('serviceWorker' in navigator)) return false;
    // The app registers its worker once the page has settled (register-worker.ts): a board that
    // is live quickly is checked before that, so wait for the registration too.
    for (let i = 0; i < 200 && !(await navigator.serviceWorker.getRegistration()); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!(await navigator.serviceWorker.getRegistration())) return false;
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++)
      await new Promise((r) => setTimeout(r, 100));
    return navigator.serviceWorker.controller !== null;
  });
  if (sw) {
    await page.reload();
    await page.waitForSelector(CARD, { timeout: 180_000 });
  }
  return { page, serviceWorker: sw };
}

/**
 * (b) from IndexedDB: the same context after a full load, the server unreachable for sync;
 * reloads the page `runs` times and times the first card of each.
 * @param {{ page: import('@playwright/test').Page, runs: number, log: (s: string) => void }} o
 */
export async function reloadFirstCard(o) {
  /** @type {any[]} */
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    await o.page.reload({ waitUntil: 'commit' });
    const m = await readMarks(o.page);
    runs.push(m);
    o.log(
      `    run ${i + 1}: first card ${m.firstCardMs.toFixed(0)} ms (painted frame ${m.firstCardFrameMs.toFixed(0)} ms; live board ${m.liveMs.toFixed(0)} ms; ` +
        `HTML ${m.responseEndMs.toFixed(0)} ms, DOMContentLoaded ${m.domContentLoadedMs.toFixed(0)} ms; ${m.cards} cards in the DOM)`
    );
    await sleep(500);
  }
  return summarize(runs);
}

/**
 * (c) scrolling: moves the scroller from top to bottom in equal steps, one per animation frame,
 * for about `durationMs`, and records the interval between consecutive frames.
 * @param {{ page: import('@playwright/test').Page, scroller: string | null, durationMs: number }} o
 */
export async function scrollFrames(o) {
  return o.page.evaluate(
    async ({ selector, durationMs }) => {
      const el = selector
        ? /** @type {HTMLElement | null} */ (document.querySelector(selector))
        : /** @type {HTMLElement} */ (document.scrollingElement ?? document.documentElement);
      if (!el) throw new Error(`no scroller ${selector}`);
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const range = el.scrollHeight - el.clientHeight;
      const steps = Math.max(1, Math.round((durationMs / 1000) * 60));
      const step = range / steps;
      /** @type {number[]} */
      const intervals = [];
      let last = performance.now();
      let i = 0;
      const start = last;
      await new Promise((resolve) => {
        const tick = (/** @type {number} */ now) => {
          intervals.push(now - last);
          last = now;
          i++;
          el.scrollTop = Math.min(range, i * step);
          if (i >= steps) resolve(undefined);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return {
        intervals: intervals.slice(1),
        wallMs: performance.now() - start,
        scrollHeight: el.scrollHeight,
        range,
        rows: document.querySelectorAll('[data-testid="task-row"], [data-testid="task-card"]')
          .length
      };
    },
    { selector: o.scroller, durationMs: o.durationMs }
  );
}

/**
 * @param {number[]} values
 * @param {number} p
 */
export function quantile(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return /** @type {number} */ (
    s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  );
}

/** @param {any[]} runs */
function summarize(runs) {
  const first = runs.map((r) => r.firstCardMs);
  const frame = runs.map((r) => r.firstCardFrameMs);
  const live = runs.map((r) => r.liveMs);
  return {
    runs,
    medianMs: quantile(first, 0.5),
    medianFrameMs: quantile(frame, 0.5),
    medianLiveMs: quantile(live, 0.5),
    minMs: Math.min(...first),
    maxMs: Math.max(...first)
  };
}

/**
 * Resolves once y-indexeddb's database for `docName` holds at least one update (the page's
 * offline copy exists), so a reload can read it.
 * @param {import('@playwright/test').Page} page
 * @param {string} docName
 */
export async function waitForOfflineCopy(page, docName) {
  await page.waitForFunction(
    async (name) => {
      const count = await new Promise((resolve) => {
        const req = indexedDB.open(name);
        req.onerror = () => resolve(-1);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('updates')) {
            db.close();
            resolve(0);
            return;
          }
          const c = db.transaction('updates').objectStore('updates').count();
          c.onsuccess = () => {
            db.close();
            resolve(c.result);
          };
          c.onerror = () => {
            db.close();
            resolve(-1);
          };
        };
      });
      return /** @type {number} */ (count) > 0;
    },
    docName,
    { timeout: 30_000, polling: 250 }
  );
}

/** Comments the benchmark's long task carries (bench/board/legacy-seed.mjs). */
export const TASK_PAGE_COMMENTS = 200;

/**
 * Runs in every document before the app: records, on the navigation's clock, when the task
 * page shows its description and all of the long task's comments.
 */
export function taskPageProbe() {
  /** @type {Record<string, number>} */
  const marks = {};
  /** @type {any} */ (window).__benchTaskMarks = marks;
  const observer = new MutationObserver(() => {
    if (marks.shown === undefined) {
      if (document.querySelectorAll('[data-testid="comment"]').length < 200) return;
      if (!document.querySelector('[data-testid="task-detail"]')) return;
      marks.shown = performance.now();
    }
    // Shown may be the server's first view (read-only); editable once the task's document is
    // in (a build without the attribute shows only loaded content).
    const detail = document.querySelector('[data-testid="task-detail"]');
    if (detail?.getAttribute('data-content-live') === 'false') return;
    marks.editable = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/**
 * Opens (or reloads) a task page `runs` times and times, from navigation start, until its
 * description and 200 comments are on the page (`medianMs`; the server's first view counts),
 * and until they are editable (`editableMedianMs`: the task's document loaded). With `fresh`,
 * every run is a new context (no cache, no offline copy: cold); otherwise `page` is reused (its
 * offline copy answers).
 * @param {{ page?: import('@playwright/test').Page, browser?: import('@playwright/test').Browser,
 *   contextOptions?: any, path: string, runs: number, log: (s: string) => void, label: string }} o
 */
export async function timeTaskPage(o) {
  /** @type {number[]} */
  const times = [];
  /** @type {number[]} */
  const editable = [];
  for (let i = 0; i < o.runs; i++) {
    let context = null;
    let page = o.page;
    if (!page) {
      await sleep(2500);
      context = await /** @type {import('@playwright/test').Browser} */ (o.browser).newContext(
        o.contextOptions
      );
      await context.addInitScript(taskPageProbe);
      page = await context.newPage();
    }
    try {
      await page.goto(o.path, { waitUntil: 'commit' });
      await page.waitForFunction(
        () => /** @type {any} */ (window).__benchTaskMarks?.editable,
        null,
        { timeout: 180_000, polling: 50 }
      );
      const marks = await page.evaluate(() => /** @type {any} */ (window).__benchTaskMarks);
      times.push(marks.shown);
      editable.push(marks.editable);
      o.log(
        `    ${o.label} run ${i + 1}: description and ${TASK_PAGE_COMMENTS} comments in ${marks.shown.toFixed(0)} ms, editable at ${marks.editable.toFixed(0)} ms`
      );
    } finally {
      if (context) await context.close();
    }
    await sleep(300);
  }
  return {
    runs: times,
    medianMs: quantile(times, 0.5),
    editableRuns: editable,
    editableMedianMs: quantile(editable, 0.5)
  };
}
