/**
 * Moving a team between databases with the admin CLI: a workspace with tasks, a runbook, a
 * saved version, an uploaded file and audit entries, made through the API on SQLite, is backed
 * up, restored into PostgreSQL, backed up from there, and restored into a fresh SQLite. Every
 * copy has the same record counts and document hashes (the CLI verifies them, the test compares
 * them too), and the app on the last copy serves the same tasks, finds the runbook (the derived
 * index is rebuilt) and the file, and accepts the same token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin, type CliRun } from '../helpers/admin-cli';
import { startApp, type TestApp } from '../helpers/app-process';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres';
import { tempDataDir } from '../helpers/sync-server';

const PASSWORD = 'correct horse battery staple';
const pgSkip = await postgresSkipReason();
const apps: TestApp[] = [];
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const app of apps) await app.stop();
  for (const database of databases) await database.drop();
});

/** SQLite in `dir` (DATABASE_URL blank, whatever this run's backend is). */
const sqliteEnv = (dir: string) => ({ DATA_DIR: dir, DATABASE_URL: '' });
const postgresEnv = (url: string) => ({ DATA_DIR: tempDataDir('runboard-pg-'), DATABASE_URL: url });

async function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  const run = await runAdmin(args, env, stdin);
  return run;
}

async function ok(args: string[], env: Record<string, string>, stdin = ''): Promise<string> {
  const run = await cli(args, env, stdin);
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout.trim();
}

/** The end line of a backup: counts per table and document hashes. */
function summaryOf(file: string): {
  counts: Record<string, number>;
  documents: Record<string, string>;
} {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
  const end = JSON.parse(lines.at(-1)!) as {
    end: boolean;
    counts: Record<string, number>;
    documents: Record<string, string>;
  };
  expect(end.end).toBe(true);
  return { counts: end.counts, documents: end.documents };
}

async function api(app: TestApp, token: string, path: string, init: RequestInit = {}) {
  return fetch(`${app.baseUrl}/api/v1/workspaces/ops${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) }
  });
}

// The smallest valid PNG (1×1, transparent).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
);

describe.skipIf(pgSkip !== null)('backup and restore across databases', () => {
  it('SQLite → PostgreSQL → SQLite keeps every record and document', async () => {
    const source = tempDataDir('runboard-source-');
    const env = sqliteEnv(source);
    await ok(
      ['create-user', '--email', 'ops@example.test', '--name', 'Ops', '--password-stdin'],
      env,
      `${PASSWORD}\n`
    );
    await ok(
      ['create-workspace', '--name', 'Ops', '--owner', 'ops@example.test', '--id', 'ops'],
      env
    );
    const token = await ok(
      ['create-token', '--email', 'ops@example.test', '--workspace', 'ops', '--name', 'move'],
      env
    );

    const app = await startApp({ dataDir: source, env: { DATABASE_URL: '' } });
    apps.push(app);
    for (const title of ['Rotate the TLS certificate', '扩容磁盘 /var', 'Patch the kernel']) {
      const created = await api(app, token, '/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title })
      });
      expect(created.status).toBe(201);
    }
    const runbook = await api(app, token, '/runbooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: '主从延迟处理',
        markdown: '# Replication lag\n\nCheck the replica.'
      })
    });
    expect(runbook.status).toBe(201);
    const { id: runbookId } = (await runbook.json()) as { id: string };
    const version = await api(app, token, `/runbooks/${runbookId}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'first' })
    });
    expect(version.status).toBe(201);
    const upload = await api(app, token, '/files', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: PNG
    });
    expect(upload.status).toBe(201);
    const { url: fileUrl } = (await upload.json()) as { url: string };
    const tasksBefore = (await (await api(app, token, '/tasks')).json()) as {
      key: string;
      title: string;
    }[];
    expect(tasksBefore.map((t) => t.key).sort()).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    await app.stop();
    apps.pop();

    // SQLite → file
    const work = tempDataDir('runboard-backups-');
    const first = join(work, 'first.rbk');
    await ok(['backup', '--out', first], env);
    const firstSummary = summaryOf(first);
    expect(firstSummary.counts.users).toBe(1);
    expect(firstSummary.counts.audit_log).toBeGreaterThan(0);
    expect(firstSummary.counts.files).toBe(1);
    expect(Object.keys(firstSummary.documents)).toEqual(
      expect.arrayContaining(['ops.board', `ops.runbook.${runbookId}`])
    );
    // A backup never overwrites a file.
    expect((await cli(['backup', '--out', first], env)).code).toBe(1);

    // file → PostgreSQL; a second restore into the now non-empty store is refused.
    const database = await createTestDatabase();
    databases.push(database);
    const pg = postgresEnv(database.url);
    const restored = await cli(['restore', '--in', first], pg);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toContain('verified');
    const again = await cli(['restore', '--in', first], pg);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');

    // PostgreSQL → file → a fresh SQLite
    const second = join(work, 'second.rbk');
    await ok(['backup', '--out', second], pg);
    const target = tempDataDir('runboard-target-');
    await ok(['restore', '--in', second], sqliteEnv(target));
    const third = join(work, 'third.rbk');
    await ok(['backup', '--out', third], sqliteEnv(target));
    for (const file of [second, third]) {
      const summary = summaryOf(file);
      expect(summary.counts).toEqual(firstSummary.counts);
      expect(summary.documents).toEqual(firstSummary.documents);
    }

    // The app on the last copy: same tasks, the runbook found by search, the file, the token.
    const moved = await startApp({ dataDir: target, env: { DATABASE_URL: '' } });
    apps.push(moved);
    const tasksAfter = (await (await api(moved, token, '/tasks')).json()) as typeof tasksBefore;
    expect(tasksAfter).toEqual(tasksBefore);
    const found = (await (
      await api(moved, token, `/runbooks?q=${encodeURIComponent('主从')}`)
    ).json()) as {
      runbooks: { id: string }[];
    };
    expect(found.runbooks.map((r) => r.id)).toEqual([runbookId]);
    const file = await fetch(`${moved.baseUrl}${fileUrl}`, {
      headers: { authorization: `Bearer ${token}` }
    });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
  });

  it('refuses a truncated backup and leaves the target empty', async () => {
    const source = tempDataDir('runboard-trunc-');
    await ok(
      ['create-user', '--email', 'a@example.test', '--name', 'A', '--password-stdin'],
      sqliteEnv(source),
      `${PASSWORD}\n`
    );
    const file = join(tempDataDir('runboard-backups-'), 'whole.rbk');
    await ok(['backup', '--out', file], sqliteEnv(source));
    const { gzipSync } = await import('node:zlib');
    const { writeFileSync } = await import('node:fs');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
    const cut = join(tempDataDir('runboard-backups-'), 'cut.rbk');
    writeFileSync(cut, gzipSync(`${lines.slice(0, -1).join('\n')}\n`));
    const target = tempDataDir('runboard-trunc-target-');
    const refused = await cli(['restore', '--in', cut], sqliteEnv(target));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ends early');
    // Nothing was kept: the whole backup restores into the same target afterwards.
    await ok(['restore', '--in', file], sqliteEnv(target));
  });
});
