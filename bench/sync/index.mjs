// Sync-server benchmark orchestrator: argument handling, scenario selection,
// per-server runs, summary tables, targets and the JSON results file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { CLK_TCK, cpuMark, fdLimit, sleep, systemBusyPercent } from './proc.mjs';
import {
  describeLatency,
  fmt,
  fmtRatio,
  int,
  latencyRatios,
  mb,
  pct,
  ratio,
  table
} from './report.mjs';
import { scenarioA, scenarioB, scenarioC, scenarioD, scenarioE, scenarioF } from './scenarios.mjs';
import { OURS_ENTRY, ROOT, oursAvailable } from './servers.mjs';
import { readFlags } from '../flags.mjs';
import { adminEntry, provisionAccounts, removeTemplate } from './provision.mjs';
import { dropAllBenchDatabases, pgAdminLabel, pgSkipReason, pgVersion } from '../pg.mjs';

/** PostgreSQL's p99 may be at most this many times SQLite's in (a) and (b). */
const PG_P99_LIMIT = 1.5;

const USAGE = `Usage: node bench/run.mjs [flags]     (npm run bench -- [flags])
       node bench/run.mjs sync|board|runbooks|rest|storage|archive|alerts|cmdb|automation|kpis|reports|ai|nodes [flags]
                                 one part only (its --help lists its flags)

  --server=all|both|ours|ours-pg|reference   which server(s) to run, or a list
                                 (ours,ours-pg). all (default): ours on SQLite, ours on
                                 PostgreSQL (when reachable) and the reference; both: ours
                                 and the reference. ours needs build/server/sync-server.js;
                                 ours-pg a fresh database on RUNBOARD_BENCH_PG_ADMIN_URL
                                 (default postgres://postgres@127.0.0.1:5432/postgres)
  --pg-synchronous-commit=on|off ours-pg: PostgreSQL's synchronous_commit for the bench
                                 databases (default on, PostgreSQL's default: WAL flushed
                                 at each commit; off is closer to SQLite's synchronous=NORMAL)
  --only=a,b,c,d,e,f             scenarios to run (default all)
  --duration=SECONDS             measured window per latency scenario (default 10)
  --warmup=SECONDS               warm-up before measuring in (a)/(b) (default 2)
  --step-duration=SECONDS        measured window per ramp step in (c) (default duration/2, min 2)
  --ramp=50,100,...              total edit rates for (c) (default 50,100,200,400,800,1600)
  --ramp-p99=MS                  p99 threshold for (c) (default 25)
  --conns=N                      connections / documents for (d)(e)(f) (default 1000)
  --gen-procs=1|2                load-generator worker processes (default 1)
  --per-principal=N              clients per identity (default 100): each group of N
                                 clients connects from its own loopback source address
                                 127.0.0.2, .3, ... and, with ours, with its own bench
                                 user's API token (ours limits connections per principal)
  --ours=PATH                    our server entry (default build/server/sync-server.js)
  --f-reference                  also run (f) against the reference (validates the
                                 reconnect mechanics only: it has no persistence)
  --out=DIR                      results directory (default bench/results)
  --strict                       exit 1 if a target FAILs
  --force                        run (d)(e)(f) even if the fd limit looks too low
  --wait-quiet[=SECONDS]         before each run and ramp step wait (up to SECONDS, default 60) until
                                 other processes use < 30% CPU (shared machines)
  --verbose                      echo server output
  --help`;

/**
 * @param {string[]} argv
 */
