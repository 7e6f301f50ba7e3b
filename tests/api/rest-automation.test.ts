/**
 * Automation over REST against the production app (automation-api.ts, automation-service.ts,
 * automation-runner.ts, exec/): shell jobs whose parameters (`; rm -rf`, `$(…)`, backticks,
 * newlines) arrive literally as RB_OPTION_* variables; a run's environment without the server's
 * secrets; secret values masked in the output and absent in plain text from every file under
 * DATA_DIR; the change gate (no change, unapproved, outside the window, inside a freeze,
 * allowed in the window and for an emergency change in a freeze); live output; cancel; a
 * timeout that kills a tree of processes ignoring SIGTERM; the ledger's read-only run facts;
 * activity on the task; and the server killed mid-run: the run is interrupted at the next start
 * and the queued run behind it goes on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFacts } from '../../src/lib/shared/automation/ledger';
import { runViewSchema, type RunView } from '../../src/lib/shared/automation/schema';
import type { Role } from '../../src/lib/shared/permissions';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { freePort } from '../helpers/alertmanager';
import { startApp, type TestApp } from '../helpers/app-process';
import { connectClient, whenSynced, type TestClient } from '../helpers/clients';
import { tempDataDir } from '../helpers/sync-server';
import { errorShape } from '../helpers/rest';

const WS = 'autorest';
const ROLES: Role[] = ['owner', 'admin', 'operator', 'member', 'viewer'];
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
/** A value the server's own environment holds and no run may see. */
const SERVER_SECRET = 'server-only-9f3c2e1d';
const base = `/api/v1/workspaces/${WS}`;

let dataDir = '';
let app: TestApp;
let users: Record<string, SeededUser> = {};
const clients: TestClient[] = [];
/** Process groups the tests' jobs left behind when the server was killed. */
const leftovers: number[] = [];

const env = { RUNBOARD_SECRET_KEY: SECRET_KEY, RUNBOARD_TEST_SERVER_SECRET: SERVER_SECRET };

