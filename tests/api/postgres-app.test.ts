/**
 * `DATABASE_URL=postgres://… npm start`: the production app on PostgreSQL, with nothing it needs
 * in DATA_DIR. `/readyz` names the database and reports an outage (every connection refused
 * and the live ones killed with pg_terminate_backend) as 503, and the app serves again when the
 * database is back, without a restart; a task created over REST during the outage is kept
 * and saved.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app-process';
import { seedWorkspace } from '../helpers/accounts';
import {
  allowConnections,
  createTestDatabase,
  postgresSkipReason,
  terminateConnections,
  withAdmin,
  type TestDatabase
} from '../helpers/postgres';
import { tempDataDir } from '../helpers/sync-server';

const pgSkip = await postgresSkipReason();
let app: TestApp | null = null;
let database: TestDatabase | null = null;

afterAll(async () => {
  if (database) await allowConnections(database.name, true);
  await app?.stop();
  await database?.drop();
});

interface Readiness {
  ready: boolean;
  storage: { kind: string; ok: boolean };
}

async function readiness(): Promise<{ status: number; body: Readiness }> {
  const reply = await fetch(`${app!.baseUrl}/readyz`);
  return { status: reply.status, body: (await reply.json()) as Readiness };
}

describe.skipIf(pgSkip !== null)('the app on PostgreSQL', () => {
  it('reports an outage on /readyz and serves again without a restart', async () => {
    database = await createTestDatabase();
    const dataDir = tempDataDir('runboard-pgapp-');
    const env = { DATABASE_URL: database.url };
    app = await startApp({ dataDir, env });
    const owner = (await seedWorkspaceOn(database.url, dataDir)).owner!;
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.storage).toEqual({ kind: 'postgres', ok: true });

    const tasks = `${app.baseUrl}/api/v1/workspaces/pg/tasks`;
    const auth = { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' };
    const created = await fetch(tasks, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'Before the outage' })
    });
    expect(created.status).toBe(201);

    await allowConnections(database.name, false);
    await withAdmin((admin) => terminateConnections(admin, database!.name));
    await waitUntil(async () => (await readiness()).status === 503, 10_000, '/readyz 503');
    expect((await readiness()).body.storage).toMatchObject({ kind: 'postgres', ok: false });

    await allowConnections(database.name, true);
    await waitUntil(async () => (await readiness()).status === 200, 15_000, '/readyz 200 again');
    const after = await fetch(tasks, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'After the outage' })
    });
    expect(after.status).toBe(201);
    const list = (await (await fetch(tasks, { headers: auth })).json()) as {
      key: string;
      title: string;
    }[];
    expect(list.map((t) => [t.key, t.title])).toEqual([
      ['OPS-1', 'Before the outage'],
      ['OPS-2', 'After the outage']
    ]);
    // Nothing of the store in DATA_DIR.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

/** Seeds workspace `pg` on the app's PostgreSQL database. */
function seedWorkspaceOn(url: string, dataDir: string) {
  return seedWorkspace(dataDir, 'pg', ['owner'], { databaseUrl: url });
}

/** Polls `check` until it holds; fails after `ms` naming `what`. */
async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
