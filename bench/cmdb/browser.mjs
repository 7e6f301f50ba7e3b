// Browser figures of the CMDB benchmark, in Chromium through Playwright (the board benchmark's
// launch, sign-in and offline-copy wait): the list page `/w/<ws>/cmdb` opened cold and from
// IndexedDB until it shows its rows and the whole inventory's count, and the search box's filter
// timed in the page from the input event to the updated count and rows.
import { quantile, waitForOfflineCopy } from '../board/browser.mjs';

/**
 * Runs in every document before the app: notes, on the navigation's clock (`performance.now()`
 * from navigation start), when the first item row is in the DOM, when the count says the whole
 * inventory (`expected` items) is in with rows shown, and the animation frame after that.
 * @param {number} expected
 */
export function cmdbOpenProbe(expected) {
  /** @type {Record<string, number>} */
  const marks = {};
  /** @type {any} */ (window).__cmdbMarks = marks;
  /** @param {string} text the last number in it ("20,000 items", "12 of 20,000 items") */
  const lastNumber = (text) => {
    const all = text.match(/\d[\d,.\u00a0\u202f ]*/g) ?? [];
    const last = all[all.length - 1];
    return last === undefined ? NaN : Number(last.replace(/[^\d]/g, ''));
  };
  const observer = new MutationObserver(() => {
    const row = document.querySelector('[data-testid="cmdb-row"]');
    if (!row) return;
    if (marks.firstRow === undefined) marks.firstRow = performance.now();
    const count = document.querySelector('[data-testid="cmdb-count"]');
    if (count && lastNumber(count.textContent ?? '') >= expected) {
      marks.full = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => {
        marks.fullFrame = performance.now();
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/**
 * Throws at once when the build has no CMDB list page (instead of waiting for rows that never come).
 * @param {import('@playwright/test').Response | null} response
 * @param {string} path
 */
function pageThere(response, path) {
  if (response && response.status() === 404)
    throw new Error(`${path} answered 404: this build has no CMDB pages`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for the probe's marks of one page load and returns them.
 * @param {import('@playwright/test').Page} page
 */
async function readMarks(page) {
  await page.waitForFunction(() => /** @type {any} */ (window).__cmdbMarks?.fullFrame, null, {
    timeout: 180_000,
    polling: 50
  });
  return page.evaluate(() => {
    const m = /** @type {any} */ (window).__cmdbMarks;
    const nav = /** @type {PerformanceNavigationTiming | undefined} */ (
      performance.getEntriesByType('navigation')[0]
    );
    return {
      firstRowMs: m.firstRow,
      fullMs: m.full,
      fullFrameMs: m.fullFrame,
      responseEndMs: nav?.responseEnd ?? NaN,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
      rows: document.querySelectorAll('[data-testid="cmdb-row"]').length,
      count: document.querySelector('[data-testid="cmdb-count"]')?.textContent?.trim() ?? ''
    };
  });
}

/** @param {any[]} runs */
function summarize(runs) {
  return {
    runs,
    medianMs: quantile(
      runs.map((r) => r.fullFrameMs),
      0.5
    ),
    medianFirstRowMs: quantile(
      runs.map((r) => r.firstRowMs),
      0.5
    ),
    minMs: Math.min(...runs.map((r) => r.fullFrameMs)),
    maxMs: Math.max(...runs.map((r) => r.fullFrameMs))
  };
}

/** @param {any} m */
const describe = (m) =>
  `list with all items ${m.fullFrameMs.toFixed(0)} ms (first row ${m.firstRowMs.toFixed(0)} ms; ` +
  `HTML ${m.responseEndMs.toFixed(0)} ms, DOMContentLoaded ${m.domContentLoadedMs.toFixed(0)} ms; ` +
  `${m.rows} rows drawn, "${m.count}")`;

/**
 * Cold: a new context per run (no cache, no IndexedDB), 2.5 s after the previous run so the
 * server has unloaded the document; navigate to the list.
 * @param {{ browser: import('@playwright/test').Browser, baseURL: string, path: string,
 *   storageState: any, expected: number, runs: number, log: (s: string) => void }} o
 */
export async function coldOpen(o) {
  /** @type {any[]} */
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    await sleep(2500);
    const context = await o.browser.newContext({
      baseURL: o.baseURL,
      storageState: o.storageState
    });
    try {
      await context.addInitScript(cmdbOpenProbe, o.expected);
      const page = await context.newPage();
      pageThere(await page.goto(o.path, { waitUntil: 'commit' }), o.path);
      const m = await readMarks(page);
      runs.push(m);
      o.log(`    cold run ${i + 1}: ${describe(m)}`);
    } finally {
      await context.close();
    }
  }
  return summarize(runs);
}

/**
 * From IndexedDB: one context opens the list, waits until the offline copy of `docName` is
 * stored, then reloads the page `runs` times (the server stays up: the page reads its copy and
 * syncs the difference, which is none).
 * @param {{ context: import('@playwright/test').BrowserContext, path: string, docName: string,
 *   expected: number, runs: number, log: (s: string) => void }} o
 */
export async function warmOpen(o) {
  await o.context.addInitScript(cmdbOpenProbe, o.expected);
  const page = await o.context.newPage();
  pageThere(await page.goto(o.path, { waitUntil: 'commit' }), o.path);
  const first = await readMarks(page);
  o.log(`    first load of the warm context: ${describe(first)}`);
  const t0 = performance.now();
  await waitForOfflineCopy(page, o.docName);
  o.log(`    offline copy stored ${((performance.now() - t0) / 1000).toFixed(1)} s after that`);
  await sleep(500);
  /** @type {any[]} */
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    await page.reload({ waitUntil: 'commit' });
    const m = await readMarks(page);
    runs.push(m);
    o.log(`    from IndexedDB run ${i + 1}: ${describe(m)}`);
    await sleep(500);
  }
  return { page, first, ...summarize(runs) };
}

/**
 * The search box: for each term, in the page, set the box's value and fire its input event (as a
 * paste would), then time until the count or the first row changed (`domMs`) and the animation
 * frame after (`frameMs`). The box is cleared between terms (not timed) and the list let settle.
 * @param {{ page: import('@playwright/test').Page, terms: string[], log: (s: string) => void }} o
 */
export async function timeFilter(o) {
  /** @type {{ term: string, domMs: number, frameMs: number, count: string, rows: number }[]} */
  const runs = [];
  for (const term of o.terms) {
    const r = await o.page.evaluate(typeInto, term);
    if (r.timeout) throw new Error(`search "${term}": the list did not change within 10 s`);
    runs.push({ term, domMs: r.domMs, frameMs: r.frameMs, count: r.count, rows: r.rows });
    o.log(
      `    "${term}": ${r.frameMs.toFixed(1)} ms to the updated frame (DOM ${r.domMs.toFixed(1)} ms): ` +
        `"${r.count}", ${r.rows} rows drawn`
    );
    const cleared = await o.page.evaluate(typeInto, '');
    if (cleared.timeout) throw new Error('clearing the search box: the list did not change');
    await sleep(250);
  }
  const frame = runs.map((r) => r.frameMs);
  const dom = runs.map((r) => r.domMs);
  return {
    runs,
    medianMs: quantile(frame, 0.5),
    p95Ms: quantile(frame, 0.95),
    maxMs: Math.max(...frame),
    domMedianMs: quantile(dom, 0.5),
    domP95Ms: quantile(dom, 0.95)
  };
}

/**
 * In the page: types `term` into the CMDB search box at once and resolves when the list shows it.
 * @param {string} term
 * @returns {Promise<{ timeout?: boolean, domMs: number, frameMs: number, count: string, rows: number }>}
 */
function typeInto(term) {
  const page = document.querySelector('[data-testid="cmdb-page"]');
  const input = /** @type {HTMLInputElement | null} */ (
    page?.querySelector('input[type="search"]') ?? null
  );
  if (!page || !input) throw new Error('no search box on the CMDB page');
  const countText = () =>
    document.querySelector('[data-testid="cmdb-count"]')?.textContent?.trim() ?? '';
  const firstRow = () =>
    document.querySelector('[data-testid="cmdb-row"]')?.getAttribute('href') ?? '';
  const beforeCount = countText();
  const beforeRow = firstRow();
  return new Promise((resolve) => {
    let t0 = 0;
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve({ timeout: true, domMs: NaN, frameMs: NaN, count: countText(), rows: 0 });
    }, 10_000);
    const observer = new MutationObserver(() => {
      if (countText() === beforeCount && firstRow() === beforeRow) return;
      const t1 = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() =>
        resolve({
          domMs: t1 - t0,
          frameMs: performance.now() - t0,
          count: countText(),
          rows: document.querySelectorAll('[data-testid="cmdb-row"]').length
        })
      );
    });
    observer.observe(page, { childList: true, subtree: true, characterData: true });
    t0 = performance.now();
    input.value = term;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
