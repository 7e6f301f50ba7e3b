// Storage benchmark: backup and restore of a 10,000-task workspace with the admin CLI
// (build/server/admin.js), across both stores: backup from SQLite, restore into a fresh
// PostgreSQL database, backup from PostgreSQL, restore into a fresh SQLite DATA_DIR.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { ADMIN_ENTRY, availableBackends, freshStore } from '../backends.mjs';
import { readFlags, wholeNumber } from '../flags.mjs';
import { dropAllBenchDatabases } from '../pg.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import { untrackDir } from '../sync/cleanup.mjs';
import { admin, provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, pct, table } from '../sync/report.mjs';
import { cpuMark, systemBusyPercent } from '../sync/proc.mjs';
import { makeDataDir } from '../sync/servers.mjs';

const USAGE = `Usage: node bench/run.mjs storage [flags]

Backup and restore of a seeded workspace (the board benchmark's 10,000-task board, members,
API tokens) with the admin CLI: backup from SQLite, restore into a fresh PostgreSQL database,
backup from PostgreSQL, restore into a fresh SQLite DATA_DIR. Each time is the CLI process
from start to exit (node start-up included; the "CLI start-up" row shows how much that is).
Without a reachable PostgreSQL (RUNBOARD_BENCH_PG_ADMIN_URL, default
postgres://postgres@127.0.0.1:5432/postgres) only SQLite → SQLite runs.

  --storage-tasks=N      tasks on the board (default 10000)
  --storage-archived=N   of them archived (default half)
  --storage-members=N    workspace members (default 12)
  --out=DIR              results directory (default bench/results)
  --strict               exit 1 when a step fails or a restore is not verified`;

