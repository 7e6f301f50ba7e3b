// The two stores of the records layer as the REST and storage benchmarks use them: a fresh SQLite
// DATA_DIR, or a fresh PostgreSQL database (plus an empty DATA_DIR) on the machine's server.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase, pgAdminLabel, pgSkipReason, pgVersion } from './pg.mjs';
import { untrackDir } from './sync/cleanup.mjs';
import { ROOT, makeDataDir } from './sync/servers.mjs';

export const MAIN_ENTRY = join(ROOT, 'build', 'server', 'main.js');
export const ADMIN_ENTRY = join(ROOT, 'build', 'server', 'admin.js');

/** @typedef {'sqlite' | 'postgres'} Backend */
export const BACKENDS = /** @type {const} */ (['sqlite', 'postgres']);

/**
 * @typedef {object} Store
 * @property {Backend} backend
 * @property {string} dataDir always set (with PostgreSQL nothing the server needs lives there)
 * @property {import('./pg.mjs').BenchDatabase | null} db with PostgreSQL
 * @property {string | undefined} databaseUrl
 * @property {() => Promise<void>} remove deletes the directory and drops the database
 */

/**
 * A fresh, empty store.
 * @param {Backend} backend
 * @param {string} prefix
 * @returns {Promise<Store>}
 */
export async function freshStore(backend, prefix) {
  const dataDir = makeDataDir(`${prefix}-${backend}`);
  const db = backend === 'postgres' ? await createBenchDatabase(prefix) : null;
  return {
    backend,
    dataDir,
    db,
    databaseUrl: db?.url,
    async remove() {
      rmSync(dataDir, { recursive: true, force: true });
      untrackDir(dataDir);
      await db?.drop();
    }
  };
}

/**
 * Which of `wanted` can run: PostgreSQL only when reachable (else a note saying why).
 * @param {Backend[]} wanted
 * @param {(s: string) => void} note
 * @returns {Promise<{ backends: Backend[], postgres: string | null }>}
 */
export async function availableBackends(wanted, note) {
  if (!wanted.includes('postgres')) return { backends: wanted, postgres: null };
  const why = await pgSkipReason();
  if (why) {
    note(`PostgreSQL skipped: ${why}`);
    return { backends: wanted.filter((b) => b !== 'postgres'), postgres: null };
  }
  return { backends: wanted, postgres: `${await pgVersion()} at ${pgAdminLabel()}` };
}

/**
 * `--name=sqlite,postgres` (both by default).
 * @param {Record<string, string | boolean>} flags
 * @param {string} name
 * @returns {Backend[]}
 */
export function backendList(flags, name) {
  const list = String(flags[name] ?? BACKENDS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const b of list)
    if (!BACKENDS.includes(/** @type {any} */ (b)))
      throw new Error(`--${name}: unknown backend '${b}' (sqlite, postgres)`);
  return BACKENDS.filter((b) => list.includes(b));
}
