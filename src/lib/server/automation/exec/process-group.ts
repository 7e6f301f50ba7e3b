/**
 * One program run in its own process group: argv only, a given environment, stdin closed,
 * stdout and stderr as one stream in the order written, a timeout and a cancel that end the whole
 * group (SIGTERM, then SIGKILL after a grace), and the group killed when its leader exits, so
 * nothing it started in the background outlives the run. A process that left the group
 * (`setsid`) is found by the run's marker in its environment (`sweepMarker`, the run's own
 * `HOME`, unique per execution) and killed too, on Linux (/proc); only a process that both left
 * the group and rewrote its environment escapes (a cgroup would be the next step).
 *
 * stderr joins stdout through a fixed `/bin/sh -c 'exec "$@" 2>&1'`: the command text is a
 * constant, the program and its arguments stay an argument array, and the shell replaces itself
 * with the program (same pid, same group). One pipe keeps the order of the two streams and lets
 * the secret masker see a secret whole even when it was split across writes.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupRun {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
  /** `NAME=value` of the run's environment that marks its processes for the final sweep. */
  sweepMarker?: string;
  onSpawn?(pid: number): void;
  /** Decoded output (UTF-8, multi-byte characters never split). */
  onOutput(text: string): void;
}

export interface GroupResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started (ENOENT, …). */
  spawnError: string | null;
}

/** How long output may still arrive once the group is dead (a setsid'd escapee holding the pipe). */
const DRAIN_AFTER_EXIT_MS = 2000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Whether a NUL-separated environment block holds an entry that starts with `prefix`. */
function hasEntry(environ: Buffer, prefix: Buffer, whole: boolean): boolean {
  for (let at = environ.indexOf(prefix); at >= 0; at = environ.indexOf(prefix, at + 1)) {
    if (at > 0 && environ[at - 1] !== 0) continue;
    const next = environ[at + prefix.length];
    if (!whole || next === 0 || next === undefined) return true;
  }
  return false;
}

/**
 * Kills (SIGKILL) every process of this user with an environment entry `entry` (or, with
 * `prefix`, one starting with it), a few passes so one forked meanwhile is caught too. Returns
 * how many were killed. Linux only: without /proc it does nothing.
 */
function sweep(entry: string, whole: boolean): number {
  const needle = Buffer.from(entry);
  const killed = new Set<number>();
  for (let pass = 0; pass < 3; pass++) {
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return killed.size;
    }
    let found = 0;
    for (const name of entries) {
      const pid = Number(name);
      if (!/^\d+$/.test(name) || pid === process.pid || killed.has(pid)) continue;
      let environ: Buffer;
      try {
        // eslint-disable-next-line security/detect-non-literal-fs-filename -- /proc/<digits>/environ
        environ = readFileSync(`/proc/${name}/environ`);
      } catch {
        continue; // gone, or another user's
      }
      if (!hasEntry(environ, needle, whole)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
        found += 1;
      } catch {
        // gone meanwhile
      }
    }
    if (found === 0) break;
  }
  return killed.size;
}

/** Kills the processes whose environment holds exactly `NAME=value` (see `sweep`). */
export function sweepByEnvironment(entry: string): number {
  return sweep(entry, true);
}

/** Kills the processes with an environment entry starting with `prefix` (see `sweep`). */
export function sweepByEnvironmentPrefix(prefix: string): number {
  return sweep(prefix, false);
}

export function runInGroup(run: GroupRun): Promise<GroupResult> {
  return new Promise((resolve) => {
    const result: GroupResult = {
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      spawnError: null
    };
    if (run.signal.aborted) {
      resolve({ ...result, cancelled: true });
      return;
    }
    const child = spawn(
      '/bin/sh',
      ['-c', 'exec "$@" 2>&1', 'runboard-exec', run.program, ...run.args],
      {
        cwd: run.cwd,
        env: run.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore']
      }
    );
    const decoder = new TextDecoder('utf-8');
    const pid = child.pid;
    let exited = false;
    let done = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const stop = () => {
      if (pid === undefined || graceTimer) return;
      killGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), run.killGraceMs);
    };
    const onAbort = () => {
      if (exited) return;
      result.cancelled = true;
      stop();
    };
    const finish = () => {
      if (done || !closed || !exited) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      run.signal.removeEventListener('abort', onAbort);
      const tail = decoder.decode();
      if (tail) run.onOutput(tail);
      resolve(result);
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      const text = decoder.decode(chunk, { stream: true });
      if (text) run.onOutput(text);
    });
    child.stdout?.on('close', () => {
      closed = true;
      finish();
    });
    child.on('error', (error) => {
      // spawn itself failed (the program is /bin/sh, so this is rare: EAGAIN, ENOMEM, a bad cwd)
      result.spawnError = error.message;
      exited = true;
      closed = true;
      finish();
    });
    child.on('exit', (code, signal) => {
      exited = true;
      result.exitCode = code;
      result.signal = signal;
      // The leader is gone: whatever it left behind in its group goes too.
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
      if (run.sweepMarker) sweepByEnvironment(run.sweepMarker);
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        closed = true;
        finish();
      }, DRAIN_AFTER_EXIT_MS);
      finish();
    });

    if (pid !== undefined) {
      run.onSpawn?.(pid);
      timer = setTimeout(
        () => {
          if (exited) return;
          result.timedOut = true;
          stop();
        },
        Math.max(0, run.timeoutMs)
      );
      run.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
