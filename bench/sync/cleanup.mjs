// Make sure no server or generator child outlives the benchmark (Ctrl-C, crash), and no
// temporary DATA_DIR is left behind.
import { rmSync } from 'node:fs';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Set<string>} */
const dirs = new Set();
let installed = false;

function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

/**
 * Remove `dir` when the benchmark exits, unless `untrackDir` was called first.
 * @param {string} dir
 */
export function trackDir(dir) {
  dirs.add(dir);
  install();
  return dir;
}

/** @param {string} dir */
export const untrackDir = (dir) => dirs.delete(dir);

/**
 * Track a child process until it exits.
 * @param {import('node:child_process').ChildProcess} child
 */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  install();
  return child;
}

function install() {
  if (!installed) {
    installed = true;
    process.once('exit', killAll);
    for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
      process.once(sig, () => {
        process.stderr.write(`\n${sig}: stopping servers and load generators\n`);
        killAll();
        process.exit(130);
      });
    }
  }
}
