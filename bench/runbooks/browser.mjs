// Browser side of the runbook benchmark: when the editor becomes editable with the whole
// runbook in it, and how long each typed key takes to reach the DOM.

/**
 * Runs in every document before the app: records, on the navigation's own clock, when the
 * editor is editable (`contenteditable="true"`) and shows the runbook's last heading.
 * @param {string} lastHeading
 */
export function editableProbe(lastHeading) {
  /** @type {Record<string, number>} */
  const marks = {};
  /** @type {any} */ (window).__benchMarks = marks;
  const mark = (/** @type {string} */ name) => {
    if (marks[name] === undefined) marks[name] = performance.now();
  };
  // Where the time goes: the runbook's websocket (open, first and last message before the
  // editor is editable, bytes received) and when the editor element first exists.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    /** @param {string | URL} url @param {string | string[]} [protocols] */
    constructor(url, protocols) {
      super(url, protocols);
      if (!String(url).includes('.runbook.')) return;
      mark('wsCreated');
      marks.wsBytes = 0;
      this.addEventListener('open', () => mark('wsOpen'));
      this.addEventListener('message', (event) => {
        mark('wsFirstMessage');
        if (marks.editable !== undefined) return;
        marks.wsLastMessage = performance.now();
        marks.wsBytes += event.data?.byteLength ?? event.data?.length ?? 0;
      });
    }
  };
  document.addEventListener('DOMContentLoaded', () => mark('domContentLoaded'));
  const observer = new MutationObserver(() => {
    if (document.querySelector('.ProseMirror')) mark('editorMounted');
    const editor = document.querySelector('.ProseMirror[contenteditable="true"]');
    if (!editor) return;
    const headings = editor.querySelectorAll('h2');
    const last = headings[headings.length - 1];
    if (last?.textContent?.trim() !== lastHeading) return;
    marks.editable = performance.now();
    observer.disconnect();
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['contenteditable']
  });
}

/**
 * Waits for the probe's mark; resolves with it and the navigation's HTML timing.
 * @param {import('@playwright/test').Page} page
 */
export async function readEditable(page) {
  await page.waitForFunction(() => /** @type {any} */ (window).__benchMarks?.editable, null, {
    timeout: 120_000
  });
  return page.evaluate(() => {
    const nav = /** @type {PerformanceNavigationTiming | undefined} */ (
      performance.getEntriesByType('navigation')[0]
    );
    const marks = /** @type {any} */ (window).__benchMarks;
    const scripts = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.endsWith('.js') && entry.startTime < marks.editable);
    return {
      editableMs: marks.editable,
      responseEndMs: nav?.responseEnd ?? NaN,
      scriptsLoadedMs: Math.max(0, ...scripts.map((entry) => entry.responseEnd)),
      domContentLoadedMs: marks.domContentLoaded ?? NaN,
      wsCreatedMs: marks.wsCreated ?? NaN,
      wsOpenMs: marks.wsOpen ?? NaN,
      wsFirstMessageMs: marks.wsFirstMessage ?? NaN,
      wsLastMessageMs: marks.wsLastMessage ?? NaN,
      wsBytes: marks.wsBytes ?? 0,
      editorMountedMs: marks.editorMounted ?? NaN
    };
  });
}

/**
 * Starts the keystroke probe in the page: the caret's block is where the typing goes; each
 * printable keydown is stamped, and each DOM change of the block that makes its text longer
 * stamps the keys it now shows.
 * @param {import('@playwright/test').Page} page
 */
export function startKeyProbe(page) {
  return page.evaluate(() => {
    const editor = /** @type {HTMLElement} */ (document.querySelector('.ProseMirror'));
    const blockOf = () => {
      let node = window.getSelection()?.anchorNode ?? null;
      while (node && node.parentNode !== editor) node = node.parentNode;
      return /** @type {HTMLElement | null} */ (node);
    };
    let block = blockOf();
    if (!block) throw new Error('no caret in the editor');
    const base = (block.textContent ?? '').length;
    /** @type {number[]} */
    const down = [];
    /** @type {number[]} */
    const shown = [];
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key.length === 1) down.push(performance.now());
      },
      true
    );
    const observer = new MutationObserver(() => {
      const now = performance.now();
      // ProseMirror may redraw the block as a new element: follow the caret.
      if (!block?.isConnected) block = blockOf();
      const typed = (block?.textContent ?? '').length - base;
      while (shown.length < typed && shown.length < down.length) shown.push(now);
    });
    observer.observe(editor, { childList: true, characterData: true, subtree: true });
    /** @type {any} */ (window).__keys = { down, shown };
  });
}

/**
 * The per-key latencies (ms) recorded by `startKeyProbe`.
 * @param {import('@playwright/test').Page} page
 */
export function readKeyLatencies(page) {
  return page.evaluate(() => {
    const { down, shown } = /** @type {any} */ (window).__keys;
    return {
      keys: down.length,
      shown: shown.length,
      latencies: shown.map((/** @type {number} */ t, /** @type {number} */ i) => t - down[i])
    };
  });
}
