// Accounts for our server: its websocket needs an API token (`?token=`) of a member of the
// document's workspace, and it limits connections per principal. Before the first run of our
// server, bench users, one workspace and one API token per user are created with the project's
// admin CLI in a template DATA_DIR (or, for the PostgreSQL variant, a template database); every
// run of our server starts on a fresh copy of it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createBenchDatabase } from '../pg.mjs';
import { untrackDir } from './cleanup.mjs';
import { makeDataDir, ROOT } from './servers.mjs';

export const WORKSPACE = 'bench';

/**
 * @typedef {object} Accounts
 * @property {string} templateDir DATA_DIR holding the users, the workspace and the tokens
 * @property {import('../pg.mjs').BenchDatabase | null} templateDb with PostgreSQL: the database
 *   holding them instead (DATABASE_URL), copied for each run
 * @property {string[]} tokens one API token per bench user
 * @property {string} admin admin CLI used
 * @property {number} ms
 */

/**
 * The admin CLI that belongs to the server under test: build/server/admin.js next to it,
 * else scripts/admin.mjs (bundles from source). null when the project has none.
 * @param {string} oursEntry
 */
export function adminEntry(oursEntry) {
  const built = join(dirname(oursEntry), 'admin.js');
  if (existsSync(built)) return built;
  const script = join(ROOT, 'scripts', 'admin.mjs');
  if (existsSync(script)) return script;
  return null;
}

/**
 * One admin CLI call (`entry`) on `dataDir` (SQLite) or, with `databaseUrl`, on that PostgreSQL
 * database, as an operator would make it; used by every bench.
 * @param {string} entry
 * @param {string} dataDir
 * @param {string[]} args
 * @param {{ databaseUrl?: string, stderr?: (text: string) => void }} [opts]
 * @returns {Promise<string>} stdout, trimmed
 */
export function admin(entry, dataDir, args, opts = {}) {
  return new Promise((res, rej) => {
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    delete env.NODE_OPTIONS;
    // The store is chosen here, never inherited from the shell running the benchmark.
    delete env.DATABASE_URL;
    if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
    const p = spawn(process.execPath, [entry, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (/** @type {Buffer} */ c) => (out += c.toString('utf8')));
    p.stderr.on('data', (/** @type {Buffer} */ c) => (err += c.toString('utf8')));
    p.on('error', rej);
    p.on('exit', (code) => {
      opts.stderr?.(err);
      if (code === 0) res(out.trim());
      else rej(new Error(`admin ${args[0]} failed (exit ${code}): ${err.trim() || out.trim()}`));
    });
  });
}

/**
 * @template T, R
 * @param {T[]} items
 * @param {number} n
 * @param {(item: T, i: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
async function pool(items, n, fn) {
  /** @type {R[]} */
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * Users in `dataDir` made with the admin CLI `entry`, as an operator would: the first owns
 * workspace `bench`, the others are members, and the first `tokens` users get an API token for
 * it. The first call creates the database; the rest run four at a time (SQLite WAL; the CLI
 * hashes each password with scrypt). Used by every benchmark. With `o.databaseUrl` everything
 * goes to that PostgreSQL database (through the same CLI and records layer).
 * @param {string} entry
 * @param {string} dataDir
 * @param {{ users: { email: string, name: string }[], workspaceName: string, tokens: number, tokenName: string, databaseUrl?: string }} o
 * @returns {Promise<{ password: string, email: string, ids: string[], tokens: string[] }>}
 */
export async function provisionWorkspace(entry, dataDir, o) {
  const password = `bench-${randomBytes(18).toString('base64url')}`;
  const run = (/** @type {string[]} */ args) =>
    admin(entry, dataDir, args, o.databaseUrl ? { databaseUrl: o.databaseUrl } : {});
  const create = (/** @type {{ email: string, name: string }} */ u) =>
    run(['create-user', '--email', u.email, '--name', u.name, '--password', password]);
  const [owner, ...members] = o.users;
  if (!owner) throw new Error('provisionWorkspace: no users');
  const ids = [await create(owner), ...(await pool(members, 4, create))];
  await run([
    'create-workspace',
    '--name',
    o.workspaceName,
    '--owner',
    owner.email,
    '--id',
    WORKSPACE
  ]);
  await pool(members, 4, (u) =>
    run(['add-member', '--workspace', WORKSPACE, '--email', u.email, '--role', 'member'])
  );
  const tokens = await pool(o.users.slice(0, o.tokens), 4, (u) =>
    run(['create-token', '--email', u.email, '--workspace', WORKSPACE, '--name', o.tokenName])
  );
  for (const t of tokens) if (!t || /\s/.test(t)) throw new Error(`unexpected token output: ${t}`);
  return { password, email: owner.email, ids, tokens };
}

/**
 * Create `users` bench users (members of workspace `bench`) and an API token for each, in a
 * template DATA_DIR, or with `postgres` in a fresh template database.
 * @param {string} entry admin CLI
 * @param {number} users
 * @param {{ postgres?: boolean }} [opts]
 * @returns {Promise<Accounts>}
 */
export async function provisionAccounts(entry, users, opts = {}) {
  const t0 = performance.now();
  const dir = makeDataDir('template');
  /** @type {import('../pg.mjs').BenchDatabase | null} */
  let db = null;
  try {
    if (opts.postgres) db = await createBenchDatabase('tmpl');
    const { tokens } = await provisionWorkspace(entry, dir, {
      ...(db ? { databaseUrl: db.url } : {}),
      users: Array.from({ length: users }, (_, i) => ({
        email: `bench${i}@example.com`,
        name: `Bench ${i}`
      })),
      workspaceName: 'Bench',
      tokens: users,
      tokenName: 'bench'
    });
    return { templateDir: dir, templateDb: db, tokens, admin: entry, ms: performance.now() - t0 };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
    await db?.drop().catch(() => {});
    throw err;
  }
}

/**
 * A fresh DATA_DIR for one run of our server, copied from the template.
 * @param {Accounts} accounts
 */
export function cloneDataDir(accounts) {
  const dir = makeDataDir('ours');
  cpSync(accounts.templateDir, dir, { recursive: true });
  return dir;
}

/**
 * Where one run of our server keeps its data: a copy of the template DATA_DIR, or with a
 * template database a fresh copy of it (CREATE DATABASE … TEMPLATE) plus an empty DATA_DIR.
 * @param {Accounts} accounts
 * @param {Record<string, string>} [settings] PostgreSQL per-database settings
 * @returns {Promise<{ dataDir: string, db: import('../pg.mjs').BenchDatabase | null }>}
 */
export async function cloneTarget(accounts, settings) {
  if (!accounts.templateDb) return { dataDir: cloneDataDir(accounts), db: null };
  const db = await createBenchDatabase('run', { template: accounts.templateDb.name, settings });
  return { dataDir: makeDataDir('ours-pg'), db };
}

/** @param {Accounts | null} accounts */
export async function removeTemplate(accounts) {
  if (!accounts) return;
  rmSync(accounts.templateDir, { recursive: true, force: true });
  untrackDir(accounts.templateDir);
  await accounts.templateDb?.drop();
}
