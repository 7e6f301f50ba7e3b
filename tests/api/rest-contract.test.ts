/**
 * The REST contract that scripts rely on, against the real production app: the CSRF check
 * (cookies refused cross-site, tokens answered in JSON), task keys on every task path, the
 * columns/labels/members reads, and the one list rule (limit/offset, X-Total-Count, Link).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { SESSION_COOKIE } from '../../src/lib/server/auth/authenticate';
import { upsertLabel } from '../../src/lib/shared/board/board-model';
import { taskSchema, type Task } from '../../src/lib/shared/board/schema';
import { memberSchema } from '../../src/lib/shared/workspaces/schema';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { openTestDatabase } from '../helpers/database';
import { connectClient, whenSynced, type TestClient } from '../helpers/clients';
import { tempDataDir } from '../helpers/sync-server';
import { errorShape } from '../helpers/rest';

const WS = 'contract';
const EVIL = 'http://evil.example';

let app: TestApp;
let users: Record<string, SeededUser>;
/** The owner's browser session (cookie value). */
let session = '';
const clients: TestClient[] = [];

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-contract-');
  users = await seedWorkspace(dataDir, WS, ['owner', 'viewer']);
  const { records } = await openTestDatabase(dataDir);
  try {
    const accounts = new Accounts(records);
    const origin = { ip: '127.0.0.1', userAgent: 'vitest' };
    session = (await accounts.createSession(users.owner!.userId, origin)).token;
  } finally {
    await records.close();
  }
  app = await startApp({ dataDir });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await app?.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

async function send(path: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(`${app.baseUrl}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Not JSON: the assertions look at `text`.
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A JSON call with the owner's token (or `token`). */
function api(method: string, path: string, body?: unknown, token = users.owner!.token) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send(`/api/v1/workspaces/${WS}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
}

function expectError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const parsed = errorShape.parse(reply.body);
  expect(parsed.error.code).toBe(code);
}

async function createTask(input: Record<string, unknown>): Promise<Task> {
  const reply = await api('POST', '/tasks', input);
  expect(reply.status, reply.text).toBe(201);
  return taskSchema.parse(reply.body);
}

async function taskCount(): Promise<number> {
  const reply = await api('GET', '/tasks?includeArchived=true&limit=1');
  return Number(reply.headers.get('x-total-count'));
}

