/**
 * Alert intake over REST against the production app (alerts-api.ts, alerts-service.ts):
 * integrations and their secrets, Alertmanager/Grafana/generic deliveries with the payloads the
 * sources really send (tests/fixtures/alerts), idempotence under re-sends and concurrency, bad
 * input that stores nothing, and the incident lifecycle with its board card.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { incidentSchema, incidentEventSchema } from '../../src/lib/shared/alerts/schema';
import * as Y from 'yjs';
import { taskSchema } from '../../src/lib/shared/board/schema';
import {
  acknowledgeIncident,
  getTask,
  listColumns,
  moveTask
} from '../../src/lib/shared/board/board-model';
import { connectClient, whenSynced } from '../helpers/clients';
import { readIncidentFacts } from '../../src/lib/shared/alerts/ledger';
import { setRunStep } from '../../src/lib/shared/board/task-runs';
import { errorShape, useRestApp } from '../helpers/rest';

const WS = 'alertrest';
const rest = useRestApp(WS, ['owner', 'admin', 'member', 'viewer'], 'runboard-rest-alerts-');
const base = `/api/v1/workspaces/${WS}`;

const incidentView = incidentSchema.extend({
  events: z.array(incidentEventSchema),
  runbookSteps: z.array(
    z.object({ at: z.string(), by: z.string().nullable(), step: z.string(), done: z.boolean() })
  )
});
const created = z.object({ id: z.string(), secret: z.string(), hookPath: z.string() });
const intake = z.object({
  alerts: z.number(),
  newOccurrences: z.number(),
  opened: z.array(z.string()),
  reopened: z.array(z.string()),
  resolved: z.array(z.string()),
  truncatedAlerts: z.number()
});

type AmPayload = {
  groupKey: string;
  status: string;
  alerts: { status: string; startsAt: string; endsAt: string; fingerprint: string }[];
};

function fixture<T = AmPayload>(name: string): T {
  return JSON.parse(readFileSync(`tests/fixtures/alerts/${name}.json`, 'utf8')) as T;
}

/** The fixture with its own group key (so each test has its own incident). */
function amPayload(name: string, groupKey: string): AmPayload {
  return { ...fixture(name), groupKey };
}

async function createIntegration(type: string, settings?: unknown) {
  const reply = await rest.call('POST', `${base}/integrations`, {
    type,
    name: `${type} prod`,
    ...(settings === undefined ? {} : { settings })
  });
  expect(reply.status, reply.text).toBe(201);
  return created.parse(reply.body);
}

