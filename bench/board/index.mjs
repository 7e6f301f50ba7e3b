// Board benchmark (`node bench/run.mjs board`): a 10,000-task board in the real app. Seeds the
// board with the board model into a temporary DATA_DIR through the server's SQLite storage,
// starts the production server (build/server/main.js), then measures in Chromium (first card
// cold and from IndexedDB, frame times while scrolling) and in Node (merge of offline edits).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { untrackDir } from '../sync/cleanup.mjs';
import { sleep } from '../sync/proc.mjs';
import { fmt, pct, table } from '../sync/report.mjs';
import { finishBrowserBench, log, startBrowserBench } from '../browser-run.mjs';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { provisionWorkspace } from '../sync/provision.mjs';
import { ROOT, makeDataDir, startServer, stopServer } from '../sync/servers.mjs';
import {
  coldFirstCard,
  firstCardProbe,
  launch,
  quantile,
  reloadFirstCard,
  scrollFrames,
  signInState,
  warmUp
} from './browser.mjs';
import { runMerge } from './merge.mjs';
import { profileAction, reportProfile } from './profile.mjs';

const MAIN_ENTRY = join(ROOT, 'build', 'server', 'main.js');
const ADMIN_ENTRY = join(ROOT, 'build', 'server', 'admin.js');
const WORKSPACE = 'bench';
const SCENARIOS = ['cold', 'idb', 'scroll', 'merge'];
/** Timer jitter allowed before a frame interval counts as over 16.7 / 33.4 ms. */
const FRAME_JITTER_MS = 1;

/** Targets from the issue, on the 2-core development machine. */
export const TARGETS = { idbFirstCardMs: 500, mergeMs: 1000 };

const USAGE = `Usage: node bench/run.mjs board [--board-… flags]

  --board-only=cold,idb,scroll,merge  scenarios (default all)
  --board-tasks=N          tasks on the board (default 10000)
  --board-archived=N       of them archived (default half)
  --board-members=N        workspace members / assignees (default 12)
  --board-runs=N           runs per first-card figure, median reported (default 5)
  --board-edits=N          offline edits per client in the merge (default 1000)
  --board-scroll-ms=MS     length of the scroll (default 3000)
  --board-port=P           port of the app server (default 4180; the origin must stay the same
                           across a server restart for IndexedDB and the service worker)
  --board-verbose          echo the server's output
  --board-app=PATH         app server entry (default build/server/main.js); a copy of another
                           build inside the checkout compares two builds on the same data
  --board-keep-data=DIR    keep the seeded DATA_DIR (accounts + board) in DIR and reuse it on
                           later runs with the same --board-tasks/-archived/-members (seeding
                           takes ~30 s); every run still works on a fresh copy
  --board-profile=DIR      one extra run of (a) and (b) under the V8 profiler: writes
                           DIR/<figure>.cpuprofile and prints the costliest functions
  --out=DIR                results directory (default bench/results)
  --strict                 exit 1 if a target FAILs`;

/**
 * @param {string[]} argv
 */
