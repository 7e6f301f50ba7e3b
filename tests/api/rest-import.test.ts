/**
 * History import over REST against the production app (docs/import.md), on the backend the
 * run selects (SQLite; PostgreSQL under `npm run test:postgres`): a dry run previews and writes
 * nothing; a file with a bad row is refused with 422 and its rows, and writes nothing; a Jira
 * CSV export is imported: finished items into the archive with their times, open ones onto
 * the board, the incident as an incident record, unknown assignees as inactive members
 * (created once, also across imports), audited; the KPIs of the period count the imports.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'imports';
const base = `/api/v1/workspaces/${WS}`;
const rest = useRestApp(WS, ['owner', 'admin', 'operator', 'viewer'], 'runboard-rest-import-');

const fixture = (name: string) => readFileSync(`tests/fixtures/import/${name}`, 'utf8');

async function upload(query: string, body: string, as = 'admin', lang = 'en'): Promise<RestReply> {
  const response = await fetch(`${rest.app.baseUrl}${base}/import?${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${rest.users[as]!.token}`,
      'content-type': 'text/plain; charset=utf-8',
      'accept-language': lang
    },
    body
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text === '' ? undefined : (JSON.parse(text) as unknown)
  };
}

interface Snapshot {
  archived: number;
  tasks: number;
  members: number;
  incidents: number;
}

/** What an import may change: archive size, live tasks, members, incidents. */
async function snapshot(): Promise<Snapshot> {
  const archive = await rest.call('GET', `${base}/archive/tasks?limit=1`);
  const tasks = await rest.call('GET', `${base}/tasks?limit=1`);
  const members = await rest.call('GET', `${base}/members`);
  const incidents = await rest.call('GET', `${base}/incidents?limit=1`);
  const total = (reply: RestReply) =>
    Number(reply.headers.get('x-total-count') ?? (reply.body as { total?: number }).total);
  return {
    archived: (archive.body as { total: number }).total,
    tasks: total(tasks),
    members: (members.body as unknown[]).length,
    incidents: total(incidents)
  };
}

const badRunboard = JSON.stringify([
  {
    title: 'fine',
    status: 'done',
    createdAt: '2024-02-01T00:00:00Z',
    doneAt: '2024-02-02T00:00:00Z'
  },
  { title: 'no time', status: 'done', createdAt: '2024-02-01T00:00:00Z' },
  { title: 'where', status: 'Somewhere', createdAt: '2024-02-01T00:00:00Z' }
]);

