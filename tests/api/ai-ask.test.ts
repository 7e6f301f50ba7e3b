/**
 * `POST …/ai/ask` against the built app: tasks, incidents and a CI seeded through REST (a label
 * through the board's websocket, as the board page does), then questions in Chinese and
 * English. The compiled filters, the results and their deep links are checked, an edited
 * `query` runs as sent, the text ranks, and a member of another workspace gets nothing of this
 * one (404), nor sees its items when asking in their own. With a chat endpoint configured (a
 * local HTTP server standing in for Ollama), a question the rules find only text in is read by
 * it; a garbage answer leaves the rules' query.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listColumns, upsertLabel } from '../../src/lib/shared/board/board-model';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { connectClient, whenSynced, type TestClient } from '../helpers/clients';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'askws';
const OTHER = 'askother';
let app: TestApp;
let users: Record<string, SeededUser>;
let others: Record<string, SeededUser>;
let client: TestClient | null = null;

interface Reply {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body: unknown, token: string): Promise<Reply> {
  const response = await fetch(`${app.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
  };
}

async function ok(reply: Promise<Reply>, status = 200): Promise<Record<string, unknown>> {
  const got = await reply;
  expect(got.status, got.text).toBe(status);
  return got.body;
}

interface Answer {
  query: Record<string, unknown>;
  results: { id: string; title: string; score: number; url: string; state: string }[];
  total: number;
  parsedBy: string;
}

async function ask(body: unknown, as = 'owner', ws = WS): Promise<Answer> {
  const token = (ws === WS ? users : others)[as]!.token;
  return (await ok(call('POST', `/workspaces/${ws}/ai/ask`, body, token))) as unknown as Answer;
}

const ids: Record<string, string> = {};

describe('ai/ask', () => {
  beforeAll(async () => {
    const dataDir = tempDataDir('runboard-ai-ask-');
    users = await seedWorkspace(dataDir, WS, ['owner', 'member', 'viewer']);
    others = await seedWorkspace(dataDir, OTHER, ['owner']);
    app = await startApp({ dataDir });
    const owner = users['owner']!.token;

    // A label, as the board page makes it: an edit of the board document.
    client = connectClient(app.wsUrl, `${WS}.board`, { params: { token: owner } });
    await whenSynced(client);
    const label = upsertLabel(client.doc, { name: 'database', color: '#3366ff' });
    ids['label'] = label.id;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const labels = await ok(call('GET', `/workspaces/${WS}/labels`, undefined, owner));
      if (JSON.stringify(labels).includes(label.id)) break;
      if (Date.now() > deadline) throw new Error('the label did not reach the server');
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = listColumns(client.doc).find((c) => c.category === 'done')!;

    const ci = await ok(
      call('POST', `/workspaces/${WS}/cmdb/items`, { type: 'host', name: 'db-01' }, owner),
      201
    );
    const create = async (name: string, body: Record<string, unknown>, token = owner) => {
      const task = await ok(call('POST', `/workspaces/${WS}/tasks`, body, token), 201);
      ids[name] = task['id'] as string;
    };
    await create('replication', {
      title: 'MySQL 主从延迟告警',
      kind: 'incident',
      priority: 'high',
      labels: [label.id],
      assignee: users['member']!.userId,
      links: [{ type: 'ci', target: ci['id'] as string }]
    });
    await create('disk', { title: '磁盘空间不足 on web-02', kind: 'incident', priority: 'low' });
    await create('resolved', {
      title: 'Database connection pool exhausted',
      kind: 'incident',
      priority: 'urgent',
      labels: [label.id],
      assignee: users['member']!.userId
    });
    await ok(
      call('PATCH', `/workspaces/${WS}/tasks/${ids['resolved']}`, { status: done.id }, owner)
    );
    await create('cert', {
      title: 'Rotate the TLS certificate',
      kind: 'task',
      priority: 'high',
      assignee: users['owner']!.userId
    });
    const other = await ok(
      call(
        'POST',
        `/workspaces/${OTHER}/tasks`,
        { title: 'Database down in the other team', kind: 'incident', priority: 'high' },
        others['owner']!.token
      ),
      201
    );
    ids['other'] = other['id'] as string;
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await app?.stop();
  });

  it('compiles a Chinese question and finds the open, high-priority database incident', async () => {
    const answer = await ask({ question: '今天未解决的高优先级数据库告警', timeZone: 'UTC' });
    expect(answer.parsedBy).toBe('rules');
    const today = new Date();
    const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    expect(answer.query).toEqual({
      from: new Date(start).toISOString(),
      to: new Date(start + 86_400_000).toISOString(),
      status: 'open',
      priority: 'high',
      labels: ['database'],
      kind: 'incident'
    });
    // The resolved one is urgent and labelled too, but not open.
    expect(answer.results.map((r) => r.id)).toEqual([ids['replication']]);
    expect(answer.results[0]!.url).toMatch(new RegExp(`^/w/${WS}/incidents/`));
    expect(answer.results[0]!.score).toBe(1);
  });

  it('compiles an English question with a CI, a status and an assignee', async () => {
    const email = `${users['member']!.email}`;
    const answer = await ask({ question: `incidents on db-01 today handled by ${email}` });
    expect(answer.query).toMatchObject({
      kind: 'incident',
      cis: ['db-01'],
      assignee: users['member']!.userId
    });
    expect(answer.results.map((r) => r.id)).toEqual([ids['replication']]);
    const resolved = await ask({ question: `database incidents resolved by ${email}` });
    expect(resolved.query).toMatchObject({ status: 'done', labels: ['database'] });
    expect(resolved.results.map((r) => [r.id, r.state])).toEqual([[ids['resolved'], 'done']]);
  });

  it('takes "me" as the asker and priority as a floor', async () => {
    const mine = await ask({ question: 'my high priority tasks' });
    expect(mine.query).toEqual({ assignee: 'me', priority: 'high', kind: 'task' });
    expect(mine.results.map((r) => r.id)).toEqual([ids['cert']]);
    expect(mine.results[0]!.url).toMatch(new RegExp(`^/w/${WS}/tasks/`));
    // The member's: the replication incident (high) and the resolved one (urgent ≥ high).
    const theirs = await ask({ question: '我的高优先级告警' }, 'member');
    expect(theirs.results.map((r) => r.id).sort()).toEqual(
      [ids['replication'], ids['resolved']].sort()
    );
  });

  it('runs an edited query as sent, and ranks by the text', async () => {
    const all = await ask({ query: { kind: 'incident' } }, 'viewer');
    expect(all.parsedBy).toBe('query');
    expect(all.total).toBe(3);
    const ranked = await ask({ query: { kind: 'incident', text: '磁盘空间' } });
    expect(ranked.results.map((r) => r.id)).toEqual([ids['disk']]);
    const none = await ask({ query: { labels: ['no such label'] } });
    expect(none.results).toEqual([]);
  });

  it('ranks by the AI index across languages once it has caught up', async () => {
    const owner = users['owner']!.token;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const index = await ok(call('GET', `/workspaces/${WS}/ai/index`, undefined, owner));
      if ((index['items'] as number) >= 4) break;
      if (Date.now() > deadline)
        throw new Error(`the index did not catch up: ${JSON.stringify(index)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // English words for a Chinese title: no shared term, the index's glossary bridges them.
    const answer = await ask({ query: { kind: 'incident', text: 'disk space' } });
    expect(answer.results[0]?.id, JSON.stringify(answer)).toBe(ids['disk']);
    expect(answer.results[0]!.score).toBeGreaterThan(0.1);
  });

  it('keeps workspaces apart', async () => {
    // Not a member: 404, nothing of the workspace.
    const denied = await call(
      'POST',
      `/workspaces/${WS}/ai/ask`,
      { question: 'database incidents' },
      others['owner']!.token
    );
    expect(denied.status).toBe(404);
    expect(denied.text).not.toContain('MySQL');
    // In their own workspace they see their item only.
    const own = await ask({ question: 'high priority incidents' }, 'owner', OTHER);
    expect(own.results.map((r) => r.id)).toEqual([ids['other']]);
  });

  it('refuses a body with both or neither of question and query', async () => {
    const token = users['owner']!.token;
    for (const body of [
      {},
      { question: 'x', query: {} },
      { question: 'x', timeZone: 'Mars/Olympus' }
    ]) {
      const reply = await call('POST', `/workspaces/${WS}/ai/ask`, body, token);
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
    const bad = await call(
      'POST',
      `/workspaces/${WS}/ai/ask`,
      { query: { status: 'open; DROP TABLE tasks' } },
      token
    );
    expect(bad.status).toBe(400);
  });
});

describe('ai/ask with a chat endpoint', () => {
  let endpoint: Server;
  let content = '';
  let calls = 0;
  let modelApp: TestApp;
  let token = '';

  beforeAll(async () => {
    endpoint = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content } }] }));
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const port = (endpoint.address() as AddressInfo).port;
    const dataDir = tempDataDir('runboard-ai-ask-model-');
    token = (await seedWorkspace(dataDir, 'askmodel', ['owner']))['owner']!.token;
    modelApp = await startApp({
      dataDir,
      env: {
        RUNBOARD_AI_CHAT_URL: `http://127.0.0.1:${port}/v1`,
        RUNBOARD_AI_CHAT_MODEL: 'test-model'
      }
    });
    const created = await fetch(`${modelApp.baseUrl}/api/v1/workspaces/askmodel/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Checkout returns 500', kind: 'incident' })
    });
    expect(created.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await modelApp?.stop();
    endpoint?.closeAllConnections();
    await new Promise((resolve) => endpoint?.close(resolve));
  });

  async function modelAsk(question: string): Promise<Answer> {
    const response = await fetch(`${modelApp.baseUrl}/api/v1/workspaces/askmodel/ai/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question })
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  }

  it('lets the endpoint read a question the rules found only text in', async () => {
    content = JSON.stringify({ kind: 'incident', text: 'checkout' });
    const answer = await modelAsk('what broke the checkout flow');
    expect(answer.parsedBy).toBe('model');
    expect(answer.query).toEqual({ kind: 'incident', text: 'checkout' });
    expect(answer.results.map((r) => r.title)).toEqual(['Checkout returns 500']);
  });

  it('keeps the rules for what they understood, and when the answer is garbage', async () => {
    const before = calls;
    const ruled = await modelAsk('open incidents');
    expect(ruled.parsedBy).toBe('rules');
    expect(calls).toBe(before);
    content = JSON.stringify({ kind: 'incident', text: "x'; DROP TABLE tasks; --" });
    const refused = await modelAsk('what broke the checkout flow');
    expect(refused.parsedBy).toBe('rules');
    expect(refused.query).toEqual({ text: 'broke checkout flow' });
    expect(calls).toBe(before + 1);
  });
});
