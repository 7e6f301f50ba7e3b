/**
 * Executes one run (docs/automation.md, "The runner"): framework-free, no database and no config,
 * so the server's runner and the remote runner process share it.
 *
 * 1. The run gets its own working directory under `workRoot` (mode 0700), removed afterwards
 *    whatever happens: `tmp/` is its TMPDIR, `.rb/` (0700) holds key, password and vault files
 *    (0600), `src/` the git checkout.
 * 2. The source: inline text written to `script.sh` or `playbook.yml`, or the tree of a git
 *    repository at a ref (git-source.ts).
 * 3. The program is spawned with an argument array in its own process group with a clean
 *    environment (run-environment.ts): `/bin/bash <script>` with cwd = the working directory, or
 *    `ansible-playbook …` (ansible.ts) with cwd = the directory of the source tree.
 * 4. Output (stdout and stderr in order) goes to the sink with every secret masked
 *    (secret-mask.ts): secret parameters' values and the credentials' secrets.
 * 5. A timeout or the abort signal ends the whole process group (SIGTERM, SIGKILL after
 *    `killGraceMs`); the group is also killed when its leader exits (process-group.ts).
 */
/* eslint-disable security/detect-non-literal-fs-filename -- paths are the configured work root,
   the run's mkdtemp directory and fixed names inside it; a git path is checked by
   git-source.ts (relative, no `..`) and read from git's own listing first. */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ansibleArgs, ansibleEnv, parseRecap, writeInventory } from './ansible';
import { checkoutGitSource } from './git-source';
import { runInGroup } from './process-group';
import { baseEnv, credentialEnvPrefix, envProblem, optionEnv } from './run-environment';
import { SecretMasker } from './secret-mask';
import type { ExecPlaces, ExecResult, ExecSink, ExecSpec } from './types';

/** How much of the output's end is kept to read Ansible's recap from. */
const RECAP_TAIL_CHARS = 256 * 1024;

/** The secret values of a run: its secret parameters and its credentials' secrets. */
export function runSecrets(spec: ExecSpec): string[] {
  const values: string[] = [];
  for (const name of spec.secretParameters) {
    const value = spec.parameters[name];
    if (typeof value === 'string' && value !== '') values.push(value);
  }
  for (const credential of spec.credentials) values.push(credential.secret);
  return values;
}

