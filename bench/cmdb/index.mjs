// CMDB benchmark (`node bench/run.mjs cmdb`): the "Benchmark" of issue 14, a CMDB of 20,000
// items and 60,000 relations. A layered inventory (bench/cmdb/cmdb-data.ts, fixed seed) is
// written as `<ws>.cmdb` with this checkout's model and stored through the server's own storage
// before the production app (build/server/main.js) starts on it; the app mirrors it to records
// when it first loads it. Then: impact queries over REST (and in process with `CmdbGraph`), the
// filtered item list over REST and in the browser's search box, the list page opened cold and from
// IndexedDB, and the document's size and decode time against the layout the architecture
// rejected (a `Y.Map` per item, a JSON object per relation). SQLite, and PostgreSQL when reachable.
import { execFileSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { launch, signInState } from '../board/browser.mjs';
import { ADMIN_ENTRY, availableBackends, backendList, freshStore } from '../backends.mjs';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { dropAllBenchDatabases } from '../pg.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import { cpuMark, cpuPercent, sleep, systemBusyPercent } from '../sync/proc.mjs';
import { provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, int, pct, table } from '../sync/report.mjs';
import { ROOT, startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';
import { waitQuiet } from '../sync/index.mjs';
import { coldOpen, timeFilter, warmOpen } from './browser.mjs';

/** The targets of issue 14, "Benchmark". */
export const TARGETS = { impactP95Ms: 50, filterMs: 100, openFromIndexedDbMs: 1000 };

const SCENARIOS = ['impact', 'list', 'browser'];
/** Decodes of each layout in Node (median). */
const DECODE_RUNS = 7;

/** Filters of the REST list besides `q` (values the seed uses). */
const LIST_TAGS = ['pci', 'k8s', 'eu-west', 'legacy', '核心'];
const LIST_TYPES = ['service', 'vm', 'database', 'host', 'application'];

const USAGE = `Usage: node bench/run.mjs cmdb [flags]

A CMDB of 20,000 items and 60,000 relations (issue 14) in the production app
(build/server/main.js on 127.0.0.1): impact queries, the filtered item list (REST and the
list page's search box in Chromium), the list page opened cold and from IndexedDB, and the
document's size and decode time against the rejected layout (a Y.Map per item).

  --cmdb-items=N               configuration items (default 20000)
  --cmdb-relations=N           relations between them (default 60000)
  --cmdb-only=impact,list,browser  scenarios (default all; size and decode always run)
  --cmdb-backends=sqlite,postgres  stores (default both; postgres when reachable at
                               RUNBOARD_BENCH_PG_ADMIN_URL, default
                               postgres://postgres@127.0.0.1:5432/postgres)
  --cmdb-queries=N             impact queries per backend (default 200)
  --cmdb-list-queries=N        REST list queries per backend (default 40)
  --cmdb-terms=N               search terms typed in the browser (default 20)
  --cmdb-runs=N                page loads per browser figure, median (default 5)
  --cmdb-browser-backend=B     the backend the browser figures run on (default sqlite)
  --cmdb-app=PATH              the app's entry (default build/server/main.js)
  --cmdb-port=P                port of the app (default 0: any free one)
  --cmdb-wait-quiet[=S]        before each backend wait up to S s (default 60) for other
                               processes to use < 30% CPU
  --cmdb-verbose               echo the server's output
  --out=DIR                    results directory (default bench/results)
  --strict                     exit 1 when a target FAILs`;

/** @param {string[]} argv */
export function parseCmdbArgs(argv) {
  const a = readFlags(
    argv,
    [
      'cmdb-items',
      'cmdb-relations',
      'cmdb-only',
      'cmdb-backends',
      'cmdb-queries',
      'cmdb-list-queries',
      'cmdb-terms',
      'cmdb-runs',
      'cmdb-browser-backend',
      'cmdb-app',
      'cmdb-port',
      'cmdb-wait-quiet',
      'cmdb-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  const items = wholeNumber(a, 'cmdb-items', 20_000);
  if (items < 50) throw new Error('--cmdb-items must be at least 50');
  const relations = wholeNumber(a, 'cmdb-relations', 60_000);
  const browserBackend = String(a['cmdb-browser-backend'] ?? 'sqlite');
  if (browserBackend !== 'sqlite' && browserBackend !== 'postgres')
    throw new Error('--cmdb-browser-backend must be sqlite or postgres');
  return {
    help: !!a.help,
    items,
    relations,
    only: scenarioList(a, 'cmdb-only', SCENARIOS),
    backends: backendList(a, 'cmdb-backends'),
    queries: Math.max(1, wholeNumber(a, 'cmdb-queries', 200)),
    listQueries: Math.max(1, wholeNumber(a, 'cmdb-list-queries', 40)),
    terms: Math.max(1, wholeNumber(a, 'cmdb-terms', 20)),
    runs: Math.max(1, wholeNumber(a, 'cmdb-runs', 5)),
    browserBackend: /** @type {'sqlite' | 'postgres'} */ (browserBackend),
    app:
      typeof a['cmdb-app'] === 'string' ? a['cmdb-app'] : join(ROOT, 'build', 'server', 'main.js'),
    port: wholeNumber(a, 'cmdb-port', 0),
    waitQuietMs:
      a['cmdb-wait-quiet'] === undefined ? 0 : wholeNumber(a, 'cmdb-wait-quiet', 60) * 1000,
    verbose: !!a['cmdb-verbose'],
    ...outputFlags(a)
  };
}

/** The commit measured, with `+dirty` when the tree has changes. */
function commitOf() {
  try {
    const id = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: ROOT })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT
    })
      .toString()
      .trim();
    return dirty ? `${id}+dirty` : id;
  } catch {
    return 'unknown';
  }
}