async function deliver(
  hookPath: string,
  secret: string | null,
  body: unknown,
  init: { raw?: string; contentType?: string } = {}
) {
  const headers: Record<string, string> = {
    'content-type': init.contentType ?? 'application/json'
  };
  if (secret !== null) headers.authorization = `Bearer ${secret}`;
  const response = await fetch(`${rest.app.baseUrl}${hookPath}`, {
    method: 'POST',
    headers,
    body: init.raw ?? JSON.stringify(body)
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : null };
}

async function incidents(): Promise<z.infer<typeof incidentSchema>[]> {
  const reply = await rest.call('GET', `${base}/incidents?limit=500`);
  expect(reply.status, reply.text).toBe(200);
  return z.array(incidentSchema).parse(reply.body);
}

async function incident(ref: string) {
  const reply = await rest.call('GET', `${base}/incidents/${ref}`, undefined, 'viewer');
  expect(reply.status, reply.text).toBe(200);
  return incidentView.parse(reply.body);
}

async function columnCategory(taskId: string): Promise<string> {
  const task = await rest.call('GET', `${base}/tasks/${taskId}`);
  expect(task.status, task.text).toBe(200);
  const status = taskSchema.parse(task.body).status;
  const columns = await rest.call('GET', `${base}/columns`);
  const list = z.array(z.object({ id: z.string(), category: z.string() })).parse(columns.body);
  return list.find((column) => column.id === status)!.category;
}

describe('integrations', () => {
  it('are managed by admins, and a secret is shown once', async () => {
    const integration = await createIntegration('alertmanager');
    expect(integration.secret).toMatch(/^rbi_[a-z2-9]{52}$/);
    expect(integration.hookPath).toBe(`/api/v1/hooks/alertmanager/${integration.id}`);

    const listed = await rest.call('GET', `${base}/integrations`, undefined, 'admin');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(integration.secret);
    expect(listed.text).toContain(integration.id);

    for (const role of ['member', 'viewer']) {
      const refused = await rest.call(
        'POST',
        `${base}/integrations`,
        { type: 'grafana', name: 'x' },
        role
      );
      expect(refused.status).toBe(403);
      expect((await rest.call('GET', `${base}/integrations`, undefined, role)).status).toBe(403);
    }
    const bad = await rest.call('POST', `${base}/integrations`, { type: 'zabbix', name: 'x' });
    expect(bad.status).toBe(400);
    errorShape.parse(bad.body);

    // A new secret replaces the old one at once.
    const rotated = await rest.call('POST', `${base}/integrations/${integration.id}/secret`);
    expect(rotated.status).toBe(201);
    const { secret } = z.object({ secret: z.string() }).parse(rotated.body);
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Rotated"}');
    expect((await deliver(integration.hookPath, integration.secret, payload)).status).toBe(401);
    expect((await deliver(integration.hookPath, secret, payload)).status).toBe(200);

    // Deleted: its hook answers 404; its incidents stay.
    expect((await rest.call('DELETE', `${base}/integrations/${integration.id}`)).status).toBe(204);
    expect((await deliver(integration.hookPath, secret, payload)).status).toBe(404);
    const audit = await rest.call('GET', `${base}/audit?action=integration`);
    expect(audit.text).toContain('integration.created');
    expect(audit.text).toContain('integration.secret_rotated');
    expect(audit.text).toContain('integration.deleted');
  });
});

describe('Alertmanager intake', () => {
  it('opens one incident per group, ignores re-sends, and resolves with the group', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const groupKey = '{}:{alertname="DiskFull"}';
    const firing = amPayload('alertmanager-firing', groupKey);

    const first = intake.parse((await deliver(hookPath, secret, firing)).body);
    expect(first).toMatchObject({ alerts: 2, newOccurrences: 2, reopened: [], resolved: [] });
    expect(first.opened).toHaveLength(1);
    const id = first.opened[0]!;

    // Alertmanager re-sends the whole group every group_interval: nothing changes.
    for (let i = 0; i < 3; i++) {
      const again = intake.parse((await deliver(hookPath, secret, firing)).body);
      expect(again).toMatchObject({ newOccurrences: 0, opened: [], reopened: [] });
    }
    const opened = await incident(id);
    expect(opened).toMatchObject({
      state: 'triggered',
      severity: 'critical',
      title: 'DiskFull (mysql)',
      labels: { alertname: 'DiskFull', service: 'mysql', severity: 'critical' }
    });
    expect(opened.key).toMatch(/^[A-Z]+-\d+$/);
    expect(opened.occurrences.map((o) => o.fingerprint).sort()).toEqual(
      firing.alerts.map((a) => a.fingerprint).sort()
    );
    expect(opened.occurrences.every((o) => o.endsAt === undefined)).toBe(true);
    expect(opened.events.map((e) => e.type)).toEqual(['opened']);

    // The card: an incident task on the board, found by its key too.
    const card = taskSchema.parse((await rest.call('GET', `${base}/tasks/${opened.key}`)).body);
    expect(card).toMatchObject({ id, kind: 'incident', priority: 'urgent' });
    expect(card.links.map((link) => link.type)).toEqual(['alert', 'alert']);
    expect(await columnCategory(id)).toBe('todo');
    // By key as well as by id.
    expect((await incident(opened.key!.toLowerCase())).id).toBe(id);

    // One alert resolves (the group still fires): the incident stays open.
    const partly = amPayload('alertmanager-partly-resolved', groupKey);
    partly.alerts = partly.alerts.map((alert, index) => ({
      ...alert,
      startsAt: firing.alerts[index]?.startsAt ?? alert.startsAt,
      fingerprint: firing.alerts[index]?.fingerprint ?? alert.fingerprint
    }));
    await deliver(hookPath, secret, partly);
    const half = await incident(id);
    expect(half.state).toBe('triggered');

    // The whole group resolves: the incident resolves itself, and its card is done.
    const resolved = amPayload('alertmanager-resolved', groupKey);
    resolved.alerts = firing.alerts.map((alert) => ({
      ...alert,
      status: 'resolved',
      endsAt: new Date().toISOString()
    }));
    resolved.status = 'resolved';
    const closing = intake.parse((await deliver(hookPath, secret, resolved)).body);
    expect(closing.resolved).toEqual([id]);
    const done = await incident(id);
    expect(done.state).toBe('resolved');
    expect(done.resolvedBy).toBeNull();
    expect(done.occurrences.every((o) => o.status === 'resolved' && o.endsAt)).toBe(true);
    expect(done.events.map((e) => e.type)).toContain('resolved');
    expect(await columnCategory(id)).toBe('done');
    // A late re-send of the firing group does not reopen it (same occurrences).
    const late = intake.parse((await deliver(hookPath, secret, firing)).body);
    expect(late).toMatchObject({ opened: [], reopened: [], newOccurrences: 0 });
    expect((await incident(id)).state).toBe('resolved');

    // Firing again (a new startsAt) inside the reopen window reopens it.
    const refire = amPayload('alertmanager-firing', groupKey);
    refire.alerts = refire.alerts.map((alert) => ({
      ...alert,
      startsAt: new Date().toISOString()
    }));
    const reopened = intake.parse((await deliver(hookPath, secret, refire)).body);
    expect(reopened.reopened).toEqual([id]);
    expect((await incident(id)).state).toBe('triggered');
    expect(await columnCategory(id)).toBe('todo');

    // Another group is another incident.
    const other = amPayload('alertmanager-firing', '{}:{alertname="Other"}');
    other.alerts = other.alerts.map((alert) => ({
      ...alert,
      fingerprint: `${alert.fingerprint}0`
    }));
    const second = intake.parse((await deliver(hookPath, secret, other)).body);
    expect(second.opened).toHaveLength(1);
    expect(second.opened[0]).not.toBe(id);
  });

  it('makes one incident of 50 identical deliveries at once', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Storm"}');
    const before = (await incidents()).length;
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => deliver(hookPath, secret, payload))
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const opened = replies.flatMap((r) => intake.parse(r.body).opened);
    expect(opened).toHaveLength(1);
    expect((await incidents()).length).toBe(before + 1);
    const storm = await incident(opened[0]!);
    expect(storm.occurrences).toHaveLength(2);
    const tasks = await rest.call('GET', `${base}/tasks?kind=incident&limit=500`);
    expect(
      z
        .array(taskSchema)
        .parse(tasks.body)
        .filter((t) => t.id === storm.id)
    ).toHaveLength(1);
  });

  it('refuses bad requests and stores nothing', async () => {
    const { id, hookPath, secret } = await createIntegration('alertmanager');
    const good = amPayload('alertmanager-firing', '{}:{alertname="Refused"}');
    const before = (await incidents()).length;

    const noSecret = await deliver(hookPath, null, good);
    expect(noSecret.status).toBe(401);
    expect(errorShape.parse(noSecret.body).error.code).toBe('invalid_secret');
    expect((await deliver(hookPath, `${secret}x`, good)).status).toBe(401);
    expect(
      (await deliver(`/api/v1/hooks/alertmanager/nosuchintegration`, secret, good)).status
    ).toBe(404);
    // The right id under another type is not this integration.
    expect((await deliver(`/api/v1/hooks/grafana/${id}`, secret, good)).status).toBe(404);

    const notJson = await deliver(hookPath, secret, null, { raw: '{"alerts": [' });
    expect(notJson.status).toBe(400);
    expect(errorShape.parse(notJson.body).error.message).toMatch(/not valid JSON/);
    const wrongShape = await deliver(hookPath, secret, { ...good, alerts: [{ labels: {} }] });
    expect(wrongShape.status).toBe(400);
    const details = z
      .array(z.object({ path: z.string(), message: z.string() }))
      .parse(errorShape.parse(wrongShape.body).error.details);
    expect(details.map((d) => d.path)).toContain('alerts.0.status');
    const badVersion = await deliver(hookPath, secret, { ...good, version: '3' });
    expect(badVersion.status).toBe(400);
    // One bad alert among good ones: the whole delivery is refused.
    const mixed = await deliver(hookPath, secret, {
      ...good,
      alerts: [...good.alerts, { ...good.alerts[0], startsAt: 'yesterday' }]
    });
    expect(mixed.status).toBe(400);

    const huge = await deliver(hookPath, secret, null, { raw: `"${'x'.repeat(1100 * 1024)}"` });
    expect(huge.status).toBe(413);

    expect((await incidents()).length).toBe(before);
    // And the integration still works.
    expect((await deliver(hookPath, secret, good)).status).toBe(200);
  });
});