describe('CSRF and content types', () => {
  const formBodies: Array<[string, string]> = [
    ['text/plain', 'title=forged'],
    ['application/x-www-form-urlencoded', 'title=forged'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\ncontent-disposition: form-data; name="t"\r\n\r\nv\r\n--x--\r\n'
    ]
  ];

  for (const [contentType, body] of formBodies) {
    it(`[API1] a token with a ${contentType.split(';')[0]} body gets 415 in the JSON shape`, async () => {
      for (const origin of [null, EVIL]) {
        const headers: Record<string, string> = {
          authorization: `Bearer ${users.owner!.token}`,
          'content-type': contentType
        };
        if (origin) headers.origin = origin;
        const reply = await send(`/api/v1/workspaces/${WS}/tasks`, {
          method: 'POST',
          headers,
          body
        });
        expectError(reply, 415, 'unsupported_media_type');
      }
    });
  }

  it('[API1] a cookie-authenticated cross-site form post to the API is refused with JSON 403, and changes nothing', async () => {
    const before = await taskCount();
    for (const [contentType, body] of formBodies) {
      for (const origin of [EVIL, null]) {
        const headers: Record<string, string> = {
          cookie: `${SESSION_COOKIE}=${session}`,
          'content-type': contentType
        };
        if (origin) headers.origin = origin;
        for (const method of ['POST', 'PATCH', 'DELETE', 'PUT']) {
          const reply = await send(`/api/v1/workspaces/${WS}/tasks`, { method, headers, body });
          expectError(reply, 403, 'cross_site_request');
          expect(reply.headers.get('set-cookie')).toBeNull();
        }
      }
    }
    // Without credentials too (login CSRF): the sign-in endpoint is refused the same way.
    const login = await send('/api/v1/auth/login', {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: JSON.stringify({ email: users.owner!.email, password: users.owner!.password })
    });
    expectError(login, 403, 'cross_site_request');
    expect(await taskCount()).toBe(before);
  });

  it('[API1] the same cookie from our own origin passes the check and meets the API rules', async () => {
    const headers = {
      cookie: `${SESSION_COOKIE}=${session}`,
      origin: app.baseUrl,
      'content-type': 'application/x-www-form-urlencoded'
    };
    const form = await send(`/api/v1/workspaces/${WS}/tasks`, {
      method: 'POST',
      headers,
      body: 'title=x'
    });
    expectError(form, 415, 'unsupported_media_type');
    const json = await send(`/api/v1/workspaces/${WS}/tasks`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'From the browser' })
    });
    expect(json.status, json.text).toBe(201);
  });

  it('[API1] pages keep the plain refusal; a same-origin form action still signs in', async () => {
    const { email, password } = users.viewer!;
    const body = new URLSearchParams({ email, password, next: '/' }).toString();
    const forged = await send('/login', {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toBe('Cross-site POST form submissions are forbidden');
    expect(forged.headers.get('set-cookie')).toBeNull();

    // As a browser submits it (a plain form post, not `use:enhance`'s JSON request).
    const real = await send('/login', {
      method: 'POST',
      headers: {
        origin: app.baseUrl,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded'
      },
      body
    });
    expect(real.status, real.text).toBe(303);
    expect(real.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=`);
  });
});

describe('task keys', () => {
  it('[API2] every path that names a task takes its human key, in any case', async () => {
    const task = await createTask({ title: 'Keyed' });
    expect(task.key).toMatch(/^[A-Z]+-\d+$/);
    const key = task.key!;

    const patched = await api('PATCH', `/tasks/${key}`, { title: 'Keyed, renamed' });
    expect(patched.status, patched.text).toBe(200);
    expect(taskSchema.parse(patched.body)).toMatchObject({ id: task.id, title: 'Keyed, renamed' });
    const lower = await api('PATCH', `/tasks/${key.toLowerCase()}`, { priority: 'high' });
    expect(lower.status, lower.text).toBe(200);
    expect(taskSchema.parse(lower.body)).toMatchObject({ id: task.id, priority: 'high' });

    expect((await api('GET', `/tasks/${key}`)).status).toBe(200);
    const item = await api('POST', `/tasks/${key}/checklist`, { text: 'Check' });
    expect(item.status, item.text).toBe(201);
    const itemId = z.object({ id: z.string() }).parse(item.body).id;
    expect((await api('PATCH', `/tasks/${key}/checklist/${itemId}`, { done: true })).status).toBe(
      200
    );
    const comment = await api('POST', `/tasks/${key}/comments`, { body: 'Noted' });
    expect(comment.status, comment.text).toBe(201);
    const commentId = z.object({ id: z.string() }).parse(comment.body).id;
    expect((await api('PATCH', `/tasks/${key}/comments/${commentId}`, { body: 'Ok' })).status).toBe(
      200
    );
    const detail = await api('GET', `/tasks/${key}/detail`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: task.id,
      checklist: [{ id: itemId, done: true }],
      comments: [{ id: commentId, body: 'Ok' }]
    });
    expect((await api('DELETE', `/tasks/${key}/comments/${commentId}`)).status).toBe(204);
    expect((await api('DELETE', `/tasks/${key}/checklist/${itemId}`)).status).toBe(204);

    const other = await createTask({ title: 'Second' });
    const bulk = await api('POST', '/tasks/bulk', {
      ids: [key.toLowerCase(), other.id],
      patch: { priority: 'low' }
    });
    expect(bulk.status, bulk.text).toBe(200);
    expect(z.object({ tasks: z.array(taskSchema) }).parse(bulk.body).tasks).toMatchObject([
      { id: task.id, priority: 'low' },
      { id: other.id, priority: 'low' }
    ]);
  });

  it('[API2] an unknown key is 404 on a path, and named in `missing` by a bulk edit', async () => {
    expectError(await api('PATCH', '/tasks/NOPE-999', { title: 'x' }), 404, 'not_found');
    const task = await createTask({ title: 'Untouched' });
    const bulk = await api('POST', '/tasks/bulk', {
      ids: [task.key, 'NOPE-999'],
      patch: { priority: 'urgent' }
    });
    expectError(bulk, 400, 'invalid_input');
    expect(bulk.body).toMatchObject({ error: { details: { missing: ['NOPE-999'] } } });
    const after = taskSchema.parse((await api('GET', `/tasks/${task.id}`)).body);
    expect(after.priority).toBe(task.priority);
  });
});

describe('board references', () => {
  it('[API4] columns in board order and labels by name, readable by a viewer', async () => {
    const client = connectClient(app.wsUrl, `${WS}.board`, {
      params: { token: users.owner!.token }
    });
    clients.push(client);
    await whenSynced(client);
    upsertLabel(client.doc, { id: 'net', name: 'Network', color: '#336699' });
    upsertLabel(client.doc, { id: 'db', name: 'Database', color: '#993366' });

    const viewer = users.viewer!.token;
    const columns = await api('GET', '/columns', undefined, viewer);
    expect(columns.status, columns.text).toBe(200);
    expect(columns.body).toMatchObject([
      { id: 'backlog', name: 'Backlog', kind: 'todo' },
      { id: 'todo', name: 'To do', kind: 'todo' },
      { id: 'in-progress', kind: 'in_progress' },
      { id: 'review', kind: 'in_progress' },
      { id: 'done', kind: 'done' }
    ]);
    expect(columns.headers.get('x-total-count')).toBe('5');

    // The label written over the websocket is listed once the server has it.
    let labels: Reply | null = null;
    for (let i = 0; i < 50; i++) {
      labels = await api('GET', '/labels', undefined, viewer);
      if (Array.isArray(labels.body) && labels.body.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(labels?.body).toEqual([
      { id: 'db', name: 'Database', color: '#993366' },
      { id: 'net', name: 'Network', color: '#336699' }
    ]);

    const members = await api('GET', '/members', undefined, viewer);
    expect(members.status).toBe(200);
    const list = z.array(memberSchema).parse(members.body);
    expect(list.map((m) => m.role).sort()).toEqual(['owner', 'viewer']);
    for (const m of list)
      expect(m).toMatchObject({ userId: expect.any(String), email: expect.any(String) });
  });
});

describe('lists', () => {
  it('[API3] a list keeps its shape under paging; following Link visits every item once', async () => {
    for (let i = 0; i < 7; i++) await createTask({ title: `Paged ${i}`, labels: [] });
    const all = await api('GET', '/tasks?q=paged');
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.headers.get('x-total-count')).toBe('7');
    expect(all.headers.get('link')).toBeNull();

    const seen: string[] = [];
    let next: string | null = `/api/v1/workspaces/${WS}/tasks?q=paged&limit=3`;
    let pages = 0;
    while (next) {
      const reply = await send(next, {
        headers: { authorization: `Bearer ${users.owner!.token}` }
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get('x-total-count')).toBe('7');
      const page = z.array(taskSchema).parse(reply.body);
      expect(page.length).toBeLessThanOrEqual(3);
      seen.push(...page.map((t) => t.id));
      next = /^<([^>]+)>; rel="next"$/.exec(reply.headers.get('link') ?? '')?.[1] ?? null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(
      z
        .array(taskSchema)
        .parse(all.body)
        .map((t) => t.id)
    );

    // Past the end: an empty array, still the total, no next link.
    const past = await api('GET', '/tasks?q=paged&offset=50');
    expect(past.body).toEqual([]);
    expect(past.headers.get('x-total-count')).toBe('7');
    expect(past.headers.get('link')).toBeNull();
    expectError(await api('GET', '/tasks?limit=0'), 400, 'invalid_input');
  });

  it('[API3] runbooks page the same way inside their { runbooks } wrapper', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await api('POST', '/runbooks', { title: `Book ${i}` })).status).toBe(201);
    }
    const first = await api('GET', '/runbooks?limit=2');
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ runbooks: [{}, {}] });
    expect(first.headers.get('x-total-count')).toBe('3');
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
    expect(link).toBe(`/api/v1/workspaces/${WS}/runbooks?limit=2&offset=2`);
    const second = await send(link!, {
      headers: { authorization: `Bearer ${users.owner!.token}` }
    });
    expect(second.body).toMatchObject({ runbooks: [{}] });
    expect(second.headers.get('link')).toBeNull();
  });
});