/** @param {number[]} values */
const stats = (values) => ({
  n: values.length,
  medianMs: quantile(values, 0.5),
  p95Ms: quantile(values, 0.95),
  maxMs: values.length ? Math.max(...values) : NaN
});

/** @param {number} bytes */
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runCmdbBench(argv) {
  const begun = await startRun({
    title: 'CMDB benchmark (issue 14)',
    kind: 'cmdb',
    argv,
    parse: parseCmdbArgs,
    usage: USAGE,
    entries: (o) => [o.app, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const commit = commitOf();
  log(`commit ${commit}; ${new Date().toISOString().slice(0, 10)}`);
  const { backends, postgres } = await availableBackends(o.backends, note);
  if (postgres) log(`PostgreSQL: ${postgres} (a fresh database per backend, dropped after)`);

  /** @type {Record<string, any>} */
  const results = { commit, backends: {} };
  try {
    const bundle = await bundleEntryFromSource('bench/cmdb/cmdb-data.ts');
    if (!bundle) throw new Error('esbuild is needed to bundle bench/cmdb/cmdb-data.ts');
    const lib = await import(bundle);

    // ---- the data, its size and decode time in Node, impact in process
    const seed = lib.prepareCmdb({
      items: o.items,
      relations: o.relations,
      samples: o.queries
    });
    const impacts = seed.samples.map((/** @type {any} */ s) => s.impact);
    results.seed = {
      items: seed.items,
      relations: seed.relations,
      layers: seed.layers,
      buildMs: seed.buildMs,
      samples: {
        bottom: seed.samples.filter((/** @type {any} */ s) => s.kind === 'bottom').length,
        mid: seed.samples.filter((/** @type {any} */ s) => s.kind === 'mid').length,
        top: seed.samples.filter((/** @type {any} */ s) => s.kind === 'top').length,
        impactMax: Math.max(...impacts),
        impactMedian: quantile(impacts, 0.5)
      }
    };
    log('');
    log(
      `inventory: ${int(seed.items)} items (${Object.entries(seed.layers)
        .map(([k, v]) => `${k} ${int(/** @type {number} */ (v))}`)
        .join(', ')}), ${int(seed.relations)} relations, built in ${fmt(seed.buildMs / 1000)} s`
    );
    log(
      `impact queries: ${results.seed.samples.bottom} on low items with the largest impact, ` +
        `${results.seed.samples.mid} mid-layer, ${results.seed.samples.top} applications; ` +
        `items affected: median ${int(results.seed.samples.impactMedian)}, max ${int(results.seed.samples.impactMax)}`
    );

    log('');
    log(
      '== The document in Node (this layout against a Y.Map per item and a JSON object per relation)'
    );
    // Interleaved (after, reference, after, …) so both layouts see the same load on a shared
    // machine; one warm-up of each first.
    /** @type {Record<string, { decodeMs: number[], decodeAndReadMs: number[] }>} */
    const runs = {
      after: { decodeMs: [], decodeAndReadMs: [] },
      reference: { decodeMs: [], decodeAndReadMs: [] }
    };
    const updates = { after: seed.update, reference: seed.referenceUpdate };
    for (let i = -1; i < DECODE_RUNS; i++) {
      for (const layout of /** @type {const} */ (['after', 'reference'])) {
        /** @type {any} */ (globalThis).gc?.();
        const d = lib.decodeTimes(updates[layout], layout, 1);
        if (i < 0) continue;
        runs[layout].decodeMs.push(...d.decodeMs);
        runs[layout].decodeAndReadMs.push(...d.decodeAndReadMs);
      }
    }
    /** @type {Record<string, any>} */
    const decode = {};
    for (const layout of /** @type {const} */ (['after', 'reference'])) {
      decode[layout] = {
        bytes: updates[layout].byteLength,
        decodeMs: quantile(runs[layout].decodeMs, 0.5),
        decodeAndReadMs: quantile(runs[layout].decodeAndReadMs, 0.5),
        runs: runs[layout].decodeMs
      };
      log(
        `  ${layout === 'after' ? 'plain item values, relations by their ends' : 'reference: Y.Map per item, object per relation'}: ` +
          `${mib(updates[layout].byteLength)} (Y.encodeStateAsUpdate), decode median ${fmt(decode[layout].decodeMs)} ms, ` +
          `decode and read every name ${fmt(decode[layout].decodeAndReadMs)} ms (${DECODE_RUNS} runs)`
      );
    }
    results.decode = decode;

    /** @type {any} */ (globalThis).gc?.();
    const ids = seed.samples.map((/** @type {any} */ s) => s.id);
    lib.inProcessImpact(seed.update, ids.slice(0, 20)); // warm-up
    const inProcess = lib.inProcessImpact(seed.update, ids);
    results.inProcess = { graphMs: inProcess.graphMs, ...stats(inProcess.times) };
    log(
      `  impact in process (CmdbGraph on the decoded document, names and types read): graph built in ` +
        `${fmt(inProcess.graphMs)} ms, then ${o.queries} queries median ${fmt(results.inProcess.medianMs)} / ` +
        `p95 ${fmt(results.inProcess.p95Ms)} / max ${fmt(results.inProcess.maxMs)} ms`
    );

    // ---- the app, per backend
    for (const backend of backends) {
      log('');
      log(`== ${backend === 'sqlite' ? 'SQLite (DATA_DIR)' : 'PostgreSQL (DATABASE_URL)'}`);
      if (o.waitQuietMs) {
        const q = await waitQuiet(o.waitQuietMs);
        if (!q.quiet) log(`  ! machine still busy (${pct(q.busy)} CPU); running anyway`);
        else if (q.waitedMs > 1500)
          log(`  (waited ${fmt(q.waitedMs / 1000)} s for a quiet machine)`);
      }
      try {
        results.backends[backend] = await measureBackend(backend, o, lib, seed);
      } catch (err) {
        const msg = String(/** @type {Error} */ (err)?.stack ?? err);
        results.backends[backend] = { error: msg };
        log(`  ERROR: ${msg.split('\n').slice(0, 8).join('\n  ')}`);
      }
    }
  } catch (err) {
    results.error = String(/** @type {Error} */ (err)?.stack ?? err);
    log(`ERROR: ${results.error.split('\n').slice(0, 8).join('\n    ')}`);
  } finally {
    await dropAllBenchDatabases();
  }

  const { rows, targets } = summary(results, o);
  log('');
  log(
    `== CMDB summary (${int(results.seed?.items ?? o.items)} items, ${int(results.seed?.relations ?? o.relations)} relations; commit ${commit})`
  );
  log(table(['figure', 'value', 'reference', 'after/reference', 'target', 'status'], rows));
  log('');
  for (const t of targets) log(`  ${t.status}  ${t.name} (${t.detail})`);
  return finishRun({
    ...begun,
    results,
    targets,
    extra: { notes, postgres, targetsWanted: TARGETS }
  });
}

/**
 * One backend: a fresh store with an owner (admin CLI), the CMDB stored into it, the app on it;
 * the first load's mirror, impact and list over REST, and (on one backend) the browser.
 * @param {'sqlite' | 'postgres'} backend
 * @param {ReturnType<typeof parseCmdbArgs>} o
 * @param {any} lib
 * @param {any} seed
 */
async function measureBackend(backend, o, lib, seed) {
  const store = await freshStore(backend, 'cmdb');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  /** @type {import('@playwright/test').Browser | null} */
  let browser = null;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** @type {Record<string, any>} */
  const r = {};
  try {
    const t0 = performance.now();
    const accounts = await provisionWorkspace(ADMIN_ENTRY, store.dataDir, {
      users: [{ email: 'cmdb0@example.com', name: 'CMDB bench owner' }],
      workspaceName: 'CMDB bench',
      tokens: 1,
      tokenName: 'cmdb-bench',
      ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {})
    });
    const token = /** @type {string} */ (accounts.tokens[0]);
    const stored = await lib.storeCmdb({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      workspaceId: WORKSPACE,
      update: seed.update
    });
    log(
      `  owner and API token (admin CLI) and ${stored.docName} stored (${mib(seed.update.byteLength)}) in ` +
        `${fmt((performance.now() - t0) / 1000)} s`
    );
    server = await startServer(backend === 'postgres' ? 'ours-pg' : 'ours', {
      entry: o.app,
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      port: o.port,
      verbose: o.verbose,
      timeoutMs: 60_000
    });
    const port = server.port;
    log(
      `  app on http://127.0.0.1:${port} (pid ${server.pid}, ready in ${fmt(server.startMs)} ms)`
    );
    const ws = `/api/v1/workspaces/${WORKSPACE}/cmdb`;
    const api = (/** @type {string} */ method, /** @type {string} */ path, body = undefined) =>
      call(agent, port, method, path, token, body);

    // The first load: one create loads the document (and answers after its own row is
    // mirrored); the full mirror of every item and relation is done when the list counts them.
    const expected = seed.items + 1;
    const m0 = performance.now();
    const created = await api('POST', `${ws}/items`, {
      type: 'service',
      name: 'cmdb-bench-probe',
      environment: 'dev',
      tags: ['bench']
    });
    if (created.status !== 201)
      throw new Error(`POST ${ws}/items: ${created.status} ${created.body}`);
    const createMs = performance.now() - m0;
    let total = 0;
    while (performance.now() - m0 < 600_000) {
      const page = await api('GET', `${ws}/items?limit=1`);
      if (page.status !== 200) throw new Error(`GET ${ws}/items: ${page.status} ${page.body}`);
      total = Number(page.headers['x-total-count'] ?? 0);
      if (total >= expected) break;
      await sleep(100);
    }
    const mirrorMs = performance.now() - m0;
    if (total < expected)
      throw new Error(`the mirror holds ${total} of ${expected} items after 10 min`);
    r.firstLoad = { createMs, mirrorMs, total };
    log(
      `  first load: the create that loaded the document answered in ${fmt(createMs)} ms; ` +
        `all ${int(total)} items listed (full mirror) ${fmt(mirrorMs / 1000)} s after it was sent`
    );

    if (o.only.includes('impact')) {
      r.impact = await timeImpact(api, ws, seed, server.pid);
      const parts = await lib.recordsImpact({
        dataDir: store.dataDir,
        databaseUrl: store.databaseUrl,
        workspaceId: WORKSPACE,
        ids: seed.samples.map((/** @type {any} */ s) => s.id)
      });
      r.impact.records = { total: stats(parts.total) };
      const p = r.impact.records;
      log(
        `  the same through the records layer in the bench process (no HTTP): ` +
          `median ${fmt(p.total.medianMs)} / p95 ${fmt(p.total.p95Ms)} / max ${fmt(p.total.maxMs)} ms`
      );
    }
    if (o.only.includes('list'))
      r.list = await timeList(api, ws, o.listQueries, lib.SEARCH_TERMS, server.pid);

    if (o.only.includes('browser') && backend === o.browserBackend) {
      // A failure here keeps the REST figures above.
      try {
        const baseURL = `http://127.0.0.1:${port}`;
        const path = `/w/${WORKSPACE}/cmdb`;
        browser = await launch();
        const storageState = await signInState(baseURL, accounts.email, accounts.password);
        log(`  browser: ${path}, until the list shows rows and counts ${int(expected)} items`);
        r.cold = await coldOpen({
          browser,
          baseURL,
          path,
          storageState,
          expected,
          runs: o.runs,
          log
        });
        log(
          `  cold (new context, empty IndexedDB): median ${fmt(r.cold.medianMs)} ms ` +
            `(first row ${fmt(r.cold.medianFirstRowMs)} ms)`
        );
        const context = await browser.newContext({ baseURL, storageState });
        try {
          const warm = await warmOpen({
            context,
            path,
            docName: stored.docName,
            expected,
            runs: o.runs,
            log
          });
          const { page, ...warmFigures } = warm;
          r.warm = warmFigures;
          log(
            `  from IndexedDB (reload, copy stored): median ${fmt(r.warm.medianMs)} ms ` +
              `(first row ${fmt(r.warm.medianFirstRowMs)} ms)`
          );
          const terms = Array.from(
            { length: o.terms },
            (_, i) => lib.SEARCH_TERMS[i % lib.SEARCH_TERMS.length]
          );
          r.filter = await timeFilter({ page, terms, log });
          log(
            `  search box (${terms.length} terms): to the updated frame median ${fmt(r.filter.medianMs)} / ` +
              `p95 ${fmt(r.filter.p95Ms)} / max ${fmt(r.filter.maxMs)} ms ` +
              `(DOM updated: median ${fmt(r.filter.domMedianMs)} / p95 ${fmt(r.filter.domP95Ms)} ms)`
          );
        } finally {
          await context.close();
        }
      } catch (err) {
        r.browserError = String(/** @type {Error} */ (err)?.stack ?? err);
        log(`  ERROR (browser): ${r.browserError.split('\n').slice(0, 4).join('\n  ')}`);
      }
    }
    return r;
  } catch (err) {
    if (server) log(`  server output:\n    ${server.log.slice(-15).join('\n    ')}`);
    throw err;
  } finally {
    agent.destroy();
    if (browser) await browser.close().catch(() => {});
    if (server) await stopServer(server);
    await store.remove();
  }
}

/**
 * CPU of the app and of everything else over a measured phase.
 * @param {number} pid
 */
function cpuWindow(pid) {
  const m0 = cpuMark([pid]);
  const c0 = process.cpuUsage();
  return () => {
    const m1 = cpuMark([pid]);
    const c1 = process.cpuUsage(c0);
    const wallMs = m1.t - m0.t;
    const app = cpuPercent(m0, m1)[0] ?? NaN;
    const bench = ((c1.user + c1.system) / 1000 / wallMs) * 100;
    return { app, bench, other: systemBusyPercent(m0, m1) - app - bench };
  };
}

/**
 * `GET …/items/<id>/impact` for every sample, one after another on one keep-alive connection
 * (5 warm-up queries first, not counted); each answer's size checked against the in-process graph.
 * @param {(method: string, path: string) => Promise<{ status: number, body: string }>} api
 * @param {string} ws
 * @param {any} seed
 * @param {number} pid
 */
async function timeImpact(api, ws, seed, pid) {
  for (const s of seed.samples.slice(0, 5)) await api('GET', `${ws}/items/${s.id}/impact`);
  const cpu = cpuWindow(pid);
  /** @type {Record<string, number[]>} */
  const byKind = { bottom: [], mid: [], top: [] };
  /** @type {number[]} */
  const times = [];
  let wrong = 0;
  for (const s of seed.samples) {
    const t0 = performance.now();
    const reply = await api('GET', `${ws}/items/${s.id}/impact`);
    const ms = performance.now() - t0;
    if (reply.status !== 200) throw new Error(`impact of ${s.id}: ${reply.status} ${reply.body}`);
    if (JSON.parse(reply.body).items.length !== s.impact) wrong++;
    times.push(ms);
    byKind[s.kind]?.push(ms);
  }
  const load = cpu();
  const out = {
    ...stats(times),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, stats(v)])),
    wrongSizes: wrong,
    cpu: load
  };
  log(
    `  impact over REST (${times.length} queries): median ${fmt(out.medianMs)} / p95 ${fmt(out.p95Ms)} / ` +
      `max ${fmt(out.maxMs)} ms; low items with large impact p95 ${fmt(out.byKind.bottom?.p95Ms)} ms, ` +
      `mid-layer ${fmt(out.byKind.mid?.p95Ms)} ms, applications ${fmt(out.byKind.top?.p95Ms)} ms; ` +
      `${wrong === 0 ? 'every answer the size the graph says' : `${wrong} answers of the wrong size`}`
  );
  log(`    CPU: app ${pct(load.app)}, bench ${pct(load.bench)}, other ${pct(load.other)}`);
  return out;
}