describe('Grafana and generic intake', () => {
  it('takes Grafana unified alerting webhooks', async () => {
    const { hookPath, secret } = await createIntegration('grafana');
    const firing = fixture<Record<string, unknown>>('grafana-firing');
    const reply = await deliver(hookPath, secret, firing);
    expect(reply.status, reply.text).toBe(200);
    const [id] = intake.parse(reply.body).opened;
    const opened = await incident(id!);
    expect(opened.state).toBe('triggered');
    expect(opened.occurrences[0]!.annotations).toHaveProperty('dashboardURL');
    const resolved = intake.parse(
      (await deliver(hookPath, secret, fixture('grafana-resolved'))).body
    );
    expect(resolved.resolved).toEqual([id]);
  });

  it('reads generic JSON through the field mapping, and can only mark resolution', async () => {
    const { hookPath, secret } = await createIntegration('generic', {
      groupBy: 'fingerprint',
      autoResolve: 'mark',
      mapping: {
        title: 'title',
        fingerprint: 'id',
        status: 'status',
        severity: 'severity',
        // The event's time: when a resolve says it ended (a firing one starts a new occurrence).
        endsAt: 'time',
        labels: { host: 'host', service: 'service' }
      }
    });
    const firing = fixture<Record<string, string>>('generic-firing');
    const [id] = intake.parse((await deliver(hookPath, secret, firing)).body).opened;
    const opened = await incident(id!);
    expect(opened).toMatchObject({
      title: 'Disk full on db-1 (mysql)',
      severity: 'critical',
      labels: { host: 'db-1', service: 'mysql', severity: 'critical' }
    });
    const missing = await deliver(hookPath, secret, { id: 'x', status: 'firing' });
    expect(missing.status).toBe(400);
    expect(errorShape.parse(missing.body).error.message).toMatch(/no title/);

    await deliver(hookPath, secret, fixture('generic-resolved'));
    const marked = await incident(id!);
    expect(marked.state).toBe('triggered');
    expect(marked.alertsClearedAt).not.toBeNull();
    expect(marked.events.map((e) => e.type)).toContain('alerts_cleared');
    expect(marked.occurrences).toEqual([
      expect.objectContaining({ status: 'resolved', endsAt: '2026-12-04T09:25:00.000Z' })
    ]);
    // Firing again is a new occurrence of the same incident, no longer cleared.
    await deliver(hookPath, secret, firing);
    const again = await incident(id!);
    expect(again.occurrences).toHaveLength(2);
    expect(again.alertsClearedAt).toBeNull();
  });
});

