// Spawning and stopping the sync servers under test (always a separate child process).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track, trackDir, untrackDir } from './cleanup.mjs';
import { nowMs } from './protocol.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OURS_ENTRY = join(ROOT, 'build', 'server', 'sync-server.js');
export const REFERENCE_ENTRY = join(
  ROOT,
  'node_modules',
  '@y',
  'websocket-server',
  'src',
  'server.js'
);

/** @typedef {'ours' | 'ours-pg' | 'reference'} ServerKind ours-pg: our server on PostgreSQL */

/**
 * @typedef {object} ServerHandle
 * @property {ServerKind} kind
 * @property {import('node:child_process').ChildProcess} proc
 * @property {number} pid
 * @property {number} port
 * @property {string} dataDir
 * @property {string | undefined} databaseUrl ours-pg: its DATABASE_URL
 * @property {string | undefined} [pgDatabase] ours-pg: the database's name (to sample its backends)
 * @property {number} readyAt shared-clock ms when the ready line was seen
 * @property {number} startMs ms from spawn to ready
 * @property {(docName: string) => string} url
 * @property {string[]} log last lines of stdout/stderr
 * @property {boolean} exited
 * @property {number | null} exitCode
 * @property {string | null} exitSignal
 */

/** A free TCP port on 127.0.0.1 (for the reference server, which cannot bind port 0 and tell us). */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => {
        const addr = s.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        s.close(() => res(port));
      });
    })
  );
}

/** @param {string} prefix */
export const makeDataDir = (prefix) =>
  trackDir(mkdtempSync(join(tmpdir(), `runboard-bench-${prefix}-`)));

/** @param {boolean} ours */
const appNodeArgs = (ours) =>
  ours ? (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];

/**
 * Start a server and wait for its ready line.
 * @param {ServerKind} kind
 * @param {{ entry?: string, dataDir?: string, databaseUrl?: string, port?: number, verbose?: boolean, timeoutMs?: number, env?: Record<string, string> }} [opts]
 *   databaseUrl: run our server on that PostgreSQL database (DATABASE_URL) instead of SQLite;
 *   env: added to our server's environment (the nodes part: REDIS_URL, REDIS_PREFIX, …)
 * @returns {Promise<ServerHandle>}
 */
export async function startServer(kind, opts = {}) {
  const ours = kind !== 'reference';
  const entry = ours ? (opts.entry ?? OURS_ENTRY) : REFERENCE_ENTRY;
  const dataDir = opts.dataDir ?? makeDataDir(kind);
  const port = opts.port ?? (ours ? 0 : await freePort());
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port) };
  // The reference server must run without persistence; ours gets its data dir.
  delete env.YPERSISTENCE;
  delete env.NODE_OPTIONS;
  // The store is chosen by the harness, never inherited from the shell.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.REDIS_PREFIX;
  if (ours) env.DATA_DIR = dataDir;
  if (ours && opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (ours) Object.assign(env, opts.env);
  if (kind === 'ours-pg' && !opts.databaseUrl) throw new Error('ours-pg needs a databaseUrl');
  const ready = ours
    ? /listening on http:\/\/127\.0\.0\.1:(\d+)/
    : /running at '127\.0\.0\.1' on port (\d+)/;

  const t0 = performance.now();
  const proc = track(
    // BENCH_APP_NODE_ARGS: extra node flags for our server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
    spawn(process.execPath, [...appNodeArgs(ours), entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
  );
  /** @type {ServerHandle} */
  const h = {
    kind,
    proc,
    pid: /** @type {number} */ (proc.pid),
    port: 0,
    dataDir,
    databaseUrl: opts.databaseUrl,
    readyAt: 0,
    startMs: 0,
    url: (docName) =>
      ours ? `ws://127.0.0.1:${h.port}/sync/${docName}` : `ws://127.0.0.1:${h.port}/${docName}`,
    log: [],
    exited: false,
    exitCode: null,
    exitSignal: null
  };
  /** @param {string} line */
  const keep = (line) => {
    h.log.push(line);
    if (h.log.length > 40) h.log.shift();
    if (opts.verbose) process.stderr.write(`    [${kind}:${h.pid}] ${line}\n`);
  };
  const exited = new Promise((res) => {
    proc.once('exit', (code, signal) => {
      h.exited = true;
      h.exitCode = code;
      h.exitSignal = signal;
      res(undefined);
    });
  });
  /** @type {any} */ (h).exitedPromise = exited;

  try {
    await waitReady(proc, ready, h, keep, opts.timeoutMs ?? 20000, t0);
  } catch (err) {
    // never leave a half-started server behind
    if (!h.exited) {
      proc.kill('SIGKILL');
      await exited;
    }
    throw err;
  }
  return h;
}

/**
 * @param {import('node:child_process').ChildProcess} proc
 * @param {RegExp} ready
 * @param {ServerHandle} h
 * @param {(line: string) => void} keep
 * @param {number} timeoutMs
 * @param {number} t0
 */
function waitReady(proc, ready, h, keep, timeoutMs, t0) {
  const kind = h.kind;
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(
      () => rej(new Error(`${kind} server did not become ready in time:\n${h.log.join('\n')}`)),
      timeoutMs
    );
    /** @param {Buffer} chunk */
    const onOut = (chunk) => {
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        keep(line);
        const m = ready.exec(line);
        if (m && !h.readyAt) {
          h.readyAt = nowMs();
          h.startMs = performance.now() - t0;
          h.port = Number(m[1]);
          clearTimeout(timer);
          res(undefined);
        }
      }
    };
    proc.stdout?.on('data', onOut);
    proc.stderr?.on('data', (/** @type {Buffer} */ c) => {
      for (const line of c.toString('utf8').split('\n')) if (line) keep(line);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(
        new Error(
          `${kind} server exited early (code ${code}, signal ${signal}):\n${h.log.join('\n')}`
        )
      );
    });
  });
}

/**
 * SIGTERM, wait for exit (SIGKILL after `graceMs`).
 * @param {ServerHandle} h
 * @param {number} [graceMs]
 * @returns {Promise<{ ms: number, killed: boolean, code: number | null, signal: string | null }>}
 */
export async function stopServer(h, graceMs = 10000) {
  const t0 = performance.now();
  let killed = false;
  if (!h.exited) {
    h.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      killed = true;
      h.proc.kill('SIGKILL');
    }, graceMs);
    await /** @type {any} */ (h).exitedPromise;
    clearTimeout(timer);
  }
  return { ms: performance.now() - t0, killed, code: h.exitCode, signal: h.exitSignal };
}

/** @param {ServerHandle} h */
export function removeDataDir(h) {
  try {
    rmSync(h.dataDir, { recursive: true, force: true });
    untrackDir(h.dataDir);
  } catch {
    // best effort
  }
}

/** @param {string} [entry] */
export const oursAvailable = (entry) => existsSync(entry ?? OURS_ENTRY);