/**
 * `GET …/items?…` with `q`, type, tag and environment filters in turn (100 a page, the API's
 * default).
 * @param {(method: string, path: string) => Promise<{ status: number, body: string, headers: any }>} api
 * @param {string} ws
 * @param {number} count
 * @param {string[]} terms
 * @param {number} pid
 */
async function timeList(api, ws, count, terms, pid) {
  /** @type {Record<string, string>[]} */
  const queries = [];
  for (let i = 0; i < count; i++) {
    const term = /** @type {string} */ (terms[i % terms.length]);
    const tag = /** @type {string} */ (LIST_TAGS[i % LIST_TAGS.length]);
    const type = /** @type {string} */ (LIST_TYPES[i % LIST_TYPES.length]);
    queries.push(
      [
        { q: term },
        { q: term, type },
        { tag },
        { environment: 'production', type },
        { q: term, environment: 'staging', tag }
      ][i % 5] ?? { q: term }
    );
  }
  const path = (/** @type {Record<string, string>} */ q) =>
    `${ws}/items?${new URLSearchParams(q).toString()}`;
  await api('GET', path(queries[0] ?? {}));
  const cpu = cpuWindow(pid);
  /** @type {number[]} */
  const times = [];
  let hits = 0;
  for (const q of queries) {
    const t0 = performance.now();
    const reply = await api('GET', path(q));
    times.push(performance.now() - t0);
    if (reply.status !== 200) throw new Error(`list ${path(q)}: ${reply.status} ${reply.body}`);
    hits += Number(reply.headers['x-total-count'] ?? 0);
  }
  const load = cpu();
  const out = { ...stats(times), matchesPerQuery: hits / times.length, cpu: load };
  log(
    `  item list over REST (${times.length} queries: q, q+type, tag, environment+type, q+environment+tag): ` +
      `median ${fmt(out.medianMs)} / p95 ${fmt(out.p95Ms)} / max ${fmt(out.maxMs)} ms, ` +
      `${int(out.matchesPerQuery)} matches a query on average`
  );
  log(`    CPU: app ${pct(load.app)}, bench ${pct(load.bench)}, other ${pct(load.other)}`);
  return out;
}