describe('history import', () => {
  it('previews a Jira export with ?dryRun=1 and writes nothing', async () => {
    const before = await snapshot();
    const reply = await upload('format=jira-csv&dryRun=1', fixture('jira-export.csv'));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({
      imported: 0,
      errors: [],
      summary: null,
      preview: {
        total: 4,
        archived: 2,
        live: 2,
        byKind: { task: 2, incident: 1, change: 1 },
        newMembers: [
          { name: '张伟', email: null },
          { name: 'alice', email: 'alice@example.com' },
          { name: '王芳', email: null }
        ]
      }
    });
    const preview = (reply.body as { preview: { sample: { row: number; column: string }[] } })
      .preview;
    expect(preview.sample.map((s) => s.row)).toEqual([2, 6, 7, 8]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a file with a bad row (422, rows and translated messages) and writes nothing', async () => {
    const before = await snapshot();
    const reply = await upload('format=runboard-json', badRunboard, 'admin', 'zh-CN');
    expect(reply.status, reply.text).toBe(422);
    const body = errorShape.parse(reply.body);
    expect(body.error.code).toBe('import_rejected');
    const details = body.error.details as { row: number; message: string }[];
    expect(details.map((d) => d.row)).toEqual([2, 3]);
    expect(details[0]!.message).toContain('doneAt');
    expect(details[1]!.message).toContain('Somewhere');
    expect(details[1]!.message).toMatch(/看板上没有/);
    // The dry run lists the same rows, with 200.
    const dry = await upload('format=runboard-json&dryRun=true', badRunboard);
    expect(dry.status).toBe(200);
    expect((dry.body as { errors: { row: number }[] }).errors.map((e) => e.row)).toEqual([2, 3]);
    expect(await snapshot()).toEqual(before);
  });

  it('lets only admins and owners import', async () => {
    for (const role of ['operator', 'viewer']) {
      const reply = await upload('format=jira-csv&dryRun=1', fixture('jira-export.csv'), role);
      expect(reply.status).toBe(403);
    }
    const bad = await upload('format=excel', '[]');
    expect(bad.status).toBe(400);
  });

  it('imports a Jira export: archive with times, board cards, incident records, inactive members', async () => {
    const before = await snapshot();
    const reply = await upload('format=jira-csv', fixture('jira-export.csv'));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({
      imported: 4,
      errors: [],
      summary: { archived: 2, live: 2, incidents: 1, membersCreated: 3 }
    });
    expect(await snapshot()).toEqual({
      archived: before.archived + 2,
      tasks: before.tasks + 2,
      members: before.members + 3,
      incidents: before.incidents + 1
    });

    // Finished items are in the archive, with the file's times.
    const archive = await rest.call('GET', `${base}/archive/tasks?q=certificate`);
    const [cert] = (archive.body as { items: Record<string, unknown>[] }).items;
    expect(cert).toMatchObject({
      title: 'Renew TLS certificate for api.example.com',
      kind: 'task',
      priority: 'high',
      createdAt: '2024-03-13T14:30:00.000Z',
      startedAt: '2024-03-14T09:00:00.000Z',
      doneAt: '2024-03-15T16:40:00.000Z'
    });
    expect(cert!['key']).toMatch(/^[A-Z]+-\d+$/);

    // Open ones are on the board, in the matching column, with their own times.
    const live = await rest.call('GET', `${base}/tasks?q=Redis`);
    const [redis] = live.body as Record<string, unknown>[];
    expect(redis).toMatchObject({ kind: 'change', createdAt: '2024-03-21T15:05:00.000Z' });
    const disk = (
      (await rest.call('GET', `${base}/tasks?q=var`)).body as Record<string, unknown>[]
    )[0];
    expect(disk).toMatchObject({ startedAt: '2024-03-20T09:00:00.000Z', doneAt: null });
    const columns = (await rest.call('GET', `${base}/columns`)).body as {
      id: string;
      name: string;
    }[];
    expect(columns.find((c) => c.id === disk!['status'])?.name).toMatch(/progress/i);

    // The incident is an incident record, resolved at its time.
    const incidents = await rest.call('GET', `${base}/incidents?state=resolved`);
    const items =
      (incidents.body as { items?: Record<string, unknown>[] }).items ??
      (incidents.body as Record<string, unknown>[]);
    const mysql = items.find((i) => String(i['title']).includes('主从延迟'));
    expect(mysql).toBeDefined();
    const detail = await rest.call('GET', `${base}/incidents/${String(mysql!['id'])}`);
    expect(detail.body).toMatchObject({ state: 'resolved', severity: 'critical' });

    // Unknown assignees are inactive members; the audit log says so.
    const members = (await rest.call('GET', `${base}/members`)).body as Record<string, unknown>[];
    const zhang = members.find((m) => m['name'] === '张伟');
    expect(zhang).toMatchObject({ role: 'viewer', active: false });
    const audit = await rest.call('GET', `${base}/audit?limit=50`);
    const actions = JSON.stringify(audit.body);
    expect(actions).toContain('import.completed');
    expect(actions).toContain('import.member_created');
  });

  it('matches members already created, and the KPIs of the period count the imports', async () => {
    const items = [
      {
        title: 'MySQL 复制中断',
        kind: 'incident',
        status: 'done',
        priority: 'high',
        assignee: '张伟',
        createdAt: '2024-03-05T01:00:00Z',
        acknowledgedAt: '2024-03-05T01:10:00Z',
        resolvedAt: '2024-03-05T02:00:00Z'
      },
      {
        title: 'Patch kernel on web-01',
        status: 'done',
        assignee: 'alice@example.com',
        createdAt: '2024-03-06T01:00:00Z',
        startedAt: '2024-03-06T02:00:00Z',
        doneAt: '2024-03-06T05:00:00Z'
      }
    ];
    const dry = await upload('format=runboard-json&dryRun=1', JSON.stringify(items));
    expect((dry.body as { preview: { newMembers: unknown[] } }).preview.newMembers).toEqual([]);
    const before = await snapshot();
    const reply = await upload('format=runboard-json', JSON.stringify(items));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({ imported: 2, summary: { membersCreated: 0 } });
    expect((await snapshot()).members).toBe(before.members);

    const kpis = await rest.call(
      'GET',
      `${base}/reports/kpis?from=2024-03-01T00:00:00Z&to=2024-04-01T00:00:00Z`
    );
    expect(kpis.status, kpis.text).toBe(200);
    const report = kpis.body as Record<string, number>;
    // Two incidents: this one, acknowledged after 10 minutes, and the Jira one (12 Mar), which
    // was resolved after 85 minutes without an acknowledgement (its resolution stops MTTA).
    expect(report['incidents']).toBe(2);
    expect(report['mttaSeconds']).toBe((600 + 5100) / 2);
    expect(report['mttrSeconds']).toBe((3600 + 5100) / 2);
    // Plain tasks done in March: the certificate (Jira) and the kernel patch.
    expect(report['throughput']).toBe(2);
  });
});