export function parseBoardArgs(argv) {
  const a = readFlags(
    argv,
    [
      'board-only',
      'board-tasks',
      'board-archived',
      'board-members',
      'board-runs',
      'board-edits',
      'board-scroll-ms',
      'board-port',
      'board-verbose',
      'board-profile',
      'board-keep-data',
      'board-app',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  /** @param {string} k @param {number} d */
  const num = (k, d) => wholeNumber(a, k, d);
  const only = scenarioList(a, 'board-only', SCENARIOS);
  const tasks = num('board-tasks', 10_000);
  return {
    help: !!a.help,
    only,
    tasks,
    archived: Math.min(tasks, num('board-archived', Math.floor(tasks / 2))),
    members: Math.max(2, num('board-members', 12)),
    runs: Math.max(1, num('board-runs', 5)),
    edits: num('board-edits', 1000),
    scrollMs: Math.max(500, num('board-scroll-ms', 3000)),
    port: num('board-port', 4180),
    verbose: !!a['board-verbose'],
    app: typeof a['board-app'] === 'string' ? a['board-app'] : MAIN_ENTRY,
    keepData: typeof a['board-keep-data'] === 'string' ? a['board-keep-data'] : null,
    profileDir: typeof a['board-profile'] === 'string' ? a['board-profile'] : null,
    out: typeof a.out === 'string' ? a.out : join(ROOT, 'bench', 'results'),
    strict: !!a.strict
  };
}

const MEMBER_NAMES = [
  'Ada Ops',
  '王芳',
  'Ben Night',
  '李伟',
  'Chloe SRE',
  '张敏',
  'Dev Patel',
  '刘洋',
  'Eve Oncall',
  '陈静',
  'Finn DBA',
  '杨磊'
];

/**
 * Members (the first one owns workspace `bench`) and API tokens for the merge clients.
 * @param {string} dataDir
 * @param {number} members
 */
async function provision(dataDir, members) {
  const { password, email, ids, tokens } = await provisionWorkspace(ADMIN_ENTRY, dataDir, {
    users: Array.from({ length: members }, (_, i) => ({
      email: `board${i}@example.com`,
      name: MEMBER_NAMES[i % MEMBER_NAMES.length] ?? `Member ${i}`
    })),
    workspaceName: 'Bench board',
    tokens: 3,
    tokenName: 'board-bench'
  });
  return { password, email, memberIds: ids, tokens };
}

/**
 * Provisions accounts and seeds the board into `dataDir`; with --board-keep-data, copies a kept
 * template instead when it matches the options, or keeps the new one for next time.
 * @param {ReturnType<typeof parseBoardArgs>} o
 * @param {any} lib
 * @param {string} dataDir
 */
async function seededTemplate(o, lib, dataDir) {
  const wanted = { tasks: o.tasks, archived: o.archived, members: o.members };
  const infoFile = o.keepData ? join(o.keepData, 'board-bench.json') : null;
  if (o.keepData && infoFile && existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8'));
    if (JSON.stringify(info.wanted) === JSON.stringify(wanted)) {
      cpSync(o.keepData, dataDir, { recursive: true });
      return { accounts: info.accounts, seed: { ...info.seed, reused: true } };
    }
  }
  const ts = performance.now();
  const accounts = await provision(dataDir, o.members);
  const provisionMs = performance.now() - ts;
  const seed = {
    ...(await lib.seedBoard({
      dataDir,
      workspaceId: WORKSPACE,
      memberIds: accounts.memberIds,
      tasks: o.tasks,
      archived: o.archived
    })),
    provisionMs,
    reused: false
  };
  if (o.keepData) {
    rmSync(o.keepData, { recursive: true, force: true });
    cpSync(dataDir, o.keepData, { recursive: true });
    writeFileSync(join(o.keepData, 'board-bench.json'), JSON.stringify({ wanted, accounts, seed }));
  }
  return { accounts, seed };
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runBoardBench(argv) {
  const begun = await startBrowserBench({
    title: 'board benchmark',
    argv,
    parse: parseBoardArgs,
    usage: USAGE,
    entries: (o) => [o.app, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o, started, t0, idleBusy } = begun;

  /** @type {Record<string, any>} */
  const results = {};
  /** @type {string[]} */
  const notes = [];
  const dataDir = makeDataDir('board');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  /** @type {import('@playwright/test').Browser | null} */
  let browser = null;
  try {
    // ---- seed (or copy a kept seeded template)
    const bundle = await bundleEntryFromSource('bench/board/board-data.ts');
    if (!bundle) throw new Error('esbuild is needed to bundle bench/board/board-data.ts');
    const lib = await import(bundle);
    const { accounts, seed } = await seededTemplate(o, lib, dataDir);
    results.seed = { ...seed, members: o.members };
    log(
      `${seed.reused ? `reused the seeded board in ${o.keepData}` : 'seeded'} ${seed.docName}: ` +
        `${seed.tasks} tasks (${seed.archived} archived, ${seed.open} open), ` +
        `${o.members} members, ${(seed.bytes / 2 ** 20).toFixed(1)} MB as one update` +
        (seed.reused
          ? ''
          : `; accounts ${fmt(seed.provisionMs / 1000)} s, board built in ${fmt(seed.buildMs / 1000)} s, stored in ${fmt(seed.storeMs)} ms`)
    );

    const start = async () => {
      server = await startServer('ours', {
        entry: o.app,
        dataDir,
        port: o.port,
        verbose: o.verbose,
        timeoutMs: 30_000
      });
      return server;
    };
    await start();
    const baseURL = `http://127.0.0.1:${o.port}`;
    const path = `/w/${WORKSPACE}/board`;
    log(`app server: ${baseURL} (pid ${server?.pid}, ready in ${fmt(server?.startMs ?? NaN)} ms)`);

    const wantBrowser = o.only.some((s) => s !== 'merge');
    if (wantBrowser) {
      browser = await launch();
      const storageState = await signInState(baseURL, accounts.email, accounts.password);

      if (o.only.includes('cold')) {
        log('');
        log(`== (a) first card, cold: new browser context, navigation to ${path}`);
        results.cold = await coldFirstCard({
          browser,
          baseURL,
          path,
          storageState,
          runs: o.runs,
          log
        });
        log(
          `    median ${fmt(results.cold.medianMs)} ms (min ${fmt(results.cold.minMs)}, max ${fmt(results.cold.maxMs)})`
        );
        if (o.profileDir) {
          mkdirSync(o.profileDir, { recursive: true });
          await sleep(2500);
          const context = await browser.newContext({ baseURL, storageState });
          try {
            await context.addInitScript(firstCardProbe);
            const page = await context.newPage();
            const profile = await profileAction(page, async () => {
              await page.goto(path, { waitUntil: 'commit' });
              await page.waitForSelector('[data-testid="task-card"]', { timeout: 180_000 });
            });
            results.cold.profile = reportProfile(o.profileDir, 'cold', profile, log);
          } finally {
            await context.close();
          }
        }
      }

      if (o.only.includes('scroll') || o.only.includes('idb')) {
        const context = await browser.newContext({ baseURL, storageState });
        try {
          await context.addInitScript(firstCardProbe);
          const { page, serviceWorker } = await warmUp(context, path, seed.docName, seed.open);
          if (o.only.includes('scroll')) {
            log('');
            const listExists = await hasList(page, `/w/${WORKSPACE}/list`);
            const target = listExists
              ? { path: `/w/${WORKSPACE}/list`, scroller: '[data-testid="task-list-scroller"]' }
              : { path, scroller: null };
            log(
              `== (c) scrolling ${listExists ? 'the list view' : 'the board (no list view on this branch yet: the page scrolls over all columns)'} ` +
                `top to bottom in ${o.scrollMs} ms`
            );
            if (listExists) {
              await page.goto(target.path);
              await page.waitForSelector('[data-testid="task-row"]', { timeout: 180_000 });
            }
            await sleep(500);
            const r = await scrollFrames({
              page,
              scroller: target.scroller,
              durationMs: o.scrollMs
            });
            const f = r.intervals;
            results.scroll = {
              view: listExists ? 'list' : 'board',
              frames: f.length,
              wallMs: r.wallMs,
              scrollHeight: r.scrollHeight,
              rowsInDom: r.rows,
              p50: quantile(f, 0.5),
              p95: quantile(f, 0.95),
              p99: quantile(f, 0.99),
              max: Math.max(...f),
              // 1 ms allowance: at 60 Hz a frame that was on time measures 16.6–16.8 ms.
              over16: f.filter((x) => x > 16.7 + FRAME_JITTER_MS).length / f.length,
              over33: f.filter((x) => x > 33.4 + FRAME_JITTER_MS).length / f.length
            };
            const s = results.scroll;
            log(
              `    ${s.frames} frames in ${fmt(s.wallMs)} ms over ${s.scrollHeight} px (${s.rowsInDom} rows/cards in the DOM): ` +
                `frame p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms; ` +
                `${pct(s.over16 * 100)} over 16.7 ms, ${pct(s.over33 * 100)} over 33 ms`
            );
            if (listExists) await page.goto(path);
          }
          if (o.only.includes('idb')) {
            log('');
            const sw = serviceWorker;
            results.idb = { serverStopped: sw };
            if (sw) {
              log(
                `== (b) first card from IndexedDB, server STOPPED (service worker serves the app shell)`
              );
              await stopServer(/** @type {any} */ (server));
              server = null;
            } else {
              log(
                `== (b) first card from IndexedDB, server running but the websocket blocked ` +
                  `(no service worker on this branch yet, so the page itself still comes from the server)`
              );
              notes.push(
                '(b) ran with the websocket blocked, not with the server stopped (no service worker)'
              );
              await context.routeWebSocket(/\/sync\//, (ws) =>
                ws.close({ code: 1001, reason: 'bench: offline' })
              );
            }
            Object.assign(results.idb, await reloadFirstCard({ page, runs: o.runs, log }));
            log(
              `    median ${fmt(results.idb.medianMs)} ms (min ${fmt(results.idb.minMs)}, max ${fmt(results.idb.maxMs)})`
            );
            if (o.profileDir) {
              mkdirSync(o.profileDir, { recursive: true });
              const profile = await profileAction(page, async () => {
                await page.reload({ waitUntil: 'commit' });
                await page.waitForSelector('[data-testid="task-card"]', { timeout: 180_000 });
              });
              results.idb.profile = reportProfile(o.profileDir, 'idb', profile, log);
            }
          }
        } finally {
          await context.close();
        }
      }
      await browser.close();
      browser = null;
    }

    if (o.only.includes('merge')) {
      log('');
      log(`== (d) merge: 2 clients x ${o.edits} offline edits, reconnecting at once`);
      if (server === null) await start();
      results.merge = await runMerge({
        baseUrl: `ws://127.0.0.1:${o.port}/sync`,
        docName: seed.docName,
        tokens: accounts.tokens,
        memberIds: accounts.memberIds,
        actors: [accounts.memberIds[0], accounts.memberIds[1]],
        edits: o.edits,
        lib,
        log,
        serverPid: server?.pid ?? null
      });
    }
  } catch (err) {
    const msg = String(/** @type {Error} */ (err)?.stack ?? err);
    results.error = msg;
    log(`ERROR: ${msg.split('\n').slice(0, 8).join('\n    ')}`);
    if (server) log(`server output:\n${/** @type {any} */ (server).log.join('\n')}`);
  } finally {
    if (browser) await /** @type {any} */ (browser).close();
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    untrackDir(dataDir);
  }

  // ---- summary
  const targets = evaluateTargets(results);
  log('');
  log('== Board summary');
  log(table(['figure', 'result', 'target', 'status'], summaryRows(results, targets)));
  for (const n of notes) log(`NOTE: ${n}`);

  return finishBrowserBench({
    kind: 'board',
    o,
    started,
    t0,
    idleBusy,
    results,
    targets,
    extra: { notes }
  });
}

/**
 * Whether this build has the list view (another branch adds it).
 * @param {import('@playwright/test').Page} page
 * @param {string} path
 */
async function hasList(page, path) {
  const reply = await page.request.get(path);
  return reply.status() === 200;
}

/**
 * @param {Record<string, any>} results
 * @returns {{ name: string, status: 'PASS' | 'FAIL' | 'n/a', detail: string }[]}
 */
function evaluateTargets(results) {
  /** @type {{ name: string, status: 'PASS' | 'FAIL' | 'n/a', detail: string }[]} */
  const list = [];
  const idb = results.idb;
  list.push({
    name: `(b) first card from IndexedDB < ${TARGETS.idbFirstCardMs} ms`,
    status:
      !idb || idb.medianMs === undefined
        ? results.error
          ? 'FAIL'
          : 'n/a'
        : idb.medianMs < TARGETS.idbFirstCardMs
          ? 'PASS'
          : 'FAIL',
    detail: idb?.medianMs !== undefined ? `median ${fmt(idb.medianMs)} ms` : 'not run'
  });
  const m = results.merge;
  list.push({
    name: `(d) merge of 2 x ${m?.edits ?? 1000} offline edits < ${TARGETS.mergeMs} ms`,
    status: !m ? (results.error ? 'FAIL' : 'n/a') : m.mergeMs < TARGETS.mergeMs ? 'PASS' : 'FAIL',
    detail: m ? `${fmt(m.mergeMs)} ms` : 'not run'
  });
  return list;
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
      '(a) first card, cold (median)',
      `${fmt(r.cold.medianMs)} ms (painted ${fmt(r.cold.medianFrameMs)} ms; live ${fmt(r.cold.medianLiveMs)} ms)`,
      '-',
      'info'
    ]);
  if (r.idb?.medianMs !== undefined)
    rows.push([
      `(b) first card from IndexedDB${r.idb.serverStopped ? ', server stopped' : ', ws blocked'} (median)`,
      `${fmt(r.idb.medianMs)} ms (painted ${fmt(r.idb.medianFrameMs)} ms)`,
      `< ${TARGETS.idbFirstCardMs} ms`,
      targets[0]?.status ?? 'n/a'
    ]);
  if (r.idb?.medianLiveMs !== undefined)
    rows.push([
      '    live board (document loaded, editable; median)',
      `${fmt(r.idb.medianLiveMs)} ms`,
      '-',
      'info'
    ]);
  if (r.scroll)
    rows.push([
      `(c) scroll frame time (${r.scroll.view})`,
      `p50 ${fmt(r.scroll.p50)} / p95 ${fmt(r.scroll.p95)} / p99 ${fmt(r.scroll.p99)} ms; ` +
        `${pct(r.scroll.over16 * 100)} > 16.7 ms, ${pct(r.scroll.over33 * 100)} > 33 ms`,
      '-',
      'info'
    ]);
  if (r.merge) {
    rows.push([
      `(d) merge 2 x ${r.merge.edits} offline edits`,
      `${fmt(r.merge.mergeMs)} ms`,
      `< ${TARGETS.mergeMs} ms`,
      targets[1]?.status ?? 'n/a'
    ]);
    rows.push([
      '    reference: Y.applyUpdate in-process',
      `B into A ${fmt(r.merge.reference.applyIntoAMs)} ms, both into base ${fmt(r.merge.reference.applyBothMs)} ms`,
      '-',
      'info'
    ]);
  }
  if (r.error) rows.push(['error', String(r.error).split('\n')[0] ?? '', '', 'FAIL']);
  return rows;
}
