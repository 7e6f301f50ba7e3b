// Archive benchmark (`node bench/run.mjs archive`): scenario 2 of issue 12, a workspace with
// 50,000 finished incidents, before and after the board-scale work side by side. Two data sets
// (the same open tasks, with and without the incidents, resolved 15 to 365 days ago), each run
// by the reference version (bench/board/reference.mjs) and by this checkout's production build.
// Measured in Node: the board document a client receives once the server has settled (this
// checkout moves the finished incidents to the archive on start), and searches of past
// incidents over REST: the archive search after, the board's task filter before.
import { Agent, request } from 'node:http';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { finishRun, log, outputFlags, startRun } from '../run-frame.mjs';
import { inspectBoard } from '../board/inspect.mjs';
import { REFERENCE_COMMIT, ensureReference } from '../board/reference.mjs';
import { untrackDir } from '../sync/cleanup.mjs';
import { provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, table } from '../sync/report.mjs';
import { ROOT, makeDataDir, startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';

const MAIN_ENTRY = join(ROOT, 'build', 'server', 'main.js');
const BUILDS = ['before', 'after'];

/** Targets of issue 12, scenario 2, judged on the "after" pass. */
export const TARGETS = {
  /** The board with the incidents, as a ratio of the board without them (1 = no bigger). */
  growth: 1,
  searchMs: 200
};

const USAGE = `Usage: node bench/run.mjs archive [flags]

A workspace with many finished incidents: the live board's size with and without them, and
searches of past incidents, before (reference ${REFERENCE_COMMIT.slice(0, 10)}) and after.

  --archive-incidents=N   finished incidents (default 50000)
  --archive-open=N        open tasks in both data sets (default 300)
  --archive-queries=N     searches per build, median and p95 reported (default 40)
  --archive-builds=before,after  passes (default both)
  --archive-verbose       echo the servers' output
  --out=DIR               results directory (default bench/results)
  --strict                exit 1 if a target FAILs`;

/** @param {string[]} argv */
export function parseArchiveArgs(argv) {
  const a = readFlags(
    argv,
    [
      'archive-incidents',
      'archive-open',
      'archive-queries',
      'archive-builds',
      'archive-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  return {
    help: !!a.help,
    incidents: wholeNumber(a, 'archive-incidents', 50_000),
    open: wholeNumber(a, 'archive-open', 300),
    queries: Math.max(1, wholeNumber(a, 'archive-queries', 40)),
    builds: scenarioList(a, 'archive-builds', BUILDS),
    verbose: !!a['archive-verbose'],
    ...outputFlags(a)
  };
}

/**
 * GET `path` with the token; resolves with the status and the time to the last byte.
 * @param {Agent} agent
 * @param {number} port
 * @param {string} path
 * @param {string} token
 * @returns {Promise<{ status: number, ms: number, body: string }>}
 */
function get(agent, port, path, token) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body })
        );
      }
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Searches of past incidents: the archive after, the board's task filter before.
 * @param {{ port: number, token: string, queries: number, terms: string[], build: string }} o
 */
async function timeSearches(o) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const path = (/** @type {string} */ term) =>
    o.build === 'after'
      ? `/api/v1/workspaces/${WORKSPACE}/archive/tasks?q=${encodeURIComponent(term)}&limit=50`
      : `/api/v1/workspaces/${WORKSPACE}/tasks?q=${encodeURIComponent(term)}&kind=incident`;
  try {
    // One warm-up request: the first one pays for the board's load on the reference.
    const warm = await get(agent, o.port, path(o.terms[0] ?? 'disk'), o.token);
    if (warm.status !== 200)
      throw new Error(`search: HTTP ${warm.status} ${warm.body.slice(0, 300)}`);
    /** @type {number[]} */
    const times = [];
    let hits = 0;
    for (let i = 0; i < o.queries; i++) {
      const reply = await get(agent, o.port, path(o.terms[i % o.terms.length] ?? 'disk'), o.token);
      if (reply.status !== 200) throw new Error(`search: HTTP ${reply.status}`);
      const parsed = JSON.parse(reply.body);
      hits += Array.isArray(parsed) ? parsed.length : (parsed.items?.length ?? 0);
      times.push(reply.ms);
    }
    return {
      runs: times.length,
      medianMs: quantile(times, 0.5),
      p95Ms: quantile(times, 0.95),
      hitsPerQuery: hits / times.length
    };
  } finally {
    agent.destroy();
  }
}