export function parseArgs(argv) {
  const a = readFlags(
    argv,
    [
      'server',
      'pg-synchronous-commit',
      'only',
      'duration',
      'warmup',
      'step-duration',
      'ramp',
      'ramp-p99',
      'conns',
      'gen-procs',
      'per-principal',
      'ours',
      'f-reference',
      'out',
      'strict',
      'force',
      'verbose',
      'wait-quiet',
      'help'
    ],
    USAGE
  );
  /** @param {string} k @param {number} d */
  const num = (k, d) => {
    const v = a[k];
    if (v === undefined || v === true) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const server = String(a.server ?? 'all');
  const kinds = ['ours', 'ours-pg', 'reference'];
  /** @type {('ours' | 'ours-pg' | 'reference')[]} */
  const serverList =
    server === 'all'
      ? ['ours', 'ours-pg', 'reference']
      : server === 'both'
        ? ['ours', 'reference']
        : /** @type {any[]} */ (server.split(',').map((x) => x.trim()));
  if (!serverList.length || serverList.some((x) => !kinds.includes(x)))
    throw new Error(`--server must be all, both, ours, ours-pg, reference or a list of them`);
  const only = String(a.only ?? 'a,b,c,d,e,f')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const s of only)
    if (!'abcdef'.includes(s) || s.length !== 1) throw new Error(`--only: unknown scenario '${s}'`);
  const duration = num('duration', 10);
  const ramp =
    typeof a.ramp === 'string'
      ? a.ramp.split(',').map((s) => Number(s))
      : [50, 100, 200, 400, 800, 1600];
  if (ramp.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--ramp: positive numbers');
  const syncCommit = String(a['pg-synchronous-commit'] ?? 'on');
  if (!['on', 'off'].includes(syncCommit))
    throw new Error('--pg-synchronous-commit must be on or off');
  const genProcs = num('gen-procs', 1);
  const perPrincipal = a['per-principal'] === '0' ? 0 : Math.round(num('per-principal', 100));
  if (genProcs !== 1 && genProcs !== 2) throw new Error('--gen-procs must be 1 or 2');
  return {
    help: !!a.help,
    server,
    servers: kinds.filter((k) => serverList.includes(/** @type {any} */ (k))),
    pgSynchronousCommit: syncCommit,
    only: [...new Set(only)].sort(),
    durationMs: duration * 1000,
    warmupMs: num('warmup', 2) * 1000,
    stepDurationMs: num('step-duration', Math.max(2, duration / 2)) * 1000,
    ramp,
    rampP99Ms: num('ramp-p99', 25),
    conns: Math.round(num('conns', 1000)),
    genProcs,
    perPrincipal,
    oursEntry: typeof a.ours === 'string' ? a.ours : undefined,
    fReference: !!a['f-reference'],
    out: typeof a.out === 'string' ? a.out : join(ROOT, 'bench', 'results'),
    strict: !!a.strict,
    force: !!a.force,
    verbose: !!a.verbose,
    waitQuietMs: a['wait-quiet'] === undefined ? 0 : num('wait-quiet', 60) * 1000
  };
}

/**
 * Wait until the machine is quiet (busy < `maxBusy`% of one core over 1 s).
 * @param {number} timeoutMs
 * @param {number} [maxBusy]
 * @returns {Promise<{ waitedMs: number, busy: number, quiet: boolean }>}
 */
export async function waitQuiet(timeoutMs, maxBusy = 30) {
  const t0 = performance.now();
  let busy = NaN;
  for (;;) {
    const a = cpuMark([]);
    await sleep(1000);
    busy = systemBusyPercent(a, cpuMark([]));
    if (busy < maxBusy) return { waitedMs: performance.now() - t0, busy, quiet: true };
    if (performance.now() - t0 >= timeoutMs)
      return { waitedMs: performance.now() - t0, busy, quiet: false };
  }
}

/** @param {string} s */
const log = (s) => process.stdout.write(s + '\n');

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runSyncBench(argv) {
  let o;
  try {
    o = parseArgs(argv);
  } catch (err) {
    process.stderr.write(String(/** @type {Error} */ (err).message) + '\n');
    return 2;
  }
  if (o.help) {
    log(USAGE);
    return 0;
  }
  const started = new Date();
  const t0 = performance.now();
  /** @type {string[]} */
  const notes = [];
  /** @param {string} s */
  const note = (s) => {
    notes.push(s);
    log(`NOTE: ${s}`);
  };

  const ncpu = cpus().length;
  const fds = fdLimit();
  log(`Runboard sync benchmark — ${started.toISOString()}`);
  log(
    `node ${process.version}, ${ncpu} CPU(s) (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `open-files limit ${fds}, CLK_TCK ${CLK_TCK}`
  );
  if (ncpu <= 2)
    note(
      `only ${ncpu} CPU core(s): the server and the load generator share them, so absolute ` +
        `numbers are pessimistic; compare ours vs reference measured on the same machine`
    );

  // ---- is the machine quiet?
  const q0 = cpuMark([]);
  await sleep(1000);
  const idleBusy = systemBusyPercent(q0, cpuMark([]));
  if (idleBusy > 25)
    note(
      `the machine is not idle before the run (${pct(idleBusy)} CPU busy over 1 s, 100% = one core): ` +
        `other processes will disturb the numbers; check the 'other' CPU column`
    );

  // ---- servers
  const oursEntry = o.oursEntry ?? OURS_ENTRY;
  /** @type {('ours' | 'ours-pg' | 'reference')[]} */
  let servers = /** @type {any[]} */ (o.servers);
  if (servers.some((s) => s !== 'reference') && !oursAvailable(oursEntry)) {
    note(
      `our server is not built (${relative(ROOT, oursEntry) || oursEntry} missing): ` +
        `running the reference server only. Build it with \`npm run build\`.`
    );
    servers = servers.filter((s) => s === 'reference');
    if (!servers.length) servers = ['reference'];
  }
  /** @type {string | null} */
  let postgres = null;
  if (servers.includes('ours-pg')) {
    const why = await pgSkipReason();
    if (why) {
      note(`ours on PostgreSQL skipped: ${why}`);
      servers = servers.filter((s) => s !== 'ours-pg');
      if (!servers.length) servers = ['reference'];
    } else {
      postgres = await pgVersion();
      log(
        `PostgreSQL: ${postgres} at ${pgAdminLabel()} (a fresh database per run, dropped after; ` +
          `synchronous_commit ${o.pgSynchronousCommit})`
      );
    }
  }

  // ---- scenario selection + fd limit
  let selected = o.only;
  const bigNeed = o.conns + 100;
  if (Number.isFinite(fds) && fds < bigNeed && selected.some((s) => 'def'.includes(s))) {
    const msg =
      `open-files limit (ulimit -n) is ${fds}, but scenarios d/e/f open ${o.conns} sockets in ` +
      `the load generator and ${o.conns} in the server (each process needs >= ${bigNeed}). ` +
      `Raise it first, e.g. \`ulimit -n 8192\` in this shell (or LimitNOFILE / limits.conf).`;
    if (o.force) note(msg + ' Continuing because of --force.');
    else {
      note(msg + ' Skipping d/e/f (use --force to try anyway).');
      selected = selected.filter((s) => !'def'.includes(s));
    }
  }
  if (Number.isFinite(fds) && fds < 300 && selected.some((s) => 'abc'.includes(s)))
    note(`open-files limit ${fds} is too low even for the 200-client scenarios`);

  /** @type {import('./scenarios.mjs').Options} */
  const opts = {
    durationMs: o.durationMs,
    warmupMs: o.warmupMs,
    stepDurationMs: o.stepDurationMs,
    ramp: o.ramp,
    rampP99Ms: o.rampP99Ms,
    genProcs: o.genProcs,
    conns: o.conns,
    perPrincipal: o.perPrincipal,
    oursEntry: o.oursEntry,
    verbose: o.verbose,
    // PostgreSQL's default is left alone unless asked
    pgSettings: o.pgSynchronousCommit === 'off' ? { synchronous_commit: 'off' } : {}
  };
  log(
    `servers: ${servers.join(', ')}; scenarios: ${selected.join(',') || '(none)'}; ` +
      `duration ${o.durationMs / 1000}s, warm-up ${o.warmupMs / 1000}s, ramp step ${o.stepDurationMs / 1000}s, ` +
      `load-generator processes: ${o.genProcs}, ` +
      (o.perPrincipal
        ? `${o.perPrincipal} clients per source address 127.0.0.2.. / bench user`
        : 'all clients from 127.0.0.1')
  );

  // ---- bench users for our server (its websocket wants an API token of a workspace member):
  // one template per store, made with the admin CLI on that store (SQLite DATA_DIR or a
  // PostgreSQL database); every run starts on a copy of it
  /** @type {Record<string, import('./provision.mjs').Accounts | null>} */
  const accountsOf = { ours: null, 'ours-pg': null };
  /** @type {Record<string, Record<string, any>>} */
  const accountsInfoOf = { ours: {}, 'ours-pg': {} };
  for (const kind of /** @type {const} */ (['ours', 'ours-pg'])) {
    if (!servers.includes(kind) || !selected.length) continue;
    const accountsInfo = /** @type {Record<string, any>} */ (accountsInfoOf[kind]);
    const entry = adminEntry(oursEntry);
    if (!entry) {
      note(
        'no admin CLI found (build/server/admin.js, scripts/admin.mjs): connecting without tokens'
      );
      break;
    }
    const needed = Math.max(200, selected.some((x) => 'def'.includes(x)) ? o.conns : 0);
    const users = o.perPrincipal ? Math.ceil(needed / o.perPrincipal) : 1;
    const store = kind === 'ours-pg' ? 'a PostgreSQL template database' : 'a SQLite DATA_DIR';
    try {
      const accounts = await provisionAccounts(entry, users, { postgres: kind === 'ours-pg' });
      accountsOf[kind] = accounts;
      accountsInfo.users = users;
      accountsInfo.admin = relative(ROOT, entry);
      accountsInfo.ms = accounts.ms;
      log(
        `provisioned ${users} bench user(s) with API tokens in workspace 'bench' in ${store} ` +
          `(${relative(ROOT, entry)}, ${fmt(accounts.ms / 1000)} s)`
      );
    } catch (err) {
      accountsInfo.error = String(/** @type {Error} */ (err).message);
      note(
        `could not provision bench users in ${store} (${accountsInfo.error.split('\n')[0]}); ` +
          'connecting without tokens'
      );
    }
  }

  /** @type {Record<string, Record<string, any>>} */
  const results = { ours: {}, 'ours-pg': {}, reference: {} };
  /** @type {Record<string, any>} */
  const ratios = {};
  /** @type {Record<string, any>} PostgreSQL / SQLite (both ours) */
  const pgRatios = {};

  const titles = {
    a: '(a) 1 doc x 200 clients, 20 editors @ 2 Hz',
    b: '(b) 50 docs x 4 clients, all editing @ 1 Hz',
    c: `(c) ramp: 1 doc x 200 clients, 20 editors, ${o.ramp.join('/')} edits/s`,
    d: `(d) memory per idle connection (${o.conns} conns over 10 docs)`,
    e: `(e) memory per loaded small document (${o.conns} docs, 1 conn + 1 update each)`,
    f: `(f) restart + reconnect storm (${o.conns} clients over ${Math.max(1, Math.round(o.conns / 10))} docs)`
  };

  for (const sc of selected) {
    log('');
    log(`== ${titles[/** @type {keyof typeof titles} */ (sc)]}`);
    for (const kind of servers) {
      if (sc === 'f' && kind === 'reference' && !o.fReference) {
        log(
          `  [reference] skipped: (f) needs persistence (use --f-reference to exercise the mechanics)`
        );
        continue;
      }
      /** @type {import('./scenarios.mjs').Ctx} */
      const ctx = {
        kind,
        opts,
        log,
        accounts: kind === 'reference' ? null : accountsOf[kind],
        // ramp steps wait for a quiet machine too
        waitQuiet: o.waitQuietMs
          ? async () => {
              const q = await waitQuiet(o.waitQuietMs);
              if (!q.quiet)
                log(`    ! machine still busy (${pct(q.busy)} CPU); running the step anyway`);
            }
          : null
      };
      log(`  [${kind}]`);
      /** @type {any} */
      let quiet = null;
      if (o.waitQuietMs) {
        quiet = await waitQuiet(o.waitQuietMs);
        if (!quiet.quiet)
          log(
            `    ! machine still busy (${pct(quiet.busy)} CPU) after waiting ${fmt(quiet.waitedMs / 1000)} s; running anyway`
          );
        else if (quiet.waitedMs > 1500)
          log(`    (waited ${fmt(quiet.waitedMs / 1000)} s for a quiet machine)`);
      }
      const ts = performance.now();
      try {
        /** @type {any} */
        let r;
        if (sc === 'a') r = await scenarioA(ctx);
        else if (sc === 'b') r = await scenarioB(ctx);
        else if (sc === 'c') r = await scenarioC(ctx);
        else if (sc === 'd') r = await scenarioD(ctx);
        else if (sc === 'e') r = await scenarioE(ctx, results[kind]?.d?.perIdleConnKb);
        else r = await scenarioF(ctx);
        r.elapsedS = (performance.now() - ts) / 1000;
        if (quiet) r.waitQuiet = quiet;
        /** @type {Record<string, any>} */ (results[kind])[sc] = r;
        printScenario(sc, r);
      } catch (err) {
        const msg = String(/** @type {Error} */ (err)?.stack ?? err);
        /** @type {Record<string, any>} */ (results[kind])[sc] = { error: msg };
        log(`    ERROR: ${msg.split('\n').slice(0, 6).join('\n    ')}`);
      }
    }
    if (sc === 'f' && servers.every((s) => s === 'reference'))
      log('  (f) needs our server (persistence); skipped');
    const ro = results.ours?.[sc];
    const rr = results.reference?.[sc];
    if (ro && rr && !ro.error && !rr.error) {
      ratios[sc] = scenarioRatios(sc, ro, rr);
      log(`  ours/reference: ${formatRatios(ratios[sc])}`);
    }
    const rp = results['ours-pg']?.[sc];
    if (ro && rp && !ro.error && !rp.error) {
      pgRatios[sc] = scenarioRatios(sc, rp, ro);
      log(`  PostgreSQL/SQLite: ${formatRatios(pgRatios[sc])}`);
    }
  }

  await removeTemplate(accountsOf.ours);
  await removeTemplate(accountsOf['ours-pg']);
  await dropAllBenchDatabases();

  // ---- summary
  log('');
  log('== Summary');
  printSummary(results, ratios, pgRatios, servers, o.rampP99Ms);
  const targets = evaluateTargets(results);
  log('');
  log('== Targets (apply to our server)');
  for (const t of targets) log(`  ${t.name.padEnd(38, '.')} ${t.status.padEnd(5)} ${t.detail}`);

  const elapsedS = (performance.now() - t0) / 1000;
  mkdirSync(o.out, { recursive: true });
  const file = join(o.out, `sync-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const out = {
    startedAt: started.toISOString(),
    elapsedS,
    argv,
    options: o,
    machine: {
      idleBusyCpuBeforeRun: idleBusy,
      node: process.version,
      cpus: ncpu,
      cpuModel: cpus()[0]?.model,
      memBytes: totalmem(),
      fdLimit: fds,
      clkTck: CLK_TCK
    },
    servers,
    postgres,
    oursAccounts: accountsInfoOf.ours,
    oursPgAccounts: accountsInfoOf['ours-pg'],
    scenarios: selected,
    notes,
    results,
    ratios,
    pgRatios,
    targets
  };
  writeFileSync(
    file,
    JSON.stringify(out, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)
  );
  log('');
  log(
    `results written to ${relative(process.cwd(), file) || file}  (total ${elapsedS.toFixed(0)} s)`
  );
  return o.strict && targets.some((t) => t.status === 'FAIL') ? 1 : 0;
}

/**
 * Warn when the measurement itself is suspect.
 * @param {any} m a measured phase
 */
export function warnLoad(m) {
  if (m.genCpuPerProc.some((/** @type {number} */ c) => c > 85))
    log(
      '    ! load generator above 85% of a core: latency includes generator queueing (try --gen-procs=2)'
    );
  if (m.connectionsClosed)
    log(
      `    ! ${m.connectionsClosed} connections were closed during the run (close codes ${JSON.stringify(m.closeCodes)})`
    );
  if (m.exhaustedEditors)
    log(
      `    ! ${m.exhaustedEditors} editors ran out of pre-generated updates: the edit rate is understated`
    );
  if (m.otherCpu > 20)
    log(
      `    ! other processes used ${pct(m.otherCpu)} CPU during the window: the machine was not quiet, results are disturbed`
    );
}

/**
 * @param {string} sc
 * @param {any} r
 */
function printScenario(sc, r) {
  if (sc === 'a' || sc === 'b') {
    for (const l of describeLatency(r)) log(`    ${l}`);
    warnLoad(r);
  } else if (sc === 'c') {
    log(
      `    max sustained rate with p99 <= ${r.p99ThresholdMs} ms: ${r.maxPassRate} edits/s` +
        (r.firstFail
          ? ` (failed at ${r.firstFail.rate}: ${r.firstFail.reasons.join(', ')})`
          : ' (all steps passed: the limit is above the last step)') +
        (r.limitedByGenerator ? ' — load generator saturated at the failing step' : '')
    );
  } else if (sc === 'd') {
    log(
      `    RSS ${mb(r.rssBeforeKb)} MB -> ${mb(r.rssAfterKb)} MB with ${r.connections} idle connections: ` +
        `${fmt(r.perIdleConnKb)} KB per connection (connect ${fmt(r.connectMs)} ms, server CPU while connecting ${pct(r.connectServerCpu)})`
    );
  } else if (sc === 'e') {
    log(
      `    RSS ${mb(r.rssBeforeKb)} MB -> ${mb(r.rssAfterKb)} MB with ${r.connections} loaded docs: ` +
        `${fmt(r.perDocInclConnKb)} KB per doc incl. connection, ${fmt(r.perDocKb)} KB per doc ` +
        `after subtracting ${fmt(r.idleConnKb)} KB/idle conn (${r.idleSource})` +
        (r.unconfirmed ? `; ${r.unconfirmed} updates unconfirmed` : '')
    );
  } else if (sc === 'f') {
    log(
      `    SIGTERM -> exit ${fmt(r.stopMs)} ms${r.killedAfterGrace ? ' (SIGKILLed after grace)' : ''}; ` +
        `restart ready after ${fmt(r.restartStartMs)} ms (downtime ${fmt(r.downtimeMs)} ms)`
    );
    log(
      `    all ${r.resynced}/${r.clients} resynced ${fmt(r.allResyncedMs)} ms after restart-ready; ` +
        `per-client resync p50 ${fmt(r.perClientResyncP50Ms)} / p99 ${fmt(r.perClientResyncP99Ms)} / max ${fmt(r.perClientResyncMaxMs)} ms ` +
        `(since ready p50 ${fmt(r.sinceReadyP50Ms)} / p99 ${fmt(r.sinceReadyP99Ms)} ms); attempts mean ${fmt(r.attemptsMean)}, max ${r.attemptsMax}`
    );
    log(
      `    content restored after restart: ${r.contentRestored}/${r.contentChecked} clients; ` +
        `server CPU during resync ${pct(r.serverCpu)}, RSS peak ${mb(r.serverRssPeakKb)} MB`
    );
  }
}

/**
 * @param {string} sc
 * @param {any} o
 * @param {any} r
 */
function scenarioRatios(sc, o, r) {
  if (sc === 'a' || sc === 'b') return latencyRatios(o, r);
  if (sc === 'c') return { maxPassRate: ratio(o.maxPassRate, r.maxPassRate) };
  if (sc === 'd') return { perIdleConnKb: ratio(o.perIdleConnKb, r.perIdleConnKb) };
  if (sc === 'e') return { perDocKb: ratio(o.perDocKb, r.perDocKb) };
  if (sc === 'f') return { allResyncedMs: ratio(o.allResyncedMs, r.allResyncedMs) };
  return {};
}

/** @param {Record<string, number>} r */
const formatRatios = (r) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${fmtRatio(v)}`)
    .join(', ');

/**
 * @param {Record<string, Record<string, any>>} results
 * @param {Record<string, any>} ratios ours / reference
 * @param {Record<string, any>} pgRatios ours on PostgreSQL / ours on SQLite
 * @param {string[]} servers
 * @param {number} rampP99
 */
function printSummary(results, ratios, pgRatios, servers, rampP99) {
  /** @type {(string | number)[][]} */
  const lat = [];
  for (const sc of ['a', 'b']) {
    for (const kind of servers) {
      const r = results[kind]?.[sc];
      if (!r) continue;
      if (r.error) {
        lat.push([`(${sc})`, kind, 'error', '', '', '', '', '', '', '', '']);
        continue;
      }
      lat.push([
        `(${sc})`,
        kind,
        fmt(r.latency.p50),
        fmt(r.latency.p99),
        fmt(r.latency.max),
        int(r.deliveriesPerSec),
        fmt(r.editRate),
        pct(r.serverCpu) + (r.pgCpu != null ? ` +pg ${pct(r.pgCpu)}` : ''),
        `${mb(r.serverRssPeakKb)}/${mb(r.serverRssEndKb)}`,
        r.genCpuPerProc.map(pct).join('+'),
        pct(r.otherCpu)
      ]);
    }
    for (const [label, q] of [
      ['ours/ref', ratios[sc]],
      ['pg/sqlite', pgRatios[sc]]
    ])
      if (q)
        lat.push([
          `(${sc})`,
          label,
          fmtRatio(q.p50),
          fmtRatio(q.p99),
          '',
          fmtRatio(q.deliveriesPerSec),
          '',
          fmtRatio(q.serverCpu),
          fmtRatio(q.serverRssPeak),
          '',
          ''
        ]);
  }
  if (lat.length) {
    log(
      table(
        [
          'scen',
          'server',
          'p50 ms',
          'p99 ms',
          'max ms',
          'deliv/s',
          'edits/s',
          'srv CPU',
          'srv RSS MB pk/end',
          'gen CPU',
          'other'
        ],
        lat
      )
    );
  }

  /** @type {(string | number)[][]} */
  const other = [];
  for (const kind of servers) {
    const c = results[kind]?.c;
    if (c && !c.error) {
      const best = c.steps.filter((/** @type {any} */ s) => s.pass).pop();
      other.push([
        '(c) ramp',
        kind,
        `max ${c.maxPassRate} edits/s @ p99<=${rampP99}ms`,
        best
          ? `p99 ${fmt(best.latency.p99)} ms, srv CPU ${pct(best.serverCpu)}` +
            (best.pgCpu != null ? ` +pg ${pct(best.pgCpu)}` : '') +
            `, gen ${pct(best.genCpu)}`
          : '-',
        c.firstFail
          ? `fails @${c.firstFail.rate}: ${c.firstFail.reasons.join('; ')}${c.firstFail.genSaturated ? ' [gen sat.]' : ''}`
          : 'no failing step'
      ]);
    } else if (c?.error) other.push(['(c) ramp', kind, 'error', '', '']);
  }
  if (ratios.c) other.push(['(c) ramp', 'ours/ref', fmtRatio(ratios.c.maxPassRate), '', '']);
  if (pgRatios.c) other.push(['(c) ramp', 'pg/sqlite', fmtRatio(pgRatios.c.maxPassRate), '', '']);
  for (const kind of servers) {
    const d = results[kind]?.d;
    if (d && !d.error)
      other.push([
        '(d) idle conn',
        kind,
        `${fmt(d.perIdleConnKb)} KB/conn`,
        `RSS ${mb(d.rssBeforeKb)} -> ${mb(d.rssAfterKb)} MB`,
        `${d.connections} conns, ${d.connectFailed} failed`
      ]);
    else if (d?.error) other.push(['(d) idle conn', kind, 'error', '', '']);
  }
  if (ratios.d) other.push(['(d) idle conn', 'ours/ref', fmtRatio(ratios.d.perIdleConnKb), '', '']);
  if (pgRatios.d)
    other.push(['(d) idle conn', 'pg/sqlite', fmtRatio(pgRatios.d.perIdleConnKb), '', '']);
  for (const kind of servers) {
    const e = results[kind]?.e;
    if (e && !e.error)
      other.push([
        '(e) loaded doc',
        kind,
        `${fmt(e.perDocKb)} KB/doc`,
        `RSS ${mb(e.rssBeforeKb)} -> ${mb(e.rssAfterKb)} MB`,
        `${fmt(e.perDocInclConnKb)} KB incl. conn; ${e.connectFailed} failed`
      ]);
    else if (e?.error) other.push(['(e) loaded doc', kind, 'error', '', '']);
  }
  if (ratios.e) other.push(['(e) loaded doc', 'ours/ref', fmtRatio(ratios.e.perDocKb), '', '']);
  if (pgRatios.e)
    other.push(['(e) loaded doc', 'pg/sqlite', fmtRatio(pgRatios.e.perDocKb), '', '']);
  for (const kind of servers) {
    const f = results[kind]?.f;
    if (f && !f.error)
      other.push([
        '(f) restart',
        kind,
        `all ${f.resynced}/${f.clients} in ${fmt(f.allResyncedMs)} ms`,
        `per-client p50 ${fmt(f.perClientResyncP50Ms)} / p99 ${fmt(f.perClientResyncP99Ms)} ms`,
        `content ${f.contentRestored}/${f.contentChecked}, downtime ${fmt(f.downtimeMs)} ms`
      ]);
    else if (f?.error) other.push(['(f) restart', kind, 'error', '', '']);
  }
  if (other.length) {
    log('');
    log(table(['scenario', 'server', 'result', 'detail', 'notes'], other));
  }
}

/**
 * @param {Record<string, Record<string, any>>} results
 * @returns {{ name: string, status: 'PASS' | 'FAIL' | 'n/a', detail: string }[]}
 */
function evaluateTargets(results) {
  const ours = results.ours ?? {};
  const ref = results.reference ?? {};
  /** @param {any} r @param {(r: any) => string} f */
  const refCtx = (r, f) => (r && !r.error ? `reference: ${f(r)}` : '');
  /**
   * @param {string} name
   * @param {any} o
   * @param {(o: any) => boolean} pass
   * @param {(o: any) => string} show
   * @param {any} r
   */
  const t = (name, o, pass, show, r) => {
    if (!o)
      return {
        name,
        status: /** @type {const} */ ('n/a'),
        detail: `(ours not run) ${refCtx(r, show)}`.trim()
      };
    if (o.error) return { name, status: /** @type {const} */ ('FAIL'), detail: 'ours: error' };
    return {
      name,
      status: pass(o) ? /** @type {const} */ ('PASS') : /** @type {const} */ ('FAIL'),
      detail: `ours: ${show(o)}${r && !r.error ? `; ${refCtx(r, show)}` : ''}`
    };
  };
  /** @param {any} x */
  const p99 = (x) => `p99 ${fmt(x.latency.p99)} ms`;
  const list = [
    t(
      '(a) p99 <= 25 ms',
      ours.a,
      (o) => o.latency.p99 <= 25 && o.deliveryRatio >= 0.99,
      p99,
      ref.a
    ),
    t('(b) p99 <= 15 ms', ours.b, (o) => o.latency.p99 <= 15 && o.deliveryRatio >= 0.99, p99, ref.b)
  ];
  // (c) needs both
  const oc = ours.c;
  const rc = ref.c;
  if (oc && !oc.error && rc && !rc.error) {
    const cmp = oc.maxPassRate >= rc.maxPassRate;
    const bothMaxed = !oc.firstFail && !rc.firstFail;
    const noneOk = oc.maxPassRate === 0 && rc.maxPassRate === 0;
    const disturbed = !!(oc.firstFail?.disturbed || rc.firstFail?.disturbed);
    list.push({
      name: '(c) sustained rate >= reference',
      status: noneOk ? 'n/a' : cmp ? 'PASS' : 'FAIL',
      detail:
        `ours ${oc.maxPassRate} vs reference ${rc.maxPassRate} edits/s` +
        (bothMaxed ? ' (both passed every step: extend --ramp to separate them)' : '') +
        (noneOk ? ' (neither passed the first step: lower --ramp)' : '') +
        (disturbed ? ' (a failing step ran while the machine was busy)' : '') +
        (oc.limitedByGenerator || rc.limitedByGenerator
          ? ' (load generator saturated in a failing step)'
          : '')
    });
  } else {
    list.push({
      name: '(c) sustained rate >= reference',
      status: oc?.error ? 'FAIL' : 'n/a',
      detail: oc?.error
        ? 'ours: error'
        : `needs both servers${rc && !rc.error ? `; reference: ${rc.maxPassRate} edits/s` : ''}${oc && !oc.error ? `; ours: ${oc.maxPassRate} edits/s` : ''}`
    });
  }
  list.push(
    t(
      '(d) <= 30 KB per idle connection',
      ours.d,
      (o) => o.perIdleConnKb <= 30,
      (x) => `${fmt(x.perIdleConnKb)} KB`,
      ref.d
    )
  );
  // PostgreSQL against SQLite, both ours, same run
  const pg = results['ours-pg'] ?? {};
  for (const sc of ['a', 'b']) {
    const name = `(${sc}) PostgreSQL p99 <= ${PG_P99_LIMIT}x SQLite`;
    const p = pg[sc];
    const s = ours[sc];
    if (!p || !s || s.error) {
      list.push({
        name,
        status: p?.error ? 'FAIL' : 'n/a',
        detail: p?.error ? 'ours-pg: error' : 'needs ours and ours-pg'
      });
      continue;
    }
    if (p.error) {
      list.push({ name, status: 'FAIL', detail: 'ours-pg: error' });
      continue;
    }
    const r = ratio(p.latency.p99, s.latency.p99);
    list.push({
      name,
      status: r <= PG_P99_LIMIT && p.deliveryRatio >= 0.99 ? 'PASS' : 'FAIL',
      detail:
        `PostgreSQL p99 ${fmt(p.latency.p99)} ms vs SQLite ${fmt(s.latency.p99)} ms: ${fmtRatio(r)}` +
        (p.deliveryRatio < 0.99 ? `; only ${pct(p.deliveryRatio * 100)} delivered` : '')
    });
  }
  return list;
}