/** A key file's text as ssh reads it: LF line ends and a final newline. */
function keyFileText(secret: string): string {
  const text = secret.replace(/\r\n?/g, '\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Removes a directory tree, also one a program left without write permission. */
async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}

function ended(state: ExecResult['state'], reason: string | null): ExecResult {
  return { state, exitCode: null, summary: null, reason };
}

export async function execute(
  spec: ExecSpec,
  places: ExecPlaces,
  sink: ExecSink,
  signal: AbortSignal
): Promise<ExecResult> {
  if (signal.aborted) return ended('cancelled', 'cancelled before it started');
  await mkdir(places.workRoot, { recursive: true, mode: 0o700 });
  const safeId = spec.runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const workdir = await mkdtemp(join(places.workRoot, `run-${safeId}-`));
  try {
    await chmod(workdir, 0o700);
    return await executeIn(workdir, spec, places, sink, signal);
  } finally {
    await removeTree(workdir);
  }
}

async function executeIn(
  workdir: string,
  spec: ExecSpec,
  places: ExecPlaces,
  sink: ExecSink,
  signal: AbortSignal
): Promise<ExecResult> {
  const startedAt = Date.now();
  const tmpdir = join(workdir, 'tmp');
  const secretDir = join(workdir, '.rb');
  await mkdir(tmpdir, { mode: 0o700 });
  await mkdir(secretDir, { mode: 0o700 });

  // The source.
  let sourceFile: string;
  let sourceRoot: string;
  if ('inline' in spec.source) {
    sourceFile = join(workdir, spec.kind === 'shell' ? 'script.sh' : 'playbook.yml');
    sourceRoot = workdir;
    await writeFile(sourceFile, spec.source.inline, { mode: 0o600 });
  } else {
    sourceRoot = join(workdir, 'src');
    await mkdir(sourceRoot, { mode: 0o700 });
    try {
      const checkout = await checkoutGitSource(
        spec.source.git,
        sourceRoot,
        places.gitCacheDir,
        join(secretDir, 'git-index'),
        { signal, timeoutMs: spec.timeoutMs }
      );
      if (!checkout.ok) return ended('failed', checkout.reason);
      sourceFile = checkout.file;
    } catch (error) {
      if (signal.aborted) return ended('cancelled', 'cancelled while fetching the source');
      if (Date.now() - startedAt >= spec.timeoutMs) {
        return ended('timed_out', 'timed out while fetching the source');
      }
      return ended('failed', `git failed: ${(error as Error).message}`);
    }
  }

  // Credentials' files: ssh keys for both kinds.
  const keyFiles = new Map<number, string>();
  for (const [i, credential] of spec.credentials.entries()) {
    if (credential.kind !== 'ssh_key') continue;
    const file = join(secretDir, `key-${i}`);
    await writeFile(file, keyFileText(credential.secret), { mode: 0o600 });
    keyFiles.set(i, file);
  }

  // Program, arguments and environment.
  const env = baseEnv(workdir, tmpdir, spec.runId);
  let program: string;
  let args: string[];
  let cwd: string;
  if (spec.kind === 'shell') {
    program = '/bin/bash';
    args = [sourceFile];
    cwd = workdir;
    Object.assign(env, optionEnv(spec.parameters));
    for (const [i, credential] of spec.credentials.entries()) {
      const prefix = credentialEnvPrefix(credential.name);
      env[`${prefix}_SECRET`] = credential.secret;
      if (credential.username) env[`${prefix}_USERNAME`] = credential.username;
      const file = keyFiles.get(i);
      if (file) env[`${prefix}_FILE`] = file;
    }
  } else {
    await mkdir(join(workdir, '.ansible', 'tmp'), { recursive: true, mode: 0o700 });
    const inventory = await writeInventory(spec.inventory, secretDir);
    program = 'ansible-playbook';
    args = await ansibleArgs(spec, sourceFile, inventory, { secretDir, keyFiles });
    cwd = 'inline' in spec.source ? workdir : sourceRoot;
    Object.assign(env, ansibleEnv(workdir, spec.credentials));
    for (const [i, credential] of spec.credentials.entries()) {
      const file = keyFiles.get(i);
      if (file) env[`${credentialEnvPrefix(credential.name)}_FILE`] = file;
    }
  }
  const problem = envProblem(env);
  if (problem) return ended('failed', `the run's environment cannot hold it: ${problem}`);

  const masker = new SecretMasker(runSecrets(spec));
  let tail = '';
  // A sink that throws (its store is gone, …) ends the run: the group is killed and the error
  // is thrown from execute() once the process is gone and the working directory removed.
  let sinkError: { error: unknown } | null = null;
  const sinkFailed = new AbortController();
  const guarded = (call: () => void) => {
    if (sinkError !== null) return;
    try {
      call();
    } catch (error) {
      sinkError = { error };
      sinkFailed.abort();
    }
  };
  const emit = (text: string) => {
    if (text === '') return;
    if (spec.kind === 'ansible') {
      tail += text;
      if (tail.length > 2 * RECAP_TAIL_CHARS) tail = tail.slice(-RECAP_TAIL_CHARS);
    }
    guarded(() => sink.output(text));
  };
  const run = await runInGroup({
    program,
    args,
    cwd,
    env,
    timeoutMs: Math.max(1, spec.timeoutMs - (Date.now() - startedAt)),
    killGraceMs: places.killGraceMs,
    signal: AbortSignal.any([signal, sinkFailed.signal]),
    sweepMarker: `HOME=${workdir}`,
    onSpawn: (pid) => guarded(() => sink.spawned?.(pid)),
    onOutput: (text) => emit(masker.push(text))
  });
  emit(masker.end());
  if (sinkError !== null) throw (sinkError as { error: unknown }).error;

  const summary = spec.kind === 'ansible' ? parseRecap(tail) : null;
  if (run.spawnError) {
    return {
      state: 'failed',
      exitCode: null,
      summary,
      reason: `could not start: ${run.spawnError}`
    };
  }
  if (run.timedOut) {
    return {
      state: 'timed_out',
      exitCode: run.exitCode,
      summary,
      reason: `timed out after ${Math.round(spec.timeoutMs / 1000)} s`
    };
  }
  if (run.cancelled) return { state: 'cancelled', exitCode: run.exitCode, summary, reason: null };
  if (run.exitCode === 0) return { state: 'succeeded', exitCode: 0, summary, reason: null };
  let reason: string | null = null;
  if (run.signal) reason = `killed by ${run.signal}`;
  else if (run.exitCode === 127 && spec.kind === 'ansible') {
    reason = 'ansible-playbook was not found on PATH (is ansible-core installed?)';
  }
  return { state: 'failed', exitCode: run.exitCode, summary, reason };
}
