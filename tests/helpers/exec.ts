/** Helpers for the executor's tests: places under a temporary root, a recording sink, a spec. */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecPlaces, ExecSink, ExecSpec } from '../../src/lib/server/automation/exec/types';

export interface TestPlaces extends ExecPlaces {
  root: string;
  /** The run directories left under workRoot (none, after every run). */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function testPlaces(killGraceMs = 300): Promise<TestPlaces> {
  const root = await mkdtemp(join(tmpdir(), 'rb-exec-test-'));
  const workRoot = join(root, 'work');
  return {
    root,
    workRoot,
    gitCacheDir: join(root, 'git-cache'),
    killGraceMs,
    leftovers: async () => readdir(workRoot).catch(() => []),
    dispose: () => rm(root, { recursive: true, force: true })
  };
}

export interface RecordingSink extends ExecSink {
  chunks: string[];
  pids: number[];
  text(): string;
}

export function recordingSink(onSpawn?: (pid: number) => void): RecordingSink {
  const chunks: string[] = [];
  const pids: number[] = [];
  return {
    chunks,
    pids,
    spawned(pid) {
      pids.push(pid);
      onSpawn?.(pid);
    },
    output(chunk) {
      chunks.push(chunk);
    },
    text: () => chunks.join('')
  };
}

let runs = 0;

export function shellSpec(script: string, overrides: Partial<ExecSpec> = {}): ExecSpec {
  return {
    runId: `run-${process.pid}-${++runs}`,
    kind: 'shell',
    source: { inline: script },
    parameters: {},
    secretParameters: [],
    credentials: [],
    inventory: null,
    check: false,
    timeoutMs: 20_000,
    ...overrides
  };
}

export function ansibleSpec(playbook: string, overrides: Partial<ExecSpec> = {}): ExecSpec {
  return shellSpec('', {
    kind: 'ansible',
    source: { inline: playbook },
    timeoutMs: 60_000,
    ...overrides
  });
}

/** Whether a process is alive (signal 0); a zombie of ours counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Fails under CI when a program the tests need is missing; elsewhere the test is skipped. */
export function requireProgram(found: boolean, what: string): boolean {
  if (!found && process.env.CI) {
    throw new Error(`${what} is missing (run scripts/install-test-deps.sh)`);
  }
  return found;
}