describe('the incident lifecycle', () => {
  it('goes triggered → acknowledged → resolved → closed, and refuses the rest', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Lifecycle"}');
    const [id] = intake.parse((await deliver(hookPath, secret, payload)).body).opened;
    const path = `${base}/incidents/${id}`;

    expect((await rest.call('POST', `${path}/acknowledge`, undefined, 'viewer')).status).toBe(403);
    const early = await rest.call('POST', `${path}/close`, undefined, 'member');
    expect(early.status).toBe(409);
    expect(errorShape.parse(early.body).error.code).toBe('invalid_transition');

    const acked = await rest.call('POST', `${path}/acknowledge`, { comment: 'on it' }, 'member');
    expect(acked.status, acked.text).toBe(200);
    const ackedView = incidentView.parse(acked.body);
    expect(ackedView.state).toBe('acknowledged');
    expect(ackedView.acknowledgedBy).toBe(rest.users['member']!.userId);
    expect(ackedView.events.at(-1)).toMatchObject({
      type: 'acknowledged',
      data: { comment: 'on it' }
    });
    expect(await columnCategory(id!)).toBe('in_progress');
    const card = taskSchema.parse((await rest.call('GET', `${base}/tasks/${id}`)).body);
    expect(card.acknowledgedAt).not.toBeNull();
    // Again: the same answer, no second event.
    const again = incidentView.parse((await rest.call('POST', `${path}/acknowledge`)).body);
    expect(again.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);

    const noted = await rest.call(
      'POST',
      `${path}/notes`,
      { text: '磁盘已扩容 disk grown' },
      'member'
    );
    expect(noted.status, noted.text).toBe(201);
    expect(incidentView.parse(noted.body).events.at(-1)).toMatchObject({
      type: 'note',
      actor: rest.users['member']!.userId,
      data: { comment: '磁盘已扩容 disk grown' }
    });
    expect((await rest.call('POST', `${path}/notes`, { text: '' }, 'member')).status).toBe(400);
    expect((await rest.call('POST', `${path}/notes`, { text: 'x' }, 'viewer')).status).toBe(403);
    const resolved = incidentView.parse((await rest.call('POST', `${path}/resolve`)).body);
    expect(resolved.state).toBe('resolved');
    expect(await columnCategory(id!)).toBe('done');
    const closed = incidentView.parse((await rest.call('POST', `${path}/close`)).body);
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    const archived = taskSchema.parse((await rest.call('GET', `${base}/tasks/${id}`)).body);
    expect(archived.archivedAt).not.toBeNull();
    expect((await rest.call('POST', `${path}/acknowledge`)).status).toBe(409);

    const listed = await rest.call('GET', `${base}/incidents?state=closed`);
    expect(
      z
        .array(incidentSchema)
        .parse(listed.body)
        .map((i) => i.id)
    ).toContain(id);
    expect((await rest.call('GET', `${base}/incidents/NOPE-1`)).status).toBe(404);
  });
});

