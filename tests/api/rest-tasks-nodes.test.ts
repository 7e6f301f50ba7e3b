/**
 * [ONCE6] 200 concurrent `POST /api/v1/workspaces/<ws>/tasks` over real HTTP, split across two
 * production app processes (`build/server/main.js`) on one fresh PostgreSQL database and one
 * Redis prefix. The workspace and the API token are made over REST too (setup, sign-in,
 * `POST /api/v1/tokens`). Every request answers 201 with a key; the 200 keys are distinct and
 * numbered 1…200 with no gap: a REST create takes its number from the workspace's counter in
 * one atomic upsert before it writes the task (board-store.ts `reserveTaskNumbers`), and by
 * design a number is only skipped when a node fails between taking it and writing the task
 * (docs/ARCHITECTURE.md, "Human task keys"), which nothing here does. Both nodes' board
 * documents, read by a y-websocket client of each, converge to the same 200 tasks with those keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../../src/lib/shared/board/board-model';
import { startApp, type TestApp } from '../helpers/app-process';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { TEST_SECRET_KEY, databaseTargetFor } from '../helpers/database';
import { SHARED_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis';
import { tempDataDir } from '../helpers/sync-server';

const TASKS = 200;
const nodes: TestApp[] = [];
const clients: TestClient[] = [];
let workspaceId = '';
let token = '';

beforeAll(async () => {
  const target = await databaseTargetFor(tempDataDir('runboard-rest-nodes-db-'), 'postgres');
  if (!('databaseUrl' in target)) throw new Error('expected PostgreSQL');
  const env = {
    DATABASE_URL: target.databaseUrl,
    RUNBOARD_SECRET_KEY: TEST_SECRET_KEY,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix()
  };
  // One after another: the first migrates the fresh database.
  for (const name of ['rest-a', 'rest-b']) {
    nodes.push(
      await startApp({
        dataDir: tempDataDir(`runboard-rest-nodes-${name}-`),
        env: { ...env, RUNBOARD_NODE_NAME: name }
      })
    );
  }
  const [a, b] = nodes as [TestApp, TestApp];
  // The owner and workspace through node A, the token through node B.
  const setup = await fetch(`${a.baseUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'ops@example.test',
      password: 'a long and memorable passphrase',
      name: 'Ops',
      workspaceName: 'Two nodes'
    })
  });
  expect(setup.status, await setup.clone().text()).toBe(201);
  workspaceId = ((await setup.json()) as { workspaceId: string }).workspaceId;
  const login = await fetch(`${b.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ops@example.test', password: 'a long and memorable passphrase' })
  });
  expect(login.status).toBe(200);
  const session = /rb_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const created = await fetch(`${b.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session },
    body: JSON.stringify({ name: 'two nodes', workspaceId })
  });
  expect(created.status, await created.clone().text()).toBe(201);
  token = ((await created.json()) as { token: string }).token;
}, 120_000);

afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(nodes.map((node) => node.stop()));
});

describe('REST task creation across two app nodes', () => {
  it(`[ONCE6] ${TASKS} concurrent POST …/tasks over HTTP, half on each node: ${TASKS} distinct keys, 1…${TASKS}`, async () => {
    const board = `${workspaceId}.board`;
    // A client on each node holds the board, so both documents are live while the burst runs.
    for (const node of nodes) {
      const client = connectClient(node.wsUrl, board, { params: { token } });
      clients.push(client);
      await whenSynced(client);
    }
    const replies = await Promise.all(
      Array.from({ length: TASKS }, async (_, i) => {
        const node = nodes[i % 2]!;
        const response = await fetch(`${node.baseUrl}/api/v1/workspaces/${workspaceId}/tasks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `burst ${i}`, priority: 'medium' })
        });
        const text = await response.text();
        return { status: response.status, text };
      })
    );
    for (const reply of replies) expect(reply.status, reply.text).toBe(201);
    const created = replies.map((r) => JSON.parse(r.text) as { id: string; key: string | null });
    const keys = created.map((task) => task.key);
    expect(keys.every((key) => typeof key === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(TASKS);
    // Contiguous: nothing failed, so no number was skipped (gaps only after a failure).
    const numbers = keys.map((key) => Number(/-(\d+)$/.exec(key!)![1])).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: TASKS }, (_, i) => i + 1));

    // Both nodes' boards (as their clients see them) converge on exactly these tasks and keys.
    const expected = new Map(created.map((task) => [task.id, task.key]));
    for (const client of clients) {
      await waitFor(() => listTasks(client.doc).length === TASKS, 20_000, 'tasks on the board');
      const onBoard = new Map(listTasks(client.doc).map((task) => [task.id, task.key]));
      expect(onBoard).toEqual(expected);
    }
    // And the REST read on each node agrees.
    for (const node of nodes) {
      const list = await fetch(
        `${node.baseUrl}/api/v1/workspaces/${workspaceId}/tasks?limit=${TASKS}`,
        { headers: { authorization: `Bearer ${token}` } }
      );
      expect(list.status).toBe(200);
      expect(list.headers.get('x-total-count')).toBe(String(TASKS));
      const items = (await list.json()) as { key: string | null }[];
      expect(new Set(items.map((t) => t.key))).toEqual(new Set(keys));
    }
  }, 120_000);
});
