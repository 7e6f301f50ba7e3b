// PostgreSQL for the benchmarks: fresh databases on the machine's server (127.0.0.1:5432, user
// postgres, trust auth; RUNBOARD_BENCH_PG_ADMIN_URL overrides the maintenance database they are
// created from), dropped afterwards. Only CREATE/DROP DATABASE are issued here: the schema, the
// accounts and the data always go through the project's records layer (server, admin CLI).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withPgAdmin } from '../scripts/pg-admin.mjs';

const { escapeIdentifier } = pg;

/** The maintenance database the bench databases are created from. */
export const PG_ADMIN_URL =
  process.env.RUNBOARD_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The admin URL without a password, for messages. */
export const pgAdminLabel = () => PG_ADMIN_URL.replace(/\/\/[^@/]*@/, '//…@');

/**
 * @typedef {object} BenchDatabase
 * @property {string} name `runboard_bench_<prefix>_<pid>_<random>`
 * @property {string} url connection string of the new database (DATABASE_URL)
 * @property {() => Promise<void>} drop ends its connections and drops it; safe to call twice
 */

/** Databases created and not yet dropped (dropped on SIGINT/SIGTERM as well). */
const live = new Set();
let installed = false;

/**
 * Runs `fn` on a fresh connection to the admin database.
 * @template T
 * @param {(client: import('pg').Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
const withAdmin = (fn) => withPgAdmin(PG_ADMIN_URL, fn);

/**
 * Why the PostgreSQL variants cannot run (the server is not reachable), or null when they can.
 * @returns {Promise<string | null>}
 */
export async function pgSkipReason() {
  try {
    await withAdmin((c) => c.query('SELECT 1'));
    return null;
  } catch (err) {
    return (
      `PostgreSQL at ${pgAdminLabel()} is not reachable ` +
      `(${err instanceof Error ? err.message || err.name : String(err)}); start it or set ` +
      'RUNBOARD_BENCH_PG_ADMIN_URL'
    );
  }
}

/** The server's version string (`PostgreSQL 15.x`), for the report. */
export async function pgVersion() {
  try {
    const { rows } = await withAdmin((c) => c.query('SHOW server_version'));
    return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
  } catch {
    return 'PostgreSQL ?';
  }
}

/**
 * An empty database (or a copy of `template`: PostgreSQL copies it file by file, the way the
 * SQLite variant copies its template DATA_DIR). The template must have no open connections.
 * @param {string} prefix a short lowercase word
 * @param {{ template?: string, settings?: Record<string, string> }} [opts] settings: per-database
 *   defaults (`ALTER DATABASE … SET name = value`), e.g. `{ synchronous_commit: 'off' }`
 * @returns {Promise<BenchDatabase>}
 */
export async function createBenchDatabase(prefix, opts = {}) {
  const name = `runboard_bench_${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  // Identifiers cannot be query parameters; the names are built from [a-z0-9_] only.
  await withAdmin((c) =>
    c.query(
      `CREATE DATABASE ${escapeIdentifier(name)}` +
        (opts.template ? ` TEMPLATE ${escapeIdentifier(opts.template)}` : '')
    )
  );
  for (const [key, value] of Object.entries(opts.settings ?? {})) {
    if (!/^[a-z_]+$/.test(key) || !/^[a-z0-9_]+$/.test(value))
      throw new Error(`bad PostgreSQL setting ${key}=${value}`);
    // checked above: lowercase words only
    await withAdmin((c) =>
      c.query(`ALTER DATABASE ${escapeIdentifier(name)} SET ${key} = ${value}`)
    );
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  /** @type {BenchDatabase} */
  const db = {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      live.delete(db);
      await withAdmin((c) =>
        c.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`)
      );
    }
  };
  live.add(db);
  install();
  return db;
}

/** Drops every bench database still alive (best effort). */
export async function dropAllBenchDatabases() {
  for (const db of [...live]) await db.drop().catch(() => {});
}

/** On Ctrl-C or SIGTERM, drop what is left before bench/sync/cleanup.mjs exits the process. */
function install() {
  if (installed) return;
  installed = true;
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.prependOnceListener(sig, () => {
      // bench/sync/cleanup.mjs exits synchronously right after: a detached child drops them.
      const names = [...live].map((d) => d.name);
      if (!names.length) return;
      process.stderr.write(`${sig}: dropping bench databases ${names.join(', ')}\n`);
      dropDetached(names);
    });
  }
}

/**
 * Drops `names` from a detached child process (the parent is about to exit).
 * @param {string[]} names
 */
function dropDetached(names) {
  const code = `
    import pg from 'pg';
    const c = new pg.Client({ connectionString: ${JSON.stringify(PG_ADMIN_URL)} });
    await c.connect();
    for (const n of ${JSON.stringify(names)})
      await c.query('DROP DATABASE IF EXISTS ' + pg.escapeIdentifier(n) + ' WITH (FORCE)').catch(() => {});
    await c.end();
  `;
  const p = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: new URL('..', import.meta.url).pathname,
    detached: true,
    stdio: 'ignore'
  });
  p.unref();
}

/**
 * The process ids of the PostgreSQL backends connected to `database` (to sample their CPU the
 * way the harness samples the server's; empty when PostgreSQL runs on another host).
 * @param {string} database
 * @returns {Promise<number[]>}
 */
export async function backendPids(database) {
  const { rows } = await withAdmin((c) =>
    c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      database
    ])
  );
  return rows.map((r) => Number(r.pid));
}