/**
 * One request over the keep-alive agent with the API token (127.0.0.1, 60 s timeout).
 * @param {Agent} agent
 * @param {number} port
 * @param {string} method
 * @param {string} path
 * @param {string} token
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, body: string, headers: import('node:http').IncomingHttpHeaders }>}
 */
function call(agent, port, method, path, token, body) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    /** @type {Record<string, string | number>} */
    const headers = { authorization: `Bearer ${token}` };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, timeout: 60_000, headers },
      (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers
          })
        );
        res.on('error', (e) => resolve({ status: 0, body: String(e), headers: {} }));
      }
    );
    req.on('timeout', () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', (e) => resolve({ status: 0, body: String(e), headers: {} }));
    req.end(payload);
  });
}

/**
 * The summary table and the targets.
 * @param {Record<string, any>} results
 * @param {ReturnType<typeof parseCmdbArgs>} o
 */
function summary(results, o) {
  const ms = (/** @type {any} */ v) =>
    typeof v === 'number' && Number.isFinite(v) ? `${fmt(v)} ms` : '-';
  const ratio = (/** @type {any} */ a, /** @type {any} */ b) =>
    typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(2)}x` : '-';
  /** @type {{ name: string, status: 'PASS' | 'FAIL' | 'n/a', detail: string }[]} */
  const targets = [];
  /** @type {string[][]} */
  const rows = [];
  const judge = (/** @type {any} */ v, /** @type {number} */ limit) =>
    typeof v === 'number' && Number.isFinite(v) ? (v < limit ? 'PASS' : 'FAIL') : 'FAIL';
  const after = results.decode?.after;
  const ref = results.decode?.reference;
  rows.push([
    'document size (Y.encodeStateAsUpdate)',
    after ? mib(after.bytes) : '-',
    ref ? mib(ref.bytes) : '-',
    ratio(after?.bytes, ref?.bytes),
    '-',
    'info'
  ]);
  rows.push([
    'decode in Node (median)',
    ms(after?.decodeMs),
    ms(ref?.decodeMs),
    ratio(after?.decodeMs, ref?.decodeMs),
    '-',
    'info'
  ]);
  rows.push([
    '    decode and read every name',
    ms(after?.decodeAndReadMs),
    ms(ref?.decodeAndReadMs),
    ratio(after?.decodeAndReadMs, ref?.decodeAndReadMs),
    '-',
    'info'
  ]);
  rows.push([
    'impact in process (CmdbGraph), p95',
    ms(results.inProcess?.p95Ms),
    '-',
    '-',
    '-',
    'info'
  ]);
  for (const [backend, r] of Object.entries(results.backends ?? {})) {
    if (r.error) {
      rows.push([`${backend}: the run`, 'error', '-', '-', '-', 'FAIL']);
      targets.push({ name: `${backend}: the run`, status: 'FAIL', detail: 'error' });
      continue;
    }
    rows.push([
      `${backend}: first load, full mirror to records`,
      ms(r.firstLoad?.mirrorMs),
      '-',
      '-',
      '-',
      'info'
    ]);
    if (r.impact) {
      const status = r.impact.wrongSizes ? 'FAIL' : judge(r.impact.p95Ms, TARGETS.impactP95Ms);
      rows.push([
        `${backend}: impact over REST, p95`,
        ms(r.impact.p95Ms),
        '-',
        '-',
        `< ${TARGETS.impactP95Ms} ms`,
        status
      ]);
      rows.push([
        `    median / max`,
        `${ms(r.impact.medianMs)} / ${ms(r.impact.maxMs)}`,
        '-',
        '-',
        '-',
        'info'
      ]);
      if (r.impact.records)
        rows.push([
          `    records layer without HTTP, p95`,
          ms(r.impact.records.total.p95Ms),
          '-',
          '-',
          '-',
          'info'
        ]);
      targets.push({
        name: `${backend}: impact query p95 < ${TARGETS.impactP95Ms} ms`,
        status,
        detail:
          `${ms(r.impact.p95Ms)} over ${r.impact.n} queries` +
          (r.impact.wrongSizes ? `, ${r.impact.wrongSizes} answers of the wrong size` : '')
      });
    }
    if (r.list) {
      const status = judge(r.list.p95Ms, TARGETS.filterMs);
      rows.push([
        `${backend}: item list filtered over REST, p95`,
        ms(r.list.p95Ms),
        '-',
        '-',
        `< ${TARGETS.filterMs} ms`,
        status
      ]);
      targets.push({
        name: `${backend}: item list filtered over REST p95 < ${TARGETS.filterMs} ms`,
        status,
        detail: `${ms(r.list.p95Ms)} over ${r.list.n} queries`
      });
    }
    if (r.filter) {
      const status = judge(r.filter.p95Ms, TARGETS.filterMs);
      rows.push([
        `browser: search box to the updated list, p95`,
        ms(r.filter.p95Ms),
        '-',
        '-',
        `< ${TARGETS.filterMs} ms`,
        status
      ]);
      rows.push([`    median`, ms(r.filter.medianMs), '-', '-', '-', 'info']);
      targets.push({
        name: `browser: item list filtered p95 < ${TARGETS.filterMs} ms`,
        status,
        detail: `${ms(r.filter.p95Ms)} over ${r.filter.runs.length} terms (median ${ms(r.filter.medianMs)})`
      });
    }
    if (r.warm) {
      const status = judge(r.warm.medianMs, TARGETS.openFromIndexedDbMs);
      rows.push([
        `browser: list from IndexedDB (median)`,
        ms(r.warm.medianMs),
        '-',
        '-',
        `< ${TARGETS.openFromIndexedDbMs} ms`,
        status
      ]);
      targets.push({
        name: `browser: CMDB opens from IndexedDB < ${TARGETS.openFromIndexedDbMs} ms`,
        status,
        detail: `median ${ms(r.warm.medianMs)} of ${r.warm.runs.length} reloads`
      });
    }
    if (r.cold)
      rows.push([`browser: list cold (median)`, ms(r.cold.medianMs), '-', '-', '-', 'info']);
    if (r.browserError) {
      rows.push([`browser (${backend}): the run`, 'error', '-', '-', '-', 'FAIL']);
      targets.push({
        name: `browser (${backend}): the run`,
        status: 'FAIL',
        detail: String(r.browserError).split('\n')[0] ?? 'error'
      });
    }
  }
  if (results.error) targets.push({ name: 'the run', status: 'FAIL', detail: 'error' });
  void o;
  return { rows, targets };
}
