/**
 * `npm run admin -- rotate-secret-key --new-key K` (entries/admin.ts, auth/secret-rotation.ts)
 * as an operator runs it between two starts of the production app: a credential, a secret run
 * parameter and a signed channel made through the API are sealed again under the new key; the
 * app started on the new key still hands the job the right secret and still signs with the
 * channel's secret; the old key opens nothing any more. A malformed key, and a current key that
 * does not open the rows, are refused with a readable message and change nothing.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SecretBox } from '../../src/lib/server/auth/secret-box';
import { decodeSecretKey } from '../../src/lib/server/config';
import { runViewSchema } from '../../src/lib/shared/automation/schema';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { runAdmin } from '../helpers/admin-cli';
import { startApp, type TestApp } from '../helpers/app-process';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { databaseEnvFor, openTestDatabase } from '../helpers/database';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'rotation';
const base = `/api/v1/workspaces/${WS}`;
const CREDENTIAL = 'deploy-token-8f3a61c2';
const PARAMETER = 'param-secret-5d0e77';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let dataDir: string;
let owner: SeededUser;
let app: TestApp | undefined;
let capture: CaptureServer;
/** RUNBOARD_SECRET_KEY when the backend needs one (PostgreSQL), else the key file is used. */
let envKey: string | undefined;

beforeAll(async () => {
  dataDir = tempDataDir('runboard-rotate-');
  owner = (await seedWorkspace(dataDir, WS, ['owner']))['owner']!;
  envKey = (await databaseEnvFor(dataDir))['RUNBOARD_SECRET_KEY'];
  capture = await startCaptureServer();
});