/** @param {string[]} argv */
export function parseStorageArgs(argv) {
  const a = readFlags(
    argv,
    ['storage-tasks', 'storage-archived', 'storage-members', 'out', 'strict', 'help'],
    USAGE
  );
  const tasks = wholeNumber(a, 'storage-tasks', 10_000);
  if (tasks < 1 || tasks > 200_000) throw new Error('--storage-tasks must be 1..200000');
  const members = wholeNumber(a, 'storage-members', 12);
  if (members < 1 || members > 100) throw new Error('--storage-members must be 1..100');
  return {
    help: !!a.help,
    tasks,
    archived: Math.min(tasks, wholeNumber(a, 'storage-archived', Math.floor(tasks / 2))),
    members,
    ...outputFlags(a)
  };
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runStorageBench(argv) {
  const begun = await startRun({
    title: 'storage benchmark (backup and restore, SQLite ⇄ PostgreSQL)',
    kind: 'storage',
    argv,
    parse: parseStorageArgs,
    usage: USAGE,
    entries: () => [ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const { backends, postgres } = await availableBackends(['sqlite', 'postgres'], note);
  if (postgres) log(`PostgreSQL: ${postgres} (fresh databases, dropped after)`);

  /** @type {Record<string, any>} */
  const results = { steps: [] };
  /** @type {{ name: string, status: string, detail: string }[]} */
  const targets = [];
  /** @type {import('../backends.mjs').Store[]} */
  const stores = [];
  const filesDir = makeDataDir('storage-files');
  try {
    // ---- seed: accounts with the admin CLI, the board through the records layer (SQLite)
    const source = await freshStore('sqlite', 'stor');
    stores.push(source);
    const ts = performance.now();
    const { ids } = await provisionWorkspace(ADMIN_ENTRY, source.dataDir, {
      users: Array.from({ length: o.members }, (_, i) => ({
        email: `storage${i}@example.com`,
        name: `Storage ${i}`
      })),
      workspaceName: 'Storage bench',
      tokens: 3,
      tokenName: 'storage-bench'
    });
    const provisionMs = performance.now() - ts;
    const bundle = await bundleEntryFromSource('bench/board/board-data.ts');
    if (!bundle) throw new Error('esbuild is needed to bundle bench/board/board-data.ts');
    const lib = await import(bundle);
    const seed = await lib.seedBoard({
      dataDir: source.dataDir,
      workspaceId: WORKSPACE,
      memberIds: ids,
      tasks: o.tasks,
      archived: o.archived
    });
    results.seed = { ...seed, members: o.members, provisionMs };
    log(
      `seeded ${seed.docName}: ${seed.tasks} tasks (${seed.archived} archived), ${o.members} members, ` +
        `${(seed.bytes / 2 ** 20).toFixed(1)} MB as one update; accounts ${fmt(provisionMs / 1000)} s, ` +
        `board built in ${fmt(seed.buildMs / 1000)} s`
    );

    /**
     * One admin CLI call, timed; stderr is where it reports.
     * @param {string} label
     * @param {import('../backends.mjs').Store} store
     * @param {string[]} args
     */
    const step = async (label, store, args) => {
      let stderr = '';
      const m0 = cpuMark([]);
      const t0 = performance.now();
      try {
        await admin(ADMIN_ENTRY, store.dataDir, args, {
          ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}),
          stderr: (s) => (stderr = s)
        });
      } catch (err) {
        const r = { label, error: String(/** @type {Error} */ (err).message), stderr };
        results.steps.push(r);
        throw err;
      }
      const ms = performance.now() - t0;
      // the whole machine, the CLI (and PostgreSQL) included: 100% = one core
      const busy = systemBusyPercent(m0, cpuMark([]));
      const last = stderr.trim().split('\n').pop() ?? '';
      /** @type {{ label: string, backend: string, ms: number, busy: number, last: string, bytes?: number, verified?: boolean }} */
      const r = { label, backend: store.backend, ms, busy, last };
      results.steps.push(r);
      return r;
    };

    // how much of each step is starting node and the CLI and opening the store
    const startup = await step('CLI start-up (migrate, nothing to do), SQLite', source, [
      'migrate'
    ]);
    log(`  ${startup.label}: ${fmt(startup.ms)} ms`);

    /**
     * @param {import('../backends.mjs').Store} from
     * @param {string} file
     */
    const backup = async (from, file) => {
      const r = await step(`backup from ${name(from)}`, from, ['backup', '--out', file]);
      r.bytes = statSync(file).size;
      log(`  ${r.label}: ${fmt(r.ms / 1000)} s, ${fmtBytes(r.bytes)} (${r.last})`);
      return r;
    };
    /**
     * @param {import('../backends.mjs').Store} into
     * @param {string} file
     * @param {number} bytes
     */
    const restore = async (into, file, bytes) => {
      const r = await step(`restore into ${name(into)}`, into, ['restore', '--in', file]);
      r.bytes = bytes;
      r.verified = /\bverified\b/.test(r.last);
      log(`  ${r.label}: ${fmt(r.ms / 1000)} s (${r.last})`);
      targets.push({
        name: `${r.label} verified`,
        status: r.verified ? 'PASS' : 'FAIL',
        detail: r.last
      });
      return r;
    };

    const f1 = join(filesDir, 'from-sqlite.rbk');
    const b1 = await backup(source, f1);
    const mid = await freshStore(backends.includes('postgres') ? 'postgres' : 'sqlite', 'stor');
    stores.push(mid);
    await restore(mid, f1, b1.bytes ?? 0);
    const f2 = join(filesDir, `from-${mid.backend}.rbk`);
    const b2 = await backup(mid, f2);
    const last = await freshStore('sqlite', 'stor');
    stores.push(last);
    await restore(last, f2, b2.bytes ?? 0);
  } catch (err) {
    const msg = String(/** @type {Error} */ (err)?.stack ?? err);
    results.error = msg;
    log(`  ERROR: ${msg.split('\n').slice(0, 6).join('\n  ')}`);
  } finally {
    for (const s of stores) await s.remove().catch(() => {});
    rmSync(filesDir, { recursive: true, force: true });
    untrackDir(filesDir);
    await dropAllBenchDatabases();
  }

  log('');
  log('== Summary');
  log(
    table(
      ['step', 'time', 'file', 'machine CPU', 'CLI said'],
      results.steps.map((/** @type {any} */ r) => [
        r.label,
        r.error ? 'error' : r.ms < 5000 ? `${fmt(r.ms)} ms` : `${fmt(r.ms / 1000)} s`,
        r.bytes ? fmtBytes(r.bytes) : '',
        r.error ? '' : pct(r.busy),
        r.error ? r.error.split('\n')[0].slice(0, 80) : r.last.slice(0, 80)
      ])
    )
  );
  if (results.error) targets.push({ name: 'all steps ran', status: 'FAIL', detail: 'error' });
  if (targets.length) {
    log('');
    log('== Targets');
    for (const t of targets) log(`  ${t.name.padEnd(38, '.')} ${t.status.padEnd(5)} ${t.detail}`);
  }
  return finishRun({ ...begun, results, targets, extra: { notes, postgres } });
}

/** @param {import('../backends.mjs').Store} s */
const name = (s) => (s.backend === 'postgres' ? 'PostgreSQL' : 'SQLite');

/** @param {number} n */
const fmtBytes = (n) =>
  n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
