// Runbook benchmark (`node bench/run.mjs runbooks`): a 50-page runbook (~200 KB of Markdown)
// imported over REST into the production server (build/server/main.js, temporary DATA_DIR),
// then measured in Chromium: time to an editable editor from the server (cold) and from
// IndexedDB with the server stopped, and typing latency while 5 remote collaborators type.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '@playwright/test';
import { untrackDir } from '../sync/cleanup.mjs';
import { sleep } from '../sync/proc.mjs';
import { fmt, table } from '../sync/report.mjs';
import { finishBrowserBench, log, startBrowserBench } from '../browser-run.mjs';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { provisionWorkspace } from '../sync/provision.mjs';
import { ROOT, makeDataDir, startServer, stopServer } from '../sync/servers.mjs';
import { launch, quantile, signInState, waitForOfflineCopy } from '../board/browser.mjs';
import { editableProbe, readEditable, readKeyLatencies, startKeyProbe } from './browser.mjs';
import {
  connectCollaborators,
  converged,
  disconnectAll,
  startTyping,
  stopTyping
} from './collaborators.mjs';
import { LAST_HEADING, runbookMarkdown } from './runbook-data.mjs';

const MAIN_ENTRY = join(ROOT, 'build', 'server', 'main.js');
const ADMIN_ENTRY = join(ROOT, 'build', 'server', 'admin.js');
const WORKSPACE = 'bench';
const SCENARIOS = ['cold', 'idb', 'typing'];
const EDITOR = '.ProseMirror[contenteditable="true"]';

/** Targets from the issue. */
export const TARGETS = { editableMs: 1000, droppedKeys: 0 };

const USAGE = `Usage: node bench/run.mjs runbooks [--runbooks-… flags]

  --runbooks-only=cold,idb,typing  scenarios (default all)
  --runbooks-pages=N        pages of ~4 KB in the runbook (default 50)
  --runbooks-runs=N         runs per time-to-editable figure, median reported (default 5)
  --runbooks-collaborators=N  remote collaborators typing (default 5)
  --runbooks-rate=N         edits per second per collaborator (default 10)
  --runbooks-chars=N        characters the page types (default 300)
  --runbooks-port=P         port of the app server (default 4194; the origin must stay the
                            same across a server restart for IndexedDB and the service worker)
  --runbooks-verbose        echo the server's output
  --out=DIR                 results directory (default bench/results)
  --strict                  exit 1 if a target FAILs`;

/**
 * @param {string[]} argv
 */
