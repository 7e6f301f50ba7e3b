// Accounts for our server: its websocket needs an API token (`?token=`) of a member of the
// document's workspace, and it limits connections per principal. Before the first run of our
// server, bench users, one workspace and one API token per user are created with the project's
// admin CLI in a template DATA_DIR; every run of our server starts on a fresh copy of it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { untrackDir } from './cleanup.mjs';
import { makeDataDir, ROOT } from './servers.mjs';

export const WORKSPACE = 'bench';

/**
 * @typedef {object} Accounts
 * @property {string} templateDir DATA_DIR holding the users, the workspace and the tokens
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
 * One admin CLI call (`entry`) on `dataDir`, as an operator would make it; used by every bench.
 * @param {string} entry
 * @param {string} dataDir
 * @param {string[]} args
 * @returns {Promise<string>} stdout, trimmed
 */
export function admin(entry, dataDir, args) {
  return new Promise((res, rej) => {
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    delete env.NODE_OPTIONS;
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
 * Create `users` bench users (members of workspace `bench`) and an API token for each.
 * @param {string} entry admin CLI
 * @param {number} users
 * @returns {Promise<Accounts>}
 */
export async function provisionAccounts(entry, users) {
  const t0 = performance.now();
  const dir = makeDataDir('template');
  try {
    const password = `bench-${randomBytes(18).toString('base64url')}`;
    const emails = Array.from({ length: users }, (_, i) => `bench${i}@example.com`);
    const run = (/** @type {string[]} */ args) => admin(entry, dir, args);
    // the first call creates the database; the rest may run side by side (SQLite WAL)
    await run([
      'create-user',
      '--email',
      /** @type {string} */ (emails[0]),
      '--name',
      'Bench 0',
      '--password',
      password
    ]);
    await pool(emails.slice(1), 4, (email, i) =>
      run(['create-user', '--email', email, '--name', `Bench ${i + 1}`, '--password', password])
    );
    await run([
      'create-workspace',
      '--name',
      'Bench',
      '--owner',
      /** @type {string} */ (emails[0]),
      '--id',
      WORKSPACE
    ]);
    await pool(emails.slice(1), 4, (email) =>
      run(['add-member', '--workspace', WORKSPACE, '--email', email, '--role', 'member'])
    );
    const tokens = await pool(emails, 4, (email) =>
      run(['create-token', '--email', email, '--workspace', WORKSPACE, '--name', 'bench'])
    );
    for (const t of tokens)
      if (!t || /\s/.test(t)) throw new Error(`unexpected token output: ${t}`);
    return { templateDir: dir, tokens, admin: entry, ms: performance.now() - t0 };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
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

/** @param {Accounts | null} accounts */
export function removeTemplate(accounts) {
  if (!accounts) return;
  rmSync(accounts.templateDir, { recursive: true, force: true });
  untrackDir(accounts.templateDir);
}