beforeAll(async () => {
  dataDir = tempDataDir('runboard-rest-automation-');
  users = await seedWorkspace(dataDir, WS, ROLES);
  // A fixed port: the node killed mid-run starts again as the same node (same data, host and
  // port), which is how it knows the runs it left are its own.
  app = await startApp({ dataDir, env, port: await freePort() });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await app?.stop();
  for (const pgid of leftovers) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

interface Reply {
  status: number;
  text: string;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, as = 'owner'): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${users[as]!.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') && text !== '';
  return { status: response.status, text, body: json ? (JSON.parse(text) as unknown) : undefined };
}

function expectError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(errorShape.parse(reply.body).error.code).toBe(code);
}

async function createJob(job: Record<string, unknown>, as = 'admin'): Promise<string> {
  const reply = await call('POST', `${base}/jobs`, job, as);
  expect(reply.status, reply.text).toBe(201);
  return (reply.body as { id: string }).id;
}

async function startRun(jobId: string, body: Record<string, unknown> = {}, as = 'operator') {
  return call('POST', `${base}/jobs/${jobId}/runs`, body, as);
}

async function getRun(id: string): Promise<RunView> {
  const reply = await call('GET', `${base}/runs/${id}`, undefined, 'viewer');
  expect(reply.status, reply.text).toBe(200);
  return runViewSchema.parse(reply.body);
}

/** Waits until the run is over (or `until` holds). */
async function waitRun(
  id: string,
  until: (run: RunView) => boolean = (run) => !['queued', 'running'].includes(run.state),
  timeoutMs = 20_000
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(id);
    if (until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runLog(id: string): Promise<string> {
  const reply = await call('GET', `${base}/runs/${id}/log`, undefined, 'viewer');
  expect(reply.status).toBe(200);
  return reply.text;
}

async function runToEnd(jobId: string, body: Record<string, unknown> = {}): Promise<RunView> {
  const reply = await startRun(jobId, body);
  expect(reply.status, reply.text).toBe(202);
  return waitRun((reply.body as { id: string }).id);
}

/**
 * Whether `pid` is a live process: not gone, and not a zombie (this machine's init does not
 * always reap the orphans of a killed group at once).
 */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

const NASTY = [
  'a; rm -rf /tmp/runboard-should-not-exist',
  '$(touch /tmp/runboard-pwned)',
  '`id`',
  'line one\nline two',
  'quotes \' " and \\ backslash',
  '中文 参数'
];

describe('shell jobs', () => {
  let echoJob = '';

  beforeAll(async () => {
    echoJob = await createJob({
      name: 'Echo parameters',
      kind: 'shell',
      script: [
        '#!/bin/bash',
        `printf 'text=<%s>\\n' "$RB_OPTION_TEXT"`,
        `printf 'count=<%s>\\n' "$RB_OPTION_COUNT"`,
        `printf 'flag=<%s>\\n' "$RB_OPTION_DRY_RUN"`,
        `printf 'mode=<%s>\\n' "$RB_OPTION_MODE"`,
        `printf 'password=<%s>\\n' "$RB_OPTION_PASSWORD"`,
        `printf 'token=<%s>\\n' "$RB_CREDENTIAL_API_TOKEN_SECRET"`,
        'echo "--- env"',
        'env | sort'
      ].join('\n'),
      parameters: [
        { name: 'text', type: 'string', required: true },
        { name: 'count', type: 'integer', default: 3, min: 1, max: 10 },
        { name: 'dry_run', type: 'boolean', default: false },
        { name: 'mode', type: 'choice', choices: ['fast', 'safe'], default: 'safe' },
        { name: 'password', type: 'secret' }
      ],
      credentials: [await createCredential('api token', 'token', 'tok-SECRET-4d2c9b8e7a')]
    });
  });

  async function createCredential(name: string, kind: string, secret: string): Promise<string> {
    const reply = await call('POST', `${base}/credentials`, { name, kind, secret }, 'admin');
    expect(reply.status, reply.text).toBe(201);
    expect(reply.text).not.toContain(secret);
    return (reply.body as { id: string }).id;
  }

  it('passes parameters literally as RB_OPTION_* variables, never as program text', async () => {
    for (const text of NASTY) {
      const run = await runToEnd(echoJob, {
        parameters: { text, count: '7', dry_run: true, password: 'pw-S3CRET-71f0' }
      });
      expect(run.state, await runLog(run.id)).toBe('succeeded');
      expect(run.exitCode).toBe(0);
      const log = await runLog(run.id);
      expect(log).toContain(`text=<${text}>`);
      expect(log).toContain('count=<7>');
      expect(log).toContain('flag=<true>');
      expect(log).toContain('mode=<safe>');
    }
    expect(() => statSync('/tmp/runboard-pwned')).toThrow();
  });

  it('masks secret parameters and credentials in the output and in the run', async () => {
    const run = await runToEnd(echoJob, {
      parameters: { text: 'x', password: 'pw-S3CRET-71f0' }
    });
    const log = await runLog(run.id);
    expect(log).toContain('password=<••••••>');
    expect(log).toContain('token=<••••••>');
    expect(log).not.toContain('pw-S3CRET-71f0');
    expect(log).not.toContain('tok-SECRET-4d2c9b8e7a');
    expect(run.parameters['password']).toBe('••••••');
    const listed = await call('GET', `${base}/credentials`, undefined, 'operator');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain('tok-SECRET');
  });

  it('gives the run a clean environment without the server’s variables', async () => {
    const run = await runToEnd(echoJob, { parameters: { text: 'env' } });
    const log = await runLog(run.id);
    const envPart = log.split('--- env')[1] ?? '';
    expect(envPart).toContain('RB_OPTION_TEXT=env');
    expect(envPart).toContain(`RB_RUN_ID=${run.id}`);
    expect(envPart).not.toContain(SERVER_SECRET);
    expect(envPart).not.toContain(SECRET_KEY);
    expect(envPart).not.toContain('RUNBOARD_');
    expect(envPart).not.toContain('DATA_DIR');
    expect(envPart).not.toContain(dataDir);
  });

  it('refuses bad parameters with 400 and the names, and checks roles', async () => {
    const bad = await startRun(echoJob, { parameters: { count: 'many', extra: 1 } });
    expectError(bad, 400, 'invalid_input');
    const details = errorShape.parse(bad.body).error.details as { name: string }[];
    expect(details.map((d) => d.name).sort()).toEqual(['count', 'extra', 'text']);
    expectError(await startRun(echoJob, { parameters: { text: 'x' } }, 'member'), 403, 'forbidden');
    expectError(
      await call('POST', `${base}/jobs`, { name: 'x', kind: 'shell', script: 'true' }, 'operator'),
      403,
      'forbidden'
    );
    expectError(
      await call('POST', `${base}/jobs`, { name: 'no script', kind: 'shell' }, 'admin'),
      400,
      'invalid_input'
    );
    expectError(
      await call(
        'POST',
        `${base}/jobs`,
        {
          name: 'bad choice',
          kind: 'shell',
          script: 'true',
          parameters: [{ name: 'm', type: 'choice', choices: ['a'], default: 'b' }]
        },
        'admin'
      ),
      400,
      'invalid_input'
    );
  });

  it('keeps no secret in plain text in any file under DATA_DIR', async () => {
    await runToEnd(echoJob, { parameters: { text: 'disk', password: 'pw-DISK-0a9b8c7d' } });
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const secret of ['pw-DISK-0a9b8c7d', 'pw-S3CRET-71f0', 'tok-SECRET-4d2c9b8e7a']) {
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
      }
    }
  });

  it('refuses a second job or credential of the same name', async () => {
    expectError(
      await call(
        'POST',
        `${base}/jobs`,
        { name: 'Echo parameters', kind: 'shell', script: 'true' },
        'admin'
      ),
      409,
      'conflict'
    );
    expectError(
      await call(
        'POST',
        `${base}/credentials`,
        { name: 'api token', kind: 'token', secret: 'x' },
        'admin'
      ),
      409,
      'conflict'
    );
    // A patch that leaves a shell job without its script is refused like a create.
    const patched = await call('PATCH', `${base}/jobs/${echoJob}`, { script: null }, 'admin');
    expectError(patched, 400, 'invalid_input');
    expect(patched.text).toContain('script');
  });

  it('refuses to delete a credential a job uses', async () => {
    const job = (await call('GET', `${base}/jobs/${echoJob}`)).body as { credentials: string[] };
    expectError(
      await call('DELETE', `${base}/credentials/${job.credentials[0]}`, undefined, 'admin'),
      409,
      'conflict'
    );
  });

  it('accepts AWX survey_spec as the parameters', async () => {
    const reply = await call(
      'POST',
      `${base}/jobs`,
      {
        name: 'From AWX',
        kind: 'shell',
        script: 'echo "$RB_OPTION_TARGET_HOST"',
        survey_spec: {
          name: '',
          description: '',
          spec: [
            {
              question_name: 'Target host',
              variable: 'target_host',
              type: 'text',
              required: true,
              default: 'db-01'
            },
            {
              question_name: 'Restart mode',
              variable: 'restart_mode',
              type: 'multiplechoice',
              choices: ['graceful', 'hard'],
              default: 'graceful',
              required: false
            }
          ]
        }
      },
      'admin'
    );
    expect(reply.status, reply.text).toBe(201);
    const job = reply.body as { id: string; parameters: { name: string; type: string }[] };
    expect(job.parameters.map((p) => [p.name, p.type])).toEqual([
      ['target_host', 'string'],
      ['restart_mode', 'choice']
    ]);
    const run = await runToEnd(job.id);
    expect(await runLog(run.id)).toContain('db-01');
  });
});

describe('live output, cancel and timeouts', () => {
  it('streams the output while the run goes', async () => {
    const job = await createJob({
      name: 'Slow printer',
      kind: 'shell',
      script: 'echo "first line"; sleep 2; echo "second line"'
    });
    const reply = await startRun(job);
    const id = (reply.body as { id: string }).id;
    const response = await fetch(`${app.baseUrl}${base}/runs/${id}/log?follow=1`, {
      headers: { authorization: `Bearer ${users['viewer']!.token}` }
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstAt = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (firstAt === 0 && text.includes('first line')) {
        firstAt = Date.now();
        // The second line is not there yet: this is live, not the stored log.
        expect(text).not.toContain('second line');
      }
    }
    expect(firstAt).toBeGreaterThan(0);
    expect(text).toContain('second line');
    expect((await getRun(id)).state).toBe('succeeded');
  });

  it('streams live to a follower that came while the run was queued', async () => {
    // The records get output every outputFlushMs (200 ms): a line read from them arrives at
    // least that late; from the live output it arrives at once.
    const job = await createJob({
      name: 'Queued printer',
      kind: 'shell',
      script: 'sleep 1; printf "printed %s\\n" "$EPOCHREALTIME"; sleep 1; echo done',
      maxConcurrent: 1
    });
    const first = ((await startRun(job)).body as { id: string }).id;
    const second = ((await startRun(job)).body as { id: string }).id;
    expect((await getRun(second)).state).toBe('queued');
    const response = await fetch(`${app.baseUrl}${base}/runs/${second}/log?follow=1`, {
      headers: { authorization: `Bearer ${users['viewer']!.token}` }
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let lag = NaN;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const m = /printed (\d+\.\d+)\n/.exec(text);
      if (m && Number.isNaN(lag))
        lag = performance.timeOrigin + performance.now() - Number(m[1]) * 1000;
    }
    expect(text).toBe(await runLog(second));
    expect(text).toContain('done');
    expect(lag).toBeLessThan(200);
    expect((await waitRun(first)).state).toBe('succeeded');
  });

  it('cancels a running run and a queued one', async () => {
    const job = await createJob({
      name: 'Sleeper',
      kind: 'shell',
      script: 'echo sleeping; sleep 60',
      maxConcurrent: 1
    });
    const first = ((await startRun(job)).body as { id: string }).id;
    const second = ((await startRun(job)).body as { id: string }).id;
    await waitRun(first, (run) => run.state === 'running');
    expect((await getRun(second)).state).toBe('queued');
    const cancelledQueued = await call(
      'POST',
      `${base}/runs/${second}/cancel`,
      undefined,
      'operator'
    );
    expect(cancelledQueued.status, cancelledQueued.text).toBe(200);
    expect((await getRun(second)).state).toBe('cancelled');
    expect((await call('POST', `${base}/runs/${first}/cancel`, undefined, 'operator')).status).toBe(
      200
    );
    const run = await waitRun(first);
    expect(run.state).toBe('cancelled');
    // The job list shows each job's newest run.
    const jobs = (await call('GET', `${base}/jobs`, undefined, 'viewer')).body as {
      id: string;
      lastRun: { id: string; state: string } | null;
    }[];
    expect(jobs.find((j) => j.id === job)?.lastRun).toMatchObject({
      id: second,
      state: 'cancelled'
    });
    expectError(
      await call('POST', `${base}/runs/${first}/cancel`, undefined, 'operator'),
      409,
      'invalid_transition'
    );
  });

  it('kills the whole process tree on timeout, children ignoring SIGTERM included', async () => {
    const job = await createJob({
      name: 'Stubborn tree',
      kind: 'shell',
      timeoutSeconds: 1,
      script: [
        "trap '' TERM",
        '(trap \'\' TERM; sleep 120 & echo "pid=$!"; (trap \'\' TERM; sleep 120) & echo "pid=$!"; wait) &',
        'echo "pid=$!"',
        'sleep 120'
      ].join('\n')
    });
    const run = await runToEnd(job);
    expect(run.state).toBe('timed_out');
    const pids = [...(await runLog(run.id)).matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBe(3);
    for (const pid of pids) expect(running(pid), `process ${pid} still alive`).toBe(false);
  }, 30_000);
});

describe('gating by an approved change', () => {
  let gatedJob = '';
  const hour = 3_600_000;
  const around = () => ({
    windowStart: new Date(Date.now() - hour).toISOString(),
    windowEnd: new Date(Date.now() + hour).toISOString()
  });

  async function change(type: string, window: { windowStart: string; windowEnd: string }) {
    const reply = await call(
      'POST',
      `${base}/changes`,
      { title: `Restart replica (${type})`, type, items: [], ...window },
      'member'
    );
    expect(reply.status, reply.text).toBe(201);
    return reply.body as { id: string; key: string };
  }

  async function move(id: string, to: string, as: string) {
    const reply = await call('POST', `${base}/changes/${id}/transitions`, { to }, as);
    expect(reply.status, reply.text).toBe(200);
  }

  async function approve(id: string) {
    await move(id, 'submitted', 'member');
    const reply = await call(
      'POST',
      `${base}/changes/${id}/approvals`,
      { decision: 'approve' },
      'operator'
    );
    expect(reply.status, reply.text).toBe(201);
  }

  beforeAll(async () => {
    gatedJob = await createJob({
      name: 'Restart replica',
      kind: 'shell',
      script: 'echo restarting',
      requiresChange: true
    });
  });

  it('refuses a run without a change, under an unapproved one, and outside the window', async () => {
    expectError(await startRun(gatedJob), 409, 'change_required');
    const draft = await change('normal', around());
    expectError(await startRun(gatedJob, { changeId: draft.id }), 409, 'change_not_approved');
    const later = await change('normal', {
      windowStart: new Date(Date.now() + 5 * hour).toISOString(),
      windowEnd: new Date(Date.now() + 6 * hour).toISOString()
    });
    await approve(later.id);
    const outside = await startRun(gatedJob, { changeId: later.key });
    expectError(outside, 409, 'outside_window');
    expect(errorShape.parse(outside.body).error.message).toContain(later.key);
    // Each refusal is in the audit log.
    const audit = await call('GET', `${base}/audit?action=run.refused`, undefined, 'admin');
    expect(audit.status, audit.text).toBe(200);
    expect(audit.text).toContain('outside_window');
  });

  it('allows a run inside the window, and records the change it ran under', async () => {
    const approved = await change('normal', around());
    await approve(approved.id);
    const run = await runToEnd(gatedJob, { changeId: approved.id, purpose: 'implementation' });
    expect(run.state).toBe('succeeded');
    expect(run.gate).toBe(approved.key);
    expect(run.changeId).toBe(approved.id);
    expect(run.trigger).toBe('change');
  });

  it('refuses a run inside a freeze, but not under an emergency change', async () => {
    const approved = await change('normal', around());
    await approve(approved.id);
    const emergency = await change('emergency', around());
    await move(emergency.id, 'submitted', 'member');
    const freeze = await call(
      'POST',
      `${base}/freezes`,
      { ...{ start: around().windowStart, end: around().windowEnd }, reason: 'Singles day' },
      'admin'
    );
    expect(freeze.status, freeze.text).toBe(201);
    try {
      expectError(await startRun(gatedJob, { changeId: approved.id }), 409, 'frozen');
      const run = await runToEnd(gatedJob, { changeId: emergency.id });
      expect(run.state).toBe('succeeded');
      expect(run.gate).toBe(emergency.key);
    } finally {
      await call(
        'DELETE',
        `${base}/freezes/${(freeze.body as { id: string }).id}`,
        undefined,
        'admin'
      );
    }
  });
});

describe('facts a run leaves', () => {
  it('mirrors runs into the read-only ledger and records them on the task', async () => {
    const task = await call(
      'POST',
      `${base}/tasks`,
      { title: 'Rotate the TLS certificate' },
      'member'
    );
    expect(task.status, task.text).toBe(201);
    const taskId = (task.body as { id: string }).id;
    const job = await createJob({ name: 'Rotate cert', kind: 'shell', script: 'echo rotated' });
    const client = connectClient(app.wsUrl, `${WS}.ledger`, {
      params: { token: users['viewer']!.token }
    });
    clients.push(client);
    await whenSynced(client);
    const run = await runToEnd(job, { taskId });
    expect(run.taskId).toBe(taskId);
    expect(run.trigger).toBe('task');
    const deadline = Date.now() + 5_000;
    while (readRunFacts(client.doc).find((f) => f.id === run.id)?.state !== 'succeeded') {
      if (Date.now() > deadline) throw new Error('the ledger never showed the run');
      await new Promise((r) => setTimeout(r, 50));
    }
    const activity = await call('GET', `${base}/tasks/${taskId}/activity`, undefined, 'viewer');
    expect(activity.status, activity.text).toBe(200);
    expect(activity.text).toContain('job_run_finished');
    const audit = await call('GET', `${base}/audit?action=run.finished`, undefined, 'admin');
    expect(audit.text).toContain(run.id);
  });
});

describe('the server killed mid-run', () => {
  it('marks the run interrupted at the next start, and the queued run behind it goes on', async () => {
    const job = await createJob({
      name: 'Long or quick',
      kind: 'shell',
      maxConcurrent: 1,
      parameters: [{ name: 'mode', type: 'choice', choices: ['slow', 'quick'], required: true }],
      script: [
        'echo "pgid=$$"',
        'if [ "$RB_OPTION_MODE" = slow ]; then echo started; sleep 120; fi',
        'echo "done $RB_OPTION_MODE"'
      ].join('\n')
    });
    const slow = ((await startRun(job, { parameters: { mode: 'slow' } })).body as { id: string })
      .id;
    const quick = ((await startRun(job, { parameters: { mode: 'quick' } })).body as { id: string })
      .id;
    await waitRun(slow, (run) => run.state === 'running');
    // The output reaches the records within the flush interval.
    const deadline = Date.now() + 10_000;
    let log = '';
    while (!log.includes('started')) {
      if (Date.now() > deadline) throw new Error('no output from the run');
      await new Promise((r) => setTimeout(r, 100));
      log = await runLog(slow);
    }
    const pgid = Number(/pgid=(\d+)/.exec(log)?.[1]);
    leftovers.push(pgid);
    await app.process.kill('SIGKILL');
    // The same node again (same data, host and port): it knows the run was its own.
    app = await startApp({ dataDir, env, port: app.process.port });
    const interrupted = await waitRun(slow);
    expect(interrupted.state).toBe('interrupted');
    expect(await runLog(slow)).toContain('started');
    const after = await waitRun(quick);
    expect(after.state).toBe('succeeded');
    expect(await runLog(quick)).toContain('done quick');
  }, 60_000);
});