export function parseRunbookArgs(argv) {
  const a = readFlags(
    argv,
    [
      'runbooks-only',
      'runbooks-pages',
      'runbooks-runs',
      'runbooks-collaborators',
      'runbooks-rate',
      'runbooks-chars',
      'runbooks-port',
      'runbooks-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  /** @param {string} k @param {number} d */
  const num = (k, d) => wholeNumber(a, k, d);
  const only = scenarioList(a, 'runbooks-only', SCENARIOS);
  return {
    help: !!a.help,
    only,
    pages: Math.max(1, num('runbooks-pages', 50)),
    runs: Math.max(1, num('runbooks-runs', 5)),
    collaborators: Math.max(1, num('runbooks-collaborators', 5)),
    rate: Math.max(1, num('runbooks-rate', 10)),
    chars: Math.max(1, num('runbooks-chars', 300)),
    port: num('runbooks-port', 4194),
    verbose: !!a['runbooks-verbose'],
    out: typeof a.out === 'string' ? a.out : join(ROOT, 'bench', 'results'),
    strict: !!a.strict
  };
}

/**
 * The owner (who opens the page and imports the runbook) and one member with an API token per
 * collaborator.
 * @param {string} dataDir
 * @param {number} collaborators
 */
async function provision(dataDir, collaborators) {
  const { password, email, tokens } = await provisionWorkspace(ADMIN_ENTRY, dataDir, {
    users: Array.from({ length: collaborators + 1 }, (_, i) => ({
      email: `runbook${i}@example.com`,
      name: i === 0 ? 'Ada Ops' : `Collaborator ${i}`
    })),
    workspaceName: 'Bench runbooks',
    tokens: collaborators + 1,
    tokenName: 'runbook-bench'
  });
  return {
    password,
    email,
    ownerToken: /** @type {string} */ (tokens[0]),
    tokens: tokens.slice(1)
  };
}

/**
 * Imports the runbook through `POST /runbooks/import`; resolves with its id.
 * @param {string} baseURL
 * @param {string} token
 * @param {string} markdown
 */
async function importRunbook(baseURL, token, markdown) {
  const api = await request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` }
  });
  try {
    const reply = await api.post(`/api/v1/workspaces/${WORKSPACE}/runbooks/import`, {
      data: { files: [{ name: 'production-recovery.md', markdown }] }
    });
    const body = await reply.json();
    const id = body?.imported?.[0]?.id;
    if (reply.status() !== 201 || typeof id !== 'string')
      throw new Error(`import: ${reply.status()} ${JSON.stringify(body).slice(0, 300)}`);
    return id;
  } finally {
    await api.dispose();
  }
}

/**
 * Where one page load's time went, on the navigation's clock: HTML, code, the runbook's
 * websocket (open, first message, last message before editable, bytes), editor element.
 * @param {Record<string, number>} m
 */
function breakdown(m) {
  const parts = [
    `HTML ${fmt(m.responseEndMs)}`,
    `code ${fmt(m.scriptsLoadedMs)}`,
    `ws created ${fmt(m.wsCreatedMs)}`,
    `open ${fmt(m.wsOpenMs)}`,
    `first message ${fmt(m.wsFirstMessageMs)}`,
    `last ${fmt(m.wsLastMessageMs)}`,
    `editor ${fmt(m.editorMountedMs)} ms`
  ];
  const received = m.wsBytes > 0 ? `; ${(m.wsBytes / 1024).toFixed(0)} KiB received` : '';
  return parts.join(', ') + received;
}

/** @param {number[]} values */
function spread(values) {
  return {
    medianMs: quantile(values, 0.5),
    minMs: Math.min(...values),
    maxMs: Math.max(...values)
  };
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runRunbookBench(argv) {
  const begun = await startBrowserBench({
    title: 'runbook benchmark',
    argv,
    parse: parseRunbookArgs,
    usage: USAGE,
    entries: () => [MAIN_ENTRY, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o, started, t0, idleBusy } = begun;

  /** @type {Record<string, any>} */
  const results = {};
  const dataDir = makeDataDir('runbooks');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  /** @type {import('@playwright/test').Browser | null} */
  let browser = null;
  /** @type {import('./collaborators.mjs').Collaborator[]} */
  let collaborators = [];
  const start = async () => {
    server = await startServer('ours', {
      entry: MAIN_ENTRY,
      dataDir,
      port: o.port,
      verbose: o.verbose,
      timeoutMs: 30_000
    });
  };
  try {
    const accounts = await provision(dataDir, o.collaborators);
    await start();
    const baseURL = `http://127.0.0.1:${o.port}`;
    const markdown = runbookMarkdown(o.pages);
    const id = await importRunbook(baseURL, accounts.ownerToken, markdown);
    const docName = `${WORKSPACE}.runbook.${id}`;
    const path = `/w/${WORKSPACE}/runbooks/${id}`;
    results.runbook = { id, pages: o.pages, markdownBytes: Buffer.byteLength(markdown) };
    log(
      `imported ${docName}: ${o.pages} pages, ${(results.runbook.markdownBytes / 1024).toFixed(0)} KiB of Markdown`
    );

    browser = await launch();
    const storageState = await signInState(baseURL, accounts.email, accounts.password);

    if (o.only.includes('cold')) {
      log('');
      log(`== (a) editable from the server, cold: new browser context, navigation to ${path}`);
      const runs = [];
      for (let i = 0; i < o.runs; i++) {
        // Let the server unload the document after the previous run's connection closed.
        await sleep(2500);
        const context = await browser.newContext({ baseURL, storageState });
        try {
          await context.addInitScript(editableProbe, LAST_HEADING);
          const page = await context.newPage();
          await page.goto(path, { waitUntil: 'commit' });
          const m = await readEditable(page);
          runs.push(m);
          log(`    run ${i + 1}: editable ${fmt(m.editableMs)} ms (${breakdown(m)})`);
        } finally {
          await context.close();
        }
      }
      results.cold = { runs, ...spread(runs.map((r) => r.editableMs)) };
    }

    if (o.only.includes('idb')) {
      log('');
      const context = await browser.newContext({ baseURL, storageState });
      try {
        await context.addInitScript(editableProbe, LAST_HEADING);
        const page = await context.newPage();
        await page.goto(path);
        await readEditable(page);
        // y-indexeddb has stored the runbook, and the worker controls the page and has kept it.
        await waitForOfflineCopy(page, docName);
        await page.evaluate(async () => {
          await navigator.serviceWorker.ready;
          for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++)
            await new Promise((r) => setTimeout(r, 100));
          if (!navigator.serviceWorker.controller) throw new Error('no service worker');
        });
        // Once more through the worker, so it keeps a copy of the page.
        await page.reload();
        await readEditable(page);
        await sleep(1000);
        log(`== (b) editable from IndexedDB, server STOPPED (service worker serves the app shell)`);
        await stopServer(/** @type {any} */ (server));
        server = null;
        const runs = [];
        for (let i = 0; i < o.runs; i++) {
          await page.reload({ waitUntil: 'commit' });
          const m = await readEditable(page);
          runs.push(m);
          log(`    run ${i + 1}: editable ${fmt(m.editableMs)} ms (${breakdown(m)})`);
          await sleep(500);
        }
        results.idb = { runs, ...spread(runs.map((r) => r.editableMs)) };
      } finally {
        await context.close();
      }
    }

    if (o.only.includes('typing')) {
      log('');
      log(
        `== (c) typing ${o.chars} characters (30 ms apart) while ${o.collaborators} remote ` +
          `collaborators make ${o.rate} edits/s each`
      );
      if (server === null) await start();
      collaborators = await connectCollaborators({
        baseUrl: `ws://127.0.0.1:${o.port}/sync`,
        docName,
        tokens: accounts.tokens
      });
      const context = await browser.newContext({ baseURL, storageState });
      try {
        await context.addInitScript(editableProbe, LAST_HEADING);
        const page = await context.newPage();
        await page.goto(path);
        await readEditable(page);
        // A new paragraph at the end, so the typed text is a block of its own.
        await page.locator(EDITOR).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Enter');
        startTyping(collaborators, 1000 / o.rate);
        await sleep(1000);
        await startKeyProbe(page);
        const words = 'checked replica lag and restarted the worker pool ';
        const typed = words
          .repeat(Math.ceil(o.chars / words.length))
          .slice(0, o.chars)
          .trimEnd();
        const typeStart = performance.now();
        await page.keyboard.type(typed, { delay: 30 });
        const typeMs = performance.now() - typeStart;
        await sleep(500);
        stopTyping(collaborators);
        const keys = await readKeyLatencies(page);
        // Every client: the page's editor and each collaborator's copy holds the typed text
        // and every collaborator's edits.
        const nodesOk = await converged(collaborators, typed, 30_000);
        // Under load the page applies the remote edits late: how long after the last one it
        // holds everything is a figure of its own.
        const catchUpStart = performance.now();
        const pageOk = await page
          .waitForFunction(
            ({ selector, needles }) => {
              const text = document.querySelector(selector)?.textContent ?? '';
              return needles.every((n) => text.includes(n));
            },
            { selector: EDITOR, needles: [typed, ...collaborators.map((c) => c.inserted)] },
            { timeout: 60_000, polling: 100 }
          )
          .then(() => true)
          .catch(() => false);
        const pageCatchUpMs = performance.now() - catchUpStart;
        // On a miss, say what the page lacks and how its connection stands.
        const pageMissing = pageOk
          ? []
          : await page.evaluate(
              ({ selector, needles }) => {
                const text = document.querySelector(selector)?.textContent ?? '';
                const badge = document.querySelector(
                  '[data-testid="runbook-page"] [data-testid="sync-badge"]'
                );
                return [
                  `sync badge ${badge?.getAttribute('data-state')}/${badge?.getAttribute('data-synced')}`,
                  ...needles
                    .filter((n) => !text.includes(n))
                    .map((n) => `missing ${n.length} chars ending '${n.slice(-24)}'`)
                ];
              },
              { selector: EDITOR, needles: [typed, ...collaborators.map((c) => c.inserted)] }
            );
        for (const line of pageMissing) log(`    page: ${line}`);
        const lat = keys.latencies;
        results.typing = {
          chars: typed.length,
          keys: keys.keys,
          shownInDom: keys.shown,
          typeMs,
          // Playwright sends the next key only once the page has handled the last one, so a
          // busy page shows here (30 ms per key when idle) rather than in the latency.
          msPerKey: typeMs / Math.max(1, keys.keys),
          collaborators: o.collaborators,
          remoteEdits: collaborators.reduce((n, c) => n + c.edits, 0),
          p50: quantile(lat, 0.5),
          p95: quantile(lat, 0.95),
          p99: quantile(lat, 0.99),
          max: Math.max(...lat),
          // Keys that never showed in the page's DOM; a client lacking the text fails apart.
          dropped: typed.length - Math.min(keys.shown, typed.length),
          convergedNode: nodesOk,
          convergedPage: pageOk,
          pageCatchUpMs,
          pageMissing
        };
        const t = results.typing;
        log(
          `    ${t.keys} keys in ${fmt(t.typeMs)} ms (${fmt(t.msPerKey)} ms a key, 30 ms when idle), ${t.remoteEdits} remote edits meanwhile: ` +
            `keydown→DOM p50 ${fmt(t.p50)} / p95 ${fmt(t.p95)} / p99 ${fmt(t.p99)} / max ${fmt(t.max)} ms`
        );
        log(
          `    ${t.shownInDom}/${t.chars} keys reached the DOM; all clients converged: ` +
            `collaborators ${nodesOk ? 'yes' : 'NO'}, page ${pageOk ? `yes (${fmt(t.pageCatchUpMs)} ms after the collaborators)` : 'NO (60 s)'}`
        );
      } finally {
        await context.close();
      }
    }
  } catch (err) {
    const msg = String(/** @type {Error} */ (err)?.stack ?? err);
    results.error = msg;
    log(`ERROR: ${msg.split('\n').slice(0, 8).join('\n    ')}`);
    if (server) log(`server output:\n${/** @type {any} */ (server).log.join('\n')}`);
  } finally {
    stopTyping(collaborators);
    disconnectAll(collaborators);
    if (browser) await /** @type {any} */ (browser).close();
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    untrackDir(dataDir);
  }

  // ---- summary
  const targets = evaluateTargets(results);
  log('');
  log('== Runbooks summary');
  log(table(['figure', 'result', 'target', 'status'], summaryRows(results, targets)));

  return finishBrowserBench({ kind: 'runbooks', o, started, t0, idleBusy, results, targets });
}

