/**
 * One program run in its own process group: argv only, a given environment, stdin closed,
 * stdout and stderr as one stream in the order written, a timeout and a cancel that end the whole
 * group (SIGTERM, then SIGKILL after a grace), and the group killed when its leader exits, so
 * nothing it started in the background outlives the run.
 *
 * stderr joins stdout through a fixed `/bin/sh -c 'exec "$@" 2>&1'`: the command text is a
 * constant, the program and its arguments stay an argument array, and the shell replaces itself
 * with the program (same pid, same group). One pipe keeps the order of the two streams and lets
 * the secret masker see a secret whole even when it was split across writes.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface GroupRun {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
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
    const decoder = new StringDecoder('utf8');
    let pid: number | undefined = child.pid;
    let exited = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const stop = () => {
      if (pid === undefined || graceTimer) return;
      killGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(pid as number, 'SIGKILL'), run.killGraceMs);
    };
    const onAbort = () => {
      if (exited) return;
      result.cancelled = true;
      stop();
    };
    const finish = () => {
      if (!closed || !exited) return;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      run.signal.removeEventListener('abort', onAbort);
      const tail = decoder.end();
      if (tail) run.onOutput(tail);
      resolve(result);
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
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
    } else {
      pid = undefined;
    }
  });
}
