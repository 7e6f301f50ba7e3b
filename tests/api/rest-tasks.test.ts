/**
 * The task REST API against the real production app (build/server/main.js in a child process):
 * CRUD, filters, the error contract, and that REST writes reach websocket clients at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getTask, upsertLabel } from '../../src/lib/shared/board/board-model';
import { taskSchema, type Task } from '../../src/lib/shared/board/schema';
import { startApp, type TestApp } from '../helpers/app-process';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { tempDataDir } from '../helpers/sync-server';
import { errorShape } from '../helpers/rest';

const WS = 'resttest';

let app: TestApp;
const clients: TestClient[] = [];
/** API tokens by workspace id (each workspace has its own owner). */
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-rest-');
  for (const ws of [WS, `${WS}-filter`]) {
    const { owner } = await seedWorkspace(dataDir, ws);
    tokens[ws] = owner!.token;
  }
  app = await startApp({ dataDir });
});

/** The token of the workspace a path addresses. */
function tokenFor(path: string): string | undefined {
  const ws = /\/workspaces\/([^/?]+)/.exec(path)?.[1];
  return ws ? tokens[ws] : undefined;
}

afterAll(async () => {
  for (const client of clients) client.destroy();
  await app?.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  init: { contentType?: string; raw?: string; token?: string | null } = {}
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? tokenFor(path) : init.token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  let payload: string | undefined;
  if (init.raw !== undefined) payload = init.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Left as text: the assertions show it.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Asserts the exact error contract and returns the error object. */
function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = errorShape.parse(reply.body);
  expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  return body.error;
}

const tasksPath = `/api/v1/workspaces/${WS}/tasks`;

async function create(input: Record<string, unknown>): Promise<Task> {
  const reply = await call('POST', tasksPath, input);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return taskSchema.parse(reply.body);
}

async function list(query = ''): Promise<{ tasks: Task[]; total: number }> {
  const reply = await call('GET', `${tasksPath}${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return {
    tasks: z.array(taskSchema).parse(reply.body),
    total: Number(reply.headers.get('x-total-count'))
  };
}

function client(docName: string): TestClient {
  const ws = docName.split('.')[0]!;
  const c = connectClient(app.wsUrl, docName, { params: { token: tokens[ws] ?? '' } });
  clients.push(c);
  return c;
}

describe('task REST API', () => {
  it('creates a task: 201, Location, the stored task', async () => {
    const reply = await call('POST', tasksPath, {
      title: '  Rotate TLS certs  ',
      priority: 'high'
    });
    expect(reply.status).toBe(201);
    const task = taskSchema.parse(reply.body);
    expect(task).toMatchObject({
      title: 'Rotate TLS certs',
      kind: 'task',
      status: 'backlog',
      priority: 'high',
      assignee: null,
      labels: [],
      archivedAt: null
    });
    expect(reply.headers.get('location')).toBe(`${tasksPath}/${task.id}`);
    // [KEY1] Over REST the human key is assigned in the same transaction.
    expect(task.key).toMatch(/^OPS-\d+$/);
    const fetched = await call('GET', reply.headers.get('location') ?? '');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(task);
  });

  it('lists and filters by kind, status, assignee, label, q, archived; pages', async () => {
    const ws = `${WS}-filter`;
    const path = `/api/v1/workspaces/${ws}/tasks`;
    // A label exists only once some client made it: make it over the websocket.
    const c = client(`${ws}.board`);
    await whenSynced(c);
    upsertLabel(c.doc, { id: 'db', name: 'Database', color: '#336699' });
    const post = async (input: Record<string, unknown>) => {
      const reply = await call('POST', path, input);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return taskSchema.parse(reply.body);
    };
    // The label reaches the server asynchronously; retry until the create accepts it.
    let labelled: Task | null = null;
    for (let i = 0; labelled === null && i < 100; i++) {
      const reply = await call('POST', path, { title: 'Disk full on db-1', labels: ['db'] });
      if (reply.status === 201) labelled = taskSchema.parse(reply.body);
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(labelled?.labels).toEqual(['db']);
    const incident = await post({ title: 'API down', kind: 'incident', status: 'in-progress' });
    const assigned = await post({ title: 'Patch kernel', assignee: 'alice' });
    const archived = await post({ title: 'Old chore' });
    expect((await call('PATCH', `${path}/${archived.id}`, { archived: true })).status).toBe(200);

    const get = async (query: string) => {
      const reply = await call('GET', `${path}${query}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return z
        .array(taskSchema)
        .parse(reply.body)
        .map((t) => t.title);
    };
    expect((await get('')).sort()).toEqual(['API down', 'Disk full on db-1', 'Patch kernel']);
    expect(await get('?kind=incident')).toEqual([incident.title]);
    expect(await get('?status=in-progress')).toEqual([incident.title]);
    expect(await get('?assignee=alice')).toEqual([assigned.title]);
    expect((await get('?assignee=')).sort()).toEqual(['API down', 'Disk full on db-1']);
    expect(await get('?label=db')).toEqual(['Disk full on db-1']);
    expect(await get('?q=KERNEL')).toEqual(['Patch kernel']);
    expect(await get('?includeArchived=true')).toContain('Old chore');
    expect(await get('?kind=incident&q=nothing-matches')).toEqual([]);

    const all = await get('');
    const page = await call('GET', `${path}?limit=1&offset=1`);
    expect(page.body).toHaveLength(1);
    expect((page.body as Task[])[0]?.title).toBe(all[1]);
    expect(page.headers.get('x-total-count')).toBe('3');
    expect(await get('?offset=10')).toEqual([]);
  });

  it('patches a task: 200 with the updated task, lifecycle times set', async () => {
    const task = await create({ title: 'Upgrade Postgres' });
    const reply = await call('PATCH', `${tasksPath}/${task.id}`, {
      status: 'in-progress',
      progress: 40,
      title: 'Upgrade Postgres to 17'
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const updated = taskSchema.parse(reply.body);
    expect(updated).toMatchObject({
      id: task.id,
      title: 'Upgrade Postgres to 17',
      status: 'in-progress',
      progress: 40
    });
    expect(updated.startedAt).not.toBeNull();
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    expect((await call('GET', `${tasksPath}/${task.id}`)).body).toEqual(updated);
  });

  it('refuses invalid input with the exact error shape', async () => {
    const missingTitle = expectError(await call('POST', tasksPath, {}), 400, 'invalid_input');
    expect(missingTitle.details).toEqual([{ path: 'title', message: expect.any(String) }]);

    const unknownField = expectError(
      await call('POST', tasksPath, { title: 'x', colour: 'red' }),
      400,
      'invalid_input'
    );
    expect(unknownField.details).toEqual([
      { path: '', message: expect.stringContaining('colour') }
    ]);

    const badKind = expectError(
      await call('POST', tasksPath, { title: 'x', kind: 'bug', labels: ['a b'] }),
      400,
      'invalid_input'
    );
    expect((badKind.details as { path: string }[]).map((d) => d.path)).toEqual([
      'kind',
      'labels.0'
    ]);

    // Valid shape, but the column does not exist: the board model refuses it.
    expectError(
      await call('POST', tasksPath, { title: 'x', status: 'nope' }),
      400,
      'invalid_input'
    );

    const task = await create({ title: 'Patch target' });
    expectError(await call('PATCH', `${tasksPath}/${task.id}`, {}), 400, 'invalid_input');
    expectError(
      await call('PATCH', `${tasksPath}/${task.id}`, { progress: 101 }),
      400,
      'invalid_input'
    );

    expectError(await call('GET', `${tasksPath}?limit=0`), 400, 'invalid_input');
    expectError(await call('GET', `${tasksPath}?limit=1001`), 400, 'invalid_input');
    expectError(await call('GET', `${tasksPath}?kind=bug`), 400, 'invalid_input');
    expectError(await call('GET', `${tasksPath}?includeArchived=yes`), 400, 'invalid_input');
    expectError(await call('GET', `${tasksPath}?stauts=done`), 400, 'invalid_input');
    expect((await list('?limit=1000')).tasks.length).toBeGreaterThan(0);
  });

  it('refuses bad JSON (400), other media types (415) and bodies over 1 MiB (413)', async () => {
    expectError(
      await call('POST', tasksPath, undefined, { raw: '{"title": ' }),
      400,
      'invalid_json'
    );
    expectError(await call('POST', tasksPath, undefined, { raw: '' }), 400, 'invalid_json');
    // (Form types — text/plain, urlencoded, multipart — never get here: SvelteKit's CSRF check
    // refuses them cross-site with 403 first.)
    expectError(
      await call('POST', tasksPath, undefined, { raw: '<task/>', contentType: 'application/xml' }),
      415,
      'unsupported_media_type'
    );
    const vendorJson = await call('POST', tasksPath, undefined, {
      raw: JSON.stringify({ title: 'vendor json' }),
      contentType: 'application/merge-patch+json; charset=utf-8'
    });
    expect(vendorJson.status).toBe(201);
    expectError(await call('POST', tasksPath), 415, 'unsupported_media_type');
    const big = JSON.stringify({ title: 'big', description: 'x'.repeat(1536 * 1024) });
    expectError(await call('POST', tasksPath, undefined, { raw: big }), 413, 'payload_too_large');
  });

  it('answers 404 for a missing task, bad workspace ids with 400, unknown paths with 404', async () => {
    const missing = expectError(await call('GET', `${tasksPath}/no-such-task`), 404, 'not_found');
    expect(missing.message).toContain('no-such-task');
    expectError(await call('PATCH', `${tasksPath}/no-such-task`, { title: 'x' }), 404, 'not_found');
    const signedIn = { token: tokens[WS] };
    expectError(
      await call('GET', '/api/v1/workspaces/bad.ws/tasks', undefined, signedIn),
      400,
      'invalid_workspace'
    );
    expectError(
      await call('POST', '/api/v1/workspaces/bad.ws/tasks', { title: 'x' }, signedIn),
      400,
      'invalid_workspace'
    );
    // Anonymous callers are turned away before their input is looked at.
    expectError(await call('GET', '/api/v1/workspaces/bad.ws/tasks'), 401, 'unauthorized');
    expectError(await call('GET', '/api/v1/nothing/here'), 404, 'not_found');
    expectError(await call('POST', '/api/v2/tasks', { title: 'x' }), 404, 'not_found');
    // Without credentials, and with a token of another workspace (ids do not leak: 404).
    expectError(await call('GET', tasksPath, undefined, { token: null }), 401, 'unauthorized');
    expectError(
      await call('GET', tasksPath, undefined, { token: tokens[`${WS}-filter`] }),
      404,
      'not_found'
    );
    const notAllowed = await call('DELETE', `${tasksPath}/x`);
    expectError(notAllowed, 405, 'method_not_allowed');
    expect(notAllowed.headers.get('allow')).toContain('PATCH');
  });

  it('[ROOM4] a REST create and PATCH reach a connected y-websocket client within a second', async () => {
    const c = client(`${WS}.board`);
    await whenSynced(c);
    const task = await create({ title: 'Watch me' });
    await waitFor(() => getTask(c.doc, task.id) !== null, 1_000, 'created task on the client');

    const started = Date.now();
    const reply = await call('PATCH', `${tasksPath}/${task.id}`, {
      title: 'Watched',
      priority: 'urgent'
    });
    expect(reply.status).toBe(200);
    await waitFor(
      () => getTask(c.doc, task.id)?.title === 'Watched',
      1_000,
      'PATCH on the websocket client'
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(getTask(c.doc, task.id)).toEqual(reply.body);
  });

  it('serves the OpenAPI document', async () => {
    const reply = await call('GET', '/api/v1/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Runboard' } });
  });
});