afterAll(async () => {
  await app?.stop();
  await capture?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${app!.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${owner.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: text.startsWith('{') || text.startsWith('[') ? (JSON.parse(text) as unknown) : text
  };
}

/** Runs the job and answers its finished run and log. */
async function runJob(jobId: string, parameters: Record<string, string> = {}) {
  const started = await call('POST', `${base}/jobs/${jobId}/runs`, { parameters });
  expect(started.status, started.text).toBe(202);
  const id = z.object({ id: z.string() }).parse(started.body).id;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = runViewSchema.parse((await call('GET', `${base}/runs/${id}`)).body);
    if (run.finishedAt) {
      return { run, log: (await call('GET', `${base}/runs/${id}/log`)).text };
    }
    if (Date.now() > deadline) throw new Error('the run did not finish');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every sealed value in the store, as stored. */
async function sealedRows() {
  const db = await openTestDatabase(dataDir);
  try {
    const credentials = await db.records.db
      .selectFrom('automation_credentials')
      .select(['id', 'sealed'])
      .execute();
    const runs = await db.records.db
      .selectFrom('automation_runs')
      .select(['id', 'parameters'])
      .orderBy('created_at')
      .execute();
    const channels = await db.records.db
      .selectFrom('notification_channels')
      .select(['id', 'url', 'secret'])
      .execute();
    return { credentials, runs, channels };
  } finally {
    await db.records.close();
  }
}

const keyFile = () => join(dataDir, 'secret.key');
const currentKey = () => envKey ?? readFileSync(keyFile(), 'utf8').trim();

describe('rotate-secret-key', () => {
  let jobId: string;
  let paramJobId: string;

  it('keeps every secret usable under the new key, and the old key opens nothing', async () => {
    app = await startApp({ dataDir });
    const credential = await call('POST', `${base}/credentials`, {
      name: 'deploy',
      kind: 'token',
      secret: CREDENTIAL
    });
    expect(credential.status, credential.text).toBe(201);
    const credentialId = z.object({ id: z.string() }).parse(credential.body).id;
    const job = await call('POST', `${base}/jobs`, {
      name: 'print-hash',
      kind: 'shell',
      script: 'printf "%s" "$RB_CREDENTIAL_DEPLOY_SECRET" | sha256sum',
      credentials: [credentialId]
    });
    expect(job.status, job.text).toBe(201);
    jobId = z.object({ id: z.string() }).parse(job.body).id;
    const paramJob = await call('POST', `${base}/jobs`, {
      name: 'param-hash',
      kind: 'shell',
      script: 'printf "%s" "$RB_OPTION_TOKEN" | sha256sum',
      parameters: [{ name: 'token', type: 'secret', required: true }]
    });
    expect(paramJob.status, paramJob.text).toBe(201);
    paramJobId = z.object({ id: z.string() }).parse(paramJob.body).id;
    const channel = await call('POST', `${base}/notification-channels`, {
      type: 'webhook',
      name: 'Runs',
      url: `${capture.url}/rotated?token=url-secret`,
      secret: 'hook-secret',
      events: ['run.succeeded']
    });
    expect(channel.status, channel.text).toBe(201);

    const before = await runJob(jobId);
    expect(before.run.state).toBe('succeeded');
    expect(before.log).toContain(sha256(CREDENTIAL));
    const withParameter = await runJob(paramJobId, { token: PARAMETER });
    expect(withParameter.log).toContain(sha256(PARAMETER));
    await app.stop();
    app = undefined;

    const oldKey = currentKey();
    const oldBox = new SecretBox(() => decodeSecretKey(oldKey));
    const stored = await sealedRows();
    expect(oldBox.open(stored.credentials[0]!.sealed)).toBe(CREDENTIAL);

    // A malformed key and a current key that opens nothing are refused; nothing changes.
    const env = { DATA_DIR: dataDir, ...(await databaseEnvFor(dataDir)) };
    const malformed = await runAdmin(['rotate-secret-key', '--new-key', 'not-a-key'], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--new-key: must be 32 random bytes');
    const wrongCurrent = await runAdmin(
      ['rotate-secret-key', '--new-key', randomBytes(32).toString('hex')],
      { ...env, RUNBOARD_SECRET_KEY: randomBytes(32).toString('base64') }
    );
    expect(wrongCurrent.code).toBe(1);
    expect(wrongCurrent.stderr).toMatch(
      /sealed value\(s\) do not open under the current key .*nothing was changed/
    );
    const same = await runAdmin(['rotate-secret-key', '--new-key', oldKey], env);
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('the new key is the current key');
    expect(await sealedRows()).toEqual(stored);
    expect(currentKey()).toBe(oldKey);

    const newKey = randomBytes(32).toString('base64');
    const rotated = await runAdmin(['rotate-secret-key', '--new-key', newKey], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stderr).toContain('credentials: 1');
    expect(rotated.stderr).toContain('secret run parameters: 1');
    expect(rotated.stderr).toContain('notification channel URLs: 1');
    expect(rotated.stderr).toContain('notification channel secrets: 1');
    expect(rotated.stdout).toBe('4\n');
    if (envKey) {
      expect(rotated.stderr).toContain('set RUNBOARD_SECRET_KEY to the new key on every node');
      envKey = newKey;
    } else {
      expect(readFileSync(keyFile(), 'utf8').trim()).toBe(newKey);
      expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    }

    // The old key opens nothing; the new one opens every value to what it was.
    const after = await sealedRows();
    const newBox = new SecretBox(() => decodeSecretKey(newKey));
    expect(() => oldBox.open(after.credentials[0]!.sealed)).toThrow();
    expect(newBox.open(after.credentials[0]!.sealed)).toBe(CREDENTIAL);
    const sealedParameter = (JSON.parse(after.runs[1]!.parameters) as { token: string }).token;
    expect(() => oldBox.open(sealedParameter)).toThrow();
    expect(newBox.open(sealedParameter)).toBe(PARAMETER);
    expect(() => oldBox.open(after.channels[0]!.secret!)).toThrow();
    expect(newBox.open(after.channels[0]!.secret!)).toBe('hook-secret');
    expect(newBox.open(after.channels[0]!.url!)).toBe(`${capture.url}/rotated?token=url-secret`);

    // The app on the new key: the job gets its secret, the channel signs with its secret.
    app = await startApp({ dataDir, ...(envKey ? { env: { RUNBOARD_SECRET_KEY: envKey } } : {}) });
    capture.requests.length = 0;
    const again = await runJob(jobId);
    expect(again.run.state).toBe('succeeded');
    expect(again.log).toContain(sha256(CREDENTIAL));
    const deadline = Date.now() + 15_000;
    while (capture.requests.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const delivered = capture.requests.find((r) => r.path === '/rotated?token=url-secret');
    expect(delivered, 'the run message on the rotated channel').toBeDefined();
    const signed = `${String(delivered!.headers['x-runboard-timestamp'])}.${delivered!.raw}`;
    expect(delivered!.headers['x-runboard-signature']).toBe(
      `sha256=${createHmac('sha256', 'hook-secret').update(signed).digest('hex')}`
    );
  });
});