/** @param {string[]} argv */
export async function runArchiveBench(argv) {
  const begun = await startRun({
    title: 'archive benchmark',
    kind: 'archive',
    argv,
    parse: parseArchiveArgs,
    usage: USAGE,
    entries: () => [MAIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o, started, t0, idleBusy } = begun;
  /** @type {Record<string, any>} */
  const results = { passes: {} };
  /** @type {string[]} */
  const templates = [];
  try {
    const reference = await ensureReference(REFERENCE_COMMIT, log);
    results.reference = reference.commit;
    const bundle = await bundleEntryFromSource('bench/archive/archive-data.ts');
    if (!bundle) throw new Error('esbuild is needed to bundle bench/archive/archive-data.ts');
    const lib = await import(bundle);
    /** @type {Record<string, { dir: string, accounts: any, seed: any }>} */
    const sets = {};
    for (const [name, incidents] of /** @type {[string, number][]} */ ([
      ['none', 0],
      ['incidents', o.incidents]
    ])) {
      const dir = makeDataDir(`archive-${name}`);
      templates.push(dir);
      // Accounts through the reference's CLI: its schema is the one an upgrade starts from.
      const accounts = await provisionWorkspace(reference.admin, dir, {
        users: [
          { email: 'archive0@example.com', name: 'Ada Ops' },
          { email: 'archive1@example.com', name: '王芳' }
        ],
        workspaceName: 'Archive bench',
        tokens: 2,
        tokenName: 'archive-bench'
      });
      const seed = await lib.seedArchiveBoard({
        dataDir: dir,
        workspaceId: WORKSPACE,
        memberIds: accounts.ids,
        open: o.open,
        incidents
      });
      sets[name] = { dir, accounts, seed };
      log(
        `seeded "${name}": ${seed.open} open tasks, ${seed.incidents} finished incidents, ` +
          `${(seed.bytes / 2 ** 20).toFixed(2)} MB as one update, in ${fmt(seed.buildMs / 1000)} s`
      );
    }
    const apps = { before: reference.app, after: MAIN_ENTRY };
    for (const build of o.builds) {
      /** @type {Record<string, any>} */
      const pass = {};
      results.passes[build] = pass;
      log('');
      log(
        `== ${build}: ${build === 'before' ? `reference ${reference.commit.slice(0, 10)}` : 'this checkout'}`
      );
      for (const [name, set] of Object.entries(sets)) {
        const dataDir = makeDataDir(`archive-run`);
        cpSync(set.dir, dataDir, { recursive: true });
        /** @type {any} */
        let server = null;
        try {
          server = await startServer('ours', {
            entry: apps[/** @type {'before' | 'after'} */ (build)],
            dataDir,
            verbose: o.verbose,
            timeoutMs: 600_000
          });
          const board = await inspectBoard(
            `ws://127.0.0.1:${server.port}/sync`,
            set.seed.docName,
            set.accounts.tokens[0]
          );
          log(
            `  ${name}: board first synced in ${fmt(board.firstSyncMs)} ms, settled at ${fmt(board.settledMs)} ms: ` +
              `${(board.bytes / 2 ** 20).toFixed(2)} MB, ${board.entries} task entries`
          );
          /** @type {Record<string, any>} */
          const figures = { board };
          if (name === 'incidents') {
            figures.search = await timeSearches({
              port: server.port,
              token: set.accounts.tokens[1],
              queries: o.queries,
              terms: lib.SEARCH_TERMS,
              build
            });
            log(
              `  search of past incidents (${build === 'after' ? 'archive' : 'board filter'}): median ${fmt(figures.search.medianMs)} ms, ` +
                `p95 ${fmt(figures.search.p95Ms)} ms, ${fmt(figures.search.hitsPerQuery)} results a query`
            );
          }
          pass[name] = figures;
        } catch (err) {
          pass.error = String(/** @type {Error} */ (err)?.stack ?? err);
          log(`ERROR (${build}, ${name}): ${pass.error.split('\n').slice(0, 6).join('\n    ')}`);
          if (server) log(`server output:\n${server.log.join('\n')}`);
        } finally {
          if (server) await stopServer(server);
          rmSync(dataDir, { recursive: true, force: true });
          untrackDir(dataDir);
        }
      }
    }
  } catch (err) {
    results.error = String(/** @type {Error} */ (err)?.stack ?? err);
    log(`ERROR: ${results.error.split('\n').slice(0, 8).join('\n    ')}`);
  } finally {
    for (const dir of templates) {
      rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    }
  }

  const after = results.passes.after;
  const growth =
    after?.incidents?.board && after?.none?.board
      ? after.incidents.board.bytes / after.none.board.bytes
      : undefined;
  const searchMs = after?.incidents?.search?.medianMs;
  /** @type {{ name: string, status: 'PASS' | 'FAIL' | 'n/a', detail: string }[]} */
  const targets = [
    {
      name: `live board with ${o.incidents} finished incidents no bigger than with none`,
      status: growth === undefined ? 'FAIL' : growth <= TARGETS.growth + 0.01 ? 'PASS' : 'FAIL',
      detail: growth === undefined ? 'not measured' : `${growth.toFixed(3)}x`
    },
    {
      name: `archive search < ${TARGETS.searchMs} ms (median)`,
      status: searchMs === undefined ? 'FAIL' : searchMs < TARGETS.searchMs ? 'PASS' : 'FAIL',
      detail: searchMs === undefined ? 'not measured' : `${fmt(searchMs)} ms`
    }
  ];
  const cell = (/** @type {any} */ v, /** @type {(x: number) => string} */ show) =>
    typeof v === 'number' && Number.isFinite(v) ? show(v) : '-';
  const mbs = (/** @type {number} */ v) => `${(v / 2 ** 20).toFixed(2)} MB`;
  const ms = (/** @type {number} */ v) => `${fmt(v)} ms`;
  const b = results.passes.before ?? {};
  const a = results.passes.after ?? {};
  const ratio = (/** @type {any} */ x, /** @type {any} */ y) =>
    typeof x === 'number' && typeof y === 'number' && x > 0 ? `${(y / x).toFixed(2)}x` : '-';
  const rows = [
    [
      'board document, no incidents',
      cell(b.none?.board?.bytes, mbs),
      cell(a.none?.board?.bytes, mbs),
      ratio(b.none?.board?.bytes, a.none?.board?.bytes),
      '-',
      'info'
    ],
    [
      `board document, ${o.incidents} finished incidents`,
      cell(b.incidents?.board?.bytes, mbs),
      cell(a.incidents?.board?.bytes, mbs),
      ratio(b.incidents?.board?.bytes, a.incidents?.board?.bytes),
      'as with none',
      targets[0]?.status ?? 'n/a'
    ],
    [
      '    task entries in it',
      cell(b.incidents?.board?.entries, String),
      cell(a.incidents?.board?.entries, String),
      '-',
      '-',
      'info'
    ],
    [
      'first load after start',
      cell(b.incidents?.board?.firstSyncMs, ms),
      cell(a.incidents?.board?.firstSyncMs, ms),
      ratio(b.incidents?.board?.firstSyncMs, a.incidents?.board?.firstSyncMs),
      '-',
      'info'
    ],
    [
      'search of past incidents (median)',
      cell(b.incidents?.search?.medianMs, ms),
      cell(a.incidents?.search?.medianMs, ms),
      ratio(b.incidents?.search?.medianMs, a.incidents?.search?.medianMs),
      `< ${TARGETS.searchMs} ms`,
      targets[1]?.status ?? 'n/a'
    ],
    [
      '    p95',
      cell(b.incidents?.search?.p95Ms, ms),
      cell(a.incidents?.search?.p95Ms, ms),
      '-',
      '-',
      'info'
    ]
  ];
  log('');
  log(
    `== Archive summary (before: reference ${REFERENCE_COMMIT.slice(0, 10)}, board filter; after: this checkout, archive search)`
  );
  log(table(['figure', 'before', 'after', 'after/before', 'target', 'status'], rows));
  return finishRun({ kind: 'archive', o, started, t0, idleBusy, results, targets });
}
