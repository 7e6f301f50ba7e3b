/**
 * The runbook REST API against the real production app: templates in the request's language,
 * search in Chinese and English, import and export, versions and restore, duplicate, archive,
 * alert matching, linked tasks, file upload, and who may do what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  fillFragment,
  fragmentToJson,
  markdownToDoc
} from '../../src/lib/shared/runbooks/markdown';
import { runbookPlainText } from '../../src/lib/shared/runbooks/runbook-model';
import { runbookDocName } from '../../src/lib/shared/doc-name';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { openTestDatabase } from '../helpers/database';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'rbrest';
const BASE = `/api/v1/workspaces/${WS}`;

let app: TestApp;
let users: Record<string, SeededUser>;
let outsider: SeededUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-rbrest-');
  users = await seedWorkspace(dataDir, WS, ['owner', 'viewer']);
  outsider = (await seedWorkspace(dataDir, `${WS}-other`, ['owner'])).owner!;
  app = await startApp({ dataDir });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await app?.stop();
});

interface Listed {
  runbooks: Array<{ id: string; snippet?: string; archivedAt: string | null }>;
}
interface VersionInfo {
  id: string;
  kind: string;
  name: string | null;
}
interface VersionContent {
  version: VersionInfo;
  content: { type: string };
  markdown: string;
}
interface ErrorReply {
  error: { code: string; message: string };
}
interface Summary {
  id: string;
  reviewedAt: string | null;
  archivedAt: string | null;
  linkedTasks: unknown[];
}

interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function call<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  init: { token?: string; headers?: Record<string, string>; raw?: Uint8Array } = {}
): Promise<Reply<T>> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${init.token ?? users.owner!.token}`,
    ...init.headers
  };
  let payload: BodyInit | undefined;
  if (init.raw) payload = new Blob([new Uint8Array(init.raw)]);
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Not JSON (exports): the text is the body.
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

async function create(body: Record<string, unknown>, headers?: Record<string, string>) {
  const reply = await call<{ id: string }>('POST', `${BASE}/runbooks`, body, { headers });
  expect(reply.status, reply.text).toBe(201);
  return reply.body.id;
}

async function search(q: string, extra = ''): Promise<string[]> {
  const reply = await call<{ runbooks: Array<{ id: string }> }>(
    'GET',
    `${BASE}/runbooks?q=${encodeURIComponent(q)}${extra}`
  );
  expect(reply.status, reply.text).toBe(200);
  return reply.body.runbooks.map((r) => r.id);
}

function connect(id: string): TestClient {
  const client = connectClient(app.wsUrl, runbookDocName(WS, id), {
    params: { token: users.owner!.token }
  });
  clients.push(client);
  return client;
}

describe('runbook REST API', () => {
  it('creates from a template in the request language and reads it back', async () => {
    const zh = await create(
      { title: '数据库故障处理', template: 'incident-response', tags: ['db', 'db'] },
      { 'accept-language': 'zh-CN,zh;q=0.9' }
    );
    const en = await create(
      { title: 'Database incident', template: 'incident-response' },
      { 'accept-language': 'en-US' }
    );
    const zhMd = await call('GET', `${BASE}/runbooks/${zh}/export?format=md`);
    expect(zhMd.text).toContain('# 数据库故障处理');
    expect(zhMd.text).toContain('## 初步排查');
    expect(zhMd.text).toContain('> [!WARNING]');
    const enMd = await call('GET', `${BASE}/runbooks/${en}/export?format=md`);
    expect(enMd.text).toContain('## Triage');

    const got = await call('GET', `${BASE}/runbooks/${zh}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: zh,
      title: '数据库故障处理',
      tags: ['db'],
      ownerId: users.owner!.userId,
      createdBy: users.owner!.userId,
      reviewIntervalDays: 90,
      reviewedAt: null,
      reviewDue: false,
      archivedAt: null,
      linkedTasks: []
    });
  });

  it('[RB1] searches Chinese and English content as soon as the write returns', async () => {
    const backup = await create({
      title: 'MySQL 备份与恢复',
      markdown: '## 步骤\n\n每天凌晨执行数据库备份，并验证 restore 是否可用。\n'
    });
    const nginx = await create({
      title: 'Nginx reload',
      markdown: 'Reload after config changes. Check the backups of the config first.\n'
    });
    expect(await search('数据库 备份')).toEqual([backup]);
    expect(await search('备份')).toEqual([backup]);
    expect(await search('backups')).toEqual([nginx]);
    expect(await search('restoring')).toEqual([backup]);
    const listed = await call<Listed>(
      'GET',
      `${BASE}/runbooks?q=${encodeURIComponent('凌晨 数据库')}`
    );
    expect(listed.body.runbooks[0]?.snippet).toContain('«凌晨»');
    const tagged = await call<Listed>('GET', `${BASE}/runbooks?tag=db`);
    expect(tagged.body.runbooks.length).toBe(1);
  });

  it('[RB1] an edit made over the websocket becomes searchable', async () => {
    const id = await create({ title: 'Websocket edit' });
    const client = connect(id);
    await whenSynced(client);
    fillFragment(client.doc, markdownToDoc('Rotate the kafka certificates quarterly.'));
    const deadline = Date.now() + 10_000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      found = await search('kafka certificate');
      if (found.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([id]);
  });

  it('imports a folder of three Markdown files and exports Markdown and HTML', async () => {
    const reply = await call<{
      imported: Array<{ id: string; title: string }>;
      errors: unknown[];
    }>('POST', `${BASE}/runbooks/import`, {
      files: [
        { name: 'ops/disk-full.md', markdown: '# Disk full\n\n- [ ] Find the biggest files\n' },
        { name: 'ops/cert-renewal.md', markdown: 'Renew with certbot.\n\n## Details\n\nMore.\n' },
        { name: 'ops/no-heading.markdown', markdown: 'Just text <script>alert(1)</script>\n' }
      ]
    });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.errors).toEqual([]);
    expect(reply.body.imported.map((r: { title: string }) => r.title)).toEqual([
      'Disk full',
      'Details',
      'no-heading'
    ]);
    const [disk, , plain] = reply.body.imported as Array<{ id: string }>;

    const md = await call('GET', `${BASE}/runbooks/${disk!.id}/export?format=md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toMatch(/^attachment; filename="Disk-full\.md"/);
    expect(md.text).toBe('# Disk full\n\n- [ ] Find the biggest files\n');

    const html = await call('GET', `${BASE}/runbooks/${plain!.id}/export?format=html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<title>no-heading</title>');
    expect(html.text).toContain('&lt;script&gt;');
    expect(html.text).not.toMatch(/<script/i);

    const tooMany = await call('POST', `${BASE}/runbooks/import`, {
      files: Array.from({ length: 201 }, (_, i) => ({ name: `${i}.md`, markdown: 'x' }))
    });
    expect(tooMany.status).toBe(400);
  });

  it('[RB2] saves versions and restores one as a new change that clients receive', async () => {
    const id = await create({ title: 'Failover', markdown: '## Steps\n\n1. First version\n' });
    const client = connect(id);
    await whenSynced(client);
    const named = await call<VersionInfo>('POST', `${BASE}/runbooks/${id}/versions`, {
      name: 'v1'
    });
    expect(named.status, named.text).toBe(201);
    expect(named.body).toMatchObject({ name: 'v1', kind: 'named', createdBy: users.owner!.userId });

    fillFragment(client.doc, markdownToDoc('## Steps\n\n1. Second version\n'));
    const deadline = Date.now() + 5_000;
    for (;;) {
      const md = await call('GET', `${BASE}/runbooks/${id}/export?format=md`);
      if (md.text.includes('Second version') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const version = await call<VersionContent>(
      'GET',
      `${BASE}/runbooks/${id}/versions/${named.body.id}`
    );
    expect(version.status).toBe(200);
    expect(version.body.markdown).toContain('First version');
    expect(version.body.content.type).toBe('doc');

    const restored = await call<{ snapshot: VersionInfo | null }>(
      'POST',
      `${BASE}/runbooks/${id}/versions/${named.body.id}/restore`
    );
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body.snapshot).toMatchObject({ kind: 'auto', name: null });
    await waitFor(() => runbookPlainText(client.doc).includes('First version'), 5_000, 'restore');
    expect(runbookPlainText(client.doc)).not.toContain('Second version');

    const list = await call<{ versions: VersionInfo[] }>('GET', `${BASE}/runbooks/${id}/versions`);
    const kinds = list.body.versions.map((v: { kind: string }) => v.kind);
    expect(kinds).toEqual(['auto', 'named']);
    const before = await call<VersionContent>(
      'GET',
      `${BASE}/runbooks/${id}/versions/${list.body.versions[0]?.id}`
    );
    expect(before.body.markdown).toContain('Second version');
    // The client's replica and the server agree on the restored content.
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(client.doc));
    expect(fragmentToJson(local)).toEqual(fragmentToJson(client.doc));

    const missing = await call<ErrorReply>('GET', `${BASE}/runbooks/${id}/versions/nosuch`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('duplicates, archives, reviews, and matches alerts', async () => {
    const id = await create({ title: 'API outage', markdown: 'Restart the API pods.\n' });
    const patched = await call<Summary>('PATCH', `${BASE}/runbooks/${id}`, {
      services: ['api'],
      alertMatchers: [
        { label: 'service', value: 'api' },
        { label: 'alertname', value: 'ApiDown' }
      ],
      reviewed: true
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.reviewedAt).not.toBeNull();

    const copy = await call<{ id: string }>('POST', `${BASE}/runbooks/${id}/duplicate`);
    expect(copy.status).toBe(201);
    const copied = await call('GET', `${BASE}/runbooks/${copy.body.id}`);
    expect(copied.body).toMatchObject({ title: 'API outage (copy)', services: ['api'] });
    const copyMd = await call('GET', `${BASE}/runbooks/${copy.body.id}/export`);
    expect(copyMd.text).toContain('Restart the API pods.');

    const match = await call<Listed>('GET', `${BASE}/runbooks/match?service=API&alertname=apidown`);
    expect(match.body.runbooks.map((r: { id: string }) => r.id).sort()).toEqual(
      [id, copy.body.id].sort()
    );

    const archived = await call<Summary>('PATCH', `${BASE}/runbooks/${copy.body.id}`, {
      archived: true
    });
    expect(archived.body.archivedAt).not.toBeNull();
    const ids = async (query: string) =>
      (await call<Listed>('GET', `${BASE}/runbooks?limit=500${query}`)).body.runbooks.map(
        (r: { id: string }) => r.id
      );
    expect(await ids('')).not.toContain(copy.body.id);
    expect(await ids('&archived=only')).toEqual([copy.body.id]);
    expect(await ids('&archived=include')).toContain(copy.body.id);
    const afterArchive = await call<Listed>('GET', `${BASE}/runbooks/match?service=api`);
    expect(afterArchive.body.runbooks.map((r: { id: string }) => r.id)).toEqual([id]);

    const empty = await call('PATCH', `${BASE}/runbooks/${id}`, {});
    expect(empty.status).toBe(400);
    const nosuch = await call('PATCH', `${BASE}/runbooks/nosuch`, { title: 'x' });
    expect(nosuch.status).toBe(404);
  });

  it('lists the open tasks that link to a runbook', async () => {
    const id = await create({ title: 'Linked' });
    const task = await call<{ id: string }>('POST', `${BASE}/tasks`, {
      title: 'Follow the runbook',
      kind: 'incident',
      links: [{ type: 'runbook', target: id }]
    });
    expect(task.status, task.text).toBe(201);
    const got = await call<Summary>('GET', `${BASE}/runbooks/${id}`);
    expect(got.body.linkedTasks).toEqual([
      expect.objectContaining({ id: task.body.id, title: 'Follow the runbook', kind: 'incident' })
    ]);
    await call('PATCH', `${BASE}/tasks/${task.body.id}`, { status: 'done' });
    const after = await call<Summary>('GET', `${BASE}/runbooks/${id}`);
    expect(after.body.linkedTasks).toEqual([]);
  });

  it('stores and serves uploaded images to members only', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const up = await call<{ id: string; url: string }>('POST', `${BASE}/files`, undefined, {
      raw: png,
      headers: { 'content-type': 'image/png' }
    });
    expect(up.status, up.text).toBe(201);
    expect(up.body.url).toBe(`${BASE}/files/${up.body.id}`);
    expect(up.body.id).toMatch(/^[0-9a-f]{64}$/);

    const response = await fetch(`${app.baseUrl}${up.body.url}`, {
      headers: { authorization: `Bearer ${users.viewer!.token}` }
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);

    // Up to 5 MiB is accepted (more than the 1 MiB of JSON bodies).
    const big = new Uint8Array(4 * 1024 * 1024);
    big.set(png);
    const bigUp = await call<{ id: string }>('POST', `${BASE}/files`, undefined, {
      raw: big,
      headers: { 'content-type': 'image/png' }
    });
    expect(bigUp.status, bigUp.text).toBe(201);

    const wrongType = await call('POST', `${BASE}/files`, undefined, {
      raw: png,
      headers: { 'content-type': 'image/svg+xml' }
    });
    expect(wrongType.status).toBe(415);
    const lying = await call('POST', `${BASE}/files`, undefined, {
      raw: new TextEncoder().encode('<html>'),
      headers: { 'content-type': 'image/png' }
    });
    expect(lying.status).toBe(400);
    const tooBig = await call('POST', `${BASE}/files`, undefined, {
      raw: new Uint8Array(5 * 1024 * 1024 + 1),
      headers: { 'content-type': 'image/png' }
    });
    expect(tooBig.status).toBe(413);

    const foreign = await call(
      'GET',
      `/api/v1/workspaces/${WS}-other/files/${up.body.id}`,
      undefined,
      {
        token: outsider.token
      }
    );
    expect(foreign.status).toBe(404);
  });

  it('refuses writes by viewers and everything to non-members', async () => {
    const id = await create({ title: 'Guarded' });
    const viewer = { token: users.viewer!.token };
    expect((await call('GET', `${BASE}/runbooks/${id}`, undefined, viewer)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `${BASE}/runbooks`, { title: 'no' }],
      ['PATCH', `${BASE}/runbooks/${id}`, { title: 'no' }],
      ['POST', `${BASE}/runbooks/${id}/duplicate`, undefined],
      ['POST', `${BASE}/runbooks/${id}/versions`, { name: 'no' }]
    ] as const) {
      const reply = await call(method, path, body, viewer);
      expect(reply.status, `${method} ${path}`).toBe(403);
    }
    const stranger = await call<ErrorReply>('GET', `${BASE}/runbooks/${id}`, undefined, {
      token: outsider.token
    });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.message).toBe('no such workspace');
    const list = await call('GET', `${BASE}/runbooks`, undefined, { token: outsider.token });
    expect(list.status).toBe(404);
  });

  it('[RB1] rebuilds lost index rows from the runbook documents', async () => {
    const before = await call<Listed>('GET', `${BASE}/runbooks?archived=include&limit=500`);
    const ids = before.body.runbooks.map((r) => r.id).sort();
    expect(ids.length).toBeGreaterThan(5);
    for (const client of clients.splice(0)) client.destroy();
    await app.stop();
    const { records } = await openTestDatabase(app.dataDir);
    await records.transaction(async (trx) => {
      await trx.deleteFrom('runbook_search').execute();
      await trx.deleteFrom('runbooks').execute();
    });
    await records.close();
    app = await startApp({ dataDir: app.dataDir });
    const after = await call<Listed>('GET', `${BASE}/runbooks?archived=include&limit=500`);
    expect(after.body.runbooks.map((r) => r.id).sort()).toEqual(ids);
    expect(await search('数据库 备份')).toHaveLength(1);
  }, 60_000);
});