describe('routing, maintenance and enrichment', () => {
  it('applies the first matching rule, links matching runbooks, and refuses rules naming nothing', async () => {
    const member = rest.users['member']!.userId;
    const runbook = await rest.call('POST', `${base}/runbooks`, { title: 'Disk full on a host' });
    expect(runbook.status, runbook.text).toBe(201);
    const runbookId = z.object({ id: z.string() }).parse(runbook.body).id;
    const matched = await rest.call('PATCH', `${base}/runbooks/${runbookId}`, {
      alertMatchers: [{ label: 'alertname', value: 'diskfull' }]
    });
    expect(matched.status, matched.text).toBe(200);

    const refused = await rest.call('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'rules',
      settings: {
        rules: [
          {
            match: [{ name: 'service', value: 'mysql' }],
            assignee: 'nobody',
            channels: ['nochannel']
          }
        ]
      }
    });
    expect(refused.status).toBe(400);
    const paths = z
      .array(z.object({ path: z.string() }))
      .parse(errorShape.parse(refused.body).error.details)
      .map((d) => d.path);
    expect(paths).toEqual(['settings.rules.0.channels.0', 'settings.rules.0.assignee']);
    const badRegex = await rest.call('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'rules',
      settings: { rules: [{ match: [{ name: 'service', op: '=~', value: '(' }] }] }
    });
    expect(badRegex.status).toBe(400);

    const { hookPath, secret } = await createIntegration('alertmanager', {
      rules: [
        { match: [{ name: 'service', op: '=~', value: 'web|api' }], severity: 'info' },
        {
          match: [
            { name: 'service', value: 'mysql' },
            { name: 'severity', op: '!=', value: 'info' }
          ],
          severity: 'high',
          labels: { team: 'dba' },
          assignee: member
        }
      ]
    });
    const [id] = intake.parse(
      (await deliver(hookPath, secret, amPayload('alertmanager-firing', '{}:{alertname="Routed"}')))
        .body
    ).opened;
    const routed = await incident(id!);
    expect(routed).toMatchObject({ severity: 'high', labels: { team: 'dba', service: 'mysql' } });
    expect(routed.events[0]!.data).toMatchObject({ rule: 2 });
    const card = taskSchema.parse((await rest.call('GET', `${base}/tasks/${id}`)).body);
    expect(card).toMatchObject({ assignee: member, priority: 'high' });
    expect(card.links).toContainEqual(
      expect.objectContaining({ type: 'runbook', target: runbookId })
    );
  });

  it('holds alerts back during maintenance, lists them, and lets them open once it ends', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const window = await rest.call(
      'POST',
      `${base}/maintenance-windows`,
      {
        matchers: [{ name: 'instance', op: '=~', value: 'db-[0-9]+:9100' }],
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 3_600_000).toISOString(),
        reason: '磁盘扩容 disk expansion'
      },
      'member'
    );
    expect(window.status).toBe(403);
    const made = await rest.call('POST', `${base}/maintenance-windows`, {
      matchers: [{ name: 'instance', op: '=~', value: 'db-[0-9]+:9100' }],
      start: new Date(Date.now() - 60_000).toISOString(),
      end: new Date(Date.now() + 3_600_000).toISOString(),
      reason: '磁盘扩容 disk expansion'
    });
    expect(made.status, made.text).toBe(201);
    const windowId = z.object({ id: z.string() }).parse(made.body).id;

    const payload = amPayload('alertmanager-firing', '{}:{alertname="Held"}');
    payload.alerts = payload.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}h` }));
    const held = intake.parse((await deliver(hookPath, secret, payload)).body);
    expect(held).toMatchObject({ opened: [], newOccurrences: 2 });
    const list = z
      .array(z.object({ fingerprint: z.string(), heldBy: z.string() }))
      .parse((await rest.call('GET', `${base}/alerts/held`, undefined, 'viewer')).body);
    expect(list.filter((o) => o.heldBy === windowId)).toHaveLength(2);
    // Re-sent while the window lasts: still held.
    expect(intake.parse((await deliver(hookPath, secret, payload)).body).opened).toEqual([]);

    expect((await rest.call('DELETE', `${base}/maintenance-windows/${windowId}`)).status).toBe(204);
    const after = intake.parse((await deliver(hookPath, secret, payload)).body);
    expect(after.opened).toHaveLength(1);
    const opened = await incident(after.opened[0]!);
    expect(opened.occurrences).toHaveLength(2);
    expect(opened.occurrences.every((o) => o.heldBy === undefined)).toBe(true);
  });
});

describe('what Alertmanager does around the edges', () => {
  it('resolves an incident whose alerts resolve under a new group key, and ends replaced alerts', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const firing = amPayload('alertmanager-firing', '{}:{alertname="Regrouped"}');
    firing.alerts = firing.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}rg` }));
    const [id] = intake.parse((await deliver(hookPath, secret, firing)).body).opened;
    // group_by changed while they fired: the resolve comes under another group key.
    const resolved = {
      ...firing,
      groupKey: '{}:{alertname="Regrouped",instance=~".*"}',
      status: 'resolved',
      alerts: firing.alerts.map((a) => ({
        ...a,
        status: 'resolved',
        endsAt: new Date().toISOString()
      }))
    };
    const result = intake.parse((await deliver(hookPath, secret, resolved)).body);
    expect(result.resolved).toEqual([id]);
    expect((await incident(id!)).events.filter((e) => e.type === 'alert_resolved')).toHaveLength(2);

    // The same fingerprint with a later start: the earlier occurrence ended then.
    const again = amPayload('alertmanager-firing', '{}:{alertname="Replaced"}');
    again.alerts = again.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}rp` }));
    const [second] = intake.parse((await deliver(hookPath, secret, again)).body).opened;
    const later = new Date(Date.parse(again.alerts[0]!.startsAt) + 60_000).toISOString();
    const replaced = { ...again, alerts: [{ ...again.alerts[0]!, startsAt: later }] };
    await deliver(hookPath, secret, replaced);
    const view = await incident(second!);
    const first = view.occurrences.filter((o) => o.fingerprint === again.alerts[0]!.fingerprint);
    expect(first.map((o) => [o.status, o.endsAt ?? null])).toEqual([
      ['resolved', later],
      ['firing', null]
    ]);
  });
});

/** Polls an async condition (bounded). */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('incident cards on the board', () => {
  it('acknowledge and resolve their incident when a member moves them, offline or not', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="FromTheBoard"}');
    payload.alerts = payload.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}fb` }));
    const [id] = intake.parse((await deliver(hookPath, secret, payload)).body).opened;

    // A phone that was offline: it acknowledges on its copy, then reconnects.
    const phone = connectClient(rest.app.wsUrl, `${WS}.board`, {
      connect: false,
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(phone);
    const online = connectClient(rest.app.wsUrl, `${WS}.board`, {
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(online);
    await whenSynced(online);
    Y.applyUpdate(phone.doc, Y.encodeStateAsUpdate(online.doc));
    acknowledgeIncident(phone.doc, id!);
    phone.provider.connect();
    await whenSynced(phone);
    await eventually(async () => (await incident(id!)).state === 'acknowledged', 'acknowledged');
    const acked = await incident(id!);
    expect(acked.acknowledgedBy).toBe(rest.users['member']!.userId);

    // Dragged back to a to-do column: the card goes back where the incident is.
    const columns = listColumns(online.doc);
    const todo = columns.find((c) => c.category === 'todo')!;
    const done = columns.find((c) => c.category === 'done')!;
    moveTask(online.doc, id!, { status: todo.id });
    await eventually(
      () =>
        columns.find((c) => c.id === getTask(online.doc, id!)?.status)?.category === 'in_progress',
      'the card put back'
    );
    // Dragged to done: resolved, by the member.
    moveTask(online.doc, id!, { status: done.id });
    await eventually(async () => (await incident(id!)).state === 'resolved', 'resolved');
    expect((await incident(id!)).resolvedBy).toBe(rest.users['member']!.userId);
  });
});

