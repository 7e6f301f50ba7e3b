/**
 * Remote runners against the production app (runner-api.ts, remote-runner.ts, entries/runner.ts):
 * a real runner process (`build/server/runner.js`) pulls a job that names it, streams its output
 * (seen live through `GET …/runs/{id}/log?follow=1`) and reports the end; the run is recorded
 * like a local one (state, exit code, audit). A runner killed with SIGKILL mid-run leaves its run
 * `interrupted` by the server's sweep, with the output printed before kept. A cancel reaches the
 * runner through its heartbeat. Tokens: a wrong one is refused (401); a runner cannot write into
 * a run it did not claim (409). The server runs with short liveness settings
 * (RUNBOARD_AUTOMATION_STALE_MS, RUNBOARD_AUTOMATION_HEARTBEAT_MS). Needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'remoterun';
const root = resolve(import.meta.dirname, '../..');
const RUNNER_ENTRY = join(root, 'build/server/runner.js');
const STALE_MS = 3_000;
const HEARTBEAT_MS = 500;

let app: TestApp;
let owner: SeededUser;
const runners: RunnerProcess[] = [];
const leftoverGroups: number[] = [];
const workDirs: string[] = [];

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token = owner.token
): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

const ws = (path: string) => `/workspaces/${WS}${path}`;

interface RunnerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startRunner(env: Record<string, string>, reuseWorkDir?: string): RunnerProcess {
  const workDir = reuseWorkDir ?? mkdtempSync(join(tmpdir(), 'runboard-runner-test-'));
  workDirs.push(workDir);
  const child = spawn(process.execPath, [RUNNER_ENTRY], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      RUNBOARD_URL: app.baseUrl,
      RUNNER_WORK_DIR: workDir,
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal }))
  );
  const proc = { child, output: () => output, exited };
  runners.push(proc);
  return proc;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface RunView {
  id: string;
  state: string;
  exitCode: number | null;
  reason: string | null;
  runnerId: string | null;
}

async function getRun(id: string): Promise<RunView> {
  const reply = await call('GET', ws(`/runs/${id}`));
  expect(reply.status, reply.text).toBe(200);
  return reply.body as RunView;
}

async function runLog(id: string): Promise<string> {
  const reply = await call('GET', ws(`/runs/${id}/log`));
  expect(reply.status).toBe(200);
  return reply.text;
}

async function createRunner(name: string): Promise<{ id: string; token: string }> {
  const reply = await call('POST', ws('/runners'), { name });
  expect(reply.status, reply.text).toBe(201);
  return reply.body as { id: string; token: string };
}

async function createJob(name: string, script: string, runnerId: string, extra = {}) {
  const reply = await call('POST', ws('/jobs'), {
    name,
    kind: 'shell',
    script,
    runnerId,
    timeoutSeconds: 120,
    ...extra
  });
  expect(reply.status, reply.text).toBe(201);
  return (reply.body as { id: string }).id;
}

async function startRun(jobId: string, body: unknown = {}): Promise<string> {
  const reply = await call('POST', ws(`/jobs/${jobId}/runs`), body);
  expect(reply.status, reply.text).toBe(202);
  return (reply.body as { id: string }).id;
}

beforeAll(async () => {
  if (!existsSync(RUNNER_ENTRY)) {
    throw new Error('no runner bundle: run `npm run build` before this test');
  }
  const dataDir = tempDataDir('runboard-remote-runner-');
  owner = (await seedWorkspace(dataDir, WS, ['owner']))['owner']!;
  app = await startApp({
    dataDir,
    env: {
      RUNBOARD_AUTOMATION_STALE_MS: String(STALE_MS),
      RUNBOARD_AUTOMATION_HEARTBEAT_MS: String(HEARTBEAT_MS)
    }
  });
}, 60_000);

afterAll(async () => {
  for (const runner of runners) {
    if (runner.child.exitCode === null && runner.child.signalCode === null) {
      runner.child.kill('SIGKILL');
      await runner.exited;
    }
  }
  for (const pgid of leftoverGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await app?.stop();
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe('remote runner', () => {
  it('a runner process pulls a job that names it, streams its output live and reports the end', async () => {
    const runner = await createRunner('edge-1');
    const jobId = await createJob(
      'remote-hello',
      [
        'echo "hello from the remote runner"',
        'echo "token=$RB_OPTION_API_TOKEN"',
        'sleep 2',
        'echo "after the pause"',
        'exit 0'
      ].join('\n'),
      runner.id,
      { parameters: [{ name: 'api_token', type: 'secret', required: true }] }
    );
    const failingJob = await createJob('remote-fails', 'echo failing\nexit 3', runner.id);
    const runId = await startRun(jobId, { parameters: { api_token: 's3cr3t-value-42' } });
    const failingRunId = await startRun(failingJob);

    // The server's own runner leaves runs of jobs naming a runner alone.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await getRun(runId)).state).toBe('queued');

    const proc = startRunner({ RUNNER_TOKEN: runner.token });
    // Follow the log live while the run goes.
    await until('the run to start', async () => (await getRun(runId)).state === 'running');
    const follow = await fetch(`${app.baseUrl}/api/v1${ws(`/runs/${runId}/log?follow=1`)}`, {
      headers: { authorization: `Bearer ${owner.token}` }
    });
    expect(follow.status).toBe(200);
    // The first line arrives while the run still goes (it sleeps before its last line).
    const reader = follow.body!.getReader();
    const decoder = new TextDecoder();
    let followed = '';
    while (!followed.includes('hello from the remote runner')) {
      const { done, value } = await reader.read();
      if (done) break;
      followed += decoder.decode(value, { stream: true });
    }
    expect(followed).not.toContain('after the pause');
    expect((await getRun(runId)).state).toBe('running');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      followed += decoder.decode(value, { stream: true });
    }
    expect(followed).toContain('hello from the remote runner');
    expect(followed).toContain('after the pause');

    const run = await until('the run to end', async () => {
      const r = await getRun(runId);
      return r.state === 'running' ? null : r;
    });
    expect(run).toMatchObject({ state: 'succeeded', exitCode: 0, runnerId: runner.id });
    const log = await runLog(runId);
    expect(log).toContain('hello from the remote runner');
    expect(log).toContain('after the pause');
    // The secret reached the script, and was masked by the runner before it left the host.
    expect(log).toContain('token=••••••');
    expect(log).not.toContain('s3cr3t-value-42');
    expect(proc.output()).not.toContain('s3cr3t-value-42');
    expect(proc.output()).not.toContain(runner.token);

    const failed = await until('the failing run to end', async () => {
      const r = await getRun(failingRunId);
      return r.state === 'running' || r.state === 'queued' ? null : r;
    });
    expect(failed).toMatchObject({ state: 'failed', exitCode: 3 });
    expect(await runLog(failingRunId)).toContain('failing');

    const audit = await call('GET', ws('/audit?limit=50'));
    expect(audit.status).toBe(200);
    const finished = (
      audit.body as { action: string; target: string | null; actorLabel?: string }[]
    ).filter((e) => e.action === 'run.finished' && e.target === `run:${runId}`);
    expect(finished).toHaveLength(1);
    expect(JSON.stringify(finished[0])).toContain('succeeded');

    // The runner is seen, and its working directories are gone.
    const listed = await call('GET', ws('/runners'));
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: runner.id, online: true })])
    );
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    const workDir = workDirs.at(-1)!;
    const left = existsSync(join(workDir, 'runs')) ? readdirSync(join(workDir, 'runs')) : [];
    expect(left).toEqual([]);
  }, 60_000);

  it('sends a large output of escape characters whole and in order, in batches under the body limit', async () => {
    const runner = await createRunner('edge-bulk');
    // 600,000 ESC characters (6 bytes each as JSON), then numbered lines.
    const jobId = await createJob(
      'remote-bulk',
      "head -c 600000 /dev/zero | tr '\\0' '\\033'\nfor i in $(seq 1 20000); do echo \"line $i\"; done",
      runner.id
    );
    const runId = await startRun(jobId);
    const proc = startRunner({ RUNNER_TOKEN: runner.token });
    const run = await until('the run to end', async () => {
      const r = await getRun(runId);
      return r.state === 'running' || r.state === 'queued' ? null : r;
    });
    expect(run.state).toBe('succeeded');
    const log = await runLog(runId);
    expect(log.slice(0, 600_000)).toBe('\x1b'.repeat(600_000));
    const lines = log.slice(600_000).trimEnd().split('\n');
    expect(lines).toHaveLength(20_000);
    expect(lines.every((line, i) => line === `line ${i + 1}`)).toBe(true);
    expect(proc.output()).not.toMatch(/output refused|level=error/);
    proc.child.kill('SIGTERM');
    await proc.exited;
  }, 60_000);

  it('a runner killed mid-run leaves its run interrupted, with the output printed before', async () => {
    const runner = await createRunner('edge-doomed');
    const jobId = await createJob(
      'remote-long',
      'echo "pgid=$$"\necho "before the long sleep"\nsleep 60\necho "never printed"',
      runner.id
    );
    const runId = await startRun(jobId);
    const proc = startRunner({ RUNNER_TOKEN: runner.token });
    const printed = await until('the output to arrive', async () => {
      const log = await runLog(runId);
      return log.includes('before the long sleep') ? log : null;
    });
    const pgid = Number(/pgid=(\d+)/.exec(printed)?.[1]);
    if (pgid > 0) leftoverGroups.push(pgid);
    proc.child.kill('SIGKILL');
    await proc.exited;
    const killedAt = Date.now();
    expect((await getRun(runId)).state).toBe('running');

    const run = await until(
      'the sweep to mark the run interrupted',
      async () => {
        const r = await getRun(runId);
        return r.state === 'running' ? null : r;
      },
      STALE_MS * 4
    );
    // Not before the runner had been silent for the stale time.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(STALE_MS - 2 * HEARTBEAT_MS);
    expect(run.state).toBe('interrupted');
    expect(run.reason).toMatch(/runner stopped reporting/);
    const log = await runLog(runId);
    expect(log).toContain('before the long sleep');
    expect(log).not.toContain('never printed');

    // The run's processes outlived the runner; a new runner process on the same directory
    // kills them and removes the run's directory before it takes work.
    const groupAlive = () => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(pgid).toBeGreaterThan(0);
    expect(groupAlive()).toBe(true);
    const workDir = workDirs.at(-1)!;
    expect(readdirSync(join(workDir, 'runs')).length).toBe(1);
    const next = startRunner({ RUNNER_TOKEN: runner.token }, workDir);
    await until('the new runner to start', async () => next.output().includes('runner: started'));
    expect(next.output()).toContain('cleaned up after runs of a previous runner process');
    await until('the orphaned processes to die', async () => !groupAlive(), 5_000);
    expect(readdirSync(join(workDir, 'runs'))).toEqual([]);
    next.child.kill('SIGTERM');
    await next.exited;
  }, 60_000);

  it('a cancel through the API reaches the runner by its heartbeat: the run ends cancelled', async () => {
    const runner = await createRunner('edge-cancel');
    const jobId = await createJob(
      'remote-cancel',
      'echo "waiting to be cancelled"\nsleep 60\necho "not cancelled"',
      runner.id
    );
    const runId = await startRun(jobId);
    const proc = startRunner({ RUNNER_TOKEN: runner.token });
    await until('the output to arrive', async () =>
      (await runLog(runId)).includes('waiting to be cancelled')
    );
    // A live runner's heartbeats keep its run going past the stale time.
    await new Promise((r) => setTimeout(r, STALE_MS + 4 * HEARTBEAT_MS));
    expect((await getRun(runId)).state).toBe('running');
    const cancelled = await call('POST', ws(`/runs/${runId}/cancel`));
    expect(cancelled.status, cancelled.text).toBe(200);
    const startedAt = Date.now();
    const run = await until('the run to end', async () => {
      const r = await getRun(runId);
      return r.state === 'running' ? null : r;
    });
    expect(run.state).toBe('cancelled');
    // Through the runner (heartbeat + kill), well before the stale time.
    expect(Date.now() - startedAt).toBeLessThan(STALE_MS);
    expect(await runLog(runId)).toContain('waiting to be cancelled');
    expect(proc.output()).toContain('stopping a run the server cancelled');

    // SIGTERM while a run goes: the runner kills it and reports it interrupted itself.
    const second = await startRun(jobId);
    await until('the second run to print', async () =>
      (await runLog(second)).includes('waiting to be cancelled')
    );
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    const ended = await getRun(second);
    expect(ended.state).toBe('interrupted');
    expect(ended.reason).toMatch(/runner stopped while the run was going/);
  }, 60_000);

  it('refuses a wrong token (401) and output for a run the runner did not claim (409)', async () => {
    for (const token of [null, 'rbr_nosuch_wrongwrongwrong', owner.token]) {
      const response = await fetch(`${app.baseUrl}/api/v1/runner/claim`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {})
        },
        body: '{}'
      });
      expect(response.status, String(token)).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'unauthorized'
      );
    }

    const a = await createRunner('edge-a');
    const b = await createRunner('edge-b');
    const jobId = await createJob('remote-claimed', 'echo hi', a.id);
    const runId = await startRun(jobId);
    const runner = (path: string, token: string, body: unknown) =>
      call('POST', `/runner/${path}`, body, token);

    // Not claimed yet: nobody may write into it.
    const early = await runner(`runs/${runId}/output`, a.token, {
      chunks: [{ seq: 1, data: 'x' }]
    });
    expect(early.status, early.text).toBe(409);

    // B has nothing queued; A claims its run and gets what the executor needs.
    expect((await runner('claim', b.token, {})).status).toBe(204);
    const claim = await runner('claim', a.token, {});
    expect(claim.status, claim.text).toBe(200);
    expect(claim.body).toMatchObject({
      run: { id: runId, jobName: 'remote-claimed', spec: { runId, kind: 'shell' } },
      heartbeatMs: HEARTBEAT_MS
    });
    expect((await runner('claim', a.token, {})).status).toBe(204);

    // B may not write into A's run, nor end it.
    const foreign = await runner(`runs/${runId}/output`, b.token, {
      chunks: [{ seq: 1, data: 'forged' }]
    });
    expect(foreign.status, foreign.text).toBe(409);
    const foreignFinish = await runner(`runs/${runId}/finish`, b.token, {
      state: 'succeeded',
      exitCode: 0,
      summary: null,
      reason: null
    });
    expect(foreignFinish.status).toBe(409);

    // A writes (a retried chunk counts once), heartbeats and finishes.
    for (const chunks of [
      [{ seq: 1, data: 'one\n' }],
      [
        { seq: 1, data: 'one\n' },
        { seq: 2, data: 'two\n' }
      ]
    ]) {
      const sent = await runner(`runs/${runId}/output`, a.token, { chunks });
      expect(sent.status, sent.text).toBe(200);
      expect(sent.body).toEqual({ truncated: false });
    }
    const beat = await runner('heartbeat', a.token, { runs: [runId] });
    expect(beat.body).toEqual({ cancel: [], heartbeatMs: HEARTBEAT_MS });
    const done = await runner(`runs/${runId}/finish`, a.token, {
      state: 'failed',
      exitCode: 2,
      summary: null,
      reason: null
    });
    expect(done.status, done.text).toBe(204);
    expect(await getRun(runId)).toMatchObject({ state: 'failed', exitCode: 2 });
    expect(await runLog(runId)).toBe('one\ntwo\n');
    // Over: no more output, no second end; the heartbeat tells the runner to stop it.
    expect(
      (await runner(`runs/${runId}/output`, a.token, { chunks: [{ seq: 3, data: 'late' }] })).status
    ).toBe(409);
    expect((await runner('heartbeat', a.token, { runs: [runId] })).body).toMatchObject({
      cancel: [runId]
    });
    expect(b.id).not.toBe(a.id);
  }, 30_000);

  it('refuses a bad configuration with a readable message and exit code 1', async () => {
    const proc = startRunner({ RUNBOARD_URL: 'http://runboard.example.com', RUNNER_TOKEN: 'nope' });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain('RUNBOARD_URL: must use https');
    expect(proc.output()).toContain('RUNNER_TOKEN: must be a runner token');
    expect(proc.output()).not.toContain('nope');
  });
});