/**
 * @param {Record<string, any>} results
 * @returns {{ name: string, status: 'PASS' | 'FAIL' | 'n/a' }[]}
 */
function evaluateTargets(results) {
  /** @param {boolean | undefined} ok */
  const status = (ok) =>
    ok === undefined ? (results.error ? 'FAIL' : 'n/a') : ok ? 'PASS' : 'FAIL';
  return [
    {
      name: `(a) editable from the server < ${TARGETS.editableMs} ms`,
      status: status(results.cold && results.cold.medianMs < TARGETS.editableMs)
    },
    {
      name: `(b) editable from IndexedDB < ${TARGETS.editableMs} ms`,
      status: status(results.idb && results.idb.medianMs < TARGETS.editableMs)
    },
    {
      name: '(c) dropped keystrokes: 0',
      status: status(
        results.typing &&
          results.typing.dropped === TARGETS.droppedKeys &&
          results.typing.convergedNode &&
          results.typing.convergedPage
      )
    }
  ];
}

/**
 * @param {Record<string, any>} r
 * @param {ReturnType<typeof evaluateTargets>} targets
 */
function summaryRows(r, targets) {
  /** @type {string[][]} */
  const rows = [];
  if (r.cold)
    rows.push([
      '(a) editable from the server, cold (median)',
      `${fmt(r.cold.medianMs)} ms (min ${fmt(r.cold.minMs)}, max ${fmt(r.cold.maxMs)})`,
      `< ${TARGETS.editableMs} ms`,
      targets[0]?.status ?? 'n/a'
    ]);
  if (r.idb)
    rows.push([
      '(b) editable from IndexedDB, server stopped (median)',
      `${fmt(r.idb.medianMs)} ms (min ${fmt(r.idb.minMs)}, max ${fmt(r.idb.maxMs)})`,
      `< ${TARGETS.editableMs} ms`,
      targets[1]?.status ?? 'n/a'
    ]);
  if (r.typing) {
    rows.push([
      `(c) keydown→DOM with ${r.typing.collaborators} collaborators typing`,
      `p50 ${fmt(r.typing.p50)} / p95 ${fmt(r.typing.p95)} / p99 ${fmt(r.typing.p99)} ms`,
      '-',
      'info'
    ]);
    rows.push([
      '(c) typing pace (delay 30 ms)',
      `${fmt(r.typing.msPerKey)} ms a key; ${r.typing.remoteEdits} remote edits meanwhile`,
      '-',
      'info'
    ]);
    rows.push([
      '(c) page holds every remote edit',
      r.typing.convergedPage
        ? `${fmt(r.typing.pageCatchUpMs)} ms after the collaborators`
        : 'not within 60 s',
      '-',
      'info'
    ]);
    rows.push([
      '(c) dropped keystrokes',
      `${r.typing.dropped} of ${r.typing.chars}` +
        (r.typing.convergedNode && r.typing.convergedPage ? '' : ' (some client lacks text)'),
      `${TARGETS.droppedKeys}`,
      targets[2]?.status ?? 'n/a'
    ]);
  }
  if (r.error) rows.push(['error', String(r.error).split('\n')[0] ?? '', '', 'FAIL']);
  return rows;
}