describe('the post-incident review', () => {
  it('starts once, from the template, with the incident’s facts, linked from its card', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Reviewed"}');
    payload.alerts = payload.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}rv` }));
    const [id] = intake.parse((await deliver(hookPath, secret, payload)).body).opened;
    await rest.call(
      'POST',
      `${base}/incidents/${id}/resolve`,
      { comment: 'disk extended' },
      'member'
    );
    const started = await rest.call('POST', `${base}/incidents/${id}/review`, undefined, 'member');
    expect(started.status, started.text).toBe(201);
    const { runbookId } = z.object({ runbookId: z.string() }).parse(started.body);
    const again = await rest.call('POST', `${base}/incidents/${id}/review`, undefined, 'member');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ runbookId, created: false });
    expect(
      (await rest.call('POST', `${base}/incidents/${id}/review`, undefined, 'viewer')).status
    ).toBe(403);

    const exported = await rest.call('GET', `${base}/runbooks/${runbookId}/export?format=md`);
    expect(exported.status, exported.text).toBe(200);
    const view = await incident(id!);
    expect(exported.text).toContain(view.key!);
    expect(exported.text).toContain('Timeline');
    expect(exported.text).toMatch(/resolved the incident/);
    expect(exported.text).toContain('Action items');
    expect(view.events.at(-1)).toMatchObject({ type: 'review_started', data: { runbookId } });
    const card = taskSchema.parse((await rest.call('GET', `${base}/tasks/${id}`)).body);
    expect(card.links).toContainEqual(
      expect.objectContaining({ type: 'runbook', target: runbookId })
    );
  });
});

describe('the ledger', () => {
  it('mirrors incident facts read-only, for devices that are offline', async () => {
    const viewer = connectClient(rest.app.wsUrl, `${WS}.ledger`, {
      params: { token: rest.users['viewer']!.token }
    });
    rest.clients.push(viewer);
    await whenSynced(viewer);
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Ledgered"}');
    payload.alerts = payload.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}lg` }));
    const [id] = intake.parse((await deliver(hookPath, secret, payload)).body).opened;
    await eventually(
      () => readIncidentFacts(viewer.doc).some((f) => f.id === id && f.key !== null),
      'the incident in the ledger'
    );
    expect(readIncidentFacts(viewer.doc).find((f) => f.id === id)).toMatchObject({
      state: 'triggered',
      severity: 'critical',
      alerts: 2,
      firing: 2
    });
    await rest.call('POST', `${base}/incidents/${id}/acknowledge`, undefined, 'member');
    await eventually(
      () => readIncidentFacts(viewer.doc).find((f) => f.id === id)?.state === 'acknowledged',
      'the acknowledgement in the ledger'
    );

    // Even a member's connection is read-only: a forged fact never reaches anyone else.
    const member = connectClient(rest.app.wsUrl, `${WS}.ledger`, {
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(member);
    await whenSynced(member);
    member.doc.getMap('incidents').set(id!, { id, state: 'closed' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fresh = connectClient(rest.app.wsUrl, `${WS}.ledger`, {
      params: { token: rest.users['viewer']!.token }
    });
    rest.clients.push(fresh);
    await whenSynced(fresh);
    expect(readIncidentFacts(fresh.doc).find((f) => f.id === id)?.state).toBe('acknowledged');
  });
});

describe('runbook steps on the incident', () => {
  it('lists the steps members checked on its card while handling it', async () => {
    const { hookPath, secret } = await createIntegration('alertmanager');
    const payload = amPayload('alertmanager-firing', '{}:{alertname="Stepped"}');
    payload.alerts = payload.alerts.map((a) => ({ ...a, fingerprint: `${a.fingerprint}st` }));
    const [id] = intake.parse((await deliver(hookPath, secret, payload)).body).opened;
    const taskDoc = connectClient(rest.app.wsUrl, `${WS}.task.${id}`, {
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(taskDoc);
    await whenSynced(taskDoc);
    setRunStep(taskDoc.doc, 'rbdisk', 'step1', true, {
      actor: rest.users['member']!.userId,
      stepText: 'Free space on /var'
    });
    await eventually(async () => (await incident(id!)).runbookSteps.length === 1, 'the step');
    expect((await incident(id!)).runbookSteps[0]).toMatchObject({
      by: rest.users['member']!.userId,
      step: 'Free space on /var',
      done: true
    });
  });
});
